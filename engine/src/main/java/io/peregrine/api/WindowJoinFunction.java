package io.peregrine.api;

/**
 * Writes the output row of one pair of rows joined in a window: {@link JoinFunction} with the window's bounds, as
 * the {@code window_start} and {@code window_end} columns of Flink SQL's window join. Stateless and shared by every
 * shard; the rows are valid only during the call.
 */
@FunctionalInterface
public interface WindowJoinFunction
{
    /**
     * @param left        a row of the left stream in the window.
     * @param right       a row of the right stream with the same key in the same window.
     * @param windowStart the window's start (inclusive), epoch ms.
     * @param windowEnd   the window's end (exclusive), epoch ms.
     * @param out         a writer started on a fresh row of the join's output schema.
     */
    void join(Row left, Row right, long windowStart, long windowEnd, RowWriter out) throws Exception;
}
