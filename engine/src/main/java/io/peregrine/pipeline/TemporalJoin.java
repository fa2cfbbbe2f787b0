package io.peregrine.pipeline;

import io.peregrine.api.JoinFunction;
import io.peregrine.api.Schema;
import io.peregrine.plan.JoinSpec;
import io.peregrine.plan.Node;

/**
 * An event-time temporal (as-of) join in the making, as Flink SQL's
 * {@code SELECT ... FROM probe [LEFT] JOIN versioned FOR SYSTEM_TIME AS OF probe.ts ON probe.k = versioned.k}: every
 * row of the keyed table stream is a new version of its key's row, valid from its event time; each probe row is
 * joined with the version of its key valid at the probe's event time, the latest with {@code version.ts <= probe.ts}
 * (of versions with equal times, the one that arrived last). Trades as-of quotes: each trade with the quote that was
 * current when it happened.
 * <ul>
 *     <li>A probe row waits until the watermark (the smaller of the two inputs') reaches its time, since a version
 *     for it may still come, then is emitted once with its own event time: joined, dropped (inner, no version yet)
 *     or padded with a null version ({@link #leftOuter()}). Append-only.</li>
 *     <li>State: the waiting probe rows, and per key the versions newer than the watermark plus the latest one at or
 *     before it; older versions can match no probe row to come and are dropped as the watermark passes.</li>
 *     <li>A probe row that arrives with its time at or behind the watermark is joined at once with the versions
 *     still held (the latest at or before the watermark and later ones): if the version valid at its time has been
 *     superseded at or before the watermark, it finds none. A version that arrives behind the latest version at or
 *     before the watermark can match nothing and is dropped and counted as late. (Flink joins a late probe row at
 *     the next watermark with what it then holds.)</li>
 * </ul>
 */
public final class TemporalJoin
{
    private final KeyedStream probe;
    private final KeyedStream table;
    private JoinSpec.Type type = JoinSpec.Type.INNER;

    TemporalJoin(final KeyedStream probe, final KeyedStream table)
    {
        this.probe = probe;
        this.table = table;
    }

    /**
     * @return this, emitting a probe row without a version padded with a null version row.
     */
    public TemporalJoin leftOuter()
    {
        type = JoinSpec.Type.LEFT_OUTER;
        return this;
    }

    /**
     * @param name      of the join, unique in the pipeline.
     * @param outSchema of the output rows.
     * @param fn        writes the output row of a probe row and its version (null when padded).
     * @return the joined stream.
     */
    public DataStream apply(final String name, final Schema outSchema, final JoinFunction fn)
    {
        return Joins.add("temporal join '" + name + "'", probe, table, true, Node.Kind.TEMPORAL_JOIN, name, outSchema,
            JoinSpec.temporal(type, fn));
    }
}
