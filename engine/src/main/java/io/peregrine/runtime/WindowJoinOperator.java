package io.peregrine.runtime;

import io.peregrine.api.KeySelector;
import io.peregrine.api.Row;
import io.peregrine.api.RowKind;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.WindowJoinFunction;
import io.peregrine.api.Windows;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import io.peregrine.config.Settings;
import io.peregrine.config.StateFactory;
import io.peregrine.state.KeyChangeTracking;
import io.peregrine.state.ListState;
import io.peregrine.state.SlotTable;
import io.peregrine.state.TimerQueue;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import io.peregrine.metrics.JobCounters;

/**
 * A window join of two keyed streams with the semantics of Flink's {@code JoinedStreams} (a co-group of the two
 * inputs in one keyed window, then every pair of a left and a right row): when the watermark reaches a window's
 * {@code end - 1}, every pair of a left and a right row of a key in that window is emitted, with the event time
 * {@code end - 1}. A record is assigned to each of its windows not yet fired; one whose every window has fired is late
 * (dropped and counted). Session windows gather the rows of both sides and merge when they overlap or touch (Flink's
 * {@code TimeWindow#intersects}); a record is late if its session, after merging, has fired.
 * <p>
 * Rows are kept once, whatever the number of windows they belong to, in a {@link ListState} per side and key with
 * entries {@code | event time (long) | row bytes |}: a window is the rows whose times fall in it. Tumbling and sliding
 * windows have an event-time timer per (window end - 1, key); when one fires, the key's rows in the window are joined
 * and rows older than the next window's start are dropped. A key's open sessions are in a slot of
 * {@code | count (long) | (start, end) per session |}, with a timer at each session's {@code end - 1}; when one fires,
 * the session's rows are joined and dropped. With {@code distinct}, a row equal in bytes to an earlier row of its side,
 * key and window does not join.
 */
final class WindowJoinOperator extends JoinOperator
{
    static final int TIME = 0;
    static final int HEADER = 8;
    static final long SESSIONS_TAG = 0;
    private static final int COUNT = 0;
    private static final int SESSIONS = 8;

    private final WindowJoinFunction fn;
    private final boolean session;
    private final boolean distinct;
    private final long size;
    private final long slide;
    private final int capacity;
    private final SlotTable sessions;
    private final ListState left = new ListState();
    private final ListState right = new ListState();
    private final ListState.Cursor leftCursor;
    private final ListState.Cursor rightCursor;
    /** Walk a side's list up to a row, for the distinct check. */
    private final ListState.Cursor earlierLeft;
    private final ListState.Cursor earlierRight;
    private final TimerQueue timers = new TimerQueue();
    private final TimerQueue.TimerConsumer fire = this::fire;
    private final ListState.EntryPredicate outside = this::outside;
    private final TimerCodec timerCodec = new TimerCodec();
    private long windowStart;
    private long windowEnd;
    /** Rows before this time go when a tumbling or sliding window fires; rows in [windowStart, windowEnd) when a session does. */
    private long keepFrom;

    WindowJoinOperator(
        final String name, final KeySelector leftKey, final KeySelector rightKey, final Schema leftSchema,
        final Schema rightSchema, final Schema outSchema, final WindowJoinFunction fn, final Windows windows,
        final boolean distinct, final StateFactory stateFactory, final int shard, final int sessionCapacity,
        final int maxRowLength, final JobCounters counters)
    {
        super(name, leftKey, rightKey, leftSchema, rightSchema, outSchema, maxRowLength, counters, shard);
        this.fn = fn;
        this.session = windows.kind() == Windows.Kind.SESSION;
        this.distinct = distinct;
        this.size = windows.size();
        this.slide = windows.slide();
        this.capacity = sessionCapacity;
        this.sessions = session ? stateFactory.create(name + "-sessions", shard, SESSIONS + 16 * sessionCapacity) : null;
        this.leftCursor = left.cursor();
        this.rightCursor = right.cursor();
        this.earlierLeft = left.cursor();
        this.earlierRight = right.cursor();
    }

    void join(final Row left, final Row right, final RowWriter out) throws Exception
    {
        fn.join(left, right, windowStart, windowEnd, out);
    }

    void onLeft(final Row row)
    {
        add(left, key(leftKey, row), row);
    }

    void onRight(final Row row)
    {
        add(right, key(rightKey, row), row);
    }

    private void add(final ListState list, final long k, final Row row)
    {
        final long ts = row.eventTime();
        if (!(session ? assignSession(k, ts) : assignWindows(k, ts)))
        {
            late();
            return;
        }
        header.putLong(TIME, ts);
        keep(list, k, HEADER, row.buffer(), row.offset(), row.length());
    }

    /**
     * @return false if every window of the time has fired.
     */
    private boolean assignWindows(final long k, final long ts)
    {
        boolean assigned = false;
        for (long start = ts - Math.floorMod(ts, slide); start > ts - size; start -= slide)
        {
            final long end = start + size;
            if (end - 1 > watermark)
            {
                timers.register(end - 1, k);
                assigned = true;
            }
        }
        return assigned;
    }

    /**
     * Merge {@code [ts, ts + gap)} with the key's sessions it overlaps or touches, unless the result has fired.
     *
     * @return false if the record's session has fired (the record is late).
     */
    private boolean assignSession(final long k, final long ts)
    {
        long start = ts;
        long end = ts + size;
        final boolean present = sessions.find(k);
        MutableDirectBuffer slot = sessions.value();
        int count = present ? (int)slot.getLong(COUNT) : 0;
        boolean merging = true;
        while (merging)
        {
            merging = false;
            for (int i = 0; i < count; i++)
            {
                final int at = SESSIONS + 16 * i;
                if (slot.getLong(at) <= end && slot.getLong(at + 8) >= start)
                {
                    if (slot.getLong(at) < start || slot.getLong(at + 8) > end)
                    {
                        start = Math.min(start, slot.getLong(at));
                        end = Math.max(end, slot.getLong(at + 8));
                        merging = true;
                    }
                }
            }
        }
        if (end - 1 <= watermark)
        {
            return false;
        }
        // Written from here on: a find's flyweight is for reading only (dirty tracking, copy on write).
        sessions.findOrInsert(k);
        slot = sessions.value();
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            final int at = SESSIONS + 16 * i;
            final long s = slot.getLong(at);
            final long e = slot.getLong(at + 8);
            if (s < start || e > end)
            {
                final int to = SESSIONS + 16 * kept++;
                slot.putLong(to, s);
                slot.putLong(to + 8, e);
            }
        }
        if (kept == capacity)
        {
            throw new IllegalStateException("window join '" + name + "': key " + k + " has more than " + capacity +
                " open sessions at watermark " + watermark + " (this record at " + ts + "); raise " +
                Settings.SESSION_CAPACITY.key() + " or the watermark's progress");
        }
        final int at = SESSIONS + 16 * kept;
        slot.putLong(at, start);
        slot.putLong(at + 8, end);
        slot.putLong(COUNT, kept + 1);
        timers.register(end - 1, k);
        return true;
    }

    void onEventTime(final long watermark)
    {
        timers.pollDue(watermark, fire, Integer.MAX_VALUE);
    }

    private void fire(final long time, final long k)
    {
        if (!session)
        {
            windowEnd = time + 1;
            windowStart = windowEnd - size;
            joinWindow(k);
            keepFrom = windowStart + slide;
            left.retainIf(k, outside);
            right.retainIf(k, outside);
            return;
        }
        if (!sessions.find(k))
        {
            return;
        }
        // Every session of the key the watermark has passed (the timer may be that of a session since merged).
        int i = 0;
        while (sessions.find(k) && i < (int)sessions.value().getLong(COUNT))
        {
            final int at = SESSIONS + 16 * i;
            if (sessions.value().getLong(at + 8) - 1 > watermark)
            {
                i++;
                continue;
            }
            sessions.findOrInsert(k);
            final MutableDirectBuffer slot = sessions.value();
            windowStart = slot.getLong(at);
            windowEnd = slot.getLong(at + 8);
            final int count = (int)slot.getLong(COUNT);
            final int last = SESSIONS + 16 * (count - 1);
            slot.putLong(at, slot.getLong(last));
            slot.putLong(at + 8, slot.getLong(last + 8));
            slot.putLong(COUNT, count - 1);
            joinWindow(k);
            keepFrom = Long.MIN_VALUE;
            left.retainIf(k, outside);
            right.retainIf(k, outside);
            if (count == 1)
            {
                sessions.remove(k);
            }
        }
    }

    /**
     * Emit every pair of the key's rows in {@code [windowStart, windowEnd)}.
     */
    private void joinWindow(final long k)
    {
        if (!leftCursor.reset(k) || right.size(k) == 0)
        {
            return;
        }
        while (leftCursor.next())
        {
            final long leftTime = leftCursor.entry().getLong(TIME);
            if (leftTime < windowStart || leftTime >= windowEnd || distinct && seenBefore(left, k, leftCursor))
            {
                continue;
            }
            wrap(leftRow, leftSchema, leftCursor.entry(), HEADER, leftTime);
            rightCursor.reset(k);
            while (rightCursor.next())
            {
                final DirectBuffer entry = rightCursor.entry();
                final long rightTime = entry.getLong(TIME);
                if (rightTime < windowStart || rightTime >= windowEnd || distinct && seenBefore(right, k, rightCursor))
                {
                    continue;
                }
                emit(leftRow, wrap(rightRow, rightSchema, entry, HEADER, rightTime), windowEnd - 1, RowKind.INSERT, null);
            }
        }
    }

    /**
     * @return true if a row of the window equal in bytes to the cursor's comes before it in the list.
     */
    private boolean seenBefore(final ListState list, final long k, final ListState.Cursor at)
    {
        final DirectBuffer entry = at.entry();
        final int length = entry.capacity();
        final ListState.Cursor other = list == left ? earlierLeft : earlierRight;
        other.reset(k);
        while (other.next() && other.index() < at.index())
        {
            final DirectBuffer candidate = other.entry();
            final long time = candidate.getLong(TIME);
            if (time >= windowStart && time < windowEnd && candidate.capacity() == length &&
                sameBytes(candidate, entry, length))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean sameBytes(final DirectBuffer a, final DirectBuffer b, final int length)
    {
        int i = HEADER;
        for (; i + 8 <= length; i += 8)
        {
            if (a.getLong(i) != b.getLong(i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (a.getByte(i) != b.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    private boolean outside(final DirectBuffer entry)
    {
        final long time = entry.getLong(TIME);
        return session ? time < windowStart || time >= windowEnd : time >= keepFrom;
    }

    void snapshotState(final int op, final SnapshotWriter writer)
    {
        if (sessions != null)
        {
            writer.table(op, SESSIONS_TAG, sessions);
        }
        writer.keyedState(op, LEFT_TAG, left);
        writer.keyedState(op, RIGHT_TAG, right);
    }

    /**
     * {@code | window timers (TimerCodec) |}
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
        if (tag == SESSIONS_TAG && sessions != null)
        {
            return Checkpointed.single(sessions, reset);
        }
        return super.restoreTable(tag, reset);
    }

    public KeyChangeTracking restoreKeyedState(final long tag, final boolean reset)
    {
        if (tag == LEFT_TAG || tag == RIGHT_TAG)
        {
            return restoreList(tag == LEFT_TAG ? left : right, reset);
        }
        return super.restoreKeyedState(tag, reset);
    }

    long stateBytes()
    {
        return (sessions == null ? 0 : sessions.size() * (sessions.valueLength() + 16)) + left.heldBytes() + right.heldBytes();
    }

    long stateKeys()
    {
        return Math.max(left.keyCount(), right.keyCount());
    }

    public void close()
    {
        super.close();
        left.close();
        right.close();
        timers.close();
        if (sessions != null)
        {
            sessions.close();
        }
    }
}
