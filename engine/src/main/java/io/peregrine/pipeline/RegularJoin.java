package io.peregrine.pipeline;

import io.peregrine.api.JoinCondition;
import io.peregrine.api.JoinFunction;
import io.peregrine.api.PipelineException;
import io.peregrine.api.RowKind;
import io.peregrine.api.Schema;
import io.peregrine.plan.JoinSpec;
import io.peregrine.plan.Node;

/**
 * A regular (unbounded) join of two keyed streams in the making, as Flink SQL's
 * {@code SELECT ... FROM L [LEFT] JOIN R ON L.k = R.k} over two append-only inputs: every row of each side is kept
 * (off-heap, in every checkpoint) and joined with every row of the other side with the same key, whichever comes
 * first; duplicates join as often as they occur. The output row's event time is the later of the two rows'.
 * <ul>
 *     <li><b>Inner</b> (the default): a {@code +I} row per match as soon as its second row arrives; append-only, so
 *     the output schema needs no row kind.</li>
 *     <li><b>Left outer</b> ({@link #leftOuter()}): a left row without a match is emitted at once padded with a null
 *     right row ({@code +I}); when its first match arrives that row is retracted ({@code -D}) before the joined rows
 *     ({@code +I}) follow, as Flink's {@code StreamingJoinOperator} does. The output schema carries the kind in an
 *     int32 field {@value RowKind#FIELD} ({@link RowKind#code()}).</li>
 * </ul>
 * {@link #stateTtl(long)} bounds the state as Flink's {@code table.exec.state.ttl}: a row is forgotten once that much
 * processing time (the job's clock) has passed since it was written (its arrival, and for a left row of an outer join
 * each new match it gains); a forgotten row joins nothing more, and nothing is emitted when it goes.
 */
public final class RegularJoin
{
    private final KeyedStream left;
    private final KeyedStream right;
    private JoinSpec.Type type = JoinSpec.Type.INNER;
    private long stateTtlMs;
    private JoinCondition condition;

    RegularJoin(final KeyedStream left, final KeyedStream right)
    {
        this.left = left;
        this.right = right;
    }

    /**
     * @return this, as a left outer join (see the class description for the row kinds it emits).
     */
    public RegularJoin leftOuter()
    {
        type = JoinSpec.Type.LEFT_OUTER;
        return this;
    }

    /**
     * @param condition what a pair with equal keys must also satisfy to join (the rest of an SQL {@code ON} clause);
     *                  in a left outer join a left row is matched only by right rows for which it holds.
     * @return this.
     */
    public RegularJoin where(final JoinCondition condition)
    {
        this.condition = condition;
        return this;
    }

    /**
     * @param ms processing time a row is kept after its last write; 0 (the default) keeps every row for ever.
     * @return this.
     * @throws PipelineException if negative.
     */
    public RegularJoin stateTtl(final long ms)
    {
        if (ms < 0)
        {
            throw new PipelineException("state time-to-live must be >= 0 ms (0 keeps rows for ever): " + ms);
        }
        stateTtlMs = ms;
        return this;
    }

    /**
     * @param name      of the join, unique in the pipeline.
     * @param outSchema of the output rows; for a left outer join with an int32 field {@value RowKind#FIELD}.
     * @param fn        writes the output row of each pair (right null in a null-padded row).
     * @return the joined stream.
     */
    public DataStream apply(final String name, final Schema outSchema, final JoinFunction fn)
    {
        final String what = (type == JoinSpec.Type.LEFT_OUTER ? "left outer join '" : "join '") + name + "'";
        Joins.checkRowKind(what, outSchema, type == JoinSpec.Type.LEFT_OUTER);
        return Joins.add(what, left, right, false, Node.Kind.REGULAR_JOIN, name, outSchema,
            JoinSpec.regular(type, fn, condition, stateTtlMs));
    }
}
