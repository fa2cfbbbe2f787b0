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
import io.peregrine.state.KeyChangeTracking;
import io.peregrine.state.ListState;
import io.peregrine.state.MapState;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Detects a pattern per key, as FlinkCEP's {@code CepOperator} in event time ("Handling Lateness in Event Time"):
 * each record is buffered under its key until the watermark passes its timestamp, then the key's buffered records
 * run through the {@link Nfa} in timestamp order (arrival order among equal timestamps); a record whose timestamp is
 * not after the watermark is late: counted and sent to the late output, never matched. Partial matches expire, to the
 * timeout output, when the watermark passes their start plus {@code within}.
 * <p>
 * Both per-key states are engine-owned off-heap keyed state, journaled by checkpoints: tag 1, a map holding the
 * key's automaton state (shared event buffer and partial matches, see {@link Nfa}); tag 2, a list of the records
 * waiting for the watermark, {@code | timestamp (long) | row bytes |}. Keys are run from two first-in first-out queues
 * of (time, key) instead of a timer heap: one entry per arriving record, one per key run with partial matches at its
 * earliest expiry. A queue stops at its first entry not yet due, so a key may run later than its time (when an
 * out-of-order record waits behind a later one), never earlier; the results are the same, since a key's records
 * always run in time order and a partial match expires before any later record of its key runs. The queues are
 * rebuilt from the state at restore. Timers are derived from them at restore; the
 * blob holds {@code | watermark (long) | late (long) | dropped partial matches (long) |}.
 */
final class PatternOperator extends CollectingOperator implements Checkpointed, Nfa.Output
{
    private static final UnsafeBuffer STATE_KEY = new UnsafeBuffer(new byte[1]);

    private final KeySelector key;
    private final Schema inSchema;
    private final PatternSelectFunction select;
    private final Nfa nfa;
    private final long within;
    private final MapState automata = new MapState();
    private final ListState waiting = new ListState();
    /** Keys with records waiting, at each record's time, in arrival order. */
    private final TimeKeyQueue arrivals = new TimeKeyQueue();
    /** Keys with partial matches, at their earliest expiry when last run, in the order they ran. */
    private final TimeKeyQueue expiries = new TimeKeyQueue();
    private final TimeKeyQueue.Consumer onDue = (time, k) -> runKey(k);
    private final ListState.EntryVisitor collect = this::collect;
    private final ListState.EntryPredicate notDue = entry -> entry.getLong(0) > this.watermark;
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(1024);
    private final ExpandableDirectByteBuffer due = new ExpandableDirectByteBuffer(4096);
    private int dueLength;
    private int dueCount;
    private int[] dueOffsets = new int[64];
    private final MutableRow event = new MutableRow();
    private final MutableRow clock = new MutableRow();
    private PatternTimeoutFunction timeoutFn;
    private RowCollector timeoutOut;
    private Operator timeoutOutput;
    private Operator lateOutput;
    private long watermark = Long.MIN_VALUE;
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

    public void onRecord(final Row row)
    {
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
        final long k = keyOf(key, row);
        scratch.putLong(0, ts);
        scratch.putBytes(8, row.buffer(), row.offset(), row.length());
        waiting.add(k, scratch, 0, 8 + row.length());
        arrivals.add(ts, k);
    }

    public void onWatermark(final long watermark)
    {
        if (watermark <= this.watermark)
        {
            return;
        }
        this.watermark = watermark;
        arrivals.pollDue(watermark, onDue);
        expiries.pollDue(watermark, onDue);
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

    private void collect(final DirectBuffer entry)
    {
        if (entry.getLong(0) <= watermark)
        {
            if (dueCount == dueOffsets.length)
            {
                dueOffsets = Arrays.copyOf(dueOffsets, dueCount * 2);
            }
            final int length = entry.capacity();
            due.putInt(dueLength, length - 8);
            due.putBytes(dueLength + 4, entry, 0, length);
            dueOffsets[dueCount++] = dueLength;
            dueLength += 4 + length;
        }
    }

    /**
     * Run the key's records that the watermark has passed, in timestamp order, then expire its partial matches.
     */
    private void runKey(final long k)
    {
        dueLength = 0;
        dueCount = 0;
        waiting.forEach(k, collect);
        final DirectBuffer state = automata.get(k, STATE_KEY, 0, 1);
        if (state == null)
        {
            if (dueCount == 0)
            {
                return;
            }
            nfa.clear();
        }
        else
        {
            nfa.load(state, 0, state.capacity());
            if (dueCount == 0 && (within <= 0 || nfa.earliestStart() + within > watermark))
            {
                return;
            }
        }
        sortDue();
        try
        {
            for (int i = 0; i < dueCount; i++)
            {
                final int at = dueOffsets[i];
                final long ts = due.getLong(at + 4);
                event.wrap(inSchema, due, at + 12, due.getInt(at));
                event.meta(ts, -1, -1);
                nfa.advanceTime(ts, this);
                nfa.process(event, this);
            }
            nfa.advanceTime(watermark, this);
        }
        catch (final OperatorException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("pattern '" + name + "' failed for key " + k + ": " + t, t);
        }
        if (dueCount > 0)
        {
            waiting.retainIf(k, notDue);
        }

        if (nfa.partialMatches() == 0)
        {
            if (state != null)
            {
                automata.remove(k, STATE_KEY, 0, 1);
            }
        }
        else
        {
            automata.put(k, STATE_KEY, 0, 1, nfa.state(), 0, nfa.stateLength());
            if (within > 0)
            {
                expiries.add(nfa.earliestStart() + within, k);
            }
        }
    }

    /** Stable insertion sort of the due records by timestamp: arrival order among equal timestamps. */
    private void sortDue()
    {
        for (int i = 1; i < dueCount; i++)
        {
            final int at = dueOffsets[i];
            final long ts = due.getLong(at + 4);
            int j = i - 1;
            while (j >= 0 && due.getLong(dueOffsets[j] + 4) > ts)
            {
                dueOffsets[j + 1] = dueOffsets[j];
                j--;
            }
            dueOffsets[j + 1] = at;
        }
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

    public void snapshot(final int op, final SnapshotWriter writer)
    {
        writer.keyedState(op, 1, automata);
        writer.keyedState(op, 2, waiting);
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
     * Timers are derived from state: one per waiting record, one per key with partial matches at its earliest expiry.
     */
    public void restoreEnd()
    {
        arrivals.clear();
        expiries.clear();
        waiting.forEachKey(k -> waiting.forEach(k, entry -> arrivals.add(entry.getLong(0), k)));
        if (within > 0)
        {
            automata.forEachKey(k ->
            {
                final DirectBuffer state = automata.get(k, STATE_KEY, 0, 1);
                nfa.load(state, 0, state.capacity());
                expiries.add(nfa.earliestStart() + within, k);
            });
        }
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
