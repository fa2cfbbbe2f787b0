package io.peregrine.runtime;

import io.peregrine.api.FlatMapFunction;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;

final class FlatMapOperator extends CollectingOperator
{
    private final FlatMapFunction fn;

    FlatMapOperator(final String name, final FlatMapFunction fn, final Schema outSchema, final int maxRowLength)
    {
        super(name, outSchema, maxRowLength);
        this.fn = fn;
            }

    public void onRecord(final Row row)
    {
        out.current = row;
        try
        {
            fn.flatMap(row, out);
        }
        catch (final Throwable t)
        {
            onFailure(row, t);
        }
    }
}
