package io.peregrine.runtime;

import io.peregrine.api.MutableRow;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import io.peregrine.exchange.ExchangeFrame;
import io.peregrine.time.WatermarkTracker;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The consumer end of a keyBy on one shard: reads the rings from the other shards (and takes local
 * records by direct call), hands records to the keyed operator in place, and forwards the minimum
 * watermark over its producers.
 * <p>
 * Barrier alignment: once a producer has delivered checkpoint barrier N, its ring is not read again until the
 * shard has taken checkpoint N, so nothing after the barrier reaches the keyed operators early; when every
 * producer (this shard's own included) has delivered N, the barrier goes downstream.
 */
final class ExchangeInput implements Checkpointed
{
    private final String name;
    private final Schema schema;
    private final WatermarkTracker tracker;
    private final RingBuffer[] rings;
    private final Handler[] handlers;
    private final MutableRow row = new MutableRow();
    private Operator downstream;
    private final boolean[] blocked;
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(64);
    private boolean idleSent;
    private long barrierId;
    private int barriers;

    ExchangeInput(final String name, final Schema schema, final int self, final RingBuffer[] rings)
    {
        this.name = name;
        this.schema = schema;
        this.tracker = new WatermarkTracker(rings.length);
        this.rings = rings;
        this.handlers = new Handler[rings.length];
        this.blocked = new boolean[rings.length];
        for (int i = 0; i < rings.length; i++)
        {
            if (i != self)
            {
                handlers[i] = new Handler(i);
            }
        }
    }

    void downstream(final Operator downstream)
    {
        this.downstream = downstream;
    }

    Operator downstream()
    {
        return downstream;
    }

    String name()
    {
        return name;
    }

    boolean isEnded()
    {
        return tracker.isEnded();
    }

    /**
     * Read each ring until {@code limit} records have been handed downstream (whole messages: a batch message is
     * never split, so up to one batch more), so that a burst from another shard (a window's results, a two-stage
     * aggregation's partials) is spread over duty cycles instead of holding up this shard's sources and timers.
     *
     * @param limit records per ring.
     * @return messages read.
     */
    int poll(final int limit)
    {
        int work = 0;
        for (int i = 0; i < rings.length; i++)
        {
            final Handler handler = handlers[i];
            if (handler != null && !blocked[i])
            {
                handler.budget = limit;
                work += rings[i].controlledRead(handler, Integer.MAX_VALUE);
            }
        }
        return work;
    }

    void onLocalRecord(final Row row)
    {
        downstream.onRecord(row);
    }

    void watermark(final int producer, final long watermark)
    {
        if (tracker.update(producer, watermark))
        {
            idleSent = false;
            downstream.onWatermark(tracker.combined());
        }
    }

    void barrier(final int producer, final long id)
    {
        if (id != barrierId)
        {
            barrierId = id;
            barriers = 0;
        }
        blocked[producer] = true;
        if (++barriers == blocked.length)
        {
            downstream.onBarrier(id);
        }
    }

    /**
     * @return true when every producer has delivered the barrier of checkpoint {@code id}.
     */
    boolean isAligned(final long id)
    {
        return barrierId == id && barriers == blocked.length;
    }

    /**
     * The checkpoint is taken: read every ring again.
     */
    void resume()
    {
        java.util.Arrays.fill(blocked, false);
    }

    public void snapshot(final int op, final SnapshotWriter writer)
    {
        scratch.putByte(0, (byte)(idleSent ? 1 : 0));
        final int length = 1 + tracker.encode(scratch, 1);
        writer.blob(op, scratch, 0, length);
    }

    private long restoredMin = Long.MAX_VALUE;
    private boolean restoredActive;

    /**
     * The producers' watermarks as checkpointed (by one shard, or by each of several on another shard count): every
     * producer restarts from the smallest of those not idle, which is what the combined watermark was, and sends
     * its own again as it goes.
     */
    public void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
        final int inputs = buffer.getInt(offset + 1);
        int at = offset + 13;
        for (int i = 0; i < inputs; i++, at += 9)
        {
            if (buffer.getByte(at + 8) == 0)
            {
                restoredActive = true;
                restoredMin = Math.min(restoredMin, buffer.getLong(at));
            }
        }
    }

    public void restoreEnd()
    {
        if (restoredActive)
        {
            for (int p = 0; p < blocked.length; p++)
            {
                tracker.restoreInput(p, restoredMin, false);
            }
        }
    }

    public String toString()
    {
        return "exchange '" + name + "'";
    }

    void idle(final int producer)
    {
        if (tracker.markIdle(producer))
        {
            downstream.onWatermark(tracker.combined());
        }
        else if (tracker.isIdle() && !idleSent)
        {
            idleSent = true;
            downstream.onIdle();
        }
    }

    private final class Handler implements ControlledMessageHandler
    {
        private final int producer;
        int budget;

        Handler(final int producer)
        {
            this.producer = producer;
        }

        public Action onMessage(final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index, final int length)
        {
            switch (msgTypeId)
            {
                case ExchangeFrame.RECORD:
                {
                    checkVersion(buffer.getInt(index + ExchangeFrame.VERSION_OFFSET));
                    row.wrap(schema, buffer, index + ExchangeFrame.RECORD_HEADER_LENGTH, length - ExchangeFrame.RECORD_HEADER_LENGTH);
                    row.meta(
                        buffer.getLong(index + ExchangeFrame.EVENT_TIME_OFFSET),
                        buffer.getInt(index + ExchangeFrame.SPLIT_OFFSET),
                        buffer.getLong(index + ExchangeFrame.POSITION_OFFSET),
                        buffer.getLong(index + ExchangeFrame.RECORD_WATERMARK_OFFSET));
                    downstream.onRecord(row);
                    budget--;
                    break;
                }
                case ExchangeFrame.BATCH:
                {
                    final int end = index + length;
                    int at = index;
                    while (at < end)
                    {
                        final int recordLength = buffer.getInt(at);
                        final int record = at + ExchangeFrame.BATCH_ENTRY_HEADER;
                        checkVersion(buffer.getInt(record + ExchangeFrame.VERSION_OFFSET));
                        row.wrap(schema, buffer, record + ExchangeFrame.RECORD_HEADER_LENGTH,
                            recordLength - ExchangeFrame.RECORD_HEADER_LENGTH);
                        row.meta(
                            buffer.getLong(record + ExchangeFrame.EVENT_TIME_OFFSET),
                            buffer.getInt(record + ExchangeFrame.SPLIT_OFFSET),
                            buffer.getLong(record + ExchangeFrame.POSITION_OFFSET),
                            buffer.getLong(record + ExchangeFrame.RECORD_WATERMARK_OFFSET));
                        downstream.onRecord(row);
                        budget--;
                        at = record + ((recordLength + 7) & ~7);
                    }
                    break;
                }
                case ExchangeFrame.WATERMARK:
                    watermark(producer, buffer.getLong(index));
                    break;
                case ExchangeFrame.BARRIER:
                    barrier(producer, buffer.getLong(index));
                    return Action.BREAK;
                case ExchangeFrame.IDLE:
                    checkVersion(buffer.getInt(index));
                    idle(producer);
                    break;
                default:
                    throw new IllegalStateException("exchange '" + name + "' from shard " + producer +
                        ": unknown message type " + msgTypeId + " (this build knows 1-5): mixed Peregrine versions?");
            }
            return budget > 0 ? Action.CONTINUE : Action.BREAK;
        }

        private void checkVersion(final int version)
        {
            if (version != ExchangeFrame.VERSION)
            {
                throw new IllegalStateException("exchange '" + name + "' from shard " + producer + ": frame version " +
                    version + ", this build reads " + ExchangeFrame.VERSION + ": mixed Peregrine versions?");
            }
        }
    }

}
