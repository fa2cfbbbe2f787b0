package io.peregrine.api;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

/**
 * A reusable flyweight over one binary row of a {@link Schema}, read in place: no copy, no
 * allocation. Besides its bytes a row carries its event time and its source position (the split
 * and the offset within it it was read from), so errors can say where a record came from.
 * <p>
 * A row handed to a user function is valid only during that call; keep a copy of what you need. This type only reads:
 * the engine (and a connector or test that makes rows) positions a row through its one subclass, {@link MutableRow}.
 * There is no other implementation, and every accessor is final, so a read is a direct call, not a dispatch.
 * <p>
 * Fixed-width fields are read without a bounds check per read: {@link MutableRow#wrap} checks once that the row lies
 * inside its buffer and holds the schema's fixed part, and each read checks that the field is of the row's schema.
 */
public abstract sealed class Row permits MutableRow
{
    /** Event time of a record read from a source without a timestamp. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    DirectBuffer buffer;
    byte[] array;
    long address;
    int offset;
    int length;
    Schema schema;
    long eventTime = NO_TIMESTAMP;
    int sourceSplit;
    long sourcePosition;
    long recordWatermark = Long.MIN_VALUE;
    private final long[] decimalScratch = new long[2];

    Row()
    {
    }

    public final Schema schema()
    {
        return schema;
    }

    public final DirectBuffer buffer()
    {
        return buffer;
    }

    public final int offset()
    {
        return offset;
    }

    public final int length()
    {
        return length;
    }

    /**
     * @return event time in epoch milliseconds, or {@link #NO_TIMESTAMP}.
     */
    public final long eventTime()
    {
        return eventTime;
    }

    /**
     * @return index of the source split the record was read from.
     */
    public final int sourceSplit()
    {
        return sourceSplit;
    }

    /**
     * @return replay position of the record within its split (line number, index or sequence).
     */
    public final long sourcePosition()
    {
        return sourcePosition;
    }

    /**
     * The watermark this record is judged late against: its source split's watermark as it stood just before the
     * record was read (from the largest timestamp of the split's earlier records, by the source's
     * {@link WatermarkStrategy}), whatever batches the split was read in and however many shards run the job. Kept by
     * every record derived from it (map, filter, flatMap, keyBy, the output of a process function's
     * {@code processElement}); {@code Long.MIN_VALUE} for rows made by a timer or a window firing, and from a source
     * without timestamps. Windows treat a record as late when every window it belongs to closed at or before
     * {@code max(recordWatermark, operator watermark)}; a {@link KeyedProcessFunction} that drops late records should
     * compare with {@code max(recordWatermark(), ctx.currentWatermark())} for results that do not depend on timing.
     *
     * @return the record's watermark, epoch ms.
     */
    public final long recordWatermark()
    {
        return recordWatermark;
    }

    public final int getInt(final Field.Int32 field)
    {
        return UnsafeApi.getInt(array, at(field));
    }

    public final long getLong(final Field.Int64 field)
    {
        return UnsafeApi.getLong(array, at(field));
    }

    public final double getDouble(final Field.Float64 field)
    {
        return UnsafeApi.getDouble(array, at(field));
    }

    public final long getTimestamp(final Field.Timestamp field)
    {
        return UnsafeApi.getLong(array, at(field));
    }

    /**
     * @param field a decimal of this row's schema.
     * @return its unscaled value (the value times 10^scale).
     * @throws ArithmeticException naming the field if a wide (128-bit) value does not fit a long: read it with
     * {@link #getDecimalHigh} and {@link #getDecimalLow}.
     */
    public long getDecimalUnscaled(final Field.Decimal field)
    {
        final long at = at(field);
        final long low = UnsafeApi.getLong(array, at);
        if (field.width == 16 && UnsafeApi.getLong(array, at + 8) != (low >> 63))
        {
            throw new ArithmeticException("decimal field '" + field.name + "' " + field.typeName() + " holds " +
                toText(field) + ", beyond a long: read it with getDecimalHigh and getDecimalLow");
        }
        return low;
    }

    /**
     * @param field a decimal of this row's schema.
     * @return the high word of its 128-bit unscaled value (the sign extension of a compact one).
     */
    public long getDecimalHigh(final Field.Decimal field)
    {
        final long at = at(field);
        return field.width == 16 ? UnsafeApi.getLong(array, at + 8) : UnsafeApi.getLong(array, at) >> 63;
    }

    /**
     * @param field a decimal of this row's schema.
     * @return the low word of its 128-bit unscaled value (a compact one's value).
     */
    public long getDecimalLow(final Field.Decimal field)
    {
        return UnsafeApi.getLong(array, at(field));
    }

    /**
     * @param field a decimal of this row's schema.
     * @return its value (allocates: for tests, conversions and messages).
     */
    public java.math.BigDecimal getDecimal(final Field.Decimal field)
    {
        return Decimals.toBigDecimal(getDecimalHigh(field), getDecimalLow(field), field.scale);
    }

    private long at(final Field field)
    {
        if (field.schema != schema)
        {
            throw new IllegalArgumentException("field '" + field.name + "' belongs to schema '" + field.schema.name() +
                "', but this row is of schema '" + schema.name() + "'");
        }
        return address + field.offset;
    }

    /**
     * @param field of fixed-length ASCII.
     * @return the length of the value without its zero padding.
     */
    public final int asciiLength(final Field.Ascii field)
    {
        final int start = offset + field.offset;
        int len = field.width;
        while (len > 0 && buffer.getByte(start + len - 1) == 0)
        {
            len--;
        }
        return len;
    }

    /**
     * Append a fixed-length ASCII value (without padding) to {@code dst}, allocation-free for a
     * reused {@link StringBuilder}.
     *
     * @param field of fixed-length ASCII.
     * @param dst   to append to.
     * @return dst.
     */
    public final StringBuilder getAscii(final Field.Ascii field, final StringBuilder dst)
    {
        final int start = offset + field.offset;
        final int len = asciiLength(field);
        for (int i = 0; i < len; i++)
        {
            dst.append((char)buffer.getByte(start + i));
        }
        return dst;
    }

    /**
     * @param field of fixed-length ASCII.
     * @param value to compare with.
     * @return true if the value (without padding) equals {@code value}; allocation-free.
     */
    public final boolean asciiEquals(final Field.Ascii field, final CharSequence value)
    {
        final int len = asciiLength(field);
        if (len != value.length())
        {
            return false;
        }
        final int start = offset + field.offset;
        for (int i = 0; i < len; i++)
        {
            if (buffer.getByte(start + i) != value.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param field of fixed-length ASCII, at most 8 characters wide.
     * @return the value's bytes packed into a long, the first in the highest byte (so distinct texts give distinct
     * keys, and {@link #unpackAscii} gives the text back): the key of a {@code keyBy} on the field.
     * @throws IllegalArgumentException if the field is wider than 8 characters.
     */
    public final long asciiKey(final Field.Ascii field)
    {
        if (field.width > 8)
        {
            throw new IllegalArgumentException("field '" + field.name + "' is " + field.width + " characters wide: only " +
                "up to 8 fit a key exactly");
        }
        final int length = asciiLength(field);
        final int start = offset + field.offset;
        long key = 0;
        for (int i = 0; i < length; i++)
        {
            key |= (long)(buffer.getByte(start + i) & 0xFF) << (56 - 8 * i);
        }
        return key;
    }

    /**
     * @param key a key made by {@link #asciiKey}.
     * @return the number of characters it packs (its bytes up to the last that is not zero).
     */
    public static int unpackedAsciiLength(final long key)
    {
        return key == 0 ? 0 : 8 - (Long.numberOfTrailingZeros(key) >>> 3);
    }

    /**
     * @param key a key made by {@link #asciiKey}.
     * @param dst written with its characters from index 0, big-endian: {@link #unpackedAsciiLength} of them count.
     */
    public static void unpackAscii(final long key, final org.agrona.MutableDirectBuffer dst)
    {
        dst.putLong(0, key, java.nio.ByteOrder.BIG_ENDIAN);
    }

    /**
     * @param field of fixed-length ASCII.
     * @return a 64-bit hash of the value: different texts can have the same hash, so a hash is not a key that keeps
     * them apart (a {@code keyBy} on a text field uses {@link #asciiKey}).
     */
    public final long asciiHash(final Field.Ascii field)
    {
        return hashBytes(buffer, offset + field.offset, asciiLength(field));
    }

    public final int varLength(final Field field)
    {
        return buffer.getInt(offset + field.offset + 4);
    }

    /**
     * @param field variable-length field.
     * @return offset of the value's first byte in {@link #buffer()}.
     */
    public final int varOffset(final Field field)
    {
        return offset + buffer.getInt(offset + field.offset);
    }

    /**
     * Append a variable-length string, decoded from UTF-8 (ASCII a char per byte), to {@code dst}.
     *
     * @param field of this row's schema.
     * @param dst   appended to.
     * @return dst.
     */
    public final StringBuilder getVarString(final Field.VarString field, final StringBuilder dst)
    {
        final int start = varOffset(field);
        final int end = start + varLength(field);
        int i = start;
        while (i < end)
        {
            final int b = buffer.getByte(i) & 0xFF;
            if (b < 0x80)
            {
                dst.append((char)b);
                i++;
            }
            else if (b >= 0xF0 && i + 3 < end)
            {
                dst.appendCodePoint(((b & 0x07) << 18) | ((buffer.getByte(i + 1) & 0x3F) << 12) |
                    ((buffer.getByte(i + 2) & 0x3F) << 6) | (buffer.getByte(i + 3) & 0x3F));
                i += 4;
            }
            else if (b >= 0xE0 && i + 2 < end)
            {
                dst.append((char)(((b & 0x0F) << 12) | ((buffer.getByte(i + 1) & 0x3F) << 6) |
                    (buffer.getByte(i + 2) & 0x3F)));
                i += 3;
            }
            else if (b >= 0xC0 && i + 1 < end)
            {
                dst.append((char)(((b & 0x1F) << 6) | (buffer.getByte(i + 1) & 0x3F)));
                i += 2;
            }
            else
            {
                dst.append('\uFFFD');
                i++;
            }
        }
        return dst;
    }

    public final boolean varStringEquals(final Field.VarString field, final CharSequence value)
    {
        final int len = varLength(field);
        final int start = varOffset(field);
        if (len == value.length())
        {
            // Equal lengths: equal only if both are ASCII and the same, or both non-ASCII (compared below).
            int i = 0;
            while (i < len)
            {
                final char c = value.charAt(i);
                if (c >= 0x80 || buffer.getByte(start + i) < 0)
                {
                    break;
                }
                if (buffer.getByte(start + i) != c)
                {
                    return false;
                }
                i++;
            }
            if (i == len)
            {
                return true;
            }
        }
        else if (len < value.length())
        {
            return false; // UTF-8 has at least one byte per char
        }
        return utf8Equals(start, len, value);
    }

    private boolean utf8Equals(final int start, final int len, final CharSequence value)
    {
        final int chars = value.length();
        int at = start;
        final int end = start + len;
        for (int i = 0; i < chars; i++)
        {
            final char c = value.charAt(i);
            final int cp;
            if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                cp = Character.toCodePoint(c, value.charAt(++i));
            }
            else
            {
                cp = Character.isSurrogate(c) ? '?' : c;
            }
            final int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (at + n > end)
            {
                return false;
            }
            final int lead = n == 1 ? cp : n == 2 ? 0xC0 | (cp >> 6) : n == 3 ? 0xE0 | (cp >> 12) : 0xF0 | (cp >> 18);
            if ((buffer.getByte(at) & 0xFF) != lead)
            {
                return false;
            }
            for (int k = 1; k < n; k++)
            {
                if ((buffer.getByte(at + k) & 0xFF) != (0x80 | ((cp >> (6 * (n - 1 - k))) & 0x3F)))
                {
                    return false;
                }
            }
            at += n;
        }
        return at == end;
    }

    public final long varHash(final Field field)
    {
        return hashBytes(buffer, varOffset(field), varLength(field));
    }

    /**
     * Copy the value of a variable-length bytes field.
     *
     * @param field     variable-length field.
     * @param dst       buffer to copy into.
     * @param dstOffset where.
     * @return bytes copied.
     */
    public final int getVarBytes(final Field.VarBytes field, final MutableDirectBuffer dst, final int dstOffset)
    {
        final int len = varLength(field);
        dst.putBytes(dstOffset, buffer, varOffset(field), len);
        return len;
    }

    /**
     * Read any field as a String, allocating: for sinks, tests and error messages, not hot paths.
     *
     * @param field to read.
     * @return its value as text.
     */
    public final String toText(final Field field)
    {
        switch (field.type)
        {
            case INT32: return Integer.toString(getInt((Field.Int32)field));
            case INT64: return Long.toString(getLong((Field.Int64)field));
            case FLOAT64: return Double.toString(getDouble((Field.Float64)field));
            case TIMESTAMP: return Long.toString(getTimestamp((Field.Timestamp)field));
            case DECIMAL: return appendDecimal((Field.Decimal)field, new StringBuilder()).toString();
            case ASCII: return getAscii((Field.Ascii)field, new StringBuilder()).toString();
            case VAR_STRING: return getVarString((Field.VarString)field, new StringBuilder()).toString();
            case VAR_BYTES:
            {
                final byte[] bytes = new byte[varLength(field)];
                buffer.getBytes(varOffset(field), bytes);
                return java.util.Base64.getEncoder().encodeToString(bytes);
            }
            default: throw new IllegalStateException();
        }
    }

    /**
     * Append the row as CSV (comma separated, no quoting of ASCII) to dst.
     *
     * @param dst to append to.
     * @return dst.
     */
    public final StringBuilder appendCsv(final StringBuilder dst)
    {
        for (int i = 0, n = schema.fieldCount(); i < n; i++)
        {
            if (i > 0)
            {
                dst.append(',');
            }
            final Field field = schema.field(i);
            switch (field.type)
            {
                case INT32: dst.append(getInt((Field.Int32)field)); break;
                case INT64: dst.append(getLong((Field.Int64)field)); break;
                case FLOAT64: dst.append(getDouble((Field.Float64)field)); break;
                case TIMESTAMP: dst.append(getTimestamp((Field.Timestamp)field)); break;
                case DECIMAL: appendDecimal((Field.Decimal)field, dst); break;
                case ASCII: getAscii((Field.Ascii)field, dst); break;
                case VAR_STRING: getVarString((Field.VarString)field, dst); break;
                default: dst.append(toText(field));
            }
        }
        return dst;
    }

    /**
     * Append a decimal's value, e.g. {@code -12.340} for a {@code DECIMAL(_, 3)}, allocation-free for a reused
     * {@link StringBuilder}.
     *
     * @param field a decimal of this row's schema.
     * @param dst   appended to.
     * @return dst.
     */
    public StringBuilder appendDecimal(final Field.Decimal field, final StringBuilder dst)
    {
        return Decimals.append(dst, getDecimalHigh(field), getDecimalLow(field), field.scale, decimalScratch);
    }

    public String toString()
    {
        return appendCsv(new StringBuilder()).toString();
    }

    /**
     * FNV-1a over bytes, then a 64-bit finaliser; stable across runs and machines.
     */
    public static long hashBytes(final DirectBuffer buffer, final int offset, final int length)
    {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++)
        {
            h ^= buffer.getByte(offset + i) & 0xFF;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /**
     * A strong 64-bit mix (splitmix64 finaliser), for key groups.
     */
    public static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
