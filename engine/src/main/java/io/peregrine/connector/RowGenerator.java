package io.peregrine.connector;

import io.peregrine.api.RowWriter;

/**
 * Writes the row of a given sequence number. Must be a pure function of the index so the same
 * events come out whatever the split count.
 */
@FunctionalInterface
public interface RowGenerator
{
    void generate(long index, RowWriter out);
}
