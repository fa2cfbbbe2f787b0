package io.peregrine.runtime;

import io.peregrine.api.Row;

/**
 * Forwards everything: the head of a side output.
 */
final class Passthrough extends Operator
{
    Passthrough(final String name)
    {
        super(name);
    }

    public void onRecord(final Row row)
    {
        downstream.onRecord(row);
    }
}
