package io.peregrine.runtime;

import io.peregrine.config.StateFactory;

import io.peregrine.config.Settings;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import io.peregrine.api.KeySelector;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.state.SlotTable;
import io.peregrine.state.TimerQueue;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Session windows: a record at t opens [t, t + gap); sessions of a key that intersect merge, touching ones included
 * (Flink's {@code TimeWindow.intersects}: {@code [0, 10)} and {@code [10, 20)} become {@code [0, 20)}). The
 * open sessions of a key live together in its state slot; an event-time timer per key fires them
 * when the watermark passes their end and frees them after the allowed lateness.
 * <p>
 * Lateness is judged per record, against {@code max(operator watermark, the record's watermark)}
 * ({@link Row#recordWatermark()}): a session whose {@code end - 1 + allowedLateness} is at or below it is closed for
 * the record (in Flink it would have fired and been purged before the record arrived, had the watermark advanced after
 * every record), so the record does not merge into it even if the operator has not fired it yet; a record that merges
 * with no open session and whose own {@code [t, t + gap)} is closed is late (Flink's rule: the merged window is late).
 * <pre>
 *   slot: | count (long) | next timer (long) | timer set (long) | session 0 | ... | session capacity-1 |
 *   session: | start (long) | end (long) | fired (long) | accumulator |
 * </pre>
 */
final class SessionWindowOperator extends CollectingOperator implements Checkpointed
{
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(32);
    private static final int HEADER = 24;
    private static final int TIMER_SET = 16;
    private static final int TIMER = 8;
    private static final int START = 0;
    private static final int END = 8;
    private static final int FIRED = 16;
    private static final int ACC = 24;

    private final KeySelector key;
    private final long gap;
    private final long allowedLateness;
    private final WindowFunction fn;
    private final int capacity;
    private final int sessionLength;
    private final SlotTable state;
    private final TimerQueue timers = new TimerQueue();
    private final TimerQueue.TimerConsumer onTimer = this::onTimer;
    private final AtomicCounter lateCounter;
    private final UnsafeBuffer merged;
    private long watermark = Long.MIN_VALUE;
    private Operator lateOutput;

    SessionWindowOperator(
        final String name,
        final KeySelector key,
        final long gap,
        final long allowedLateness,
        final WindowFunction fn,
        final Schema outSchema,
        final StateFactory stateFactory,
        final int shard,
        final int capacity,
        final int maxRowLength,
        final AtomicCounter lateCounter)
    {
        super(name, outSchema, maxRowLength);
        this.key = key;
        this.gap = gap;
        this.allowedLateness = allowedLateness;
        this.fn = fn;
        this.capacity = capacity;
        this.sessionLength = ACC + ((fn.accumulatorLength() + 7) & ~7);
        this.state = stateFactory.create(name, shard, HEADER + capacity * sessionLength);
                this.lateCounter = lateCounter;
        this.merged = new UnsafeBuffer(BufferUtil.allocateDirectAligned(((sessionLength + 63) & ~63), 64));
    }

    void lateOutput(final Operator lateOutput)
    {
        this.lateOutput = lateOutput;
    }

    public void onRecord(final Row row)
    {
        final long timestamp = row.eventTime();
        final long k = keyOf(key, row);
        final long lateBefore = Math.max(watermark, row.recordWatermark());
        long start = timestamp;
        long end = timestamp + gap;
        final boolean exists = state.find(k);
        int count = exists ? (int)state.value().getLong(0) : 0;
        boolean overlaps = false;
        if (exists)
        {
            final MutableDirectBuffer slot = state.value();
            for (int i = 0; i < count; i++)
            {
                if (mergeable(slot, HEADER + i * sessionLength, start, end, lateBefore))
                {
                    overlaps = true;
                    break;
                }
            }
        }
        if (!overlaps && end - 1 + allowedLateness <= lateBefore)
        {
            lateCounter.incrementRelease();
            if (lateOutput != null)
            {
                lateOutput.onRecord(row);
            }
            return;
        }

        state.findOrInsert(k);
        final MutableDirectBuffer slot = state.value();
        // Merge every overlapping session into 'merged', removing them from the slot.
        merged.setMemory(0, sessionLength, (byte)0);
        initAccumulator();
        long wasFired = 0;
        int i = 0;
        while (i < count)
        {
            final int at = HEADER + i * sessionLength;
            if (mergeable(slot, at, start, end, lateBefore))
            {
                final long s = slot.getLong(at + START);
                final long e = slot.getLong(at + END);
                start = Math.min(start, s);
                end = Math.max(end, e);
                wasFired |= slot.getLong(at + FIRED);
                fn.merge(accumulator(), slot, at + ACC);
                final int lastAt = HEADER + (count - 1) * sessionLength;
                if (at != lastAt)
                {
                    slot.putBytes(at, slot, lastAt, sessionLength);
                }
                count--;
            }
            else
            {
                i++;
            }
        }
        if (count == capacity)
        {
            throw new IllegalStateException("session window '" + name + "': key " + k + " has more than " + capacity +
                " open sessions at watermark " + watermark + " (this record at " + timestamp + "); raise " +
                Settings.SESSION_CAPACITY.key() + " or the watermark's progress");
        }
        try
        {
            fn.add(accumulator(), row);
        }
        catch (final Throwable t)
        {
            onFailure(row, t);
            return;
        }
        final int at = HEADER + count * sessionLength;
        merged.putLong(START, start);
        merged.putLong(END, end);
        merged.putLong(FIRED, wasFired);
        slot.putBytes(at, merged, 0, sessionLength);
        slot.putLong(0, count + 1);
        final long due;
        if (end - 1 <= watermark)
        {
            fn.emit(k, start, end, view(slot, at + ACC), out);
            slot.putLong(at + FIRED, 1);
            due = end - 1 + allowedLateness;
        }
        else
        {
            due = end - 1;
        }
        if (slot.getLong(TIMER_SET) == 0 || due < slot.getLong(TIMER))
        {
            slot.putLong(TIMER_SET, 1);
            slot.putLong(TIMER, due);
            timers.register(due, k);
        }
    }

    /**
     * @return whether the session at {@code at} intersects {@code [start, end)} (touching counts) and is still open
     * for a record whose windows close at or below {@code lateBefore}.
     */
    private boolean mergeable(final DirectBuffer slot, final int at, final long start, final long end, final long lateBefore)
    {
        final long e = slot.getLong(at + END);
        return slot.getLong(at + START) <= end && start <= e && e - 1 + allowedLateness > lateBefore;
    }

    private final UnsafeBuffer emitView = new UnsafeBuffer(0, 0);

    private UnsafeBuffer view(final MutableDirectBuffer slot, final int offset)
    {
        emitView.wrap(slot, offset, sessionLength - ACC);
        return emitView;
    }

    private final UnsafeBuffer accumulatorView = new UnsafeBuffer(0, 0);

    private MutableDirectBuffer accumulator()
    {
        accumulatorView.wrap(merged, ACC, sessionLength - ACC);
        return accumulatorView;
    }

    private void initAccumulator()
    {
        fn.init(accumulator());
    }

    public void onWatermark(final long watermark)
    {
        if (watermark <= this.watermark)
        {
            return;
        }
        this.watermark = watermark;
        timers.pollDue(watermark, onTimer, Integer.MAX_VALUE);
        downstream.onWatermark(watermark);
        if (lateOutput != null)
        {
            lateOutput.onWatermark(watermark);
        }
    }

    private void onTimer(final long time, final long k)
    {
        if (!state.find(k))
        {
            return;
        }
        if (state.value().getLong(TIMER_SET) == 0 || state.value().getLong(TIMER) != time)
        {
            return;
        }
        // The slot is updated in place below: position it for update, which marks it changed for the next
        // incremental checkpoint (a find does not).
        state.findOrInsert(k);
        final MutableDirectBuffer slot = state.value();
        int count = (int)slot.getLong(0);
        long next = Long.MAX_VALUE;
        int i = 0;
        while (i < count)
        {
            final int at = HEADER + i * sessionLength;
            final long start = slot.getLong(at + START);
            final long end = slot.getLong(at + END);
            if (slot.getLong(at + FIRED) == 0 && end - 1 <= watermark)
            {
                fn.emit(k, start, end, view(slot, at + ACC), out);
                slot.putLong(at + FIRED, 1);
            }
            if (end - 1 + allowedLateness <= watermark)
            {
                final int lastAt = HEADER + (count - 1) * sessionLength;
                if (at != lastAt)
                {
                    slot.putBytes(at, slot, lastAt, sessionLength);
                }
                count--;
                continue;
            }
            next = Math.min(next, slot.getLong(at + FIRED) != 0 ? end - 1 + allowedLateness : end - 1);
            i++;
        }
        if (count == 0)
        {
            state.remove(k);
        }
        else
        {
            slot.putLong(0, count);
            slot.putLong(TIMER_SET, next == Long.MAX_VALUE ? 0 : 1);
            slot.putLong(TIMER, next);
            if (next != Long.MAX_VALUE)
            {
                timers.register(next, k);
            }
        }
    }

    public void onBarrier(final long id)
    {
        downstream.onBarrier(id);
        if (lateOutput != null)
        {
            lateOutput.onBarrier(id);
        }
    }

    /**
     * The sessions are in the keyed table; the timers are not journaled, since each key's slot records its one
     * live timer, and {@link #restoreEnd()} registers them again.
     */
    public void snapshot(final int op, final SnapshotWriter writer)
    {
        writer.table(op, 0, state);
        scratch.putLong(0, watermark);
        scratch.putLong(8, 0); // was the late count: a metric of the run, not state
        writer.blob(op, scratch, 0, 16);
    }

    public SlotTable restoreTable(final long tag, final boolean reset)
    {
        return Checkpointed.single(state, reset);
    }

    private int restoredBlobs;

    /** The smallest watermark of the shards that took the checkpoint (one, unless restored on another count). */
    public void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
        watermark = restoredBlobs++ == 0 ? buffer.getLong(offset) : Math.min(watermark, buffer.getLong(offset));
        // the late count (offset 8) is this run's metric: it starts from zero.
    }

    public void restoreEnd()
    {
        timers.clear();
        state.forEach(k ->
        {
            final MutableDirectBuffer slot = state.value();
            if (slot.getLong(TIMER_SET) != 0)
            {
                timers.register(slot.getLong(TIMER), k);
            }
        });
    }

    public String toString()
    {
        return "session window '" + name + "'";
    }

    public void onIdle()
    {
        downstream.onIdle();
        if (lateOutput != null)
        {
            lateOutput.onIdle();
        }
    }

    public void close()
    {
        state.close();
        timers.close();
    }
}
