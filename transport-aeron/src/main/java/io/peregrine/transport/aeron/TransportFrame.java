package io.peregrine.transport.aeron;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The header of every Aeron message between two nodes, before the payload. Data messages carry one exchange ring
 * message unchanged (an {@link io.peregrine.exchange.ExchangeFrame} BATCH, WATERMARK, IDLE, RECORD or BARRIER, type
 * and payload as in the ring); control messages carry the handshake, heartbeats, failures and the end of the job.
 * <pre>
 *   0            4         5        6           8           12               16                 20          24
 *   +------------+---------+--------+-----------+-----------+----------------+------------------+-----------+
 *   | magic PRGN | version |  type  | exchange  |  job id   | source shard   | destination shard| reserved  | payload
 *   |   (int)    | (byte)  | (byte) |  (short)  |  (int)    | or node (int)  | or node (int)    |  (int)    |
 *   +------------+---------+--------+-----------+-----------+----------------+------------------+-----------+
 * </pre>
 * The job id is a hash of the job's name and shape, so a frame of another job on the same port is rejected.
 */
final class TransportFrame
{
    static final int MAGIC = 0x5052474E;
    static final int VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int TYPE_OFFSET = 5;
    static final int EXCHANGE_OFFSET = 6;
    static final int JOB_OFFSET = 8;
    static final int SOURCE_OFFSET = 12;
    static final int DESTINATION_OFFSET = 16;
    static final int HEADER_LENGTH = 24;

    /** Control types; data types are the exchange ring's message types (1-5). */
    static final int HELLO = 16;
    static final int START = 17;
    static final int FAIL = 18;
    static final int DONE = 19;
    static final int END = 20;
    static final int END_ACK = 21;
    static final int BYE = 22;
    static final int HEARTBEAT = 23;

    private TransportFrame()
    {
    }

    static void header(
        final MutableDirectBuffer buffer,
        final int offset,
        final int type,
        final int exchange,
        final int jobId,
        final int source,
        final int destination)
    {
        buffer.putInt(offset + MAGIC_OFFSET, MAGIC);
        buffer.putByte(offset + VERSION_OFFSET, (byte)VERSION);
        buffer.putByte(offset + TYPE_OFFSET, (byte)type);
        buffer.putShort(offset + EXCHANGE_OFFSET, (short)exchange);
        buffer.putInt(offset + JOB_OFFSET, jobId);
        buffer.putInt(offset + SOURCE_OFFSET, source);
        buffer.putInt(offset + DESTINATION_OFFSET, destination);
        buffer.putInt(offset + HEADER_LENGTH - 4, 0);
    }

    static int type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    static String typeName(final int type)
    {
        switch (type)
        {
            case HELLO: return "HELLO";
            case START: return "START";
            case FAIL: return "FAIL";
            case DONE: return "DONE";
            case END: return "END";
            case END_ACK: return "END_ACK";
            case BYE: return "BYE";
            case HEARTBEAT: return "HEARTBEAT";
            default: return "type " + type;
        }
    }

    /**
     * @param jobName     the job's name.
     * @param fingerprint the job's shape.
     * @return the job id in every frame's header.
     */
    static int jobId(final String jobName, final String fingerprint)
    {
        return (jobName + '\n' + fingerprint).hashCode();
    }
}
