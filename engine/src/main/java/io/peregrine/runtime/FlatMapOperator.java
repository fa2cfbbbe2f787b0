package io.peregrine.runtime;

import io.peregrine.api.FlatMapFunction;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;

final class FlatMapOperator extends Operator
{
    private final FlatMapFunction fn;
    private final RowCollector out;

    FlatMapOperator(final String name, final FlatMapFunction fn, final Schema outSchema, final int maxRowLength)
    {
        super(name);
        this.fn = fn;
        this.out = new RowCollector(outSchema, maxRowLength);
    }

    public void downstream(final Operator downstream)
    {
        super.downstream(downstream);
        out.downstream = downstream;
    }

    public void onRecord(final Row row)
    {
        out.current = row;
        try
        {
            fn.flatMap(row, out);
        }
        catch (final OperatorException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw OperatorException.wrap(name, row, t);
        }
    }
}
