package io.peregrine.connector;

import io.peregrine.api.Field;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Source;
import io.peregrine.api.SourceContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows from memory, given as arrays of values in field order (Integer, Long, Double, String; a BigDecimal, a String
 * or an integer for a DECIMAL).
 * Bounded; one split, read in list order on one shard (follow with {@code keyBy} to spread the rows): a list is one
 * ordered sequence, and lateness follows a split's order, so the same list gives the same late records, and the same
 * results, on any shard count. The position is the element's index.
 * For tests and examples: it converts values per row and is not meant for speed.
 */
public final class CollectionSource implements Source
{
    private final Schema schema;
    private final List<Object[]> rows;

    public CollectionSource(final Schema schema, final List<Object[]> rows)
    {
        this.schema = schema;
        this.rows = new ArrayList<>(rows);
        for (int i = 0; i < this.rows.size(); i++)
        {
            if (this.rows.get(i).length != schema.fieldCount())
            {
                throw new IllegalArgumentException("collection element " + i + " has " + this.rows.get(i).length +
                    " values; schema '" + schema.name() + "' has " + schema.fieldCount() + " fields");
            }
        }
    }

    public Schema schema()
    {
        return schema;
    }

    public boolean isBounded()
    {
        return true;
    }

    public boolean isReplayable()
    {
        return true;
    }

    public int splitCount(final int shards)
    {
        return 1;
    }

    public SplitReader createReader(final int split, final int splitCount, final SourceContext context)
    {
        return new SplitReader()
        {
            private int next = split;

            public int poll(final SourceOutput out, final int limit)
            {
                if (next >= rows.size())
                {
                    return END;
                }
                int emitted = 0;
                while (emitted < limit && next < rows.size())
                {
                    write(rows.get(next), out.next());
                    out.emit(next);
                    next += splitCount;
                    emitted++;
                }
                return emitted;
            }

            public long position()
            {
                return next;
            }

            public long checkpointOffset()
            {
                return next;
            }

            public void seek(final long offset, final long position)
            {
                next = (int)offset;
            }
        };
    }

    private void write(final Object[] values, final RowWriter writer)
    {
        for (int i = 0; i < values.length; i++)
        {
            final Field field = schema.field(i);
            final Object value = values[i];
            switch (field.type())
            {
                case INT32: writer.putInt((Field.Int32)field, ((Number)value).intValue()); break;
                case INT64: writer.putLong((Field.Int64)field, ((Number)value).longValue()); break;
                case FLOAT64: writer.putDouble((Field.Float64)field, ((Number)value).doubleValue()); break;
                case TIMESTAMP: writer.putTimestamp((Field.Timestamp)field, ((Number)value).longValue()); break;
                case ASCII: writer.putAscii((Field.Ascii)field, (CharSequence)value); break;
                case VAR_STRING: writer.putVarString((Field.VarString)field, (CharSequence)value); break;
                case DECIMAL:
                    writer.putDecimal((Field.Decimal)field, value instanceof java.math.BigDecimal ?
                        (java.math.BigDecimal)value : new java.math.BigDecimal(value.toString()));
                    break;
                default:
                {
                    final byte[] bytes = (byte[])value;
                    writer.putVarBytes((Field.VarBytes)field, new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length);
                }
            }
        }
    }
}
