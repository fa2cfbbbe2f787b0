package io.peregrine.runtime;

import io.peregrine.api.Row;
import io.peregrine.exchange.ExchangeFrame;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A frame on an exchange ring that cannot be read is counted and dropped whole; the frames around it are read.
 */
class ExchangeInputTest
{
    private final RingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(new byte[64 * 1024 + RingBufferDescriptor.TRAILER_LENGTH]));
    private final CountersManager countersManager = new CountersManager(
        new UnsafeBuffer(new byte[64 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
    private final AtomicCounter malformed = countersManager.newCounter("malformed");
    private final List<Long> keys = new ArrayList<>();
    private final List<Long> watermarks = new ArrayList<>();
    private final ExchangeInput input = new ExchangeInput("by-key", EVENT, 0, new RingBuffer[]{ null, ring }, malformed);

    ExchangeInputTest()
    {
        input.downstream(new Operator("keyed")
        {
            public void onRecord(final Row row)
            {
                keys.add(row.getLong(KEY));
            }

            public void onWatermark(final long watermark)
            {
                watermarks.add(watermark);
            }
        });
    }

    /** @return a RECORD payload of an event with {@code key}. */
    private static UnsafeBuffer record(final long key, final int version)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ExchangeFrame.RECORD_HEADER_LENGTH + EVENT.fixedLength()]);
        frame.putInt(ExchangeFrame.SPLIT_OFFSET, -1);
        frame.putLong(ExchangeFrame.POSITION_OFFSET, -1);
        frame.putInt(ExchangeFrame.VERSION_OFFSET, version);
        frame.putLong(ExchangeFrame.RECORD_HEADER_LENGTH + KEY.offset(), key);
        return frame;
    }

    private void write(final int type, final UnsafeBuffer payload, final int length)
    {
        assertEquals(true, ring.write(type, payload, 0, length));
    }

    @Test
    void shouldCountAndDropEachUnreadableFrameAndReadTheOthers()
    {
        final UnsafeBuffer good = record(1, ExchangeFrame.VERSION);
        write(ExchangeFrame.RECORD, good, good.capacity());
        // an unknown type
        write(9, good, good.capacity());
        // a record of another version
        final UnsafeBuffer old = record(2, ExchangeFrame.VERSION - 1);
        write(ExchangeFrame.RECORD, old, old.capacity());
        // a record shorter than its schema's fixed part
        write(ExchangeFrame.RECORD, record(3, ExchangeFrame.VERSION), ExchangeFrame.RECORD_HEADER_LENGTH + 4);
        // a batch whose second entry claims more bytes than the batch holds: the whole batch is dropped
        final int entry = ExchangeFrame.BATCH_ENTRY_HEADER + ((good.capacity() + 7) & ~7);
        final UnsafeBuffer batch = new UnsafeBuffer(new byte[2 * entry]);
        batch.putInt(0, good.capacity());
        batch.putBytes(ExchangeFrame.BATCH_ENTRY_HEADER, record(4, ExchangeFrame.VERSION), 0, good.capacity());
        batch.putInt(entry, 10_000);
        batch.putBytes(entry + ExchangeFrame.BATCH_ENTRY_HEADER, record(5, ExchangeFrame.VERSION), 0, good.capacity());
        write(ExchangeFrame.BATCH, batch, batch.capacity());
        // a watermark of 4 bytes
        write(ExchangeFrame.WATERMARK, good, 4);
        // then readable frames again
        final UnsafeBuffer watermark = new UnsafeBuffer(new byte[8]);
        watermark.putLong(0, 1_000);
        write(ExchangeFrame.WATERMARK, watermark, 8);
        final UnsafeBuffer last = record(6, ExchangeFrame.VERSION);
        write(ExchangeFrame.RECORD, last, last.capacity());
        batch.putInt(entry, good.capacity());
        write(ExchangeFrame.BATCH, batch, batch.capacity());

        input.watermark(0, 5_000); // this shard's own, so the combined watermark is the producer's
        input.poll(100);
        assertEquals(List.of(1_000L), watermarks);

        assertEquals(List.of(1L, 6L, 4L, 5L), keys);
        assertEquals(5, malformed.get());
    }
}
