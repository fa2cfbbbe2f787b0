package io.peregrine.runtime;

import io.peregrine.api.FilterFunction;
import io.peregrine.api.Row;

final class FilterOperator extends Operator
{
    private final FilterFunction fn;

    FilterOperator(final String name, final FilterFunction fn)
    {
        super(name);
        this.fn = fn;
    }

    public void onRecord(final Row row)
    {
        final boolean keep;
        try
        {
            keep = fn.test(row);
        }
        catch (final Throwable t)
        {
            onFailure(row, t);
            return;
        }
        if (keep)
        {
            downstream.onRecord(row);
        }
    }
}
