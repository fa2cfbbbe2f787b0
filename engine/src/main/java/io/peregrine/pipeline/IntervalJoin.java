package io.peregrine.pipeline;

import io.peregrine.api.JoinFunction;
import io.peregrine.api.PipelineException;
import io.peregrine.api.Schema;
import io.peregrine.plan.JoinSpec;
import io.peregrine.plan.Node;

/**
 * An interval join of two keyed streams in the making, as Flink's
 * {@code left.intervalJoin(right).between(lower, upper).process(ProcessJoinFunction)}: every pair of a left row
 * {@code a} and a right row {@code b} with the same key and {@code a.ts + lower <= b.ts <= a.ts + upper} (equivalently
 * {@code b.ts - upper <= a.ts <= b.ts - lower}), emitted as soon as its second row arrives, with the event time
 * {@code max(a.ts, b.ts)}. A row whose time is behind the watermark on arrival is late (dropped and counted); a left row
 * leaves the state once the watermark reaches {@code a.ts + max(upper, 0)}, a right row at {@code b.ts + max(-lower, 0)}.
 */
public final class IntervalJoin
{
    private final KeyedStream left;
    private final KeyedStream right;
    private final long lowerMs;
    private final long upperMs;
    private boolean lowerExclusive;
    private boolean upperExclusive;

    IntervalJoin(final KeyedStream left, final KeyedStream right, final long lowerMs, final long upperMs)
    {
        this.left = left;
        this.right = right;
        this.lowerMs = lowerMs;
        this.upperMs = upperMs;
    }

    /**
     * @return this, with {@code b.ts > a.ts + lower} instead of {@code >=}.
     */
    public IntervalJoin lowerBoundExclusive()
    {
        lowerExclusive = true;
        return this;
    }

    /**
     * @return this, with {@code b.ts < a.ts + upper} instead of {@code <=}.
     */
    public IntervalJoin upperBoundExclusive()
    {
        upperExclusive = true;
        return this;
    }

    /**
     * @param name      of the join, unique in the pipeline.
     * @param outSchema of the output rows.
     * @param fn        writes the output row of each pair.
     * @return the joined stream.
     * @throws PipelineException if the interval is empty.
     */
    public DataStream apply(final String name, final Schema outSchema, final JoinFunction fn)
    {
        final long lower = lowerExclusive ? lowerMs + 1 : lowerMs;
        final long upper = upperExclusive ? upperMs - 1 : upperMs;
        if (lower > upper)
        {
            throw new PipelineException("interval join '" + name + "': the interval [" + lower + ", " + upper +
                "] ms is empty");
        }
        return Joins.add("interval join '" + name + "'", left, right, true, Node.Kind.INTERVAL_JOIN, name, outSchema,
            JoinSpec.interval(fn, lower, upper));
    }
}
