package io.peregrine.connector;

import io.peregrine.api.Field;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The excerpt format shared by {@link ChronicleQueueSource} and {@link ChronicleQueueSink}, and an appender for
 * producers, so that a sink's queue can be another job's source and a test or a feed handler can write rows that a
 * job reads. One excerpt (Chronicle document) per row or marker, with a 16-byte header, little-endian:
 * <pre>
 *    0        1        2        3        4                                   8
 *    +--------+--------+--------+--------+-----------------------------------+
 *    | magic  |version |  type  | flags  |           shard (int32)           |
 *    | 'P'    |   1    |        |        |  -1: a producer's row, or every   |
 *    |        |        |        |        |  shard (RECOVERED)                |
 *    +--------+--------+--------+--------+-----------------------------------+
 *    |                       checkpoint id (int64)                           |
 *    +-----------------------------------------------------------------------+
 *    |  ROW only: the row's bytes in its schema's layout (fixed part, then   |
 *    |  variable-length values), as Row.buffer() holds them ...              |
 *    +-----------------------------------------------------------------------+
 *   16
 *
 *   type        checkpoint id                        meaning
 *   ROW         last checkpoint the shard sealed     a row; with flag TRANSACTIONAL it belongs to the shard's open
 *               before it (0 for a producer's)       epoch and is visible only once that epoch is committed
 *   PRE_COMMIT  N                                    the shard's rows since its last PRE_COMMIT are epoch N
 *   COMMIT      N                                    the shard's epochs up to N are committed
 *   RECOVERED   R (the checkpoint a job restored)    for every shard: epochs up to R are committed, every other
 *                                                    row not yet committed is aborted (a job restarted from R)
 * </pre>
 * The header is versioned so that the format can grow: a reader refuses (dead-letters) a version it does not know
 * rather than misreading it. The checkpoint id of a ROW is not needed to read the queue (the markers are), it says
 * where a row came from when a queue is inspected.
 */
public final class ChronicleQueueRows
{
    /** Bytes before a row's bytes in every excerpt. */
    public static final int HEADER_LENGTH = 16;
    /** First byte of every excerpt, to tell this format from anything else appended to a queue. */
    public static final byte MAGIC = 'P';
    /** The version this code writes and reads. */
    public static final byte VERSION = 1;

    public static final byte ROW = 1;
    public static final byte PRE_COMMIT = 2;
    public static final byte COMMIT = 3;
    public static final byte RECOVERED = 4;

    /** ROW flag: held until the shard's epoch it belongs to is committed (an exactly-once sink's output). */
    public static final byte TRANSACTIONAL = 1;

    /** Shard field of a producer's row, and of a RECOVERED marker (which applies to every shard). */
    public static final int NO_SHARD = -1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 1;
    static final int TYPE_OFFSET = 2;
    static final int FLAGS_OFFSET = 3;
    static final int SHARD_OFFSET = 4;
    static final int CHECKPOINT_OFFSET = 8;

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int DUMP_BYTES = 64;

    private ChronicleQueueRows()
    {
    }

    /**
     * Open (creating it if need be) a queue of rows as the engine opens its journals: binary, rolled hourly. A
     * queue that exists keeps the roll cycle it was created with.
     *
     * @param dir of the queue.
     * @return the queue; close it when done.
     */
    public static ChronicleQueue open(final Path dir)
    {
        return SingleChronicleQueueBuilder.binary(dir.toFile()).rollCycle(RollCycles.FAST_HOURLY).build();
    }

    /**
     * Append one row with a fresh appender: for tests and tools. A producer appending many rows keeps an
     * {@link Appender}.
     *
     * @param queue to append to.
     * @param row   to append.
     * @return the index of its excerpt.
     */
    public static long append(final ChronicleQueue queue, final Row row)
    {
        try (Appender appender = new Appender(queue))
        {
            return appender.append(row);
        }
    }

    /**
     * Appends excerpts in this format, copying each row once from its buffer into the queue's mapped file, without
     * allocating. Single writer: use it from one thread at a time (a Chronicle appender is not thread-safe, but
     * appenders on other threads or processes may append to the same queue concurrently).
     */
    public static final class Appender implements AutoCloseable
    {
        private final UnsafeBuffer header = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        private final PointerBytesStore pointer = new PointerBytesStore();
        private final ExcerptAppender appender;

        public Appender(final ChronicleQueue queue)
        {
            this.appender = queue.createAppender();
            // Made on the thread that plans a job, used on a shard's: one thread at a time, never concurrently.
            this.appender.singleThreadedCheckDisabled(true);
        }

        /**
         * @param row to append, of any schema (the reader must know which).
         * @return the index of its excerpt.
         */
        public long append(final Row row)
        {
            return append(ROW, 0, NO_SHARD, 0, row.buffer(), row.offset(), row.length());
        }

        /**
         * @param src    a row's bytes in its schema's layout.
         * @param offset of the first.
         * @param length of the row.
         * @return the index of its excerpt.
         */
        public long append(final DirectBuffer src, final int offset, final int length)
        {
            return append(ROW, 0, NO_SHARD, 0, src, offset, length);
        }

        /**
         * Append any excerpt: the sink's rows and markers.
         *
         * @return the index of the excerpt.
         */
        long append(
            final byte type, final int flags, final int shard, final long checkpoint,
            final DirectBuffer src, final int offset, final int length)
        {
            if (length < 0 || offset < 0 || (src == null ? length > 0 : (long)offset + length > src.capacity()))
            {
                throw new IndexOutOfBoundsException("row of " + length + " bytes at offset " + offset);
            }
            header.putByte(MAGIC_OFFSET, MAGIC);
            header.putByte(VERSION_OFFSET, VERSION);
            header.putByte(TYPE_OFFSET, type);
            header.putByte(FLAGS_OFFSET, (byte)flags);
            header.putInt(SHARD_OFFSET, shard, ByteOrder.LITTLE_ENDIAN);
            header.putLong(CHECKPOINT_OFFSET, checkpoint, ByteOrder.LITTLE_ENDIAN);
            try (DocumentContext dc = appender.writingDocument())
            {
                final Bytes<?> bytes = dc.wire().bytes();
                bytes.write(header.byteArray(), 0, HEADER_LENGTH);
                if (length > 0)
                {
                    final byte[] array = src.byteArray();
                    if (array != null)
                    {
                        bytes.write(array, (int)(src.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET) + offset, length);
                    }
                    else
                    {
                        pointer.set(src.addressOffset() + offset, length);
                        bytes.write(pointer, 0L, (long)length);
                    }
                }
            }
            return appender.lastIndexAppended();
        }

        public void close()
        {
            appender.close();
        }
    }

    /**
     * Point {@code view} at the content of the document {@code dc} is reading, in place in the queue's mapped file
     * when it is (always, for a file-backed queue), else copied into {@code spare}. The view is valid only while
     * the document is open.
     *
     * @return the document's length.
     */
    static int view(final DocumentContext dc, final UnsafeBuffer view, final ExpandableArrayBuffer spare)
    {
        final Bytes<?> bytes = dc.wire().bytes();
        final long remaining = bytes.readRemaining();
        final int length = (int)Math.min(remaining, Integer.MAX_VALUE - 8);
        if (bytes.isDirectMemory())
        {
            // The (offset, length) form maps the whole range contiguously, even across a mapped chunk's end.
            view.wrap(bytes.addressForRead(bytes.readPosition(), length), length);
        }
        else
        {
            spare.checkLimit(length);
            bytes.read(spare.byteArray(), 0, length);
            view.wrap(spare.byteArray(), 0, length);
        }
        return length;
    }

    /**
     * @return what is wrong with the header of an excerpt, or null if it is of this format and version.
     */
    static String checkHeader(final DirectBuffer excerpt, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            return "excerpt of " + length + " bytes, shorter than the " + HEADER_LENGTH + "-byte header";
        }
        if (excerpt.getByte(MAGIC_OFFSET) != MAGIC)
        {
            return "not a Peregrine row excerpt (first byte 0x" + Integer.toHexString(excerpt.getByte(0) & 0xFF) + ")";
        }
        if (excerpt.getByte(VERSION_OFFSET) != VERSION)
        {
            return "unsupported excerpt version " + excerpt.getByte(VERSION_OFFSET) + " (this reader knows " + VERSION +
                ")";
        }
        final byte type = excerpt.getByte(TYPE_OFFSET);
        if (type < ROW || type > RECOVERED)
        {
            return "unknown excerpt type " + type;
        }
        if (type != ROW && length != HEADER_LENGTH)
        {
            return "marker excerpt of " + length + " bytes, expected " + HEADER_LENGTH;
        }
        return null;
    }

    static byte type(final DirectBuffer excerpt)
    {
        return excerpt.getByte(TYPE_OFFSET);
    }

    static int flags(final DirectBuffer excerpt)
    {
        return excerpt.getByte(FLAGS_OFFSET) & 0xFF;
    }

    static int shard(final DirectBuffer excerpt)
    {
        return excerpt.getInt(SHARD_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    static long checkpoint(final DirectBuffer excerpt)
    {
        return excerpt.getLong(CHECKPOINT_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Check that bytes are a row of a schema, so that nothing downstream reads outside it: exactly the fixed part
     * for a schema without variable-length fields, else the fixed part and every variable-length value inside the
     * row, after the fixed part.
     *
     * @return what is wrong, or null if the row is sound.
     */
    static String checkRow(final Schema schema, final DirectBuffer buffer, final int offset, final int length,
        final int maxRowLength)
    {
        final int fixed = schema.fixedLength();
        if (!schema.hasVariableLength())
        {
            return length == fixed ? null :
                "row of " + length + " bytes, schema '" + schema.name() + "' rows are " + fixed + " bytes";
        }
        if (length < fixed)
        {
            return "row of " + length + " bytes, shorter than the " + fixed + "-byte fixed part of schema '" +
                schema.name() + "'";
        }
        if (length > maxRowLength)
        {
            return "row of " + length + " bytes, longer than the maximum row length " + maxRowLength;
        }
        for (int i = 0, n = schema.fieldCount(); i < n; i++)
        {
            final Field field = schema.field(i);
            if (field.type().isVariableLength())
            {
                final int at = offset + field.offset();
                final int valueOffset = buffer.getInt(at);
                final int valueLength = buffer.getInt(at + 4);
                if (valueOffset < fixed || valueLength < 0 || (long)valueOffset + valueLength > length)
                {
                    return "field '" + field.name() + "': value of " + valueLength + " bytes at " + valueOffset +
                        " is outside the row's variable part [" + fixed + ", " + length + ")";
                }
            }
        }
        return null;
    }

    /**
     * @return the first bytes of an excerpt in hex, for a dead-letter line (allocates: malformed input only).
     */
    static String dump(final DirectBuffer excerpt, final int length)
    {
        final int n = Math.min(length, DUMP_BYTES);
        final StringBuilder text = new StringBuilder(n * 2 + 24);
        for (int i = 0; i < n; i++)
        {
            final int b = excerpt.getByte(i) & 0xFF;
            text.append(HEX[b >>> 4]).append(HEX[b & 0xF]);
        }
        if (length > n)
        {
            text.append("... (").append(length).append(" bytes)");
        }
        return text.toString();
    }
}
