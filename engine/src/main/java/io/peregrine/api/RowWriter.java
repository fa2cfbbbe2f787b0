package io.peregrine.api;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Objects;

/**
 * Writes one row of a schema into a buffer through typed setters: the way operators produce
 * output without allocating objects. Fixed fields start zeroed; variable-length values are appended
 * after the fixed part in the order they are put.
 * <p>
 * Bounds are checked once, not per store: {@link #wrap} checks that the row's capacity lies inside the buffer, every
 * fixed field lies inside the fixed part (which fits the capacity), and every variable-length value is checked
 * against the capacity before it is copied; the stores themselves then go straight to memory, as a generated
 * (SBE-style) codec's would.
 */
public final class RowWriter
{
    private MutableDirectBuffer buffer;
    private byte[] array;
    private long address;
    private int offset;
    private int capacity;
    private Schema schema;
    private int limit;
    private int fixedLength;
    /** True unless the buffer is an {@link UnsafeBuffer}, whose memory stays where it is until it is wrapped again. */
    private boolean movable;
    /** Words of 8 bytes zeroed by {@link #reset}, covering the fixed part (and up to 7 bytes after it). */
    private int zeroWords;
    /** Bytes after {@link #zeroWords} words still to zero (when the capacity ends within the last word). */
    private int zeroTail;

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
        if (offset < 0 || (long)offset + capacity > buffer.capacity())
        {
            throw new IllegalArgumentException("row of " + capacity + " bytes at offset " + offset +
                " does not fit a buffer of " + buffer.capacity() + " bytes");
        }
        this.schema = schema;
        this.buffer = buffer;
        this.offset = offset;
        this.capacity = capacity;
        final int fixed = schema.fixedLength();
        this.fixedLength = fixed;
        this.movable = buffer.getClass() != UnsafeBuffer.class;
        this.array = buffer.byteArray();
        this.address = buffer.addressOffset();
        // Past the fixed part lies the variable area, written after the fixed fields: zeroing it too is harmless,
        // so the fixed part is zeroed in whole words when the capacity allows.
        final int rounded = (fixed + 7) & ~7;
        this.zeroWords = rounded <= capacity ? rounded >>> 3 : fixed >>> 3;
        this.zeroTail = rounded <= capacity ? 0 : fixed & 7;
        return reset();
    }

    /**
     * Position over a row of a fixed-width schema that is already there, to update its fields in place: nothing is
     * zeroed. For a key's value slot ({@link ValueState}).
     *
     * @param schema of the row, without variable-length fields.
     * @param buffer holding it.
     * @param offset where the row starts; its fixed part must lie inside the buffer.
     * @return this.
     */
    RowWriter wrapInPlace(final Schema schema, final MutableDirectBuffer buffer, final int offset)
    {
        final int fixed = schema.fixedLength();
        if (schema.hasVariableLength() || offset < 0 || (long)offset + fixed > buffer.capacity())
        {
            throw new IllegalArgumentException("schema '" + schema.name() + "' (fixed part " + fixed + " bytes" +
                (schema.hasVariableLength() ? ", variable-length fields" : "") + ") cannot be updated in place at " +
                "offset " + offset + " of a buffer of " + buffer.capacity());
        }
        this.schema = schema;
        this.buffer = buffer;
        this.offset = offset;
        this.capacity = fixed;
        this.array = buffer.byteArray();
        this.address = buffer.addressOffset();
        this.limit = fixed;
        this.fixedLength = fixed;
        this.movable = buffer.getClass() != UnsafeBuffer.class;
        this.zeroWords = fixed >>> 3;
        this.zeroTail = fixed & 7;
        return this;
    }

    /**
     * Start a new row over the same buffer, offset and schema as the last {@link #wrap}.
     *
     * @return this.
     */
    public RowWriter reset()
    {
        final int fixed = fixedLength;
        if (movable)
        {
            // An expandable buffer may have moved since the last row: take its array and address afresh. An
            // UnsafeBuffer stays put until wrapped again (and wrapping it again means wrapping this writer again).
            this.array = buffer.byteArray();
            this.address = buffer.addressOffset();
        }
        final byte[] array = this.array;
        final long start = address + offset;
        this.limit = fixed;
        // Zero the fixed part so unset fields read as 0: word stores for the common rows, setMemory (a call into
        // the VM with a thread-state transition, dearer than 64 stores) only for very wide ones.
        if (fixed <= 512)
        {
            final int words = zeroWords;
            for (int i = 0; i < words; i++)
            {
                UnsafeApi.putLong(array, start + ((long)i << 3), 0L);
            }
            for (int i = words << 3, end = (words << 3) + zeroTail; i < end; i++)
            {
                UnsafeApi.putByte(array, start + i, (byte)0);
            }
        }
        else
        {
            UnsafeApi.setMemory(array, start, fixed, (byte)0);
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
        UnsafeApi.putInt(array, address + at(field), value);
        return this;
    }

    public RowWriter putLong(final Field.Int64 field, final long value)
    {
        UnsafeApi.putLong(array, address + at(field), value);
        return this;
    }

    public RowWriter putDouble(final Field.Float64 field, final double value)
    {
        UnsafeApi.putDouble(array, address + at(field), value);
        return this;
    }

    public RowWriter putTimestamp(final Field.Timestamp field, final long epochMillis)
    {
        UnsafeApi.putLong(array, address + at(field), epochMillis);
        return this;
    }

    /**
     * @param field    a decimal of this row's schema.
     * @param unscaled the value times 10^scale of the field.
     * @return this.
     * @throws ArithmeticException naming the field if the value has more digits than its precision.
     */
    public RowWriter putDecimal(final Field.Decimal field, final long unscaled)
    {
        return putDecimal(field, unscaled >> 63, unscaled);
    }

    /**
     * Set a decimal from a 128-bit unscaled value at the field's scale; an exact product of two longs is
     * {@code (Math.multiplyHigh(a, b), a * b)}, an exact sum {@code (Decimals.addHigh(...), aLow + bLow)}.
     *
     * @param field a decimal of this row's schema.
     * @param high  high word of the value times 10^scale.
     * @param low   low word.
     * @return this.
     * @throws ArithmeticException naming the field if the value has more digits than its precision: never wrapped.
     */
    public RowWriter putDecimal(final Field.Decimal field, final long high, final long low)
    {
        final long at = address + at(field);
        if (!Decimals.fits(high, low, field.precision))
        {
            throw overflow(field, high, low, field.scale);
        }
        UnsafeApi.putLong(array, at, low);
        if (field.width == 16)
        {
            UnsafeApi.putLong(array, at + 8, high);
        }
        return this;
    }

    /**
     * Set a decimal from a 128-bit unscaled value of another scale: scaled up exactly, or down rounding half away
     * from zero ({@code HALF_UP}, as Flink's casts to a {@code DECIMAL} of smaller scale do).
     *
     * @param field a decimal of this row's schema.
     * @param high  high word of the value times 10^scale.
     * @param low   low word.
     * @param scale of the value given.
     * @return this.
     * @throws ArithmeticException naming the field if the value has more digits than its precision.
     */
    public RowWriter putDecimal(final Field.Decimal field, final long high, final long low, final int scale)
    {
        if (scale == field.scale)
        {
            return putDecimal(field, high, low);
        }
        final long[] value = wide;
        value[0] = high;
        value[1] = low;
        try
        {
            Decimals.rescale(value, scale, field.scale);
        }
        catch (final ArithmeticException e)
        {
            throw overflow(field, high, low, scale);
        }
        return putDecimal(field, value[0], value[1]);
    }

    /**
     * Set a decimal from a BigDecimal, rounded {@code HALF_UP} to the field's scale (allocates: for conversions and
     * tests).
     *
     * @throws ArithmeticException naming the field if the value has more digits than its precision.
     */
    public RowWriter putDecimal(final Field.Decimal field, final java.math.BigDecimal value)
    {
        final java.math.BigInteger unscaled = value.setScale(field.scale, java.math.RoundingMode.HALF_UP).unscaledValue();
        if (unscaled.bitLength() > 127)
        {
            throw new ArithmeticException(overflowMessage(field, value.toPlainString()));
        }
        return putDecimal(field, unscaled.shiftRight(64).longValue(), unscaled.longValue());
    }

    private final long[] wide = new long[2];

    private static ArithmeticException overflow(final Field.Decimal field, final long high, final long low, final int scale)
    {
        return new ArithmeticException(overflowMessage(field, Decimals.toString(high, low, scale)));
    }

    private static String overflowMessage(final Field.Decimal field, final String value)
    {
        return "decimal overflow: " + value + " does not fit field '" + field.name + "' " + field.typeName() +
            " (at most " + (field.precision - field.scale) + " digits before the point): declare the field with a " +
            "larger precision (up to " + Decimals.MAX_PRECISION + ")";
    }

    /**
     * @param field fixed-length ASCII field.
     * @param value ASCII characters, at most the field's length; a char beyond ASCII is written as {@code '?'}.
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
        // One bounds check for the whole value (Agrona writes '?' for a char beyond ASCII), then zero padding.
        buffer.putStringWithoutLengthAscii(start, value);
        for (int i = len; i < field.width; i++)
        {
            UnsafeApi.putByte(array, address + start + i, (byte)0);
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

    /**
     * Set a variable-length string from chars, encoded as UTF-8 (ASCII a byte per char, without a lookup).
     *
     * @param field of this row's schema.
     * @param value text; unpaired surrogates are written as {@code '?'}, as {@link String#getBytes} does.
     * @return this.
     */
    public RowWriter putVarString(final Field.VarString field, final CharSequence value)
    {
        final int start = at(field);
        final int chars = value.length();
        final int len = utf8Length(value, chars);
        ensure(len, field);
        int at = offset + limit;
        if (len == chars)
        {
            buffer.putStringWithoutLengthAscii(at, value);
        }
        else
        {
            for (int i = 0; i < chars; i++)
            {
                final char c = value.charAt(i);
                if (c < 0x80)
                {
                    buffer.putByte(at++, (byte)c);
                }
                else if (c < 0x800)
                {
                    buffer.putByte(at++, (byte)(0xC0 | (c >> 6)));
                    buffer.putByte(at++, (byte)(0x80 | (c & 0x3F)));
                }
                else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1)))
                {
                    final int cp = Character.toCodePoint(c, value.charAt(++i));
                    buffer.putByte(at++, (byte)(0xF0 | (cp >> 18)));
                    buffer.putByte(at++, (byte)(0x80 | ((cp >> 12) & 0x3F)));
                    buffer.putByte(at++, (byte)(0x80 | ((cp >> 6) & 0x3F)));
                    buffer.putByte(at++, (byte)(0x80 | (cp & 0x3F)));
                }
                else if (Character.isSurrogate(c))
                {
                    buffer.putByte(at++, (byte)'?');
                }
                else
                {
                    buffer.putByte(at++, (byte)(0xE0 | (c >> 12)));
                    buffer.putByte(at++, (byte)(0x80 | ((c >> 6) & 0x3F)));
                    buffer.putByte(at++, (byte)(0x80 | (c & 0x3F)));
                }
            }
        }
        return appendVar(start, len);
    }

    private static int utf8Length(final CharSequence value, final int chars)
    {
        int len = 0;
        for (int i = 0; i < chars; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                len++;
            }
            else if (c < 0x800)
            {
                len += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                len += 4;
                i++;
            }
            else if (Character.isSurrogate(c))
            {
                len++;
            }
            else
            {
                len += 3;
            }
        }
        return len;
    }

    public RowWriter putVarString(final Field.VarString field, final DirectBuffer src, final int srcOffset, final int length)
    {
        return putVarBytes0(field, src, srcOffset, length);
    }

    public RowWriter putVarBytes(final Field.VarBytes field, final DirectBuffer src, final int srcOffset, final int length)
    {
        return putVarBytes0(field, src, srcOffset, length);
    }

    /**
     * Set a variable-length string from UTF-8 bytes in an array, copied once (no wrapper to rewrap per field).
     *
     * @param field     of this row's schema.
     * @param src       UTF-8 bytes.
     * @param srcOffset of the first byte.
     * @param length    byte count.
     * @return this.
     */
    public RowWriter putVarString(final Field.VarString field, final byte[] src, final int srcOffset, final int length)
    {
        return putVarArray(field, src, srcOffset, length);
    }

    /**
     * Set a variable-length byte field from an array, copied once.
     *
     * @param field     of this row's schema.
     * @param src       bytes.
     * @param srcOffset of the first byte.
     * @param length    byte count.
     * @return this.
     */
    public RowWriter putVarBytes(final Field.VarBytes field, final byte[] src, final int srcOffset, final int length)
    {
        return putVarArray(field, src, srcOffset, length);
    }

    private RowWriter putVarArray(final Field field, final byte[] src, final int srcOffset, final int length)
    {
        final int start = at(field);
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        ensure(length, field);
        UnsafeApi.copyMemory(src, BufferUtil.ARRAY_BASE_OFFSET + srcOffset, array, address + offset + limit, length);
        return appendVar(start, length);
    }

    private RowWriter putVarBytes0(final Field field, final DirectBuffer src, final int srcOffset, final int length)
    {
        final int start = at(field);
        if (srcOffset < 0 || length < 0 || (long)srcOffset + length > src.capacity())
        {
            throw new IndexOutOfBoundsException("source " + srcOffset + " + " + length + " > capacity " + src.capacity());
        }
        ensure(length, field);
        UnsafeApi.copyMemory(src.byteArray(), src.addressOffset() + srcOffset, array, address + offset + limit, length);
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
        UnsafeApi.putInt(array, address + fieldStart, limit);
        UnsafeApi.putInt(array, address + fieldStart + 4, length);
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
     * Copy a whole row, already in this writer's schema layout, from bytes: for sources whose input is binary rows
     * (a Chronicle Queue excerpt), one copy instead of a put per field. The bytes are taken as they are: the caller
     * checks them first (the length against the schema, each variable-length value's offset and length inside the
     * row), since a row whose variable-length references point outside it would mislead every reader downstream.
     *
     * @param src       the row's bytes.
     * @param srcOffset of its first byte.
     * @param length    of the row, from the fixed part's start to the end of its variable-length values.
     * @return this.
     * @throws IllegalArgumentException if the row is shorter than the schema's fixed part or exceeds the capacity.
     */
    public RowWriter putRow(final DirectBuffer src, final int srcOffset, final int length)
    {
        if (length < schema.fixedLength() || length > capacity)
        {
            throw new IllegalArgumentException("row of " + length + " bytes does not fit schema '" + schema.name() +
                "' (fixed part " + schema.fixedLength() + " bytes, capacity " + capacity + ")");
        }
        buffer.putBytes(offset, src, srcOffset, length);
        limit = length;
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
