package io.peregrine.runtime;

import io.peregrine.api.Aggregation;
import io.peregrine.api.Field;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Several aggregates side by side in one slot; one output row per key and window:
 * {@code key, window_start, window_end, <aggregates>}.
 */
final class AggregationsWindowFunction implements WindowFunction
{
    private final Aggregation[] aggregations;
    private final int[] offsets;
    private final int length;
    private final KeyColumn keyColumn;
    private final Field.Timestamp startField;
    private final Field.Timestamp endField;

    AggregationsWindowFunction(final Aggregation[] aggregations, final Schema outSchema)
    {
        this.aggregations = aggregations;
        this.offsets = new int[aggregations.length];
        int length = 0;
        for (int i = 0; i < aggregations.length; i++)
        {
            offsets[i] = length;
            length += aggregations[i].accumulatorLength();
        }
        this.length = length;
        this.keyColumn = new KeyColumn(outSchema);
        this.startField = outSchema.timestamp("window_start");
        this.endField = outSchema.timestamp("window_end");
    }

    public int accumulatorLength()
    {
        return length;
    }

    public void init(final MutableDirectBuffer acc)
    {
        for (int i = 0; i < aggregations.length; i++)
        {
            aggregations[i].init(acc, offsets[i]);
        }
    }

    public void add(final MutableDirectBuffer acc, final Row row)
    {
        for (int i = 0; i < aggregations.length; i++)
        {
            aggregations[i].add(acc, offsets[i], row);
        }
    }

    public void merge(final MutableDirectBuffer acc, final DirectBuffer other, final int otherOffset)
    {
        for (int i = 0; i < aggregations.length; i++)
        {
            aggregations[i].merge(acc, offsets[i], other, otherOffset + offsets[i]);
        }
    }

    public void emit(final long key, final long windowStart, final long windowEnd, final DirectBuffer acc, final RowCollector out)
    {
        final RowWriter writer = out.next();
        keyColumn.write(writer, key);
        writer.putTimestamp(startField, windowStart).putTimestamp(endField, windowEnd);
        for (int i = 0; i < aggregations.length; i++)
        {
            aggregations[i].result(acc, offsets[i], writer);
        }
        out.emit(windowEnd - 1);
    }
}
