package io.peregrine.api;

/**
 * The rest of a join's condition beyond equal keys, as the non-equi part of an SQL {@code ON} clause
 * ({@code A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires}): a pair of rows with equal keys joins
 * only if it holds, and in an outer join a left row counts as matched only by right rows for which it holds.
 * Stateless and shared by every shard; the rows are valid only during the call and carry their event times.
 */
@FunctionalInterface
public interface JoinCondition
{
    /**
     * @param left  a left row.
     * @param right a right row with the same key.
     * @return true if the pair joins.
     */
    boolean test(Row left, Row right) throws Exception;
}
