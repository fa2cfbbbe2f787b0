package io.peregrine.api;

import io.peregrine.state.SlotTable;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The value of the current key in a keyed process function (Flink's {@code ValueState}): one row of a fixed-width
 * {@link Schema}, declared with {@code KeyedStream.process(name, outSchema, valueState, fn)} and reached through
 * {@link KeyedProcessFunction.Context#value()}. It is read and written in place, through the schema's field handles,
 * as rows are: no copy, no allocation, one lookup of the key per call however many fields are touched.
 * <pre>{@code
 * Schema COUNTS = Schema.builder("counts").int64("n").float64("sum").build();
 * Field.Int64 N = COUNTS.int64("n");
 * ...
 * ValueState v = ctx.value();
 * v.putLong(N, v.getLong(N) + 1);
 * }</pre>
 * A key has no value until something is put: reads then give zero (0, 0.0, an empty ASCII value) and
 * {@link #isEmpty()} is true. The first put makes the key's slot, zeroed, and writes into it; {@link #clear()} forgets
 * it again. Reading never creates state.
 * <p>
 * The value is the engine's state: its bytes are the key's slot in the operator's table, journaled in every checkpoint,
 * restored after a failure and moved with its key group when the shard count changes. It is valid during a
 * {@code processElement} or {@code onTimer} call, for that call's key; keep the handle, not what it read.
 * <p>
 * The engine positions it on each call's key through its one subclass, {@link ValueStateCursor}; every accessor here is
 * final, so a read is a direct call.
 */
public abstract sealed class ValueState permits ValueStateCursor
{
    static final int NO_KEY = -1;
    static final int UNRESOLVED = 0;
    static final int ABSENT = 1;
    static final int READABLE = 2;
    static final int WRITABLE = 3;

    private final Schema schema;
    private final SlotTable table;
    private final int length;
    private final UnsafeBuffer slot = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer zeros;
    private final MutableRow reader = new MutableRow();
    private final RowWriter writer = new RowWriter();
    long key;
    int mode = NO_KEY;

    ValueState(final Schema schema, final SlotTable table)
    {
        if (schema.hasVariableLength() || table.valueLength() != schema.fixedLength())
        {
            throw new IllegalArgumentException("value state of schema '" + schema.name() + "' needs a fixed-width " +
                "schema and a slot of its " + schema.fixedLength() + " bytes: " + schema + ", slot of " +
                table.valueLength() + " bytes");
        }
        this.schema = schema;
        this.table = table;
        this.length = schema.fixedLength();
        this.zeros = new UnsafeBuffer(new byte[length]);
    }

    /**
     * @return the schema of the value.
     */
    public final Schema schema()
    {
        return schema;
    }

    /**
     * @return true if the current key has no value: nothing was put since it was first seen or last cleared.
     */
    public final boolean isEmpty()
    {
        read();
        return mode == ABSENT;
    }

    /**
     * Forget the current key's value (what {@link KeyedProcessFunction.Context#clearState()} does): reads give zero
     * again and the key takes no space until the next put.
     */
    public final void clear()
    {
        check();
        table.remove(key);
        reader.wrap(schema, zeros, 0, length);
        mode = ABSENT;
    }

    public final int getInt(final Field.Int32 field)
    {
        return read().getInt(field);
    }

    public final long getLong(final Field.Int64 field)
    {
        return read().getLong(field);
    }

    public final double getDouble(final Field.Float64 field)
    {
        return read().getDouble(field);
    }

    public final long getTimestamp(final Field.Timestamp field)
    {
        return read().getTimestamp(field);
    }

    /**
     * @param field fixed-length ASCII.
     * @return the length of the value without its zero padding.
     */
    public final int asciiLength(final Field.Ascii field)
    {
        return read().asciiLength(field);
    }

    /**
     * @param field fixed-length ASCII.
     * @param dst   appended to (without padding), allocation-free for a reused builder.
     * @return dst.
     */
    public final StringBuilder getAscii(final Field.Ascii field, final StringBuilder dst)
    {
        return read().getAscii(field, dst);
    }

    /**
     * @param field fixed-length ASCII.
     * @param value to compare with.
     * @return true if the value (without padding) equals {@code value}.
     */
    public final boolean asciiEquals(final Field.Ascii field, final CharSequence value)
    {
        return read().asciiEquals(field, value);
    }

    public final ValueState putInt(final Field.Int32 field, final int value)
    {
        write().putInt(field, value);
        return this;
    }

    public final ValueState putLong(final Field.Int64 field, final long value)
    {
        write().putLong(field, value);
        return this;
    }

    public final ValueState putDouble(final Field.Float64 field, final double value)
    {
        write().putDouble(field, value);
        return this;
    }

    public final ValueState putTimestamp(final Field.Timestamp field, final long epochMillis)
    {
        write().putTimestamp(field, epochMillis);
        return this;
    }

    /**
     * @param field fixed-length ASCII.
     * @param value at most the field's length; shorter values are padded with zero bytes.
     * @return this.
     */
    public final ValueState putAscii(final Field.Ascii field, final CharSequence value)
    {
        write().putAscii(field, value);
        return this;
    }

    /**
     * @param field     fixed-length ASCII.
     * @param src       bytes of the value, at most the field's length.
     * @param srcOffset of its first byte.
     * @param length    of the value.
     * @return this.
     */
    public final ValueState putAscii(final Field.Ascii field, final DirectBuffer src, final int srcOffset, final int length)
    {
        write().putAscii(field, src, srcOffset, length);
        return this;
    }

    /**
     * Copy a fixed-width field of a row into a field of the same type and width of the value.
     *
     * @param to        field of the value.
     * @param from      row to copy from.
     * @param fromField field of that row.
     * @return this.
     */
    public final ValueState copy(final Field to, final Row from, final Field fromField)
    {
        write().copy(to, from, fromField);
        return this;
    }

    public String toString()
    {
        return mode == NO_KEY ? "value state of schema '" + schema.name() + "' (no key)" : key + ": " + read();
    }

    private MutableRow read()
    {
        if (mode <= UNRESOLVED)
        {
            check();
            if (table.find(key))
            {
                slot.wrap(table.value());
                reader.wrap(schema, slot, 0, length);
                mode = READABLE;
            }
            else
            {
                reader.wrap(schema, zeros, 0, length);
                mode = ABSENT;
            }
        }
        return reader;
    }

    private RowWriter write()
    {
        if (mode != WRITABLE)
        {
            check();
            // findOrInsert, not the address a read found: it marks the entry changed for the next checkpoint (and
            // copies it first if a checkpoint is still copying the previous interval's entries).
            table.findOrInsert(key);
            slot.wrap(table.value());
            reader.wrap(schema, slot, 0, length);
            writer.wrapInPlace(schema, slot, 0);
            mode = WRITABLE;
        }
        return writer;
    }

    private void check()
    {
        if (mode == NO_KEY)
        {
            throw new IllegalStateException("value state of schema '" + schema.name() + "' is the value of the key " +
                "of a processElement or onTimer call; there is no key outside them");
        }
    }
}
