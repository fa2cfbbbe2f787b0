package io.peregrine.api;

/**
 * Combines the value kept so far for a key with a new row into a new value of the same schema.
 */
@FunctionalInterface
public interface ReduceFunction
{
    void reduce(Row accumulated, Row in, RowWriter out) throws Exception;
}
