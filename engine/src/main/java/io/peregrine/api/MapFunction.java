package io.peregrine.api;

/**
 * One row in, one row out, written through the writer (already started on the output schema).
 */
@FunctionalInterface
public interface MapFunction
{
    void map(Row in, RowWriter out) throws Exception;
}
