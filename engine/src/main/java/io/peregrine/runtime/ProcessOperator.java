package io.peregrine.runtime;

import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import io.peregrine.api.KeySelector;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.TimeDomain;
import io.peregrine.state.SlotTable;
import io.peregrine.state.TimerQueue;
import org.agrona.MutableDirectBuffer;

/**
 * Runs a {@link KeyedProcessFunction}: per-key state slot, event-time timers fired as the
 * watermark passes them, processing-time timers fired from the shard loop's clock.
 */
final class ProcessOperator extends CollectingOperator implements KeyedProcessFunction.Context, Checkpointed
{
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(1024);
    private int scratchAt;
    private final KeySelector key;
    private final KeyedProcessFunction fn;
    private final SlotTable state;
    private final TimerQueue eventTimers = new TimerQueue();
    private final TimerQueue processingTimers = new TimerQueue();
    private final TimerQueue.TimerConsumer onEventTimer = (time, key) -> onTimer(time, key, TimeDomain.EVENT_TIME);
    private final TimerQueue.TimerConsumer onProcessingTimer = (time, key) -> onTimer(time, key, TimeDomain.PROCESSING_TIME);
    private long currentKey;
    private long watermark = Long.MIN_VALUE;
    private long nowMs;

    ProcessOperator(
        final String name,
        final KeySelector key,
        final KeyedProcessFunction fn,
        final int stateLength,
        final Schema outSchema,
        final StateFactory stateFactory,
        final int shard,
        final int maxRowLength,
        final long startMs)
    {
        super(name, outSchema, maxRowLength);
        this.key = key;
        this.fn = fn;
        this.state = stateFactory.create(name, shard, stateLength);
                this.nowMs = startMs;
    }

    public void onRecord(final Row row)
    {
        try
        {
            currentKey = key.key(row);
            out.current = row;
            fn.processElement(row, this, out);
        }
        catch (final OperatorException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw OperatorException.wrap(name, row, t);
        }
    }

    public void onWatermark(final long watermark)
    {
        if (watermark <= this.watermark)
        {
            return;
        }
        this.watermark = watermark;
        eventTimers.pollDue(watermark, onEventTimer, Integer.MAX_VALUE);
        downstream.onWatermark(watermark);
    }

    public int onProcessingTime(final long nowMs)
    {
        this.nowMs = nowMs;
        return processingTimers.pollDue(nowMs, onProcessingTimer, Integer.MAX_VALUE);
    }

    private void onTimer(final long time, final long k, final TimeDomain domain)
    {
        currentKey = k;
        out.current = null;
        try
        {
            fn.onTimer(time, domain, this, out);
        }
        catch (final OperatorException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("operator '" + name + "' failed in onTimer(" + time + ", " + domain +
                ") for key " + k + ": " + t, t);
        }
    }

    public long key()
    {
        return currentKey;
    }

    public MutableDirectBuffer state()
    {
        state.findOrInsert(currentKey);
        return state.value();
    }

    public void clearState()
    {
        state.remove(currentKey);
    }

    public long currentWatermark()
    {
        return watermark;
    }

    public long currentProcessingTime()
    {
        return nowMs;
    }

    public void registerEventTimeTimer(final long timestamp)
    {
        eventTimers.register(timestamp, currentKey);
    }

    public void registerProcessingTimeTimer(final long timestamp)
    {
        processingTimers.register(timestamp, currentKey);
    }

    /**
     * The state table, then {@code | watermark (long) | event timers (int) | processing timers (int) |} and each
     * timer as {@code | time (long) | key (long) |}: timers are journaled whole at every checkpoint. State a
     * function keeps in its own fields is not in the checkpoint: keep it in {@link #state()}.
     */
    public void snapshot(final int op, final SnapshotWriter writer)
    {
        writer.table(op, 0, state);
        scratch.putLong(0, watermark);
        scratch.putInt(8, eventTimers.size());
        scratch.putInt(12, processingTimers.size());
        scratchAt = 16;
        eventTimers.forEach(this::putTimer);
        processingTimers.forEach(this::putTimer);
        writer.blob(op, scratch, 0, scratchAt);
    }

    private void putTimer(final long time, final long k)
    {
        scratch.putLong(scratchAt, time);
        scratch.putLong(scratchAt + 8, k);
        scratchAt += 16;
    }

    public io.peregrine.state.SlotTable restoreTable(final long tag, final boolean reset)
    {
        if (reset)
        {
            state.clear();
        }
        return state;
    }

    public void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
        watermark = buffer.getLong(offset);
        final int events = buffer.getInt(offset + 8);
        final int processing = buffer.getInt(offset + 12);
        eventTimers.clear();
        processingTimers.clear();
        int at = offset + 16;
        for (int i = 0; i < events + processing; i++, at += 16)
        {
            (i < events ? eventTimers : processingTimers).register(buffer.getLong(at), buffer.getLong(at + 8));
        }
    }

    public String toString()
    {
        return "process '" + name + "'";
    }

    public void close()
    {
        state.close();
        eventTimers.close();
        processingTimers.close();
    }
}
