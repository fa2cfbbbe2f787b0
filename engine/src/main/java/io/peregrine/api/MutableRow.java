package io.peregrine.api;

import org.agrona.DirectBuffer;

/**
 * The one concrete {@link Row}: the flyweight the engine positions over each record, which user functions see only as
 * a {@link Row} (they read; they do not move it). Sources, exchanges, connectors and tests that make rows of their
 * own use this type.
 */
public final class MutableRow extends Row
{
    /**
     * Position the row over {@code length} bytes of {@code buffer}, checking once that they lie inside it and hold the
     * schema's fixed part.
     *
     * @param schema of the row.
     * @param buffer holding it.
     * @param offset of its first byte.
     * @param length from the fixed part's start to the end of its variable-length values.
     * @return this.
     * @throws IllegalArgumentException if the row does not fit the buffer or is shorter than the fixed part.
     */
    public MutableRow wrap(final Schema schema, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < schema.fixedLength() || offset < 0 || (long)offset + length > buffer.capacity())
        {
            throw new IllegalArgumentException("row of schema '" + schema.name() + "' (fixed part " + schema.fixedLength() +
                " bytes) cannot be " + length + " bytes at offset " + offset + " of a buffer of " + buffer.capacity());
        }
        this.array = buffer.byteArray();
        this.address = buffer.addressOffset() + offset;
        this.schema = schema;
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * @param eventTime      epoch milliseconds, or {@link #NO_TIMESTAMP}.
     * @param sourceSplit    index of the split the record was read from.
     * @param sourcePosition replay position of the record within its split.
     * @return this.
     */
    public MutableRow meta(final long eventTime, final int sourceSplit, final long sourcePosition)
    {
        return meta(eventTime, sourceSplit, sourcePosition, Long.MIN_VALUE);
    }

    /**
     * Set the record's metadata.
     *
     * @param eventTime       event time, or {@link #NO_TIMESTAMP}.
     * @param sourceSplit     split the record was read from, -1 for none.
     * @param sourcePosition  position in that split, -1 for none.
     * @param recordWatermark the split's watermark just before the record ({@link #recordWatermark()}).
     * @return this.
     */
    public MutableRow meta(final long eventTime, final int sourceSplit, final long sourcePosition, final long recordWatermark)
    {
        this.eventTime = eventTime;
        this.sourceSplit = sourceSplit;
        this.sourcePosition = sourcePosition;
        this.recordWatermark = recordWatermark;
        return this;
    }
}
