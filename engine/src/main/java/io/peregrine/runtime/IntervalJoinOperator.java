package io.peregrine.runtime;

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
import io.peregrine.metrics.JobCounters;

/**
 * An interval join of two keyed streams with the semantics of Flink's {@code IntervalJoinOperator}: a left row
 * {@code a} and a right row {@code b} of one key join when {@code a.ts + lower <= b.ts <= a.ts + upper} (the bounds
 * inclusive, exclusive ones already narrowed by a millisecond), emitted when the second of them arrives with the event
 * time {@code max(a.ts, b.ts)}. A row whose time is below the operator's watermark (the smaller of the inputs') is late:
 * dropped and counted. A left row is kept until the watermark reaches {@code a.ts + max(upper, 0)}, a right row until
 * it reaches {@code b.ts + max(-lower, 0)}: after that no row of the other side that is not late can match it.
 * <p>
 * Each side's rows are in a {@link ListState} per key, entries {@code | event time (long) | row bytes |} in arrival
 * order; each side has an event-time timer per (cleanup time, key).
 */
final class IntervalJoinOperator extends JoinOperator
{
    static final int TIME = 0;
    static final int HEADER = 8;

    private final JoinFunction fn;
    private final long lower;
    private final long upper;
    private final ListState left = new ListState();
    private final ListState right = new ListState();
    private final ListState.Cursor leftCursor;
    private final ListState.Cursor rightCursor;
    private final TimerQueue leftCleanup = new TimerQueue();
    private final TimerQueue rightCleanup = new TimerQueue();
    private final ListState.EntryPredicate keepLeft = this::keepLeft;
    private final ListState.EntryPredicate keepRight = this::keepRight;
    private final TimerQueue.TimerConsumer cleanLeft = (time, k) -> left.retainIf(k, keepLeft);
    private final TimerQueue.TimerConsumer cleanRight = (time, k) -> right.retainIf(k, keepRight);
    private final TimerCodec timerCodec = new TimerCodec();

    IntervalJoinOperator(
        final String name, final KeySelector leftKey, final KeySelector rightKey, final Schema leftSchema,
        final Schema rightSchema, final Schema outSchema, final JoinFunction fn, final long lower, final long upper,
        final int maxRowLength, final JobCounters counters, final int shard)
    {
        super(name, leftKey, rightKey, leftSchema, rightSchema, outSchema, maxRowLength, counters, shard);
        this.fn = fn;
        this.lower = lower;
        this.upper = upper;
        this.leftCursor = left.cursor();
        this.rightCursor = right.cursor();
    }

    void join(final Row left, final Row right, final RowWriter out) throws Exception
    {
        fn.join(left, right, out);
    }

    private boolean isLate(final long ts)
    {
        return watermark != Long.MIN_VALUE && ts < watermark;
    }

    private long leftCleanupTime(final long ts)
    {
        return upper > 0 ? ts + upper : ts;
    }

    private long rightCleanupTime(final long ts)
    {
        return lower < 0 ? ts - lower : ts;
    }

    void onLeft(final Row row)
    {
        final long ts = row.eventTime();
        if (isLate(ts))
        {
            late();
            return;
        }
        final long k = key(leftKey, row);
        keep(left, k, row);
        if (rightCursor.reset(k))
        {
            final long from = ts + lower;
            final long to = ts + upper;
            while (rightCursor.next())
            {
                final DirectBuffer entry = rightCursor.entry();
                final long rightTime = entry.getLong(TIME);
                if (rightTime >= from && rightTime <= to)
                {
                    emit(row, wrap(rightRow, rightSchema, entry, HEADER, rightTime), Math.max(ts, rightTime),
                        RowKind.INSERT, row);
                }
            }
        }
        leftCleanup.register(leftCleanupTime(ts), k);
    }

    void onRight(final Row row)
    {
        final long ts = row.eventTime();
        if (isLate(ts))
        {
            late();
            return;
        }
        final long k = key(rightKey, row);
        keep(right, k, row);
        if (leftCursor.reset(k))
        {
            final long from = ts - upper;
            final long to = ts - lower;
            while (leftCursor.next())
            {
                final DirectBuffer entry = leftCursor.entry();
                final long leftTime = entry.getLong(TIME);
                if (leftTime >= from && leftTime <= to)
                {
                    emit(wrap(leftRow, leftSchema, entry, HEADER, leftTime), row, Math.max(ts, leftTime),
                        RowKind.INSERT, row);
                }
            }
        }
        rightCleanup.register(rightCleanupTime(ts), k);
    }

    private void keep(final ListState list, final long k, final Row row)
    {
        header.putLong(TIME, row.eventTime());
        keep(list, k, HEADER, row.buffer(), row.offset(), row.length());
    }

    void onEventTime(final long watermark)
    {
        leftCleanup.pollDue(watermark, cleanLeft, Integer.MAX_VALUE);
        rightCleanup.pollDue(watermark, cleanRight, Integer.MAX_VALUE);
    }

    private boolean keepLeft(final DirectBuffer entry)
    {
        return leftCleanupTime(entry.getLong(TIME)) > watermark;
    }

    private boolean keepRight(final DirectBuffer entry)
    {
        return rightCleanupTime(entry.getLong(TIME)) > watermark;
    }

    void snapshotState(final int op, final SnapshotWriter writer)
    {
        writer.keyedState(op, LEFT_TAG, left);
        writer.keyedState(op, RIGHT_TAG, right);
    }

    /**
     * {@code | left cleanup timers | right cleanup timers |} (TimerCodec each).
     */
    int snapshotBlob(final ExpandableDirectByteBuffer blob, final int offset)
    {
        return timerCodec.encode(rightCleanup, blob, timerCodec.encode(leftCleanup, blob, offset));
    }

    void restoreBlob(final DirectBuffer buffer, final int offset)
    {
        TimerCodec.decode(buffer, TimerCodec.decode(buffer, offset, leftCleanup, ownsKey), rightCleanup, ownsKey);
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
        leftCleanup.close();
        rightCleanup.close();
    }
}
