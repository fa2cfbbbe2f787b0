package io.peregrine.runtime;

import io.peregrine.config.StateFactory;

import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import io.peregrine.api.KeySelector;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Windows;
import io.peregrine.state.SlotTable;
import io.peregrine.state.WindowPaneState;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Tumbling and sliding event-time windows, their panes in a {@link WindowPaneState}: each live
 * window has its own table (key -> accumulator slot); when the watermark passes the window's end the
 * table is iterated to emit one result per key, and when it passes end + allowed lateness the window
 * is freed (its table cleared and pooled for a later window), so no steady-state allocation happens.
 * <p>
 * Lateness follows Flink: a window's cleanup time is {@code end - 1 + allowedLateness}; a record
 * whose every window is past cleanup is late (counted, and sent to the late output if any); a record
 * for a fired window still within its lateness updates it and re-emits its result. Unlike Flink, a window is past
 * cleanup for a record when its cleanup time is at or below the record's own watermark
 * ({@link Row#recordWatermark()}) as well as when it is at or below the operator's: so which records are late, and
 * which windows a record of a sliding window counts in, depend only on the input and the watermark strategy, not on
 * batching, shard count or two-stage aggregation.
 * <p>
 * As the local stage of a two-stage aggregation ({@link #localStageOf(long)}) the windows are the panes, and a record
 * whose pane some but not all of the real windows holding it are past cleanup for (a sliding window's record behind
 * the watermark) is sent at once as a partial of its own carrying its record watermark, which the global stage then
 * merges only into the windows still open for it: the windows a one-stage window would have put it in.
 */
final class WindowOperator extends CollectingOperator implements Checkpointed
{
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(256);
    private final KeySelector key;
    private final Windows windows;
    private final long size;
    private final long slide;
    private final long allowedLateness;
    private final WindowFunction fn;
    private final WindowPaneState panes;
    private final SlotTable.KeyConsumer emitter = this::emitKey;
    private final AtomicCounter lateCounter;
    private final int fireBatch;
    /** Results emitted between two looks at the clock while firing in slices. */
    private static final int CLOCK_CHUNK = 32;
    private org.agrona.concurrent.NanoClock clock;
    private long sliceNs;
    private long deadline = Long.MAX_VALUE;
    private long minimum;
    private long[] starts = new long[16];
    private boolean[] fired = new boolean[16];
    private int liveWindows;
    private long watermark = Long.MIN_VALUE;
    private long rangeStart = 1;
    private long rangeEnd = 0;
    private long lastSeenStart = Long.MIN_VALUE;
    private boolean firing;
    private boolean idlePending;
    private long cursor;
    private long emitCount;
    private long recordsSinceFire;
    private long emitStart;
    private SlotTable emitPane;
    private Operator lateOutput;
    private long localWindowSize;
    private org.agrona.concurrent.UnsafeBuffer lateAccumulator;

    WindowOperator(
        final String name,
        final KeySelector key,
        final Windows windows,
        final long allowedLateness,
        final WindowFunction fn,
        final Schema outSchema,
        final StateFactory stateFactory,
        final int shard,
        final int maxRowLength,
        final AtomicCounter lateCounter,
        final int fireBatch)
    {
        super(name, outSchema, maxRowLength);
        this.key = key;
        this.windows = windows;
        this.size = windows.size();
        this.slide = windows.slide();
        this.allowedLateness = allowedLateness;
        this.fn = fn;
        this.panes = new WindowPaneState(
            fn.accumulatorLength(), valueLength -> stateFactory.create(name + "-panes", shard, valueLength));
        this.lateCounter = lateCounter;
        this.fireBatch = fireBatch;
    }

    private boolean flushOnBarrier;

    /**
     * The local stage of a two-stage aggregation sends every partial it holds at a checkpoint barrier, ahead of the
     * barrier, and starts its panes afresh: the global stage merges partials of one pane in any number and order, so
     * the results are the same, and the local stage never has state in a checkpoint (its panes hold keys of every
     * key group, which could not be moved to the shards owning them when a checkpoint is restored on another shard
     * count).
     */
    void flushOnBarrier()
    {
        this.flushOnBarrier = true;
    }

    /**
     * Bound each slice of a firing by time as well as by count ({@link io.peregrine.config.JobContext#windowFireSliceUs}):
     * a slice stops once {@code sliceNs} have passed on the clock (looked at every {@value #CLOCK_CHUNK} results) and
     * it has emitted at least one result per record received since the last slice and {@value #CLOCK_CHUNK} more, so
     * that a backlog always shrinks.
     *
     * @param clock   the job's clock.
     * @param sliceNs longest slice, 0 for no bound by time.
     */
    void fireSlice(final org.agrona.concurrent.NanoClock clock, final long sliceNs)
    {
        this.clock = clock;
        this.sliceNs = sliceNs;
    }

    void lateOutput(final Operator lateOutput)
    {
        this.lateOutput = lateOutput;
    }

    /**
     * Make this the local stage of a two-stage aggregation whose windows are {@code windowSize} long (this operator's
     * windows are their panes).
     */
    void localStageOf(final long windowSize)
    {
        this.localWindowSize = windowSize;
        this.lateAccumulator = new org.agrona.concurrent.UnsafeBuffer(new byte[Math.max(8, fn.accumulatorLength())]);
    }

    public void onRecord(final Row row)
    {
        recordsSinceFire++;
        final long timestamp = row.eventTime();
        final long k = keyOf(key, row);
        final long lateBefore = Math.max(watermark, row.recordWatermark());
        // The latest window start for timestamps in [rangeStart, rangeEnd) is rangeStart: saves a
        // division per record while records stay within one slide.
        if (timestamp < rangeStart || timestamp >= rangeEnd)
        {
            rangeStart = windows.lastStart(timestamp);
            rangeEnd = rangeStart + slide;
        }
        if (localWindowSize > 0 && rangeStart + slide - 1 <= lateBefore)
        {
            // A local stage's pane closed for this record: the windows holding the pane that end after the record's
            // watermark still take it, as a partial of its own.
            if (rangeStart + localWindowSize - 1 > lateBefore)
            {
                sendAlone(rangeStart, k, row);
            }
            else
            {
                late(row);
            }
            return;
        }
        boolean assigned = false;
        for (long start = rangeStart; start > timestamp - size; start -= slide)
        {
            final long end = start + size;
            if (end - 1 + allowedLateness <= lateBefore)
            {
                continue;
            }
            assigned = true;
            if (!assign(start, k, row))
            {
                return; // dead-lettered: the record's other windows do not take it either
            }
        }
        if (!assigned)
        {
            late(row);
        }
    }

    private void late(final Row row)
    {
        lateCounter.incrementRelease();
        if (lateOutput != null)
        {
            lateOutput.onRecord(row);
        }
    }

    /**
     * Emit a partial of the one record now, with the record's source position and watermark, so the global stage
     * skips the windows closed for it.
     */
    private void sendAlone(final long paneStart, final long k, final Row row)
    {
        final org.agrona.concurrent.UnsafeBuffer acc = lateAccumulator;
        acc.setMemory(0, fn.accumulatorLength(), (byte)0);
        fn.init(acc);
        try
        {
            fn.add(acc, row);
        }
        catch (final Throwable t)
        {
            onFailure(row, t);
            return;
        }
        out.current = row;
        fn.emit(k, paneStart, paneStart + size, acc, out);
        out.current = null;
    }

    /**
     * @return false if the window function threw on the record and it was dead-lettered.
     */
    private boolean assign(final long start, final long k, final Row row)
    {
        final long end = start + size;
        if (start != lastSeenStart)
        {
            if (!isLive(start))
            {
                addLive(start);
            }
            lastSeenStart = start;
        }
        final SlotTable pane = panes.window(start);
        if (pane.findOrInsert(k))
        {
            fn.init(pane.value());
        }
        try
        {
            fn.add(pane.value(), row);
        }
        catch (final Throwable t)
        {
            onFailure(row, t);
            return false;
        }
        if (end - 1 <= watermark)
        {
            fn.emit(k, start, end, pane.value(), out);
        }
        return true;
    }

    private boolean isLive(final long start)
    {
        for (int i = 0; i < liveWindows; i++)
        {
            if (starts[i] == start)
            {
                return true;
            }
        }
        return false;
    }

    private void addLive(final long start)
    {
        if (liveWindows == starts.length)
        {
            starts = java.util.Arrays.copyOf(starts, liveWindows * 2);
            fired = java.util.Arrays.copyOf(fired, liveWindows * 2);
        }
        int i = liveWindows++;
        while (i > 0 && starts[i - 1] > start)
        {
            starts[i] = starts[i - 1];
            fired[i] = fired[i - 1];
            i--;
        }
        starts[i] = start;
        fired[i] = false;
    }

    public void onWatermark(final long watermark)
    {
        if (watermark <= this.watermark)
        {
            return;
        }
        this.watermark = watermark;
        if (fireBatch > 0 && allowedLateness == 0)
        {
            // Fire in slices: one now, the rest from the shard loop between polls of the inputs, so a
            // window of many keys does not hold up every other record on this shard. The watermark goes
            // downstream once every window it closes has been emitted.
            if (!firing)
            {
                recordsSinceFire = 0; // a firing starts: what is owed is the windows it closes, drained slice by slice
            }
            firing = true;
            minimum = recordsSinceFire + CLOCK_CHUNK; // as every slice: see onProcessingTime
            recordsSinceFire = 0;
            startSlice();
            fire(fireBatch);
            return;
        }
        fire(Integer.MAX_VALUE);
    }

    public int onProcessingTime(final long nowMs)
    {
        if (!firing)
        {
            return 0;
        }
        // At least as many results as records arrived since the last slice: a window has no more results
        // than records, so emitting can never fall behind the input and leave windows piling up.
        final int budget = (int)Math.min(Integer.MAX_VALUE, fireBatch + recordsSinceFire);
        // One result per record received since the last slice, and a chunk more: a window has no more results than
        // records, so the backlog shrinks every cycle and firing ends (its panes are freed and the watermark goes on
        // only then), however dear each result and however short the slice.
        minimum = recordsSinceFire + CLOCK_CHUNK;
        recordsSinceFire = 0;
        startSlice();
        return fire(budget);
    }

    private void startSlice()
    {
        deadline = sliceNs > 0 && clock != null ? clock.nanoTime() + sliceNs : Long.MAX_VALUE;
    }

    /**
     * Emit up to {@code budget} results of the windows the watermark has closed, in window order;
     * when all are emitted, free the windows past their lateness and forward the watermark.
     *
     * @return results emitted.
     */
    private int fire(final int budget)
    {
        final long until = budget == Integer.MAX_VALUE ? Long.MAX_VALUE : deadline; // whole windows: no slices
        int emitted = 0;
        for (int i = 0; i < liveWindows; i++)
        {
            final long start = starts[i];
            if (fired[i] || start + size - 1 > watermark)
            {
                continue;
            }
            final SlotTable pane = panes.window(start);
            emitStart = start;
            emitPane = pane;
            while (true)
            {
                final long before = emitCount;
                final int limit = until == Long.MAX_VALUE ? budget - emitted : Math.min(CLOCK_CHUNK, budget - emitted);
                cursor = pane.forEach(emitter, cursor, limit);
                emitted += (int)(emitCount - before);
                if (cursor < 0)
                {
                    break;
                }
                if (emitted >= budget || emitted >= minimum && clock.nanoTime() >= until)
                {
                    return Math.max(1, emitted);
                }
            }
            cursor = 0;
            fired[i] = true;
        }

        int kept = 0;
        for (int i = 0; i < liveWindows; i++)
        {
            final long start = starts[i];
            if (start + size - 1 + allowedLateness <= watermark)
            {
                panes.free(start);
                if (lastSeenStart == start)
                {
                    lastSeenStart = Long.MIN_VALUE;
                }
            }
            else
            {
                starts[kept] = start;
                fired[kept] = fired[i];
                kept++;
            }
        }
        liveWindows = kept;
        firing = false;
        downstream.onWatermark(watermark);
        if (lateOutput != null)
        {
            lateOutput.onWatermark(watermark);
        }
        if (idlePending)
        {
            idlePending = false;
            onIdle();
        }
        return emitted;
    }

    public void onIdle()
    {
        if (firing)
        {
            idlePending = true;
            return;
        }
        downstream.onIdle();
        if (lateOutput != null)
        {
            lateOutput.onIdle();
        }
    }

    private void emitKey(final long k)
    {
        emitCount++;
        try
        {
            fn.emit(k, emitStart, emitStart + size, emitPane.value(), out);
        }
        catch (final OperatorException e)
        {
            throw e;
        }
        catch (final Exception e)
        {
            // A window's result that cannot be made (an aggregate's result, the user's window function): this
            // operator's failure, named with the window and key; under the dead-letter policy it is counted and
            // the firing goes on with the next key.
            onFailure(null, new IllegalStateException("emitting window [" + emitStart + ", " + (emitStart + size) +
                ") of key " + k + ": " + e, e));
        }
    }

    /**
     * A window firing in slices is finished first: its remaining results precede the barrier, so a checkpoint
     * never holds a window half emitted.
     */
    public void onBarrier(final long id)
    {
        if (firing)
        {
            fire(Integer.MAX_VALUE);
        }
        if (flushOnBarrier)
        {
            for (int i = 0; i < liveWindows; i++)
            {
                emitStart = starts[i];
                emitPane = panes.window(starts[i]);
                emitPane.forEach(emitter);
                panes.free(starts[i]);
            }
            liveWindows = 0;
            lastSeenStart = Long.MIN_VALUE;
        }
        downstream.onBarrier(id);
        if (lateOutput != null)
        {
            lateOutput.onBarrier(id);
        }
    }

    /**
     * One table per live window (tag: its start), then
     * {@code | watermark (long) | late (long) | live windows (int) | per window: start (long), fired (byte) |}.
     */
    public void snapshot(final int op, final SnapshotWriter writer)
    {
        for (int i = 0; i < liveWindows; i++)
        {
            writer.table(op, starts[i], panes.window(starts[i]));
        }
        scratch.putLong(0, watermark);
        scratch.putLong(8, 0); // was the late count: a metric of the run, not state
        scratch.putInt(16, liveWindows);
        int at = 20;
        for (int i = 0; i < liveWindows; i++)
        {
            scratch.putLong(at, starts[i]);
            scratch.putByte(at + 8, (byte)(fired[i] ? 1 : 0));
            at += 9;
        }
        writer.blob(op, scratch, 0, at);
    }

    public io.peregrine.state.SlotTable restoreTable(final long tag, final boolean reset)
    {
        final io.peregrine.state.SlotTable table = panes.window(tag);
        if (reset)
        {
            table.clear();
        }
        return table;
    }

    private int restoredBlobs;

    /**
     * Live windows and the watermark, merged over the shards that took the checkpoint when it is restored on another
     * shard count: the smallest watermark (a window one shard had fired and freed has no entries left; one another
     * shard had not fired fires again here with the keys it had), the union of live windows. A window with allowed
     * lateness fired on some of those shards and not on others cannot be merged without emitting some results twice,
     * so that is refused.
     */
    public void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
        final long blobWatermark = buffer.getLong(offset);
        watermark = restoredBlobs++ == 0 ? blobWatermark : Math.min(watermark, blobWatermark);
        // the late count (offset 8) is this run's metric: it starts from zero.
        final int count = buffer.getInt(offset + 16);
        int at = offset + 20;
        for (int n = 0; n < count; n++, at += 9)
        {
            final long start = buffer.getLong(at);
            final boolean wasFired = buffer.getByte(at + 8) != 0;
            int i = 0;
            while (i < liveWindows && starts[i] != start)
            {
                i++;
            }
            if (i == liveWindows)
            {
                addLive(start);
                for (i = 0; starts[i] != start; i++)
                {
                }
                fired[i] = wasFired;
            }
            else if (fired[i] != wasFired)
            {
                throw new IllegalStateException("window '" + name + "': window [" + start + ", " + (start + size) +
                    ") had fired on some shards and not on others when the checkpoint was taken; with allowed lateness " +
                    "it can be restored only on the shard count that took it");
            }
        }
    }

    /**
     * Windows journaled earlier in the chain and freed since are freed again.
     */
    public void restoreEnd()
    {
        final org.agrona.collections.LongArrayList stale = new org.agrona.collections.LongArrayList();
        panes.forEachWindow(start ->
        {
            if (!isLive(start))
            {
                stale.addLong(start);
            }
        });
        for (int i = 0; i < stale.size(); i++)
        {
            panes.free(stale.getLong(i));
        }
        lastSeenStart = Long.MIN_VALUE;
        rangeStart = 1;
        rangeEnd = 0;
    }

    public String toString()
    {
        return "window '" + name + "'";
    }

    public void close()
    {
        panes.close();
    }
}
