package io.peregrine.api;

/**
 * Writes the output row of one pair of joined rows (Flink's {@code JoinFunction} / {@code ProcessJoinFunction} with
 * the output written in place). Called on the shard's thread; an instance is shared by every shard, so it keeps no
 * fields. The rows are valid only during the call and carry their event times ({@link Row#eventTime()}).
 */
@FunctionalInterface
public interface JoinFunction
{
    /**
     * @param left  the left (or probe, or stream) row.
     * @param right the right (or version, or reference) row; null in the null-padded row of an outer join.
     * @param out   a writer started on a fresh row of the join's output schema.
     */
    void join(Row left, Row right, RowWriter out) throws Exception;
}
