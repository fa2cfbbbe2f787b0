package io.peregrine.transport.aeron;

import io.peregrine.exchange.ClusterLayout;
import io.peregrine.exchange.ClusterSpec;
import io.peregrine.exchange.ExchangeFrame;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each data message from another node and writes its payload into the exchange ring of its (source shard,
 * destination shard) pair. A message that does not belong here (an unknown sender, another job, an unknown type or
 * version, a shard its sender does not own, a payload that is not a well-formed exchange message) is counted and
 * dropped: it never reaches a shard. A full ring leaves the message in the Aeron image ({@link Action#ABORT}) to be
 * offered again, which back-pressures the sender through Aeron's flow control.
 */
final class InboundFrames
{
    private static final Logger LOG = LoggerFactory.getLogger(InboundFrames.class);
    /** Rejections logged one by one; after that, only counted (the count is logged when the link closes). */
    private static final int LOGGED = 10;

    private final ClusterLayout layout;
    private final ClusterLayout.Member self;
    private final int jobId;
    private final int exchanges;
    private final ClusterSpec.Rings rings;
    private long rejected;

    InboundFrames(final ClusterLayout layout, final int node, final int jobId, final int exchanges, final ClusterSpec.Rings rings)
    {
        this.layout = layout;
        this.self = layout.member(node);
        this.jobId = jobId;
        this.exchanges = exchanges;
        this.rings = rings;
    }

    long rejected()
    {
        return rejected;
    }

    /**
     * @param sender the node the message came from, as its Aeron session says (any int: checked here).
     * @param buffer holding the message.
     * @param offset of the header.
     * @param length of header and payload.
     * @return {@link Action#CONTINUE} when taken or dropped, {@link Action#ABORT} when its ring is full.
     */
    Action onData(final int sender, final DirectBuffer buffer, final int offset, final int length)
    {
        if (sender < 0 || sender >= layout.nodes() || sender == self.id)
        {
            return reject("unknown sender (session of node " + sender + ")", length);
        }
        final String problem = checkHeader(buffer, offset, length);
        if (problem != null)
        {
            return reject(problem + " from node " + sender, length);
        }
        final int type = TransportFrame.type(buffer, offset);
        final int exchange = buffer.getShort(offset + TransportFrame.EXCHANGE_OFFSET);
        final int source = buffer.getInt(offset + TransportFrame.SOURCE_OFFSET);
        final int destination = buffer.getInt(offset + TransportFrame.DESTINATION_OFFSET);
        if (exchange < 0 || exchange >= exchanges)
        {
            return reject("exchange " + exchange + " from node " + sender + " (the job has " + exchanges + ")", length);
        }
        if (source < 0 || source >= layout.totalShards() || layout.nodeOfShard(source) != sender)
        {
            return reject("source shard " + source + " not on its sender, node " + sender, length);
        }
        if (!self.owns(destination))
        {
            return reject("destination shard " + destination + " not on this node, from node " + sender, length);
        }
        final int payload = offset + TransportFrame.HEADER_LENGTH;
        final int payloadLength = length - TransportFrame.HEADER_LENGTH;
        final String bad = checkPayload(type, buffer, payload, payloadLength);
        if (bad != null)
        {
            return reject(bad + " from node " + sender, length);
        }
        final RingBuffer ring = rings.ring(exchange, source, destination);
        if (ring == null || payloadLength > ring.maxMsgLength())
        {
            return reject("no ring for shard " + source + " -> " + destination + " of exchange " + exchange, length);
        }
        return ring.write(type, buffer, payload, payloadLength) ? Action.CONTINUE : Action.ABORT;
    }

    /**
     * @return null when the header is this job's and this version's, else what is wrong.
     */
    String checkHeader(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < TransportFrame.HEADER_LENGTH)
        {
            return "a message of " + length + " bytes, shorter than a header";
        }
        if (buffer.getInt(offset + TransportFrame.MAGIC_OFFSET) != TransportFrame.MAGIC)
        {
            return "a message without Peregrine's magic";
        }
        final int version = buffer.getByte(offset + TransportFrame.VERSION_OFFSET);
        if (version != TransportFrame.VERSION)
        {
            return "transport version " + version + " (this build speaks " + TransportFrame.VERSION + ")";
        }
        if (buffer.getInt(offset + TransportFrame.JOB_OFFSET) != jobId)
        {
            return "a message of another job";
        }
        return null;
    }

    /**
     * @return null when the payload is a well-formed exchange message of its type, else what is wrong.
     */
    static String checkPayload(final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (type)
        {
            case ExchangeFrame.WATERMARK:
                return length == ExchangeFrame.WATERMARK_LENGTH ? null : "a watermark of " + length + " bytes";
            case ExchangeFrame.BARRIER:
                return length == ExchangeFrame.BARRIER_LENGTH ? null : "a barrier of " + length + " bytes";
            case ExchangeFrame.IDLE:
                return length == ExchangeFrame.IDLE_LENGTH && buffer.getInt(offset) == ExchangeFrame.VERSION ? null :
                    "an idle mark of another version or length";
            case ExchangeFrame.RECORD:
                return length >= ExchangeFrame.RECORD_HEADER_LENGTH &&
                    buffer.getInt(offset + ExchangeFrame.VERSION_OFFSET) == ExchangeFrame.VERSION ? null :
                    "a record of another version or too short";
            case ExchangeFrame.BATCH:
            {
                final int end = offset + length;
                int at = offset;
                while (at < end)
                {
                    if (end - at < ExchangeFrame.BATCH_ENTRY_HEADER + ExchangeFrame.RECORD_HEADER_LENGTH)
                    {
                        return "a batch with a torn entry";
                    }
                    final int recordLength = buffer.getInt(at);
                    final int record = at + ExchangeFrame.BATCH_ENTRY_HEADER;
                    if (recordLength < ExchangeFrame.RECORD_HEADER_LENGTH || recordLength > end - record)
                    {
                        return "a batch with an entry of " + recordLength + " bytes";
                    }
                    if (buffer.getInt(record + ExchangeFrame.VERSION_OFFSET) != ExchangeFrame.VERSION)
                    {
                        return "a batch with a record of version " + buffer.getInt(record + ExchangeFrame.VERSION_OFFSET);
                    }
                    at = record + ((recordLength + 7) & ~7);
                }
                return length > 0 ? null : "an empty batch";
            }
            default:
                return "unknown message type " + type;
        }
    }

    Action reject(final String what, final int length)
    {
        if (rejected++ < LOGGED)
        {
            LOG.warn("node {} dropped a frame of {} bytes: {}{}", self.id, length, what,
                rejected == LOGGED ? " (further rejections are only counted)" : "");
        }
        return Action.CONTINUE;
    }
}
