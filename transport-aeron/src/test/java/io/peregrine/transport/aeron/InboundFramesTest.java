package io.peregrine.transport.aeron;

import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.peregrine.exchange.ClusterLayout;
import io.peregrine.exchange.ExchangeFrame;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Frames from another node that do not belong to this job, node or build are counted and dropped; none reaches a
 * ring.
 */
class InboundFramesTest
{
    private static final int JOB = TransportFrame.jobId("job", "shape");
    private final ClusterLayout layout = ClusterLayout.parse("test", List.of(
        "0 127.0.0.1:40000 2", "1 127.0.0.1:40001 2", "2 127.0.0.1:40002 1"));
    private final RingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(new byte[4096 + RingBufferDescriptor.TRAILER_LENGTH]));
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
    private InboundFrames inbound;

    @BeforeEach
    void setUp()
    {
        // This is node 1 (shards 2 and 3); only the ring from shard 0 to shard 2 of exchange 0 is wired here.
        inbound = new InboundFrames(layout, 1, JOB, 1, (e, p, c) -> e == 0 && p == 0 && c == 2 ? ring : null);
    }

    /** A valid BATCH of one record of 8 row bytes from shard 0 to shard 2; returns its length. */
    private int batch(final int source, final int destination)
    {
        TransportFrame.header(frame, 0, ExchangeFrame.BATCH, 0, JOB, source, destination);
        final int at = TransportFrame.HEADER_LENGTH;
        frame.putInt(at, ExchangeFrame.RECORD_HEADER_LENGTH + 8);
        final int record = at + ExchangeFrame.BATCH_ENTRY_HEADER;
        frame.putLong(record + ExchangeFrame.EVENT_TIME_OFFSET, 5);
        frame.putInt(record + ExchangeFrame.VERSION_OFFSET, ExchangeFrame.VERSION);
        frame.putLong(record + ExchangeFrame.RECORD_HEADER_LENGTH, 42);
        return record + ExchangeFrame.RECORD_HEADER_LENGTH + 8;
    }

    private int messagesInRing()
    {
        return ring.read((type, buffer, index, length) -> { });
    }

    @Test
    void shouldWriteAWellFormedBatchIntoItsRing()
    {
        assertEquals(Action.CONTINUE, inbound.onData(0, frame, 0, batch(0, 2)));
        assertEquals(0, inbound.rejected());
        assertEquals(1, messagesInRing());
    }

    @Test
    void shouldCountAndDropForeignAndMalformedFrames()
    {
        final int length = batch(0, 2);
        int expected = 0;

        assertEquals(Action.CONTINUE, inbound.onData(7, frame, 0, length)); // unknown sender
        assertEquals(++expected, inbound.rejected());
        inbound.onData(1, frame, 0, length); // "from" this node itself
        assertEquals(++expected, inbound.rejected());
        inbound.onData(0, frame, 0, TransportFrame.HEADER_LENGTH - 1); // shorter than a header
        assertEquals(++expected, inbound.rejected());

        frame.putInt(TransportFrame.MAGIC_OFFSET, 0x12345678); // not Peregrine's
        inbound.onData(0, frame, 0, length);
        assertEquals(++expected, inbound.rejected());

        batch(0, 2);
        frame.putByte(TransportFrame.VERSION_OFFSET, (byte)(TransportFrame.VERSION + 1)); // a newer transport
        inbound.onData(0, frame, 0, length);
        assertEquals(++expected, inbound.rejected());

        batch(0, 2);
        frame.putInt(TransportFrame.JOB_OFFSET, JOB + 1); // another job on the same port
        inbound.onData(0, frame, 0, length);
        assertEquals(++expected, inbound.rejected());

        batch(0, 2);
        frame.putByte(TransportFrame.TYPE_OFFSET, (byte)9); // unknown type
        inbound.onData(0, frame, 0, length);
        assertEquals(++expected, inbound.rejected());

        batch(0, 2);
        frame.putShort(TransportFrame.EXCHANGE_OFFSET, (short)3); // the job has one exchange
        inbound.onData(0, frame, 0, length);
        assertEquals(++expected, inbound.rejected());

        inbound.onData(0, frame, 0, batch(4, 2)); // shard 4 is node 2's, not the sender's
        assertEquals(++expected, inbound.rejected());
        inbound.onData(0, frame, 0, batch(0, 1)); // shard 1 is not on this node
        assertEquals(++expected, inbound.rejected());

        batch(0, 2);
        frame.putInt(TransportFrame.HEADER_LENGTH, 500); // an entry longer than the batch
        inbound.onData(0, frame, 0, length);
        assertEquals(++expected, inbound.rejected());

        batch(0, 2);
        frame.putInt(TransportFrame.HEADER_LENGTH + ExchangeFrame.BATCH_ENTRY_HEADER + ExchangeFrame.VERSION_OFFSET, 99);
        inbound.onData(0, frame, 0, length); // a record of another version
        assertEquals(++expected, inbound.rejected());

        TransportFrame.header(frame, 0, ExchangeFrame.WATERMARK, 0, JOB, 0, 2);
        inbound.onData(0, frame, 0, TransportFrame.HEADER_LENGTH + 3); // a torn watermark
        assertEquals(++expected, inbound.rejected());

        assertEquals(0, messagesInRing(), "a rejected frame reached a shard's ring");
    }

    @Test
    void shouldLeaveAFrameInTheImageWhenItsRingIsFull()
    {
        final int length = batch(0, 2);
        int written = 0;
        while (inbound.onData(0, frame, 0, length) == Action.CONTINUE)
        {
            written++;
        }
        assertEquals(Action.ABORT, inbound.onData(0, frame, 0, length));
        assertEquals(0, inbound.rejected(), "a full ring is back-pressure, not a bad frame");
        assertEquals(written, messagesInRing());
        assertEquals(Action.CONTINUE, inbound.onData(0, frame, 0, length));
    }
}
