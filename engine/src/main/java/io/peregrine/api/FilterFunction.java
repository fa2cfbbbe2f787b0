package io.peregrine.api;

/**
 * Keeps the rows for which it returns true.
 */
@FunctionalInterface
public interface FilterFunction
{
    boolean test(Row in) throws Exception;
}
