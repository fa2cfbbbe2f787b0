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
import io.peregrine.state.KeyChangeTracking;
import io.peregrine.state.ListState;
import io.peregrine.state.SlotTable;
import io.peregrine.state.TimerQueue;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import io.peregrine.metrics.JobCounters;

/**
 * An event-time temporal (as-of) join with the semantics of Flink's {@code TemporalRowTimeJoinOperator}
 * ({@code probe JOIN table FOR SYSTEM_TIME AS OF probe.ts}): each row of the right input is a new version of its
 * key, valid from its event time; a probe (left) row waits until the operator's watermark reaches its time and is
 * then joined with the latest version at or before its time (of equal times, the one that arrived last), or dropped
 * (inner) or padded with a null version (left outer) if there is none; the output has the probe's event time. After
 * the probe rows a watermark releases, a key keeps only the versions newer than the watermark and the latest at or
 * before it. A probe row at or behind the watermark on arrival is joined at once with the versions still held (the
 * latest at or before the watermark, if not newer than the probe, else none); a version behind the latest one at or
 * before the watermark is late: dropped and counted.
 * <p>
 * State per key: a slot (below), the waiting probe rows and the versions, each in a {@link ListState} of entries
 * {@code | event time (long) | row bytes |} in arrival order, and at most one event-time timer, at the earliest
 * waiting probe's time. While both lists are in time order (the usual case) a release is one merge walk of the two
 * lists and the rows it releases and the versions it drops are a prefix of each; out of order, each probe row is
 * matched by a walk of the versions.
 * <pre>
 *   key slot, 32 bytes:
 *   0               8                   16                  24        28
 *   +---------------+-------------------+-------------------+---------+-----------------+
 *   | timer (long)  | last version time | last probe time   |  flags  | prune in        |
 *   +---------------+-------------------+-------------------+---------+-----------------+
 *   flags: 1 timer set, 2 versions out of time order, 4 probes out of time order, 8 has versions, 16 has probes
 *   prune in: versions to add before the key's versions are pruned again (besides a release): as many as the last
 *   pruning left, at least 8, so pruning costs a constant per version even for a key no probe row releases
 * </pre>
 */
final class TemporalJoinOperator extends JoinOperator
{
    static final int TIME = 0;
    static final int HEADER = 8;
    static final long KEYS_TAG = 0;
    static final int SLOT_LENGTH = 32;
    private static final int TIMER = 0;
    private static final int LAST_VERSION = 8;
    private static final int LAST_PROBE = 16;
    private static final int FLAGS = 24;
    private static final int PRUNE_IN = 28;
    private static final int HAS_TIMER = 1;
    private static final int VERSIONS_UNORDERED = 2;
    private static final int PROBES_UNORDERED = 4;
    private static final int HAS_VERSIONS = 8;
    private static final int HAS_PROBES = 16;
    private static final int MIN_PRUNE = 8;
    private static final int QUEUES = 4;

    private final JoinFunction fn;
    private final boolean outer;
    private final SlotTable keys;
    private final ListState probes = new ListState();
    private final ListState versions = new ListState();
    private final ListState.Cursor probeCursor;
    private final ListState.Cursor versionCursor;
    private final UnsafeBuffer version = new UnsafeBuffer(0, 0);
    private final TimerQueue timers = new TimerQueue();
    private final TimerQueue.TimerConsumer fire = this::fire;
    private final ListState.EntryPredicate waiting = this::waiting;
    private final ListState.EntryPredicate current = this::current;
    private final TimerCodec timerCodec = new TimerCodec();
    /** Probe rows that arrived in time order, released from the head as the watermark passes (a few queues, so that
     * the interleaved in-order streams of several producer shards each fit one). */
    private final RowQueue[] queues = new RowQueue[QUEUES];
    private final LongHashSet released = new LongHashSet();
    private final java.util.function.LongConsumer pruneReleased = this::pruneReleased;
    private long versionTime;
    private int versionIndex;
    private int visited;

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
            final boolean found = keys.find(k) && floor(k, keys.value().getInt(FLAGS), watermark);
            if (found && versionTime <= ts)
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
        keys.findOrInsert(k);
        final MutableDirectBuffer slot = keys.value();
        int flags = slot.getInt(FLAGS);
        if (ts <= watermark && floor(k, flags, watermark) && ts < versionTime)
        {
            late();
            return;
        }
        if ((flags & HAS_VERSIONS) != 0 && ts < slot.getLong(LAST_VERSION))
        {
            flags |= VERSIONS_UNORDERED;
        }
        else
        {
            slot.putLong(LAST_VERSION, ts);
        }
        slot.putInt(FLAGS, flags | HAS_VERSIONS);
        header.putLong(TIME, ts);
        keep(versions, k, HEADER, row.buffer(), row.offset(), row.length());
        final int pruneIn = slot.getInt(PRUNE_IN) - 1;
        if (pruneIn <= 0)
        {
            prune(k, slot);
        }
        else
        {
            slot.putInt(PRUNE_IN, pruneIn);
        }
    }

    /**
     * Release the queued probe rows the watermark has reached, then the keys' timers; then prune the versions of the
     * keys the queues released (not before: a key's held probe rows of this watermark may need them).
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
        timers.pollDue(watermark, fire, Integer.MAX_VALUE);
        if (!released.isEmpty())
        {
            released.forEachLong(pruneReleased);
            released.clear();
        }
    }

    private void releaseQueued(final RowQueue queue)
    {
        final long k = queue.headKey();
        final long probeTime = queue.headTime();
        boolean found = false;
        if (keys.find(k) && versionCursor.reset(k))
        {
            if ((keys.value().getInt(FLAGS) & VERSIONS_UNORDERED) != 0)
            {
                found = floor(k, VERSIONS_UNORDERED, probeTime);
                released.add(k);
            }
            else
            {
                // In time order: the last version at or before the probe's time; and the key is worth pruning once
                // the watermark's step is over if two versions are at or before the watermark.
                int atOrBeforeWatermark = 0;
                while (versionCursor.next())
                {
                    final long t = versionCursor.entry().getLong(TIME);
                    if (t > watermark)
                    {
                        break;
                    }
                    atOrBeforeWatermark++;
                    if (t <= probeTime)
                    {
                        version.wrap(versionCursor.entry());
                        versionTime = t;
                        found = true;
                    }
                }
                if (atOrBeforeWatermark > 1)
                {
                    released.add(k);
                }
            }
        }
        final DirectBuffer row = queue.headRow();
        leftRow.wrap(leftSchema, row, 0, row.capacity());
        leftRow.meta(probeTime, -1, -1);
        if (found)
        {
            emit(leftRow, wrap(rightRow, rightSchema, version, HEADER, versionTime), probeTime, RowKind.INSERT, null);
        }
        else if (outer)
        {
            emit(leftRow, null, probeTime, RowKind.INSERT, null);
        }
    }

    private void pruneReleased(final long k)
    {
        if (keys.find(k))
        {
            keys.findOrInsert(k);
            prune(k, keys.value());
        }
    }

    /**
     * The timer of a key's earliest waiting probe row: release the rows the watermark has reached, prune the versions,
     * wait for the next row.
     */
    private void fire(final long time, final long k)
    {
        if (!keys.find(k) || (keys.value().getInt(FLAGS) & HAS_TIMER) == 0 || keys.value().getLong(TIMER) != time)
        {
            return; // superseded by an earlier probe row's timer, which has done this key's work
        }
        keys.findOrInsert(k); // the slot changes: a find's flyweight is for reading (dirty tracking, copy on write)
        final MutableDirectBuffer slot = keys.value();
        int flags = slot.getInt(FLAGS);
        final int released = release(k, flags);
        if ((flags & PROBES_UNORDERED) == 0)
        {
            probes.removeFirst(k, released);
        }
        else
        {
            probes.retainIf(k, waiting);
        }
        flags &= ~HAS_TIMER;
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
            slot.putLong(TIMER, next);
            flags |= HAS_TIMER;
        }
        else
        {
            flags &= ~(HAS_PROBES | PROBES_UNORDERED);
        }
        slot.putInt(FLAGS, flags);
        prune(k, slot);
    }

    /**
     * Emit every waiting probe row of the key at or before the watermark with its version.
     *
     * @return rows released: with probe rows in time order, the first ones of the list.
     */
    private int release(final long k, final int flags)
    {
        if (!probeCursor.reset(k))
        {
            return 0;
        }
        int released = 0;
        if ((flags & (PROBES_UNORDERED | VERSIONS_UNORDERED)) == 0)
        {
            boolean more = versionCursor.reset(k) && versionCursor.next();
            boolean found = false;
            long foundTime = 0;
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
                    version.wrap(versionCursor.entry());
                    foundTime = version.getLong(TIME);
                    found = true;
                    more = versionCursor.next();
                }
                emitProbe(probe, probeTime, found, foundTime);
                released++;
            }
            return released;
        }
        while (probeCursor.next())
        {
            final DirectBuffer probe = probeCursor.entry();
            final long probeTime = probe.getLong(TIME);
            if (probeTime <= watermark)
            {
                emitProbe(probe, probeTime, floor(k, VERSIONS_UNORDERED, probeTime), versionTime);
                released++;
            }
        }
        return released;
    }

    private void emitProbe(final DirectBuffer probe, final long probeTime, final boolean found, final long foundTime)
    {
        wrap(leftRow, leftSchema, probe, HEADER, probeTime);
        if (found)
        {
            emit(leftRow, wrap(rightRow, rightSchema, version, HEADER, foundTime), probeTime, RowKind.INSERT, null);
        }
        else if (outer)
        {
            emit(leftRow, null, probeTime, RowKind.INSERT, null);
        }
    }

    /**
     * Find the key's latest version at or before {@code time} (of equal times the last in the list) into
     * {@link #version}, {@link #versionTime} and {@link #versionIndex}.
     *
     * @return false if it has none.
     */
    private boolean floor(final long k, final int flags, final long time)
    {
        if (!versionCursor.reset(k))
        {
            return false;
        }
        final boolean ordered = (flags & VERSIONS_UNORDERED) == 0;
        boolean found = false;
        while (versionCursor.next())
        {
            final long t = versionCursor.entry().getLong(TIME);
            if (t <= time)
            {
                if (!found || t >= versionTime)
                {
                    found = true;
                    versionTime = t;
                    versionIndex = versionCursor.index();
                    version.wrap(versionCursor.entry());
                }
            }
            else if (ordered)
            {
                break;
            }
        }
        return found;
    }

    /**
     * Drop the key's versions older than its latest at or before the watermark; remove the key if nothing is left.
     */
    private void prune(final long k, final MutableDirectBuffer slot)
    {
        int flags = slot.getInt(FLAGS);
        if (floor(k, flags, watermark))
        {
            if ((flags & VERSIONS_UNORDERED) == 0)
            {
                versions.removeFirst(k, versionIndex);
            }
            else
            {
                visited = 0;
                versions.retainIf(k, current);
                if (versions.size(k) <= 1)
                {
                    flags &= ~VERSIONS_UNORDERED;
                }
            }
        }
        final int left = versions.size(k);
        slot.putInt(PRUNE_IN, Math.max(MIN_PRUNE, left));
        if (left == 0)
        {
            flags &= ~(HAS_VERSIONS | VERSIONS_UNORDERED);
        }
        if ((flags & (HAS_VERSIONS | HAS_PROBES)) == 0)
        {
            keys.remove(k);
        }
        else
        {
            slot.putInt(FLAGS, flags);
        }
    }

    /** Keeps the versions after the watermark and the latest at or before it ({@link #versionIndex}). */
    private boolean current(final DirectBuffer entry)
    {
        final int index = visited++;
        return index == versionIndex || entry.getLong(TIME) > watermark;
    }

    /** Keeps the probe rows after the watermark. */
    private boolean waiting(final DirectBuffer entry)
    {
        return entry.getLong(TIME) > watermark;
    }

    /**
     * The queued probe rows are moved into their keys' lists first (with timers): a checkpoint holds only keyed state,
     * which a restore on another shard count spreads by key.
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
        return keys.size() * (SLOT_LENGTH + 16) + probes.heldBytes() + versions.heldBytes() + queuedBytes();
    }

    private long queuedBytes()
    {
        long bytes = 0;
        for (final RowQueue queue : queues)
        {
            bytes += queue.bytes();
        }
        return bytes;
    }

    long stateKeys()
    {
        return keys.size();
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
