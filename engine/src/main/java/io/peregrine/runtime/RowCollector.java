package io.peregrine.runtime;

import io.peregrine.api.Collector;
import io.peregrine.api.MutableRow;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The output side of an operator: one reusable off-heap scratch row, a writer over it, and the
 * flyweight handed downstream. Allocates once, at planning.
 */
final class RowCollector implements Collector
{
    final Schema schema;
    final UnsafeBuffer scratch;
    final RowWriter writer = new RowWriter();
    final MutableRow out = new MutableRow();
    Operator downstream;
    Row current;

    RowCollector(final Schema schema, final int maxRowLength)
    {
        this.schema = schema;
        this.scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(align(maxRowLength), 64));
        this.writer.wrap(schema, scratch, 0, scratch.capacity());
    }

    private static int align(final int length)
    {
        return (length + 63) & ~63;
    }

    public RowWriter next()
    {
        return writer.reset();
    }

    public void emit()
    {
        final Row in = current;
        emit(in == null ? Row.NO_TIMESTAMP : in.eventTime());
    }

    public void emit(final long eventTime)
    {
        final Row in = current;
        out.wrap(schema, scratch, 0, writer.length());
        if (in != null)
        {
            out.meta(eventTime, in.sourceSplit(), in.sourcePosition(), in.recordWatermark());
        }
        else
        {
            out.meta(eventTime, -1, -1);
        }
        downstream.onRecord(out);
    }
}
