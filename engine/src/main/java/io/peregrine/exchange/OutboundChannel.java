package io.peregrine.exchange;

import io.peregrine.api.Row;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The producer end of one exchange ring. Records are gathered into a batch (one ring message of
 * many records, see {@link ExchangeFrame#BATCH}) that goes into the ring when it is full, before a
 * watermark, or at the end of the shard's duty cycle ({@link #flushBatch()}), so the ring's claim
 * and commit are paid per batch rather than per record. When the ring is full, the message waits in
 * a local pending buffer (in order, with everything after it) and the shard stops pulling from its
 * sources until {@link #flush()} has moved it all into the ring. Nothing is dropped; the pending
 * buffer is bounded by one duty cycle's output.
 * <pre>
 *   pending entry: | type (int) | length (int) | payload (length bytes) |
 * </pre>
 */
public final class OutboundChannel
{
    private static final int PENDING_HEADER = 8;

    /** Largest batch message, in bytes. */
    public static final int MAX_BATCH_LENGTH = 16 * 1024;

    private final RingBuffer ring;
    private final ExpandableDirectByteBuffer pending = new ExpandableDirectByteBuffer(64 * 1024);
    private final UnsafeBuffer batch;
    private int batchLength;
    private int pendingHead;
    private int pendingTail;
    private long backPressureEvents;
    private long sent;

    public OutboundChannel(final RingBuffer ring)
    {
        this.ring = ring;
        this.batch = new UnsafeBuffer(new byte[Math.min(MAX_BATCH_LENGTH, ring.maxMsgLength())]);
    }

    public boolean hasPending()
    {
        return pendingTail != pendingHead;
    }

    public long backPressureEvents()
    {
        return backPressureEvents;
    }

    public long sent()
    {
        return sent;
    }

    public void sendRecord(final Row row)
    {
        final int length = ExchangeFrame.RECORD_HEADER_LENGTH + row.length();
        sent++;
        final int entry = ExchangeFrame.BATCH_ENTRY_HEADER + ((length + 7) & ~7);
        if (entry <= batch.capacity())
        {
            if (batchLength + entry > batch.capacity())
            {
                flushBatch();
            }
            batch.putInt(batchLength, length);
            writeRecord(batch, batchLength + ExchangeFrame.BATCH_ENTRY_HEADER, row);
            batchLength += entry;
            return;
        }
        flushBatch();
        if (pendingTail == pendingHead)
        {
            final int index = ring.tryClaim(ExchangeFrame.RECORD, length);
            if (index > 0)
            {
                writeRecord(ring.buffer(), index, row);
                ring.commit(index);
                return;
            }
        }
        backPressureEvents++;
        final int at = reservePending(ExchangeFrame.RECORD, length);
        writeRecord(pending, at, row);
    }

    private static void writeRecord(final MutableDirectBuffer buffer, final int index, final Row row)
    {
        buffer.putLong(index + ExchangeFrame.EVENT_TIME_OFFSET, row.eventTime());
        buffer.putLong(index + ExchangeFrame.POSITION_OFFSET, row.sourcePosition());
        buffer.putLong(index + ExchangeFrame.RECORD_WATERMARK_OFFSET, row.recordWatermark());
        buffer.putInt(index + ExchangeFrame.SPLIT_OFFSET, row.sourceSplit());
        buffer.putInt(index + ExchangeFrame.VERSION_OFFSET, ExchangeFrame.VERSION);
        buffer.putBytes(index + ExchangeFrame.RECORD_HEADER_LENGTH, row.buffer(), row.offset(), row.length());
    }

    /**
     * Send the records gathered so far as one message (into the ring, or pending if it is full).
     */
    public void flushBatch()
    {
        final int length = batchLength;
        if (length == 0)
        {
            return;
        }
        batchLength = 0;
        if (pendingTail == pendingHead)
        {
            final int index = ring.tryClaim(ExchangeFrame.BATCH, length);
            if (index > 0)
            {
                ring.buffer().putBytes(index, batch, 0, length);
                ring.commit(index);
                return;
            }
        }
        backPressureEvents++;
        final int at = reservePending(ExchangeFrame.BATCH, length);
        pending.putBytes(at, batch, 0, length);
    }

    public void sendWatermark(final long watermark)
    {
        flushBatch();
        if (pendingTail == pendingHead)
        {
            final int index = ring.tryClaim(ExchangeFrame.WATERMARK, ExchangeFrame.WATERMARK_LENGTH);
            if (index > 0)
            {
                ring.buffer().putLong(index, watermark);
                ring.commit(index);
                return;
            }
        }
        final int at = reservePending(ExchangeFrame.WATERMARK, ExchangeFrame.WATERMARK_LENGTH);
        pending.putLong(at, watermark);
    }

    /**
     * @param id of the checkpoint whose barrier follows every record sent so far.
     */
    public void sendBarrier(final long id)
    {
        flushBatch();
        if (pendingTail == pendingHead)
        {
            final int index = ring.tryClaim(ExchangeFrame.BARRIER, ExchangeFrame.BARRIER_LENGTH);
            if (index > 0)
            {
                ring.buffer().putLong(index, id);
                ring.commit(index);
                return;
            }
        }
        final int at = reservePending(ExchangeFrame.BARRIER, ExchangeFrame.BARRIER_LENGTH);
        pending.putLong(at, id);
    }

    public void sendIdle()
    {
        flushBatch();
        if (pendingTail == pendingHead)
        {
            final int index = ring.tryClaim(ExchangeFrame.IDLE, ExchangeFrame.IDLE_LENGTH);
            if (index > 0)
            {
                ring.buffer().putInt(index, ExchangeFrame.VERSION);
                ring.commit(index);
                return;
            }
        }
        final int at = reservePending(ExchangeFrame.IDLE, ExchangeFrame.IDLE_LENGTH);
        pending.putInt(at, ExchangeFrame.VERSION);
    }

    private int reservePending(final int type, final int length)
    {
        final int at = pendingTail;
        pending.checkLimit(at + PENDING_HEADER + length);
        pending.putInt(at, type);
        pending.putInt(at + 4, length);
        pendingTail = at + PENDING_HEADER + length;
        return at + PENDING_HEADER;
    }

    /**
     * Move pending messages into the ring, in order, until it is full.
     *
     * @return messages moved.
     */
    public int flush()
    {
        int moved = 0;
        while (pendingHead != pendingTail)
        {
            final int type = pending.getInt(pendingHead);
            final int length = pending.getInt(pendingHead + 4);
            final int index = ring.tryClaim(type, length);
            if (index <= 0)
            {
                break;
            }
            ring.buffer().putBytes(index, pending, pendingHead + PENDING_HEADER, length);
            ring.commit(index);
            pendingHead += PENDING_HEADER + length;
            moved++;
        }
        if (pendingHead == pendingTail)
        {
            pendingHead = 0;
            pendingTail = 0;
        }
        return moved;
    }
}
