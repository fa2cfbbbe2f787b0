package io.peregrine.exchange;

import io.peregrine.api.Row;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The producer end of one exchange ring. Writes in place with {@code tryClaim}/{@code commit}; when
 * the ring is full, the message waits in a local pending buffer (in order, with everything after
 * it) and the shard stops pulling from its sources until {@link #flush()} has moved it all into the
 * ring. Nothing is dropped; the pending buffer is bounded by one duty cycle's output.
 * <pre>
 *   pending entry: | type (int) | length (int) | payload (length bytes) |
 * </pre>
 */
public final class OutboundChannel
{
    private static final int PENDING_HEADER = 8;

    private final RingBuffer ring;
    private final ExpandableDirectByteBuffer pending = new ExpandableDirectByteBuffer(64 * 1024);
    private int pendingHead;
    private int pendingTail;
    private long backPressureEvents;
    private long sent;

    public OutboundChannel(final RingBuffer ring)
    {
        this.ring = ring;
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
        buffer.putInt(index + ExchangeFrame.SPLIT_OFFSET, row.sourceSplit());
        buffer.putInt(index + ExchangeFrame.VERSION_OFFSET, ExchangeFrame.VERSION);
        buffer.putBytes(index + ExchangeFrame.RECORD_HEADER_LENGTH, row.buffer(), row.offset(), row.length());
    }

    public void sendWatermark(final long watermark)
    {
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

    public void sendIdle()
    {
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
