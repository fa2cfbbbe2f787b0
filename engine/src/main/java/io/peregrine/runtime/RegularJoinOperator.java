package io.peregrine.runtime;

import io.peregrine.api.JoinCondition;
import io.peregrine.api.JoinFunction;
import io.peregrine.api.KeySelector;
import io.peregrine.api.Row;
import io.peregrine.api.RowKind;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.checkpoint.SnapshotWriter;
import io.peregrine.state.KeyChangeTracking;
import io.peregrine.state.ListState;
import io.peregrine.state.TimerQueue;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import io.peregrine.metrics.JobCounters;

/**
 * A regular (unbounded) join of two keyed streams, inner or left outer, with the semantics of Flink's
 * {@code StreamingJoinOperator} over append-only inputs: each row is joined with every row of the other side kept for
 * its key for which the join's condition (if any) holds, then kept itself; an inner join emits {@code +I} per match;
 * a left outer join emits a left row without a match padded with nulls ({@code +I}) and, when a right row brings its
 * first match, retracts that row ({@code -D}, the retractions of every left row the right row matches first) before
 * the joined rows ({@code +I}). Output event time: the later of the two rows'.
 * <p>
 * Each side's rows are in a {@link ListState} per key, in arrival order, each entry a header and the row's bytes:
 * <pre>
 *   0                   8                   8 + 4 (outer)
 *   +-------------------+---------+-------------------+------------------------+
 *   | event time (long) | matches | written (long)    |  row bytes ...         |
 *   +-------------------+---------+-------------------+------------------------+
 *   matches: right rows a left row has joined (outer joins only; 0 while it stands padded)
 *   written: processing time of the row's last write, its arrival or, for a left row of an outer join, its last new
 *   match (with a state time-to-live only)
 * </pre>
 * With a state time-to-live a row whose {@code written + ttl} has passed on the job's clock is never joined again and
 * is removed by a processing-time timer per key (one pending at a time, at the earliest expiry it knows of).
 */
final class RegularJoinOperator extends JoinOperator
{
    static final int TIME = 0;

    private final JoinFunction fn;
    private final JoinCondition condition;
    private final boolean outer;
    private final long ttl;
    private final int matchesAt;
    private final int writtenAt;
    private final int headerLength;
    private final ListState left = new ListState();
    private final ListState right = new ListState();
    private final ListState.Cursor cursor;
    private final ListState.Cursor leftCursor;
    private final TimerQueue expiries = new TimerQueue();
    private final TimerQueue.TimerConsumer onExpiry = this::expire;
    private final ListState.EntryUpdater retract = this::retract;
    private final ListState.EntryPredicate live = this::live;
    private final TimerCodec timerCodec = new TimerCodec();
    private long nowMs;
    private long earliestKept;
    private Row arriving;

    RegularJoinOperator(
        final String name, final KeySelector leftKey, final KeySelector rightKey, final Schema leftSchema,
        final Schema rightSchema, final Schema outSchema, final JoinFunction fn, final JoinCondition condition,
        final boolean outer, final long ttl, final int maxRowLength, final JobCounters counters, final int shard,
        final long nowMs)
    {
        super(name, leftKey, rightKey, leftSchema, rightSchema, outSchema, maxRowLength, counters, shard);
        this.fn = fn;
        this.condition = condition;
        this.outer = outer;
        this.ttl = ttl;
        this.nowMs = nowMs;
        this.matchesAt = 8;
        this.writtenAt = outer ? 12 : 8;
        this.headerLength = writtenAt + (ttl > 0 ? 8 : 0);
        this.cursor = right.cursor();
        this.leftCursor = left.cursor();
    }

    void join(final Row left, final Row right, final RowWriter out) throws Exception
    {
        fn.join(left, right, out);
    }

    private boolean expired(final DirectBuffer entry)
    {
        return ttl > 0 && entry.getLong(writtenAt) + ttl <= nowMs;
    }

    private boolean holds(final Row left, final Row right, final Row cause)
    {
        try
        {
            return condition == null || condition.test(left, right);
        }
        catch (final Throwable t)
        {
            onFailure(cause, t);
            return false;
        }
    }

    void onLeft(final Row row)
    {
        final long k = key(leftKey, row);
        final long ts = row.eventTime();
        final boolean first = ttl > 0 && left.size(k) == 0 && right.size(k) == 0;
        int matches = 0;
        if (cursor.reset(k))
        {
            while (cursor.next())
            {
                final DirectBuffer entry = cursor.entry();
                if (!expired(entry))
                {
                    final long rightTime = entry.getLong(TIME);
                    final Row r = wrap(rightRow, rightSchema, entry, headerLength, rightTime);
                    if (holds(row, r, row))
                    {
                        emit(row, r, Math.max(ts, rightTime), RowKind.INSERT, row);
                        matches++;
                    }
                }
            }
        }
        if (outer && matches == 0)
        {
            emit(row, null, ts, RowKind.INSERT, row);
        }
        keep(left, k, row, matches);
        if (first)
        {
            expiries.register(nowMs + ttl, k);
        }
    }

    void onRight(final Row row)
    {
        final long k = key(rightKey, row);
        final long ts = row.eventTime();
        final boolean first = ttl > 0 && left.size(k) == 0 && right.size(k) == 0;
        if (outer)
        {
            // First every left row the new row matches that stood padded is retracted; each counts the new match.
            arriving = row;
            left.update(k, retract);
            arriving = null;
        }
        if (leftCursor.reset(k))
        {
            while (leftCursor.next())
            {
                final DirectBuffer entry = leftCursor.entry();
                if (!expired(entry))
                {
                    final long leftTime = entry.getLong(TIME);
                    final Row l = wrap(leftRow, leftSchema, entry, headerLength, leftTime);
                    if (holds(l, row, row))
                    {
                        emit(l, row, Math.max(ts, leftTime), RowKind.INSERT, row);
                    }
                }
            }
        }
        keep(right, k, row, 0);
        if (first)
        {
            expiries.register(nowMs + ttl, k);
        }
    }

    private void retract(final MutableDirectBuffer entry)
    {
        if (expired(entry))
        {
            return;
        }
        final long leftTime = entry.getLong(TIME);
        final Row l = wrap(leftRow, leftSchema, entry, headerLength, leftTime);
        if (!holds(l, arriving, arriving))
        {
            return;
        }
        final int matches = entry.getInt(matchesAt);
        if (matches == 0)
        {
            emit(l, null, leftTime, RowKind.DELETE, arriving);
        }
        entry.putInt(matchesAt, matches + 1);
        if (ttl > 0)
        {
            entry.putLong(writtenAt, nowMs);
        }
    }

    private void keep(final ListState list, final long k, final Row row, final int matches)
    {
        header.putLong(TIME, row.eventTime());
        if (outer)
        {
            header.putInt(matchesAt, matches);
        }
        if (ttl > 0)
        {
            header.putLong(writtenAt, nowMs);
        }
        keep(list, k, headerLength, row.buffer(), row.offset(), row.length());
    }

    public int onProcessingTime(final long nowMs)
    {
        this.nowMs = nowMs;
        return ttl > 0 ? expiries.pollDue(nowMs, onExpiry, Integer.MAX_VALUE) : 0;
    }

    /**
     * A key's expiry timer: drop its expired rows; if any are left, wait for the earliest of them.
     */
    private void expire(final long time, final long k)
    {
        earliestKept = Long.MAX_VALUE;
        left.retainIf(k, live);
        right.retainIf(k, live);
        if (earliestKept != Long.MAX_VALUE)
        {
            expiries.register(earliestKept + ttl, k);
        }
    }

    private boolean live(final DirectBuffer entry)
    {
        if (expired(entry))
        {
            return false;
        }
        earliestKept = Math.min(earliestKept, entry.getLong(writtenAt));
        return true;
    }

    void snapshotState(final int op, final SnapshotWriter writer)
    {
        writer.keyedState(op, LEFT_TAG, left);
        writer.keyedState(op, RIGHT_TAG, right);
    }

    /**
     * {@code | expiry timers (TimerCodec) |}
     */
    int snapshotBlob(final ExpandableDirectByteBuffer blob, final int offset)
    {
        return timerCodec.encode(expiries, blob, offset);
    }

    void restoreBlob(final DirectBuffer buffer, final int offset)
    {
        TimerCodec.decode(buffer, offset, expiries, ownsKey);
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
        return left.heldBytes() + right.heldBytes();
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
        expiries.close();
    }
}
