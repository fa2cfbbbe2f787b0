package io.peregrine.api;

/**
 * Extracts a 64-bit key from a row; equal keys go to the same shard and share state.
 */
@FunctionalInterface
public interface KeySelector
{
    long key(Row row);
}
