package io.peregrine.api;

/**
 * One row in, zero or more rows out through the collector.
 */
@FunctionalInterface
public interface FlatMapFunction
{
    void flatMap(Row in, Collector out) throws Exception;
}
