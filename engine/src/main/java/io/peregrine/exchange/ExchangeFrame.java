package io.peregrine.exchange;

/**
 * Messages on an exchange ring between two shards. The ring's own header carries the type id and
 * length; the payload of each type is:
 * <pre>
 *   RECORD (type 1)
 *   0                   8                   16                   24        28        32
 *   +-------------------+-------------------+--------------------+---------+---------+-----------------+
 *   |  event time (ms)  |  source position  |  record watermark  |  split  | version |  row bytes ...  |
 *   +-------------------+-------------------+--------------------+---------+---------+-----------------+
 *   record watermark: the source split's watermark just before the record (Row.recordWatermark()), which
 *   decides whether it is late wherever it is consumed.
 *   WATERMARK (type 2): watermark (long) at 0; Long.MAX_VALUE is the final one.
 *   IDLE (type 3): version (int) at 0.
 *   BARRIER (type 5): checkpoint id (long) at 0.
 *   BATCH (type 4): records one after another, each a RECORD payload preceded by its length and
 *   padded to 8 bytes:
 *   +---------------+----------+------------------------------+---------+
 *   | length (int)  | pad (int)| RECORD payload (length bytes) | pad to 8 |  ...
 *   +---------------+----------+------------------------------+---------+
 * </pre>
 * A consumer refuses a type id or version it does not know, naming both.
 */
public final class ExchangeFrame
{
    /** Version 2 added the record watermark. */
    public static final int VERSION = 2;

    public static final int RECORD = 1;
    public static final int WATERMARK = 2;
    public static final int IDLE = 3;
    public static final int BATCH = 4;
    public static final int BARRIER = 5;

    /** Bytes before each record in a batch: its length and padding. */
    public static final int BATCH_ENTRY_HEADER = 8;

    public static final int EVENT_TIME_OFFSET = 0;
    public static final int POSITION_OFFSET = 8;
    public static final int RECORD_WATERMARK_OFFSET = 16;
    public static final int SPLIT_OFFSET = 24;
    public static final int VERSION_OFFSET = 28;
    public static final int RECORD_HEADER_LENGTH = 32;

    public static final int WATERMARK_LENGTH = 8;
    public static final int IDLE_LENGTH = 4;
    public static final int BARRIER_LENGTH = 8;

    private ExchangeFrame()
    {
    }
}
