package io.peregrine.pipeline;

import io.peregrine.api.Schema;
import io.peregrine.api.WindowJoinFunction;
import io.peregrine.api.Windows;
import io.peregrine.plan.JoinSpec;
import io.peregrine.plan.Node;

/**
 * A window join of two keyed streams in the making, as Flink's
 * {@code left.join(right).where(..).equalTo(..).window(assigner).apply(JoinFunction)}: every pair of a left and a
 * right row with the same key in the same event-time window (tumbling, sliding or session), emitted when the
 * watermark passes the window's end ({@code watermark >= end - 1}) with the event time {@code end - 1}. A row whose
 * every window has fired is late: dropped and counted ({@code late records}); a sliding window's row joins in each of
 * its windows not yet fired. Sessions gather the rows of both sides and, as Flink's, merge when they overlap or touch.
 * The rows wait in the key's lists (off-heap, in every checkpoint) until their last window fires.
 */
public final class WindowJoin
{
    private final KeyedStream left;
    private final KeyedStream right;
    private final Windows windows;
    private boolean distinct;

    WindowJoin(final KeyedStream left, final KeyedStream right, final Windows windows)
    {
        this.left = left;
        this.right = right;
        this.windows = windows;
    }

    /**
     * Join only distinct rows: of the rows of one side equal in every byte, per key and window, only the first joins,
     * as the {@code GROUP BY} of every column per window that Flink SQL queries such as Nexmark q8 apply to both
     * sides before their window join. Project each side to the columns that matter first.
     *
     * @return this.
     */
    public WindowJoin distinct()
    {
        this.distinct = true;
        return this;
    }

    /**
     * @param name      of the join, unique in the pipeline.
     * @param outSchema of the output rows.
     * @param fn        writes the output row of each pair.
     * @return the joined stream.
     */
    public DataStream apply(final String name, final Schema outSchema, final WindowJoinFunction fn)
    {
        return Joins.add("window join '" + name + "'", left, right, true, Node.Kind.WINDOW_JOIN, name, outSchema,
            JoinSpec.window(fn, windows, distinct));
    }
}
