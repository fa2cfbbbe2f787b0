package io.peregrine.runtime;

import io.peregrine.api.JoinFunction;
import io.peregrine.api.KeySelector;
import io.peregrine.api.Row;
import io.peregrine.api.RowKind;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import io.peregrine.config.StateFactory;
import io.peregrine.metrics.JobCounters;
import io.peregrine.state.KeyChangeTracking;
import io.peregrine.state.ListState;
import io.peregrine.state.SlotTable;
import io.peregrine.state.TimerQueue;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.LongConsumer;

/**
 * An event-time temporal (as-of) join with the semantics of Flink's {@code TemporalRowTimeJoinOperator}
 * ({@code probe JOIN table FOR SYSTEM_TIME AS OF probe.ts}): each row of the right input is a new version of its
 * key, valid from its event time; a probe (left) row waits until the operator's watermark reaches its time and is
 * then joined with the latest version at or before its time (of equal times, the one that arrived last), or dropped
 * (inner) or padded with a null version (left outer) if there is none; the output has the probe's event time. After
 * a watermark's releases, a key keeps only the versions newer than the watermark and the latest at or before it. A
 * probe row at or behind the watermark on arrival is joined at once with the versions still held (the latest at or
 * before the watermark, if not newer than the probe, else none); a version behind the latest one at or before the
 * watermark is late: dropped and counted.
 * <p>
 * <b>Versions</b> are a {@link ListState} per key of entries {@code | event time (long) | row bytes | entry length
 * (int) |} kept in time order (of equal times, in arrival order), with a per-key header {@code | last version time
 * (long) | unused (int) | prune in (int) |} in the list's index slot (one probe of one table per version). A version
 * older than the key's last is appended, then moved back to its place over the trailing lengths (as far as the
 * producer shards' batches interleave: a few entries), so that a release never walks versions past the probe's time
 * and pruning drops a prefix. "Prune in" counts the versions to add before the list is pruned again (as many as the
 * last pruning left, at least 8: a constant per version even for a key no probe row releases).
 * <p>
 * <b>Waiting probe rows</b> that arrive in time order go to one of a few first-in first-out {@link RowQueue}s (so
 * that the interleaved in-order streams of several producer shards each fit one) and are released from the heads as
 * the watermark passes: no per-key state or timer. One that fits no queue waits in its key's list of probe rows (same
 * entries as versions) with an event-time timer at the key's earliest waiting time, its slot
 * {@code | timer (long) | last probe time (long) | flags (int) | pad |} (flags: 1 timer set, 4 probes out of time
 * order, 16 has probes), its entries {@code | event time (long) | row bytes |}. While a key's probe rows are in time
 * order a release is a merge walk of them and the versions; out of order, each probe row is matched by a walk of the
 * versions up to its time. Pruning waits until every row the watermark releases has been
 * emitted. Before a checkpoint the queued rows move into their keys' lists: a checkpoint holds only keyed state, which
 * a restore on another shard count spreads by key.
 */
final class TemporalJoinOperator extends JoinOperator
{
    static final int TIME = 0;
    static final int HEADER = 8;
    /** A version entry ends with its own length, so that the list can be walked backwards from its end. */
    static final int TRAILER = 4;
    static final long KEYS_TAG = 0;
    static final int SLOT_LENGTH = 24;
    /** Version list header. */
    private static final int LAST_VERSION = 0;
    private static final int PRUNE_IN = 12;
    private static final int VERSION_HEADER_LENGTH = 16;
    /** Key slot of waiting probe rows. */
    private static final int TIMER = 0;
    private static final int LAST_PROBE = 8;
    private static final int FLAGS = 16;
    private static final int HAS_TIMER = 1;
    private static final int PROBES_UNORDERED = 4;
    private static final int HAS_PROBES = 16;
    private static final int MIN_PRUNE = 8;
    private static final int QUEUES = 4;
    private static final long NOT_WALKED = -1;
    /** Versions at or before the watermark ahead of the latest of them that make a released key worth pruning. */
    private static final int PRUNE_STALE = 4;

    private final JoinFunction fn;
    private final boolean outer;
    private final SlotTable keys;
    private final ListState probes = new ListState();
    private final ListState versions = new ListState(1024, 64 * 1024, VERSION_HEADER_LENGTH);
    private final ListState.Cursor probeCursor;
    private final ListState.Cursor versionCursor;
    private final UnsafeBuffer version = new UnsafeBuffer(0, 0);
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(256);
    private final RowQueue[] queues = new RowQueue[QUEUES];
    private final TimerQueue timers = new TimerQueue();
    private final TimerQueue.TimerConsumer fire = this::fire;
    private final LongHashSet released = new LongHashSet();
    /** Per key, where the queues' releases of this watermark last found a version: entry position, index. */
    private final Long2LongHashMap walked = new Long2LongHashMap(NOT_WALKED);
    private final LongConsumer prune = this::prune;
    private final ListState.EntryPredicate waiting = this::waiting;
    private final TimerCodec timerCodec = new TimerCodec();
    private long versionTime;
    private int versionIndex;

    TemporalJoinOperator(
        final String name, final KeySelector probeKey, final KeySelector versionKey, final Schema probeSchema,
        final Schema versionSchema, final Schema outSchema, final JoinFunction fn, final boolean outer,
        final StateFactory stateFactory, final int shard, final int maxRowLength, final JobCounters counters)
    {
        super(name, probeKey, versionKey, probeSchema, versionSchema, outSchema, maxRowLength, counters, shard);
        this.fn = fn;
        this.outer = outer;
        this.keys = stateFactory.create(name + "-keys", shard, SLOT_LENGTH);
        this.probeCursor = probes.cursor();
        this.versionCursor = versions.cursor();
        for (int i = 0; i < QUEUES; i++)
        {
            queues[i] = new RowQueue(16 * 1024);
        }
    }

    void join(final Row left, final Row right, final RowWriter out) throws Exception
    {
        fn.join(left, right, out);
    }

    void onLeft(final Row row)
    {
        final long k = key(leftKey, row);
        final long ts = row.eventTime();
        if (ts <= watermark)
        {
            if (floor(k, watermark) && versionTime <= ts)
            {
                emit(row, wrap(rightRow, rightSchema, version, HEADER, versionTime), ts, RowKind.INSERT, row);
            }
            else if (outer)
            {
                emit(row, null, ts, RowKind.INSERT, row);
            }
            return;
        }
        RowQueue queue = null;
        for (final RowQueue q : queues)
        {
            if (q.lastTime() <= ts && (queue == null || q.lastTime() > queue.lastTime()))
            {
                queue = q;
            }
        }
        if (queue != null)
        {
            queue.add(ts, k, row.buffer(), row.offset(), row.length());
        }
        else
        {
            hold(k, ts, row.buffer(), row.offset(), row.length());
        }
    }

    /**
     * Keep a probe row in its key's list, with a timer at the earliest waiting time of the key.
     */
    private void hold(final long k, final long ts, final DirectBuffer src, final int offset, final int length)
    {
        keys.findOrInsert(k);
        final MutableDirectBuffer slot = keys.value();
        int flags = slot.getInt(FLAGS);
        if ((flags & HAS_PROBES) != 0 && ts < slot.getLong(LAST_PROBE))
        {
            flags |= PROBES_UNORDERED;
        }
        else
        {
            slot.putLong(LAST_PROBE, ts);
        }
        flags |= HAS_PROBES;
        if ((flags & HAS_TIMER) == 0 || ts < slot.getLong(TIMER))
        {
            timers.register(ts, k);
            slot.putLong(TIMER, ts);
            flags |= HAS_TIMER;
        }
        slot.putInt(FLAGS, flags);
        header.putLong(TIME, ts);
        keep(probes, k, HEADER, src, offset, length);
    }

    void onRight(final Row row)
    {
        final long k = key(rightKey, row);
        final long ts = row.eventTime();
        if (ts <= watermark && floor(k, watermark) && ts < versionTime)
        {
            late();
            return;
        }
        final int length = HEADER + row.length() + TRAILER;
        final MutableDirectBuffer entry = versions.claim(k, length);
        entry.putLong(TIME, ts);
        entry.putBytes(HEADER, row.buffer(), row.offset(), row.length());
        entry.putInt(length - TRAILER, length);
        final MutableDirectBuffer h = versions.header();
        if (versions.count() > 1 && ts < h.getLong(LAST_VERSION))
        {
            moveBack(ts, length);
        }
        else
        {
            h.putLong(LAST_VERSION, ts);
        }
        final int pruneIn = h.getInt(PRUNE_IN) - 1;
        if (pruneIn <= 0)
        {
            prune(k);
        }
        else
        {
            h.putInt(PRUNE_IN, pruneIn);
        }
    }

    /**
     * Move the version just appended (its entry {@code length} bytes long) back to where its time belongs in the key's
     * list: after the last version at or before it, so that the list stays in time order and, of equal times, in
     * arrival order. The walk goes backwards over the versions' trailers; versions arrive out of order only as far as
     * the interleaving of the producer shards' batches, so it is short.
     */
    private void moveBack(final long ts, final int length)
    {
        final MutableDirectBuffer block = versions.block();
        final int need = ListState.LENGTH_PREFIX + length;
        final int added = block.capacity() - need;
        int position = added;
        while (position > 0)
        {
            final int previous = block.getInt(position - TRAILER);
            if (block.getLong(position - previous + TIME) <= ts)
            {
                break;
            }
            position -= ListState.LENGTH_PREFIX + previous;
        }
        scratch.putBytes(0, block, added, need);
        block.putBytes(position + need, block, position, added - position);
        block.putBytes(position, scratch, 0, need);
    }

    /** Point {@link #version} at a version entry's time and row, without its trailer. */
    private void takeVersion(final DirectBuffer entry)
    {
        version.wrap(entry, 0, entry.capacity() - TRAILER);
    }

    /**
     * Release the queued probe rows the watermark has reached, then the keys' timers; then prune the versions of the
     * keys released (not before: another of a key's rows released at this watermark may need them).
     */
    void onEventTime(final long watermark)
    {
        for (final RowQueue queue : queues)
        {
            while (queue.size() > 0 && queue.headTime() <= watermark)
            {
                releaseQueued(queue);
                queue.poll();
            }
        }
        walked.clear();
        timers.pollDue(watermark, fire, Integer.MAX_VALUE);
        if (!released.isEmpty())
        {
            released.forEachLong(prune);
            released.clear();
        }
    }

    private void releaseQueued(final RowQueue queue)
    {
        final long k = queue.headKey();
        final long probeTime = queue.headTime();
        boolean found = false;
        if (versionCursor.reset(k))
        {
            // In time order: a row's version is at or after that of any earlier row of the key released at this
            // watermark, so the walk goes on from the version found last, unless this row is earlier than it (the
            // queues are each in time order, not together); nothing changes the lists until the releases are done.
            final long memo = walked.get(k);
            if (memo != NOT_WALKED)
            {
                versionCursor.reset(k, (int)(memo >>> 32), (int)memo);
                versionCursor.next();
                if (versionCursor.entry().getLong(TIME) > probeTime)
                {
                    versionCursor.reset(k);
                }
                else
                {
                    versionCursor.reset(k, (int)(memo >>> 32), (int)memo);
                }
            }
            int lastAtOrBeforeWatermark = -1;
            int position = -1;
            int index = -1;
            while (versionCursor.next())
            {
                final long t = versionCursor.entry().getLong(TIME);
                if (t > watermark)
                {
                    break;
                }
                lastAtOrBeforeWatermark = versionCursor.index();
                if (t > probeTime)
                {
                    break;
                }
                takeVersion(versionCursor.entry());
                versionTime = t;
                found = true;
                position = versionCursor.entryPosition();
                index = versionCursor.index();
            }
            if (found)
            {
                walked.put(k, (long)position << 32 | index);
            }
            if (lastAtOrBeforeWatermark >= PRUNE_STALE)
            {
                released.add(k); // versions to prune once this watermark's rows are out
            }
        }
        final DirectBuffer row = queue.headRow();
        leftRow.wrap(leftSchema, row, 0, row.capacity());
        leftRow.meta(probeTime, -1, -1);
        emitProbe(probeTime, found);
    }

    private void emitProbe(final long probeTime, final boolean found)
    {
        if (found)
        {
            emit(leftRow, wrap(rightRow, rightSchema, version, HEADER, versionTime), probeTime, RowKind.INSERT, null);
        }
        else if (outer)
        {
            emit(leftRow, null, probeTime, RowKind.INSERT, null);
        }
    }

    /**
     * The timer of a key's earliest held probe row: release the rows the watermark has reached, wait for the next.
     */
    private void fire(final long time, final long k)
    {
        if (!keys.find(k) || (keys.value().getInt(FLAGS) & HAS_TIMER) == 0 || keys.value().getLong(TIMER) != time)
        {
            return; // superseded by an earlier probe row's timer, which has done this key's work
        }
        keys.findOrInsert(k); // the slot changes: a find's flyweight is for reading (dirty tracking, copy on write)
        int flags = keys.value().getInt(FLAGS);
        final int releasedRows = release(k, flags);
        if ((flags & PROBES_UNORDERED) == 0)
        {
            probes.removeFirst(k, releasedRows);
        }
        else
        {
            probes.retainIf(k, waiting);
        }
        released.add(k);
        if (probeCursor.reset(k))
        {
            long next = Long.MAX_VALUE;
            while (probeCursor.next())
            {
                next = Math.min(next, probeCursor.entry().getLong(TIME));
                if ((flags & PROBES_UNORDERED) == 0)
                {
                    break;
                }
            }
            timers.register(next, k);
            keys.findOrInsert(k);
            keys.value().putLong(TIMER, next);
            keys.value().putInt(FLAGS, flags);
        }
        else
        {
            keys.remove(k);
        }
    }

    /**
     * Emit every held probe row of the key at or before the watermark with its version.
     *
     * @return rows released: with probe rows in time order, the first ones of the list.
     */
    private int release(final long k, final int flags)
    {
        int releasedRows = 0;
        if ((flags & PROBES_UNORDERED) == 0 && versionCursor.reset(k))
        {
            // Both in time order: one merge walk.
            boolean more = versionCursor.next();
            boolean found = false;
            probeCursor.reset(k);
            while (probeCursor.next())
            {
                final DirectBuffer probe = probeCursor.entry();
                final long probeTime = probe.getLong(TIME);
                if (probeTime > watermark)
                {
                    break;
                }
                while (more && versionCursor.entry().getLong(TIME) <= probeTime)
                {
                    takeVersion(versionCursor.entry());
                    versionTime = version.getLong(TIME);
                    found = true;
                    more = versionCursor.next();
                }
                wrap(leftRow, leftSchema, probe, HEADER, probeTime);
                emitProbe(probeTime, found);
                releasedRows++;
            }
            return releasedRows;
        }
        probeCursor.reset(k);
        while (probeCursor.next())
        {
            final DirectBuffer probe = probeCursor.entry();
            final long probeTime = probe.getLong(TIME);
            if (probeTime <= watermark)
            {
                final boolean found = floor(k, probeTime);
                wrap(leftRow, leftSchema, probe, HEADER, probeTime);
                emitProbe(probeTime, found);
                releasedRows++;
            }
        }
        return releasedRows;
    }

    /**
     * Find the key's latest version at or before {@code time} (of equal times the last in the list) into
     * {@link #version}, {@link #versionTime} and {@link #versionIndex}.
     *
     * @return false if it has none.
     */
    private boolean floor(final long k, final long time)
    {
        if (!versionCursor.reset(k))
        {
            return false;
        }
        boolean found = false;
        while (versionCursor.next())
        {
            final long t = versionCursor.entry().getLong(TIME);
            if (t > time)
            {
                break;
            }
            found = true;
            versionTime = t;
            versionIndex = versionCursor.index();
            takeVersion(versionCursor.entry());
        }
        return found;
    }

    /**
     * Drop the key's versions older than its latest at or before the watermark.
     */
    private void prune(final long k)
    {
        if (!floor(k, watermark))
        {
            return;
        }
        versions.removeFirst(k, versionIndex);
        final MutableDirectBuffer h = versions.headerOf(k);
        h.putInt(PRUNE_IN, Math.max(MIN_PRUNE, versions.size(k)));
    }

    /** Keeps the probe rows after the watermark. */
    private boolean waiting(final DirectBuffer entry)
    {
        return entry.getLong(TIME) > watermark;
    }

    /**
     * The queued probe rows are moved into their keys' lists first (with timers): a checkpoint holds only keyed state.
     */
    void snapshotState(final int op, final SnapshotWriter writer)
    {
        for (final RowQueue queue : queues)
        {
            while (queue.size() > 0)
            {
                final DirectBuffer row = queue.headRow();
                hold(queue.headKey(), queue.headTime(), row, 0, row.capacity());
                queue.poll();
            }
        }
        writer.table(op, KEYS_TAG, keys);
        writer.keyedState(op, LEFT_TAG, probes);
        writer.keyedState(op, RIGHT_TAG, versions);
    }

    /**
     * {@code | probe timers (TimerCodec) |}
     */
    int snapshotBlob(final ExpandableDirectByteBuffer blob, final int offset)
    {
        return timerCodec.encode(timers, blob, offset);
    }

    void restoreBlob(final DirectBuffer buffer, final int offset)
    {
        TimerCodec.decode(buffer, offset, timers, ownsKey);
    }

    public SlotTable restoreTable(final long tag, final boolean reset)
    {
        if (tag == KEYS_TAG)
        {
            return Checkpointed.single(keys, reset);
        }
        return super.restoreTable(tag, reset);
    }

    public KeyChangeTracking restoreKeyedState(final long tag, final boolean reset)
    {
        if (tag == LEFT_TAG || tag == RIGHT_TAG)
        {
            return restoreList(tag == LEFT_TAG ? probes : versions, reset);
        }
        return super.restoreKeyedState(tag, reset);
    }

    long stateBytes()
    {
        long queued = 0;
        for (final RowQueue queue : queues)
        {
            queued += queue.bytes();
        }
        return keys.size() * (SLOT_LENGTH + 16) + probes.heldBytes() + versions.heldBytes() + queued;
    }

    long stateKeys()
    {
        return Math.max(versions.keyCount(), keys.size());
    }

    public void close()
    {
        super.close();
        keys.close();
        probes.close();
        versions.close();
        timers.close();
    }
}
