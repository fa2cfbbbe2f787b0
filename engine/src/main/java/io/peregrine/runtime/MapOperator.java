package io.peregrine.runtime;

import io.peregrine.api.MapFunction;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;

final class MapOperator extends CollectingOperator
{
    private final MapFunction fn;

    MapOperator(final String name, final MapFunction fn, final Schema outSchema, final int maxRowLength)
    {
        super(name, outSchema, maxRowLength);
        this.fn = fn;
            }

    public void onRecord(final Row row)
    {
        final RowWriter writer = out.next();
        try
        {
            fn.map(row, writer);
        }
        catch (final Throwable t)
        {
            onFailure(row, t);
            return;
        }
        out.current = row;
        out.emit(row.eventTime());
    }
}
