package io.peregrine.runtime;

import io.peregrine.api.KeySelector;
import io.peregrine.api.MutableRow;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.cep.CompiledPattern;
import io.peregrine.cep.Match;
import io.peregrine.cep.Nfa;
import io.peregrine.cep.PatternSelectFunction;
import io.peregrine.cep.PatternTimeoutFunction;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import io.peregrine.state.BlobState;
import io.peregrine.state.KeyChangeTracking;
import io.peregrine.state.ListState;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Detects a pattern per key, as FlinkCEP's {@code CepOperator} in event time ("Handling Lateness in Event Time"):
 * each record waits until the watermark passes its timestamp, then runs through its key's {@link Nfa}; records run
 * in timestamp order (arrival order among equal timestamps), which is each key's time order; a record whose timestamp
 * is not after the watermark is late: counted and sent to the late output, never matched. Partial matches expire,
 * to the timeout output, when the watermark passes their start plus {@code within}.
 * <p>
 * The waiting records are the shard's, not a key's: appended to one buffer, {@code | timestamp (long) | key (long) |
 * length (int) | flags (int) | row bytes |}, and ordered by (timestamp, position): a record that arrives in time
 * order goes to a first-in first-out queue, one out of order to a binary heap, and the two are merged when the
 * watermark passes them; a record costs one append and (in order) no comparison, nothing per key until it runs.
 * The buffer is emptied whenever no record waits and compacted (the records still waiting moved to its front) when
 * three quarters of it are records already run, so that it stays small and in cache.
 * <p>
 * Each key's automaton is one blob of engine-owned off-heap keyed state (tag 1),
 * {@code | queued expiry (long) | automaton state (see Nfa) |}: one probe finds it, the automaton reads it in
 * place, and an event that changes no partial match (most events under relaxed contiguity) writes nothing. The
 * queued expiry is the time of the key's entry in a first-in first-out queue of (time, key) that runs keys whose
 * partial matches expire with no record of theirs to run them ({@code Long.MIN_VALUE}: none queued); a queue entry
 * whose time is not the key's queued expiry is stale and skipped. The queue stops at its first entry not yet due,
 * so a key may expire later than its time, never earlier; the results are the same, since a partial match expires
 * (at its start plus {@code within}) before any later record of its key runs.
 * <p>
 * Checkpoints journal the blobs, and the waiting records as keyed list state (tag 2, {@code | timestamp (long) | row
 * bytes |} per record, written at the barrier and emptied after): both restore on another shard count, and the
 * heap, the buffer and the expiry queue are rebuilt from them. The blob (tag 0) holds {@code | watermark (long) |
 * late (long) | dropped partial matches (long) |}.
 * <p>
 * In processing time ({@link #inProcessingTime}, FlinkCEP's {@code inProcessingTime()}) nothing waits: each record
 * runs on arrival, its time the shard's clock as of the current duty cycle, and expiries are polled from that clock
 * every duty cycle ({@link #onProcessingTime}); watermarks pass through.
 */
final class PatternOperator extends CollectingOperator implements Checkpointed, Nfa.Output
{
    private static final int QUEUED = 0;
    private static final int AUTOMATON = 8;
    private static final int REC_TS = 0;
    private static final int REC_KEY = 8;
    private static final int REC_LENGTH = 16;
    private static final int REC_FLAGS = 20;
    private static final int REC_HEADER = 24;
    private static final int RUN = 1;
    /** The buffer is compacted from this size on, when at most a quarter of it still waits: it stays in cache. */
    private static final int COMPACT_AT = 64 * 1024;

    private final KeySelector key;
    private final Schema inSchema;
    private final PatternSelectFunction select;
    private final Nfa nfa;
    private final long within;
    private final BlobState automata = new BlobState();
    private final ListState waiting = new ListState();
    /** Keys with partial matches, at their earliest expiry when queued, in the order they were queued. */
    private final TimeKeyQueue expiries = new TimeKeyQueue();
    private final TimeKeyQueue.Consumer onExpiry = this::expire;
    private final ExpandableDirectByteBuffer records = new ExpandableDirectByteBuffer(64 * 1024);
    private int recordsEnd;
    private int liveBytes;
    private int compactAt = COMPACT_AT;
    private long compactions;
    /** Records that arrived in time order, in arrival order: (timestamp, position). */
    private long[] fifoTime = new long[256];
    private int[] fifoAt = new int[256];
    private int fifoHead;
    private int fifoTail;
    /** Records that arrived out of time order: a binary heap by (timestamp, position). */
    private long[] heapTime = new long[256];
    private int[] heapAt = new int[256];
    private int heapSize;
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(1024);
    private final MutableRow event = new MutableRow();
    private final MutableRow clock = new MutableRow();
    private PatternTimeoutFunction timeoutFn;
    private RowCollector timeoutOut;
    private Operator timeoutOutput;
    private Operator lateOutput;
    private long watermark = Long.MIN_VALUE;
    private boolean processingTime;
    private long nowMs;
    private long late;
    private long droppedBefore;
    private int restoredBlobs;

    PatternOperator(
        final String name,
        final KeySelector key,
        final Schema inSchema,
        final CompiledPattern pattern,
        final PatternSelectFunction select,
        final Schema outSchema,
        final int maxRowLength,
        final int maxPartialMatches)
    {
        super(name, outSchema, maxRowLength);
        this.key = key;
        this.inSchema = inSchema;
        this.select = select;
        this.nfa = new Nfa(pattern, inSchema, maxPartialMatches);
        this.within = pattern.withinMs();
        clock.wrap(outSchema, new UnsafeBuffer(new byte[outSchema.fixedLength()]), 0, outSchema.fixedLength());
    }

    void timeoutOutput(final Operator output, final Schema schema, final PatternTimeoutFunction fn, final int maxRowLength)
    {
        this.timeoutOutput = output;
        this.timeoutFn = fn;
        this.timeoutOut = new RowCollector(schema, maxRowLength);
        this.timeoutOut.downstream = output;
    }

    /**
     * Time records by the processing-time clock on arrival instead of by event time.
     *
     * @param nowMs the clock's time now.
     */
    void inProcessingTime(final long nowMs)
    {
        this.processingTime = true;
        this.nowMs = nowMs;
    }

    void lateOutput(final Operator output)
    {
        this.lateOutput = output;
    }

    /**
     * @return records dropped as late.
     */
    long lateRecords()
    {
        return late;
    }

    /**
     * @return partial matches dropped because a key reached the bound.
     */
    long droppedPartialMatches()
    {
        return droppedBefore + nfa.dropped();
    }

    /**
     * @return records waiting for the watermark.
     */
    int waitingRecords()
    {
        return heapSize + fifoTail - fifoHead;
    }

    public void onRecord(final Row row)
    {
        if (processingTime)
        {
            event.wrap(inSchema, row.buffer(), row.offset(), row.length());
            event.meta(nowMs, row.sourceSplit(), row.sourcePosition());
            run(keyOf(key, row), nowMs);
            return;
        }
        final long ts = row.eventTime();
        if (ts <= watermark)
        {
            late++;
            if (lateOutput != null)
            {
                lateOutput.onRecord(row);
            }
            return;
        }
        append(ts, keyOf(key, row), row.buffer(), row.offset(), row.length());
    }

    private void append(final long ts, final long k, final DirectBuffer src, final int offset, final int length)
    {
        final int at = recordsEnd;
        final int size = align(REC_HEADER + length);
        records.checkLimit(at + size);
        records.putLong(at + REC_TS, ts);
        records.putLong(at + REC_KEY, k);
        records.putInt(at + REC_LENGTH, length);
        records.putInt(at + REC_FLAGS, 0);
        records.putBytes(at + REC_HEADER, src, offset, length);
        recordsEnd = at + size;
        liveBytes += size;
        if (fifoHead == fifoTail || ts >= fifoTime[fifoTail - 1])
        {
            if (fifoTail == fifoTime.length)
            {
                growFifo();
            }
            fifoTime[fifoTail] = ts;
            fifoAt[fifoTail++] = at;
        }
        else
        {
            push(ts, at);
        }
    }

    private void growFifo()
    {
        final int live = fifoTail - fifoHead;
        if (fifoHead > 0 && live <= fifoTime.length / 2)
        {
            System.arraycopy(fifoTime, fifoHead, fifoTime, 0, live);
            System.arraycopy(fifoAt, fifoHead, fifoAt, 0, live);
        }
        else
        {
            final long[] time = new long[fifoTime.length * 2];
            final int[] at = new int[fifoTime.length * 2];
            System.arraycopy(fifoTime, fifoHead, time, 0, live);
            System.arraycopy(fifoAt, fifoHead, at, 0, live);
            fifoTime = time;
            fifoAt = at;
        }
        fifoHead = 0;
        fifoTail = live;
    }

    private static int align(final int length)
    {
        return (length + 7) & ~7;
    }

    public void onWatermark(final long watermark)
    {
        if (watermark <= this.watermark)
        {
            return;
        }
        this.watermark = watermark;
        if (processingTime)
        {
            forwardWatermark(watermark);
            return;
        }
        while (true)
        {
            final boolean fromFifo = fifoHead < fifoTail && fifoTime[fifoHead] <= watermark;
            final boolean fromHeap = heapSize > 0 && heapTime[0] <= watermark;
            if (fromFifo && (!fromHeap || before(fifoTime[fifoHead], fifoAt[fifoHead], 0)))
            {
                run(fifoAt[fifoHead++]);
            }
            else if (fromHeap)
            {
                final int at = heapAt[0];
                pop();
                run(at);
            }
            else
            {
                break;
            }
        }
        if (fifoHead == fifoTail)
        {
            fifoHead = 0;
            fifoTail = 0;
        }
        if (heapSize == 0 && fifoTail == 0)
        {
            recordsEnd = 0;
            liveBytes = 0;
        }
        else if (recordsEnd >= compactAt && liveBytes <= recordsEnd / 4)
        {
            compact();
        }
        expiries.pollDue(watermark, onExpiry);
        forwardWatermark(watermark);
    }

    private void forwardWatermark(final long watermark)
    {
        downstream.onWatermark(watermark);
        if (timeoutOutput != null)
        {
            timeoutOutput.onWatermark(watermark);
        }
        if (lateOutput != null)
        {
            lateOutput.onWatermark(watermark);
        }
    }

    public void onIdle()
    {
        downstream.onIdle();
        if (timeoutOutput != null)
        {
            timeoutOutput.onIdle();
        }
        if (lateOutput != null)
        {
            lateOutput.onIdle();
        }
    }

    public void onBarrier(final long id)
    {
        downstream.onBarrier(id);
        if (timeoutOutput != null)
        {
            timeoutOutput.onBarrier(id);
        }
        if (lateOutput != null)
        {
            lateOutput.onBarrier(id);
        }
    }

    /**
     * The processing-time clock moved: expire what it passed.
     */
    public int onProcessingTime(final long nowMs)
    {
        if (!processingTime || nowMs <= this.nowMs)
        {
            return 0;
        }
        this.nowMs = nowMs;
        return expiries.pollDue(nowMs, onExpiry);
    }

    /**
     * Run the waiting record at {@code at} through its key's automaton.
     */
    private void run(final int at)
    {
        final long ts = records.getLong(at + REC_TS);
        final int length = records.getInt(at + REC_LENGTH);
        records.putInt(at + REC_FLAGS, RUN);
        liveBytes -= align(REC_HEADER + length);
        event.wrap(inSchema, records, at + REC_HEADER, length);
        event.meta(ts, -1, -1);
        run(records.getLong(at + REC_KEY), ts);
    }

    /**
     * Run {@link #event}, at time {@code ts}, through the automaton of key {@code k}.
     */
    private void run(final long k, final long ts)
    {
        final DirectBuffer blob = automata.get(k);
        final long queued;
        if (blob == null)
        {
            queued = Long.MIN_VALUE;
            nfa.clear();
        }
        else
        {
            queued = blob.getLong(QUEUED);
            nfa.load(blob, AUTOMATON, blob.capacity() - AUTOMATON);
        }
        try
        {
            boolean changed = nfa.advanceTime(ts, this);
            changed |= nfa.process(event, this);
            if (changed)
            {
                store(k, blob != null, queued);
            }
        }
        catch (final OperatorException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("pattern '" + name + "' failed for key " + k + ": " + t, t);
        }
    }

    /**
     * A queued expiry is due: expire the key's partial matches (unless the entry is stale).
     */
    private void expire(final long time, final long k)
    {
        final DirectBuffer blob = automata.get(k);
        if (blob == null || blob.getLong(QUEUED) != time)
        {
            return;
        }
        nfa.load(blob, AUTOMATON, blob.capacity() - AUTOMATON);
        try
        {
            nfa.advanceTime(processingTime ? nowMs : watermark, this);
        }
        catch (final OperatorException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("pattern '" + name + "' failed for key " + k + ": " + t, t);
        }
        store(k, true, Long.MIN_VALUE);
    }

    /**
     * Keep the automaton's state as the key's blob (or remove the blob when no partial match is left), queueing an
     * expiry if none is queued.
     */
    private void store(final long k, final boolean present, final long queued)
    {
        if (nfa.partialMatches() == 0)
        {
            if (present)
            {
                automata.remove(k);
            }
            return;
        }
        long expiry = queued;
        if (within > 0 && expiry == Long.MIN_VALUE)
        {
            expiry = nfa.earliestStart() + within;
            expiries.add(expiry, k);
        }
        final int length = nfa.stateLength();
        final MutableDirectBuffer blob = automata.claim(k, AUTOMATON + length);
        blob.putLong(QUEUED, expiry);
        blob.putBytes(AUTOMATON, nfa.state(), 0, length);
    }

    // ---- the heap of waiting records, by (timestamp, position) ----

    private boolean before(final long time, final int at, final int i)
    {
        return time < heapTime[i] || time == heapTime[i] && at < heapAt[i];
    }

    private void push(final long time, final int at)
    {
        if (heapSize == heapTime.length)
        {
            heapTime = Arrays.copyOf(heapTime, heapSize * 2);
            heapAt = Arrays.copyOf(heapAt, heapSize * 2);
        }
        int i = heapSize++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!before(time, at, parent))
            {
                break;
            }
            heapTime[i] = heapTime[parent];
            heapAt[i] = heapAt[parent];
            i = parent;
        }
        heapTime[i] = time;
        heapAt[i] = at;
    }

    private void pop()
    {
        final int last = --heapSize;
        final long time = heapTime[last];
        final int at = heapAt[last];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= last)
            {
                break;
            }
            if (child + 1 < last && before(heapTime[child + 1], heapAt[child + 1], child))
            {
                child++;
            }
            if (heapTime[child] > time || heapTime[child] == time && heapAt[child] > at)
            {
                break;
            }
            heapTime[i] = heapTime[child];
            heapAt[i] = heapAt[child];
            i = child;
        }
        heapTime[i] = time;
        heapAt[i] = at;
    }

    /**
     * Move the records still waiting to the front of the buffer, in their order (so positions still order arrivals),
     * and point the heap at their new positions: the new position is first written into each record's flags.
     */
    private void compact()
    {
        int to = 0;
        for (int at = 0; at < recordsEnd; at += align(REC_HEADER + records.getInt(at + REC_LENGTH)))
        {
            if (records.getInt(at + REC_FLAGS) != RUN)
            {
                records.putInt(at + REC_FLAGS, -1 - to);
                to += align(REC_HEADER + records.getInt(at + REC_LENGTH));
            }
        }
        for (int i = 0; i < heapSize; i++)
        {
            heapAt[i] = -1 - records.getInt(heapAt[i] + REC_FLAGS);
        }
        for (int i = fifoHead; i < fifoTail; i++)
        {
            fifoAt[i] = -1 - records.getInt(fifoAt[i] + REC_FLAGS);
        }
        to = 0;
        for (int at = 0; at < recordsEnd; )
        {
            final int size = align(REC_HEADER + records.getInt(at + REC_LENGTH));
            if (records.getInt(at + REC_FLAGS) != RUN)
            {
                records.putBytes(to, records, at, size);
                records.putInt(to + REC_FLAGS, 0);
                to += size;
            }
            at += size;
        }
        recordsEnd = to;
        liveBytes = to;
        compactions++;
    }

    /**
     * For tests: compact the buffer of waiting records from {@code bytes} on instead of 64 KiB.
     */
    void compactAt(final int bytes)
    {
        compactAt = bytes;
    }

    long compactions()
    {
        return compactions;
    }

    public void match(final Match match, final long timestamp)
    {
        clock.meta(timestamp, -1, -1);
        out.current = clock;
        try
        {
            select.select(match, out);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("pattern '" + name + "': select failed: " + e, e);
        }
    }

    public void timeout(final Match partial, final long timeoutTimestamp)
    {
        if (timeoutFn == null)
        {
            return;
        }
        clock.meta(timeoutTimestamp, -1, -1);
        timeoutOut.current = clock;
        try
        {
            timeoutFn.timeout(partial, timeoutTimestamp, timeoutOut);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("pattern '" + name + "': timeout function failed: " + e, e);
        }
    }

    /**
     * The waiting records go into the keyed list state for the journal, in arrival order, and out of it afterwards.
     */
    public void snapshot(final int op, final SnapshotWriter writer)
    {
        writer.keyedState(op, 1, automata);
        waiting.clear();
        for (int at = 0; at < recordsEnd; )
        {
            final int length = records.getInt(at + REC_LENGTH);
            if (records.getInt(at + REC_FLAGS) != RUN)
            {
                scratch.putLong(0, records.getLong(at + REC_TS));
                scratch.putBytes(8, records, at + REC_HEADER, length);
                waiting.add(records.getLong(at + REC_KEY), scratch, 0, 8 + length);
            }
            at += align(REC_HEADER + length);
        }
        writer.keyedState(op, 2, waiting);
        waiting.clear();
        scratch.putLong(0, watermark);
        scratch.putLong(8, late);
        scratch.putLong(16, droppedPartialMatches());
        writer.blob(op, scratch, 0, 24);
    }

    public KeyChangeTracking restoreKeyedState(final long tag, final boolean reset)
    {
        if (tag == 1)
        {
            if (reset)
            {
                automata.clear();
            }
            return automata;
        }
        if (tag == 2)
        {
            if (reset)
            {
                waiting.clear();
            }
            return waiting;
        }
        return Checkpointed.super.restoreKeyedState(tag, reset);
    }

    /**
     * The smallest watermark of the shards that took the checkpoint; their counts added.
     */
    public void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
        final long restored = buffer.getLong(offset);
        watermark = restoredBlobs++ == 0 ? restored : Math.min(watermark, restored);
        late += buffer.getLong(offset + 8);
        droppedBefore += buffer.getLong(offset + 16);
    }

    /**
     * The waiting records move from the keyed list state back into the buffer and the heap; one expiry is queued
     * per key with partial matches, at its earliest expiry.
     */
    public void restoreEnd()
    {
        expiries.clear();
        heapSize = 0;
        fifoHead = 0;
        fifoTail = 0;
        recordsEnd = 0;
        liveBytes = 0;
        waiting.forEachKey(k -> waiting.forEach(k, entry -> append(entry.getLong(0), k, entry, 8, entry.capacity() - 8)));
        waiting.clear();
        automata.forEachKey(k ->
        {
            final MutableDirectBuffer blob = automata.update(k);
            nfa.load(blob, AUTOMATON, blob.capacity() - AUTOMATON);
            long expiry = Long.MIN_VALUE;
            if (within > 0)
            {
                expiry = nfa.earliestStart() + within;
                expiries.add(expiry, k);
            }
            blob.putLong(QUEUED, expiry);
        });
    }

    public String toString()
    {
        return "pattern '" + name + "'";
    }

    public void close()
    {
        automata.close();
        waiting.close();
    }
}
