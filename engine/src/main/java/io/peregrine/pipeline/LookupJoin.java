package io.peregrine.pipeline;

import io.peregrine.api.JoinFunction;
import io.peregrine.api.KeySelector;
import io.peregrine.api.PipelineException;
import io.peregrine.api.Schema;
import io.peregrine.api.Source;
import io.peregrine.plan.JoinSpec;
import io.peregrine.plan.Node;

import java.util.List;

/**
 * A lookup join with slowly changing reference data in the making, as Flink SQL's lookup join
 * ({@code JOIN dim FOR SYSTEM_TIME AS OF s.proc_time ON s.k = dim.k}) against a file-system table: the reference
 * rows (a bounded {@link Source}, e.g. {@link Sources#csv}) are read whole when the job starts, into an off-heap
 * table on every shard, and each stream row is joined with every reference row of its key, in the reference's order
 * (inner), or padded with a null reference row when there is none ({@link #leftOuter()}). The stream needs no keyBy.
 * The reference is not reloaded while the job runs (a restarted job reads it again) and is not in checkpoints.
 */
public final class LookupJoin
{
    private final DataStream stream;
    private final Source reference;
    private final KeySelector referenceKey;
    private final KeySelector key;
    private JoinSpec.Type type = JoinSpec.Type.INNER;

    LookupJoin(final DataStream stream, final Source reference, final KeySelector referenceKey, final KeySelector key)
    {
        this.stream = stream;
        this.reference = reference;
        this.referenceKey = referenceKey;
        this.key = key;
    }

    /**
     * @return this, emitting a stream row without reference rows padded with a null one.
     */
    public LookupJoin leftOuter()
    {
        type = JoinSpec.Type.LEFT_OUTER;
        return this;
    }

    /**
     * @param name      of the join, unique in the pipeline.
     * @param outSchema of the output rows.
     * @param fn        writes the output row of a stream row and a reference row (null when padded).
     * @return the joined stream.
     * @throws PipelineException if the reference is unbounded.
     */
    public DataStream apply(final String name, final Schema outSchema, final JoinFunction fn)
    {
        final String what = "lookup join '" + name + "'";
        if (!reference.isBounded())
        {
            throw new PipelineException(what + ": the reference data must be a bounded source (it is read whole at start)");
        }
        Joins.checkRowKind(what, outSchema, false);
        return new DataStream(stream.pipeline, stream.pipeline.add(
            Node.builder(Node.Kind.LOOKUP_JOIN, name, List.of(stream.node), outSchema)
                .join(JoinSpec.lookup(type, fn, reference, referenceKey, key))));
    }
}
