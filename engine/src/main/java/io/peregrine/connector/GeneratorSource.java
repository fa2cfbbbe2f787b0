package io.peregrine.connector;

import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Source;
import io.peregrine.api.SourceContext;
import org.agrona.concurrent.NanoClock;

/**
 * A deterministic generator: event {@code i} is {@code generator.generate(i)}; split {@code s} of
 * {@code k} produces indexes {@code s, s + k, s + 2k, ...} so the union over splits is the same
 * for any split count. The replay position of a record is its index. Optionally paced to a fixed
 * total rate (for latency measurements at a given load); unpaced it runs as fast as the shard pulls.
 */
public final class GeneratorSource implements Source
{
    private final Schema schema;
    private final long count;
    private final RowGenerator generator;
    private final double eventsPerSecond;
    private final int splits;
    private final double nsPerEvent;
    private volatile long startNs;
    private boolean rebased;

    /**
     * @param schema          of the rows.
     * @param count           events in all, or {@code Long.MAX_VALUE} for an unbounded stream.
     * @param generator       writes event i.
     * @param eventsPerSecond total pace, or 0 for as fast as possible.
     * @param splits          number of splits, or 0 for one per shard.
     */
    public GeneratorSource(
        final Schema schema, final long count, final RowGenerator generator, final double eventsPerSecond, final int splits)
    {
        if (count < 0)
        {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
        this.schema = schema;
        this.count = count;
        this.generator = generator;
        this.eventsPerSecond = eventsPerSecond;
        this.splits = splits;
        this.nsPerEvent = eventsPerSecond > 0 ? 1e9 / eventsPerSecond : 0;
    }

    public Schema schema()
    {
        return schema;
    }

    public boolean isBounded()
    {
        return count != Long.MAX_VALUE;
    }

    public boolean isReplayable()
    {
        return true;
    }

    public int splitCount(final int shards)
    {
        return splits > 0 ? splits : shards;
    }

    public synchronized SplitReader createReader(final int split, final int splitCount, final SourceContext context)
    {
        if (startNs == 0)
        {
            startNs = context.nanoClock().nanoTime();
        }
        return new Reader(split, splitCount, context.nanoClock());
    }

    /**
     * @param index of an event.
     * @return when a paced generator intends to emit that event (nano clock): the schedule is
     * absolute, fixed when the first split is created, so a stalled shard falls behind it and then
     * catches up rather than shifting it (the basis of latency measurement without coordinated
     * omission: stamp rows with this, not with the time they were actually made).
     */
    public long intendedNs(final long index)
    {
        return startNs + (long)(index * nsPerEvent);
    }

    private synchronized void rebase(final long start)
    {
        if (!rebased || start < startNs)
        {
            startNs = start;
            rebased = true;
        }
    }

    /**
     * @return start of the pacing schedule (nano clock), 0 before the job started.
     */
    public long startNs()
    {
        return startNs;
    }

    private final class Reader implements SplitReader
    {
        private final int splitCount;
        private final NanoClock clock;
        private long next;

        Reader(final int split, final int splitCount, final NanoClock clock)
        {
            this.splitCount = splitCount;
            this.clock = clock;
            this.next = split;
        }

        public int poll(final SourceOutput out, final int limit)
        {
            if (next >= count)
            {
                return END;
            }
            final long now = nsPerEvent > 0 ? clock.nanoTime() : 0;
            int emitted = 0;
            while (emitted < limit && next < count && (nsPerEvent == 0 || intendedNs(next) <= now))
            {
                final RowWriter writer = out.next();
                generator.generate(next, writer);
                out.emit(next);
                next += splitCount;
                emitted++;
            }
            return emitted;
        }

        public long position()
        {
            return next;
        }

        public long checkpointOffset()
        {
            return next;
        }

        /**
         * A paced generator's schedule is moved so that the resumed event is due now, not after the time the
         * events before it took in the previous run.
         */
        public void seek(final long offset, final long position)
        {
            next = offset;
            if (nsPerEvent > 0)
            {
                rebase(clock.nanoTime() - (long)(offset * nsPerEvent));
            }
        }
    }
}
