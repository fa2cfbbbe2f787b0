package io.peregrine.runtime;

import io.peregrine.api.Schema;

/**
 * An operator that writes new rows: they are written into its collector's reused off-heap row and
 * handed to the downstream operator.
 */
abstract class CollectingOperator extends Operator
{
    protected final RowCollector out;

    protected CollectingOperator(final String name, final Schema outSchema, final int maxRowLength)
    {
        super(name);
        this.out = new RowCollector(outSchema, maxRowLength);
    }

    public void downstream(final Operator downstream)
    {
        super.downstream(downstream);
        out.downstream = downstream;
    }
}
