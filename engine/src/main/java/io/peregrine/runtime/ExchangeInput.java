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
import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer end of a keyBy on one shard: reads the rings from the other shards (and takes local
 * records by direct call), hands records to the keyed operator in place, and forwards the minimum
 * watermark over its producers.
 * <p>
 * Barrier alignment: once a producer has delivered checkpoint barrier N, its ring is not read again until the
 * shard has taken checkpoint N, so nothing after the barrier reaches the keyed operators early; when every
 * producer (this shard's own included) has delivered N, the barrier goes downstream.
 * <p>
 * A frame it cannot read (a type id or version it does not know, a length that does not fit its type, its ring or the
 * schema) is dropped whole, counted as the keyBy's {@code malformed records} and logged the first time from each
 * producer: it never fails the shard nor reads garbage into state.
 */
final class ExchangeInput implements Checkpointed
{
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeInput.class);

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

    private final AtomicCounter malformed;
    private final boolean[] malformedLogged;

    /**
     * @param name      of the keyBy.
     * @param schema    of the records.
     * @param self      this shard, whose records come by direct call.
     * @param rings     from each producer shard (the own one unused).
     * @param malformed counts the frames dropped as unreadable.
     */
    ExchangeInput(final String name, final Schema schema, final int self, final RingBuffer[] rings, final AtomicCounter malformed)
    {
        this.name = name;
        this.malformed = malformed;
        this.malformedLogged = new boolean[rings.length];
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
                    if (!isRecord(buffer, index, length, index + length))
                    {
                        return dropped(msgTypeId, length, "a record of " + length + " bytes that does not fit its schema " +
                            "or is of another version");
                    }
                    deliver(buffer, index, length);
                    break;
                }
                case ExchangeFrame.BATCH:
                {
                    final int end = index + length;
                    final int bad = firstBadEntry(buffer, index, end);
                    if (bad >= 0)
                    {
                        return dropped(msgTypeId, length, "a batch whose entry at byte " + (bad - index) +
                            " does not fit the batch or its schema or is of another version");
                    }
                    int at = index;
                    while (at < end)
                    {
                        final int recordLength = buffer.getInt(at);
                        final int record = at + ExchangeFrame.BATCH_ENTRY_HEADER;
                        deliver(buffer, record, recordLength);
                        at = record + ((recordLength + 7) & ~7);
                    }
                    break;
                }
                case ExchangeFrame.WATERMARK:
                    if (length != ExchangeFrame.WATERMARK_LENGTH)
                    {
                        return dropped(msgTypeId, length, "a watermark of " + length + " bytes");
                    }
                    watermark(producer, buffer.getLong(index));
                    break;
                case ExchangeFrame.BARRIER:
                    if (length != ExchangeFrame.BARRIER_LENGTH)
                    {
                        return dropped(msgTypeId, length, "a barrier of " + length + " bytes");
                    }
                    barrier(producer, buffer.getLong(index));
                    return Action.BREAK;
                case ExchangeFrame.IDLE:
                    if (length != ExchangeFrame.IDLE_LENGTH || buffer.getInt(index) != ExchangeFrame.VERSION)
                    {
                        return dropped(msgTypeId, length, "an idle mark of " + length + " bytes or of another version");
                    }
                    idle(producer);
                    break;
                default:
                    return dropped(msgTypeId, length, "unknown message type " + msgTypeId + " (this build knows 1-5)");
            }
            return budget > 0 ? Action.CONTINUE : Action.BREAK;
        }

        private void deliver(final DirectBuffer buffer, final int record, final int recordLength)
        {
            row.wrap(schema, buffer, record + ExchangeFrame.RECORD_HEADER_LENGTH, recordLength - ExchangeFrame.RECORD_HEADER_LENGTH);
            row.meta(
                buffer.getLong(record + ExchangeFrame.EVENT_TIME_OFFSET),
                buffer.getInt(record + ExchangeFrame.SPLIT_OFFSET),
                buffer.getLong(record + ExchangeFrame.POSITION_OFFSET),
                buffer.getLong(record + ExchangeFrame.RECORD_WATERMARK_OFFSET));
            downstream.onRecord(row);
            budget--;
        }

        /**
         * @return the index of the first entry of the batch in [index, end) that is not a readable record, -1 if all are.
         */
        private int firstBadEntry(final DirectBuffer buffer, final int index, final int end)
        {
            int at = index;
            while (at < end)
            {
                if (end - at < ExchangeFrame.BATCH_ENTRY_HEADER)
                {
                    return at;
                }
                final int recordLength = buffer.getInt(at);
                final int record = at + ExchangeFrame.BATCH_ENTRY_HEADER;
                if (!isRecord(buffer, record, recordLength, end))
                {
                    return at;
                }
                at = record + ((recordLength + 7) & ~7);
            }
            return -1;
        }

        private boolean isRecord(final DirectBuffer buffer, final int record, final int recordLength, final int limit)
        {
            return recordLength >= ExchangeFrame.RECORD_HEADER_LENGTH + schema.fixedLength() &&
                recordLength <= limit - record &&
                buffer.getInt(record + ExchangeFrame.VERSION_OFFSET) == ExchangeFrame.VERSION;
        }

        /**
         * Count a frame that cannot be read and go on with the next; log the first from this producer.
         */
        private Action dropped(final int msgTypeId, final int length, final String what)
        {
            malformed.incrementRelease();
            if (!malformedLogged[producer])
            {
                malformedLogged[producer] = true;
                LOG.warn("exchange '{}' from shard {}: dropped {} (type {}, {} bytes, this build reads frame version {}); " +
                    "further unreadable frames from this shard are dropped and counted as the keyBy's malformed records. " +
                    "Mixed Peregrine versions or a corrupted ring?", name, producer, what, msgTypeId, length,
                    ExchangeFrame.VERSION);
            }
            return budget > 0 ? Action.CONTINUE : Action.BREAK;
        }
    }

}
