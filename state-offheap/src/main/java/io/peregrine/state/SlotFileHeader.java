package io.peregrine.state;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import static io.peregrine.state.MappedSlotTable.FORMAT_VERSION;
import static io.peregrine.state.MappedSlotTable.HEADER_LENGTH;
import static io.peregrine.state.MappedSlotTable.KEY_LENGTH;
import static io.peregrine.state.MappedSlotTable.MAGIC;
import static io.peregrine.state.MappedSlotTable.MIN_CAPACITY;

/**
 * The header of a {@link MappedSlotTable} file: the layout of its first {@link MappedSlotTable#HEADER_LENGTH}
 * bytes, writing it with its checksum, and checking the header of a file being opened against the slot layout the
 * caller expects. Little-endian:
 * <pre>
 *   0                   4                   8                   12                  16
 *   +-------------------+-------------------+-------------------+-------------------+
 *   |               magic "PGSTATE\1"       |  format version   |  header length    |
 *   +-------------------+-------------------+-------------------+-------------------+
 *   |  key length       |  value length     |  slot length      |  open flag        |  16
 *   +-------------------+-------------------+-------------------+-------------------+
 *   |             capacity (slots)          |           size (at last close)        |  32
 *   +-------------------+-------------------+-------------------+-------------------+
 *   |  mark epoch       |  CRC32C of [0,52) |  zero padding to the header length (4096)   48
 *   +-------------------+-------------------+---------------------------------------+
 * </pre>
 */
final class SlotFileHeader
{
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int HEADER_LENGTH_OFFSET = 12;
    static final int KEY_LENGTH_OFFSET = 16;
    static final int VALUE_LENGTH_OFFSET = 20;
    static final int SLOT_LENGTH_OFFSET = 24;
    static final int OPEN_FLAG_OFFSET = 28;
    static final int CAPACITY_OFFSET = 32;
    static final int SIZE_OFFSET = 40;
    static final int EPOCH_OFFSET = 48;
    static final int CHECKSUM_OFFSET = 52;

    private SlotFileHeader()
    {
    }

    /**
     * Write the whole header of a new file, as of an open, empty table.
     *
     * @param header      the mapped header.
     * @param capacity    slots of the file.
     * @param valueLength bytes per value.
     * @param slotLength  bytes per slot.
     * @param epoch       mark epoch of the table.
     */
    static void writeNew(
        final UnsafeBuffer header, final long capacity, final int valueLength, final int slotLength, final int epoch)
    {
        header.setMemory(0, HEADER_LENGTH, (byte)0);
        header.putLong(MAGIC_OFFSET, MAGIC, ByteOrder.LITTLE_ENDIAN);
        header.putInt(VERSION_OFFSET, FORMAT_VERSION, ByteOrder.LITTLE_ENDIAN);
        header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN);
        header.putInt(KEY_LENGTH_OFFSET, KEY_LENGTH, ByteOrder.LITTLE_ENDIAN);
        header.putInt(VALUE_LENGTH_OFFSET, valueLength, ByteOrder.LITTLE_ENDIAN);
        header.putInt(SLOT_LENGTH_OFFSET, slotLength, ByteOrder.LITTLE_ENDIAN);
        header.putLong(CAPACITY_OFFSET, capacity, ByteOrder.LITTLE_ENDIAN);
        writeState(header, 0, epoch, 1);
    }

    /**
     * Write the fields that change while a table is used (size, epoch, open flag) and the checksum over them.
     *
     * @param header   the mapped header.
     * @param size     entries of the table.
     * @param epoch    mark epoch of the table.
     * @param openFlag 1 while the table is open, 0 once closed (the size is then exact).
     */
    static void writeState(final UnsafeBuffer header, final long size, final int epoch, final int openFlag)
    {
        header.putLong(SIZE_OFFSET, size, ByteOrder.LITTLE_ENDIAN);
        header.putInt(EPOCH_OFFSET, epoch, ByteOrder.LITTLE_ENDIAN);
        header.putInt(OPEN_FLAG_OFFSET, openFlag, ByteOrder.LITTLE_ENDIAN);
        final byte[] bytes = new byte[CHECKSUM_OFFSET];
        header.getBytes(0, bytes);
        header.putInt(CHECKSUM_OFFSET, checksum(bytes), ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * @param header a header that was checked by {@link #readCapacity}.
     * @return the mark epoch stored in it.
     */
    static int epoch(final UnsafeBuffer header)
    {
        return header.getInt(EPOCH_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * @param header a header that was checked by {@link #readCapacity}.
     * @return true if the table was not closed (the process stopped): the stored size is then not to be trusted.
     */
    static boolean wasLeftOpen(final UnsafeBuffer header)
    {
        return header.getInt(OPEN_FLAG_OFFSET, ByteOrder.LITTLE_ENDIAN) != 0;
    }

    /**
     * @param header a header that was checked by {@link #readCapacity}.
     * @return the size stored at the last close.
     */
    static long size(final UnsafeBuffer header)
    {
        return header.getLong(SIZE_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Read the header of a file being opened and check it: length, magic, checksum, version, slot layout and capacity.
     *
     * @param file        the file, for messages.
     * @param channel     open on the file.
     * @param valueLength bytes per value the caller expects.
     * @param slotLength  bytes per slot the caller expects.
     * @return the capacity of the file, in slots.
     * @throws StateFileException naming the file and what to do if any check fails.
     * @throws IOException        if the file cannot be read.
     */
    static long readCapacity(final Path file, final FileChannel channel, final int valueLength, final int slotLength)
        throws IOException
    {
        final long fileLength = channel.size();
        if (fileLength < HEADER_LENGTH)
        {
            throw new StateFileException(file, "truncated: " + fileLength + " bytes is shorter than the " +
                HEADER_LENGTH + "-byte header; restore the table from the last checkpoint");
        }
        final byte[] bytes = new byte[HEADER_LENGTH];
        final ByteBuffer read = ByteBuffer.wrap(bytes);
        while (read.hasRemaining())
        {
            if (channel.read(read, read.position()) < 0)
            {
                throw new StateFileException(file, "truncated while reading the header");
            }
        }
        final UnsafeBuffer h = new UnsafeBuffer(bytes);
        final long magic = h.getLong(MAGIC_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (magic != MAGIC)
        {
            throw new StateFileException(file, "not a Peregrine state file (magic 0x" +
                Long.toHexString(magic) + ", expected 0x" + Long.toHexString(MAGIC) +
                "): check the state directory setting");
        }
        final int storedChecksum = h.getInt(CHECKSUM_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int checksum = checksum(bytes);
        if (storedChecksum != checksum)
        {
            throw new StateFileException(file, "header checksum mismatch (stored 0x" +
                Integer.toHexString(storedChecksum) + ", computed 0x" + Integer.toHexString(checksum) +
                "): the header is corrupt; restore the table from the last checkpoint");
        }
        final int version = h.getInt(VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (version != FORMAT_VERSION)
        {
            throw new StateFileException(file, "format version " + version + " but this build reads " +
                FORMAT_VERSION + ": open it with a matching build or restore from a checkpoint");
        }
        final int headerLength = h.getInt(HEADER_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int keyLength = h.getInt(KEY_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int storedValueLength = h.getInt(VALUE_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int storedSlotLength = h.getInt(SLOT_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (headerLength != HEADER_LENGTH || keyLength != KEY_LENGTH ||
            storedValueLength != valueLength || storedSlotLength != slotLength)
        {
            throw new StateFileException(file, "another slot layout: the file has key " + keyLength +
                " value " + storedValueLength + " slot " + storedSlotLength + " header " + headerLength +
                " bytes, the caller expects key " + KEY_LENGTH + " value " + valueLength + " slot " +
                slotLength + " header " + HEADER_LENGTH + "; the operator's state schema changed: " +
                "use another table name or migrate the state");
        }
        final long capacity = h.getLong(CAPACITY_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (capacity < MIN_CAPACITY || Long.bitCount(capacity) != 1 ||
            capacity > (Long.MAX_VALUE - HEADER_LENGTH) / slotLength)
        {
            throw new StateFileException(file, "invalid capacity " + capacity + " in the header");
        }
        final long expectedLength = HEADER_LENGTH + capacity * slotLength;
        if (fileLength < expectedLength)
        {
            throw new StateFileException(file, "truncated: " + fileLength + " bytes but the header " +
                "describes " + capacity + " slots (" + expectedLength + " bytes); restore the table " +
                "from the last checkpoint");
        }
        return capacity;
    }

    /**
     * @param header at least the first {@link #CHECKSUM_OFFSET} bytes of a header.
     * @return CRC32C of those bytes.
     */
    static int checksum(final byte[] header)
    {
        final CRC32C crc = new CRC32C();
        crc.update(header, 0, CHECKSUM_OFFSET);
        return (int)crc.getValue();
    }
}
