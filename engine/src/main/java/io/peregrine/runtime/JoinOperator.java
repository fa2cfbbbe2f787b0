package io.peregrine.runtime;

import io.peregrine.api.MutableRow;

import io.peregrine.api.Field;
import io.peregrine.api.FieldType;
import io.peregrine.api.KeySelector;
import io.peregrine.api.Row;
import io.peregrine.api.RowKind;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import io.peregrine.metrics.JobCounters;
import io.peregrine.metrics.Metric;
import io.peregrine.state.KeyChangeTracking;
import io.peregrine.state.ListState;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.function.LongPredicate;

/**
 * What the two-input join operators share: a left and a right input aligned by an {@link InputAlignment} (the
 * operator's watermark is the smaller of its inputs', as Flink's), each input's key selector (that of its keyBy),
 * rows kept in {@link ListState} entries of a fixed header followed by the row's bytes and read back in place, the
 * output written by the join's function, and a checkpoint of the lists (tags 1 = left, 2 = right, further tags for a
 * join's own state) with a blob of the inputs' watermarks, the operator's watermark and what the join adds (timers).
 */
abstract class JoinOperator extends CollectingOperator implements Checkpointed, InputAlignment.Output
{
    static final int LEFT = 0;
    static final int RIGHT = 1;
    static final long LEFT_TAG = 1;
    static final long RIGHT_TAG = 2;

    protected final InputAlignment alignment;
    protected final KeySelector leftKey;
    protected final KeySelector rightKey;
    protected final Schema leftSchema;
    protected final Schema rightSchema;
    /** Flyweights over kept rows handed to the join's function. */
    protected final MutableRow leftRow = new MutableRow();
    protected final MutableRow rightRow = new MutableRow();
    private final Field.Int32 rowKind;
    private final AtomicCounter lateCounter;
    private final AtomicCounter stateBytesCounter;
    private final AtomicCounter stateKeysCounter;
    private long reportedBytes;
    private long reportedKeys;
    /** Where a join writes the header of an entry it keeps ({@link #keep}). */
    protected final UnsafeBuffer header = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final ExpandableDirectByteBuffer blob = new ExpandableDirectByteBuffer(256);
    private int restoredBlobs;
    protected long watermark = Long.MIN_VALUE;
    protected LongPredicate ownsKey = k -> true;

    JoinOperator(
        final String name, final KeySelector leftKey, final KeySelector rightKey, final Schema leftSchema,
        final Schema rightSchema, final Schema outSchema, final int maxRowLength, final JobCounters counters,
        final int shard)
    {
        super(name, outSchema, maxRowLength);
        this.leftKey = leftKey;
        this.rightKey = rightKey;
        this.leftSchema = leftSchema;
        this.rightSchema = rightSchema;
        this.lateCounter = counters.operator(shard, name).get(Metric.LATE_RECORDS);
        this.stateBytesCounter = counters.counter(shard, Metric.JOIN_STATE_BYTES);
        this.stateKeysCounter = counters.counter(shard, Metric.JOIN_STATE_KEYS);
        this.rowKind = rowKindField(outSchema);
        this.alignment = new InputAlignment(name, 2, this);
        alignment.input(LEFT).downstream(new Operator(name + "-left")
        {
            public void onRecord(final Row row)
            {
                onLeft(row);
            }
        });
        alignment.input(RIGHT).downstream(new Operator(name + "-right")
        {
            public void onRecord(final Row row)
            {
                onRight(row);
            }
        });
    }

    private static Field.Int32 rowKindField(final Schema schema)
    {
        for (int i = 0; i < schema.fieldCount(); i++)
        {
            final Field field = schema.field(i);
            if (field.name().equals(RowKind.FIELD) && field.type() == FieldType.INT32)
            {
                return (Field.Int32)field;
            }
        }
        return null;
    }

    /**
     * @param index {@link #LEFT} or {@link #RIGHT}.
     * @return the operator that input's upstream calls.
     */
    Operator input(final int index)
    {
        return alignment.input(index);
    }

    /**
     * @param ownsKey whether this shard owns a key: at a restore on another shard count, timers of other keys are
     *                left to their shards.
     */
    void ownsKey(final LongPredicate ownsKey)
    {
        this.ownsKey = ownsKey;
    }

    public final void onRecord(final Row row)
    {
        throw new IllegalStateException(this + " is read through its inputs");
    }

    /**
     * @param row a record of the left input.
     */
    abstract void onLeft(Row row);

    /**
     * @param row a record of the right input.
     */
    abstract void onRight(Row row);

    /**
     * The smaller of the inputs' watermarks has risen: fire what it makes due, then pass it on.
     */
    public void onWatermark(final long watermark)
    {
        this.watermark = watermark;
        onEventTime(watermark);
        reportState();
        downstream.onWatermark(watermark);
    }

    /**
     * Add this join's change in held state since its last report to the shard's gauges (several joins of a shard add
     * to the same ones).
     */
    private void reportState()
    {
        final long bytes = stateBytes();
        final long keys = stateKeys();
        stateBytesCounter.getAndAddRelease(bytes - reportedBytes);
        stateKeysCounter.getAndAddRelease(keys - reportedKeys);
        reportedBytes = bytes;
        reportedKeys = keys;
    }

    /**
     * @return bytes of the rows (with their headers) and per-key slots and index entries the join holds.
     */
    abstract long stateBytes();

    /**
     * @return keys the join holds state for (the most of any of its tables and lists).
     */
    abstract long stateKeys();

    /**
     * Fire the event-time work due at the new watermark, before it goes downstream.
     */
    void onEventTime(final long watermark)
    {
    }

    protected final long key(final KeySelector key, final Row row)
    {
        return keyOf(key, row);
    }

    /**
     * Count a record dropped as late.
     */
    protected final void late()
    {
        lateCounter.incrementRelease();
    }

    /**
     * Keep a row in a list after the header written into {@link #header}: each copied once into the list.
     */
    protected final void keep(
        final ListState list, final long k, final int headerLength, final DirectBuffer row, final int offset,
        final int length)
    {
        list.add(k, header, 0, headerLength, row, offset, length);
    }

    /**
     * Point a row flyweight at the row kept in an entry after its header.
     *
     * @return the flyweight.
     */
    protected static MutableRow wrap(
        final MutableRow flyweight, final Schema schema, final DirectBuffer entry, final int headerLength, final long eventTime)
    {
        flyweight.wrap(schema, entry, headerLength, entry.capacity() - headerLength);
        flyweight.meta(eventTime, -1, -1);
        return flyweight;
    }

    /**
     * Write the output row of a pair through the join's function and pass it on.
     *
     * @param left      the left row.
     * @param right     the right row, null in a null-padded row.
     * @param eventTime of the output row.
     * @param kind      its row kind, written if the output schema has the field.
     * @param cause     the input record being processed, for its source position; null when a watermark fired it.
     */
    protected final void emit(final Row left, final Row right, final long eventTime, final RowKind kind, final Row cause)
    {
        final RowWriter writer = out.next();
        try
        {
            join(left, right, writer);
        }
        catch (final Throwable t)
        {
            onFailure(cause != null ? cause : left, t);
            return;
        }
        if (rowKind != null && kind != RowKind.INSERT)
        {
            writer.putInt(rowKind, kind.code());
        }
        out.current = cause;
        out.emit(eventTime);
    }

    /**
     * Call the join's function for one pair.
     */
    abstract void join(Row left, Row right, RowWriter out) throws Exception;

    /**
     * Journal the join's lists and tables, then one blob:
     * {@code | inputs (InputAlignment#encode) | watermark (long) | the join's own (see snapshotBlob) |}.
     */
    public final void snapshot(final int op, final SnapshotWriter writer)
    {
        snapshotState(op, writer);
        int at = alignment.encode(blob, 0);
        blob.putLong(at, watermark);
        at = snapshotBlob(blob, at + 8);
        writer.blob(op, blob, 0, at);
    }

    /**
     * Journal the join's keyed state (lists with tags {@link #LEFT_TAG} and {@link #RIGHT_TAG}, tables, ...).
     */
    abstract void snapshotState(int op, SnapshotWriter writer);

    /**
     * Append what the join keeps besides keyed state (timers) to the blob.
     *
     * @return the offset after it.
     */
    int snapshotBlob(final ExpandableDirectByteBuffer blob, final int offset)
    {
        return offset;
    }

    /**
     * Each shard that took the checkpoint: the inputs' watermarks and the smallest operator watermark, then the join's
     * own part.
     */
    public final void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
        final int at = offset + alignment.restore(buffer, offset);
        final long restored = buffer.getLong(at);
        watermark = restoredBlobs++ == 0 ? restored : Math.min(watermark, restored);
        restoreBlob(buffer, at + 8);
    }

    /**
     * Read the join's own part of a blob (as {@link #snapshotBlob} wrote it).
     */
    void restoreBlob(final DirectBuffer buffer, final int offset)
    {
    }

    public void restoreEnd()
    {
        alignment.restoreEnd();
    }

    /**
     * A list to restore into, cleared first when the entries that follow are all of it.
     */
    static KeyChangeTracking restoreList(final ListState list, final boolean reset)
    {
        if (reset)
        {
            list.clear();
        }
        return list;
    }

    public String toString()
    {
        return getClass().getSimpleName() + "('" + name + "')";
    }

    public void close()
    {
        stateBytesCounter.getAndAddRelease(-reportedBytes);
        stateKeysCounter.getAndAddRelease(-reportedKeys);
        reportedBytes = 0;
        reportedKeys = 0;
    }
}
