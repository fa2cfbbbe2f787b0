package io.peregrine.runtime;

import io.peregrine.api.Field;
import io.peregrine.api.FieldType;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The n best rows of a window, kept sorted in the slot. Ranking by a numeric field, descending;
 * ties broken by comparing the row bytes, so the result does not depend on arrival order.
 * <pre>
 *   slot: | count (long) | entry 0 | entry 1 | ... | entry n-1 |
 *   entry: | rank value (long bits) | row bytes (fixed length) |
 * </pre>
 */
final class TopNWindowFunction implements WindowFunction
{
    private final int n;
    private final Field rankField;
    private final boolean floating;
    private final int rowLength;
    private final int entryLength;
    private final Field.Timestamp startField;
    private final Field.Timestamp endField;
    private final Field.Int32 rankOut;
    private final int rowOutOffset;

    TopNWindowFunction(final int n, final Field rankField, final Schema inSchema, final Schema outSchema)
    {
        this.n = n;
        this.rankField = rankField;
        this.floating = rankField.type() == FieldType.FLOAT64;
        this.rowLength = inSchema.fixedLength();
        this.entryLength = 8 + rowLength;
        this.startField = outSchema.timestamp("window_start");
        this.endField = outSchema.timestamp("window_end");
        this.rankOut = outSchema.int32("rank");
        this.rowOutOffset = outSchema.field(3).offset();
    }

    public int accumulatorLength()
    {
        return 8 + n * entryLength;
    }

    public void init(final MutableDirectBuffer acc)
    {
    }

    private long rankBits(final Row row)
    {
        switch (rankField.type())
        {
            case FLOAT64: return Double.doubleToRawLongBits(row.getDouble((Field.Float64)rankField));
            case INT32: return row.getInt((Field.Int32)rankField);
            case INT64: return row.getLong((Field.Int64)rankField);
            default: return row.getTimestamp((Field.Timestamp)rankField);
        }
    }

    /**
     * @return > 0 if (rank a, row a) ranks before (rank b, row b).
     */
    private int compare(
        final long rankA, final DirectBuffer bufA, final int offA, final long rankB, final DirectBuffer bufB, final int offB)
    {
        final int byRank = floating ?
            Double.compare(Double.longBitsToDouble(rankA), Double.longBitsToDouble(rankB)) : Long.compare(rankA, rankB);
        if (byRank != 0)
        {
            return byRank;
        }
        for (int i = 0; i < rowLength; i++)
        {
            final int a = bufA.getByte(offA + i) & 0xFF;
            final int b = bufB.getByte(offB + i) & 0xFF;
            if (a != b)
            {
                return a < b ? 1 : -1;
            }
        }
        return 0;
    }

    public void add(final MutableDirectBuffer acc, final Row row)
    {
        offer(acc, rankBits(row), row.buffer(), row.offset());
    }

    private void offer(final MutableDirectBuffer acc, final long rank, final DirectBuffer src, final int srcOffset)
    {
        int count = (int)acc.getLong(0);
        int pos = count;
        while (pos > 0)
        {
            final int prev = 8 + (pos - 1) * entryLength;
            if (compare(rank, src, srcOffset, acc.getLong(prev), acc, prev + 8) <= 0)
            {
                break;
            }
            pos--;
        }
        if (pos >= n)
        {
            return;
        }
        final int last = Math.min(count, n - 1);
        for (int i = last; i > pos; i--)
        {
            acc.putBytes(8 + i * entryLength, acc, 8 + (i - 1) * entryLength, entryLength);
        }
        final int at = 8 + pos * entryLength;
        acc.putLong(at, rank);
        acc.putBytes(at + 8, src, srcOffset, rowLength);
        if (count < n)
        {
            acc.putLong(0, count + 1);
        }
    }

    public void merge(final MutableDirectBuffer acc, final DirectBuffer other, final int otherOffset)
    {
        final int count = (int)other.getLong(otherOffset);
        for (int i = 0; i < count; i++)
        {
            final int at = otherOffset + 8 + i * entryLength;
            offer(acc, other.getLong(at), other, at + 8);
        }
    }

    public void emit(final long key, final long windowStart, final long windowEnd, final DirectBuffer acc, final RowCollector out)
    {
        final int count = (int)acc.getLong(0);
        for (int i = 0; i < count; i++)
        {
            final RowWriter writer = out.next();
            writer.putTimestamp(startField, windowStart).putTimestamp(endField, windowEnd).putInt(rankOut, i + 1);
            writer.buffer().putBytes(writer.offset() + rowOutOffset, acc, 8 + i * entryLength + 8, rowLength);
            out.emit(windowEnd - 1);
        }
    }
}
