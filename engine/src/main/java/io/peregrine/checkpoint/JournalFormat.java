package io.peregrine.checkpoint;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.zip.CRC32C;

/**
 * The layout of a checkpoint journal document: every Chronicle Queue excerpt a checkpoint writes is one of these,
 * raw bytes, little-endian.
 * <pre>
 *   0        4         6        8                  16       20         24          28        32
 *   +--------+---------+--------+------------------+--------+----------+-----------+---------+--------------+
 *   | magic  | version | kind   | checkpoint id    | shard  | sequence | length    | crc32c  | payload ...  |
 *   +--------+---------+--------+------------------+--------+----------+-----------+---------+--------------+
 *   magic "PGCK"; kind DATA (entries), SHARD_END (a shard's part is whole), COMPLETE (coordinator: all shards);
 *   sequence: index of a DATA document within its shard's part; crc32c over bytes 0-27 and the payload.
 *
 *   DATA payload, entries one after another:
 *   TABLE  | type 1 (byte) | reset (byte) | kind (byte) | pad | op (int) | tag (long)     |
 *            kind 0: a slot table (PUT values of its value length); 1: lists or maps (PUT a key's whole
 *            encoded content, length 0 = the key was removed)
 *   PUT    | type 2 (byte) | pad (3)      | length (int)           | key (long) | value (length bytes) |
 *   REMOVE | type 3 (byte) | pad (7)                               | key (long) |
 *   BLOB   | type 4 (byte) | pad (3)      | op (int)    | length (int) | pad (int) | bytes (length) |
 *
 *   SHARD_END payload: | data documents (int) | entries (long) | bytes (long) | pause ns (long) |
 *                      | parts (int) | per part: name length (short), name (ASCII) |
 *   COMPLETE payload:  | base id (long) | full (byte) | final (byte) | pad (short) | shards (int) |
 *                      | trigger epoch ms (long) | duration ns (long) | bytes (long) | max pause ns (long) |
 * </pre>
 * A reader refuses a document whose magic, version or checksum is wrong, naming the journal and the index.
 */
public final class JournalFormat
{
    public static final int MAGIC = 0x4B434750; // "PGCK" little-endian
    public static final short VERSION = 1;

    public static final short DATA = 1;
    public static final short SHARD_END = 2;
    public static final short COMPLETE = 3;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int KIND_OFFSET = 6;
    public static final int ID_OFFSET = 8;
    public static final int SHARD_OFFSET = 16;
    public static final int SEQUENCE_OFFSET = 20;
    public static final int LENGTH_OFFSET = 24;
    public static final int CRC_OFFSET = 28;
    public static final int HEADER_LENGTH = 32;

    public static final byte TABLE = 1;
    public static final byte PUT = 2;
    public static final byte REMOVE = 3;
    public static final byte BLOB = 4;
    public static final int ENTRY_HEADER = 16;

    /** A DATA document is closed once its payload reaches this many bytes. */
    public static final int DOCUMENT_TARGET = 256 * 1024;

    /** Coordinator documents carry this shard number. */
    public static final int COORDINATOR = -1;

    private JournalFormat()
    {
    }

    /**
     * Fill in a document's header and checksum.
     */
    static void seal(
        final MutableDirectBuffer doc, final CRC32C crc, final byte[] array, final short kind, final long id,
        final int shard, final int sequence, final int payloadLength)
    {
        doc.putInt(MAGIC_OFFSET, MAGIC);
        doc.putShort(VERSION_OFFSET, VERSION);
        doc.putShort(KIND_OFFSET, kind);
        doc.putLong(ID_OFFSET, id);
        doc.putInt(SHARD_OFFSET, shard);
        doc.putInt(SEQUENCE_OFFSET, sequence);
        doc.putInt(LENGTH_OFFSET, payloadLength);
        doc.putInt(CRC_OFFSET, checksum(crc, array, payloadLength));
    }

    static int checksum(final CRC32C crc, final byte[] array, final int payloadLength)
    {
        crc.reset();
        crc.update(array, 0, CRC_OFFSET);
        crc.update(array, HEADER_LENGTH, payloadLength);
        return (int)crc.getValue();
    }

    /**
     * @return null if the document is sound, else what is wrong with it.
     */
    static String check(final DirectBuffer doc, final byte[] array, final int length, final CRC32C crc)
    {
        if (length < HEADER_LENGTH)
        {
            return "document of " + length + " bytes is shorter than a header (" + HEADER_LENGTH + ")";
        }
        if (doc.getInt(MAGIC_OFFSET) != MAGIC)
        {
            return "bad magic 0x" + Integer.toHexString(doc.getInt(MAGIC_OFFSET)) + " (not a Peregrine checkpoint document)";
        }
        if (doc.getShort(VERSION_OFFSET) != VERSION)
        {
            return "format version " + doc.getShort(VERSION_OFFSET) + ", this build reads " + VERSION;
        }
        final int payload = doc.getInt(LENGTH_OFFSET);
        if (payload < 0 || HEADER_LENGTH + payload != length)
        {
            return "payload length " + payload + " does not match the document's " + length + " bytes";
        }
        if (checksum(crc, array, payload) != doc.getInt(CRC_OFFSET))
        {
            return "checksum mismatch";
        }
        return null;
    }
}
