package io.peregrine.api;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes one row of a schema into a buffer through typed setters: the way operators produce
 * output without allocating objects. Fixed fields start zeroed; variable-length values are appended
 * after the fixed part in the order they are put.
 */
public final class RowWriter
{
    private MutableDirectBuffer buffer;
    private int offset;
    private int capacity;
    private Schema schema;
    private int limit;

    /**
     * Start a row.
     *
     * @param schema   of the row.
     * @param buffer   to write into.
     * @param offset   where the row starts.
     * @param capacity most bytes the row may take.
     * @return this.
     */
    public RowWriter wrap(final Schema schema, final MutableDirectBuffer buffer, final int offset, final int capacity)
    {
        if (capacity < schema.fixedLength())
        {
            throw new IllegalArgumentException("row of schema '" + schema.name() + "' needs " + schema.fixedLength() +
                " bytes, only " + capacity + " available");
        }
        this.schema = schema;
        this.buffer = buffer;
        this.offset = offset;
        this.capacity = capacity;
        return reset();
    }

    /**
     * Start a new row over the same buffer, offset and schema as the last {@link #wrap}.
     *
     * @return this.
     */
    public RowWriter reset()
    {
        final int fixed = schema.fixedLength();
        final MutableDirectBuffer buffer = this.buffer;
        final int offset = this.offset;
        this.limit = fixed;
        // Zero the fixed part so unset fields read as 0: word stores for the common small rows,
        // setMemory (with its call overhead) only for wide ones.
        if (fixed <= 128)
        {
            int i = 0;
            for (; i + 8 <= fixed; i += 8)
            {
                buffer.putLong(offset + i, 0L);
            }
            for (; i < fixed; i++)
            {
                buffer.putByte(offset + i, (byte)0);
            }
        }
        else
        {
            buffer.setMemory(offset, fixed, (byte)0);
        }
        return this;
    }

    public Schema schema()
    {
        return schema;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    /**
     * @return length of the row written so far.
     */
    public int length()
    {
        return limit;
    }

    private int at(final Field field)
    {
        if (field.schema != schema)
        {
            throw new IllegalArgumentException("field '" + field.name + "' belongs to schema '" + field.schema.name() +
                "', but this row is of schema '" + schema.name() + "'");
        }
        return offset + field.offset;
    }

    public RowWriter putInt(final Field.Int32 field, final int value)
    {
        buffer.putInt(at(field), value);
        return this;
    }

    public RowWriter putLong(final Field.Int64 field, final long value)
    {
        buffer.putLong(at(field), value);
        return this;
    }

    public RowWriter putDouble(final Field.Float64 field, final double value)
    {
        buffer.putDouble(at(field), value);
        return this;
    }

    public RowWriter putTimestamp(final Field.Timestamp field, final long epochMillis)
    {
        buffer.putLong(at(field), epochMillis);
        return this;
    }

    /**
     * @param field fixed-length ASCII field.
     * @param value ASCII characters, at most the field's length.
     * @return this.
     * @throws IllegalArgumentException if the value is longer than the field.
     */
    public RowWriter putAscii(final Field.Ascii field, final CharSequence value)
    {
        final int len = value.length();
        if (len > field.width)
        {
            throw new IllegalArgumentException("value of " + len + " chars too long for field '" + field.name +
                "' of " + field.width);
        }
        final int start = at(field);
        for (int i = 0; i < len; i++)
        {
            buffer.putByte(start + i, (byte)value.charAt(i));
        }
        for (int i = len; i < field.width; i++)
        {
            buffer.putByte(start + i, (byte)0);
        }
        return this;
    }

    /**
     * Copy a fixed-length ASCII value from bytes.
     */
    public RowWriter putAscii(final Field.Ascii field, final DirectBuffer src, final int srcOffset, final int length)
    {
        if (length > field.width)
        {
            throw new IllegalArgumentException("value of " + length + " bytes too long for field '" + field.name +
                "' of " + field.width);
        }
        final int start = at(field);
        buffer.putBytes(start, src, srcOffset, length);
        buffer.setMemory(start + length, field.width - length, (byte)0);
        return this;
    }

    public RowWriter putVarString(final Field.VarString field, final CharSequence value)
    {
        final int start = at(field);
        final int len = value.length();
        ensure(len, field);
        for (int i = 0; i < len; i++)
        {
            buffer.putByte(offset + limit + i, (byte)value.charAt(i));
        }
        return appendVar(start, len);
    }

    public RowWriter putVarString(final Field.VarString field, final DirectBuffer src, final int srcOffset, final int length)
    {
        return putVarBytes0(field, src, srcOffset, length);
    }

    public RowWriter putVarBytes(final Field.VarBytes field, final DirectBuffer src, final int srcOffset, final int length)
    {
        return putVarBytes0(field, src, srcOffset, length);
    }

    private RowWriter putVarBytes0(final Field field, final DirectBuffer src, final int srcOffset, final int length)
    {
        final int start = at(field);
        ensure(length, field);
        buffer.putBytes(offset + limit, src, srcOffset, length);
        return appendVar(start, length);
    }

    private void ensure(final int length, final Field field)
    {
        if (limit + length > capacity)
        {
            throw new IllegalArgumentException("row of schema '" + schema.name() + "' exceeds the maximum row length " +
                capacity + " writing field '" + field.name + "' (" + length + " bytes); raise peregrine.max.row.length");
        }
    }

    private RowWriter appendVar(final int fieldStart, final int length)
    {
        buffer.putInt(fieldStart, limit);
        buffer.putInt(fieldStart + 4, length);
        limit += length;
        return this;
    }

    /**
     * Copy one fixed-width field from another row, in place: same type and width required.
     *
     * @param to        field of this row.
     * @param from      row to copy from.
     * @param fromField field of that row.
     * @return this.
     */
    public RowWriter copy(final Field to, final Row from, final Field fromField)
    {
        if (to.type != fromField.type || to.width != fromField.width || to.type.isVariableLength())
        {
            throw new IllegalArgumentException("cannot copy field '" + fromField + "' into '" + to +
                "': copy needs fixed-width fields of the same type and width");
        }
        buffer.putBytes(at(to), from.buffer(), from.offset() + fromField.offset, to.width);
        return this;
    }

    /**
     * Copy every field of {@code row}, which must be of a schema with the same layout.
     *
     * @param row to copy.
     * @return this.
     */
    public RowWriter copyOf(final Row row)
    {
        if (row.length() > capacity)
        {
            throw new IllegalArgumentException("row of " + row.length() + " bytes exceeds capacity " + capacity);
        }
        buffer.putBytes(offset, row.buffer(), row.offset(), row.length());
        limit = row.length();
        return this;
    }
}
