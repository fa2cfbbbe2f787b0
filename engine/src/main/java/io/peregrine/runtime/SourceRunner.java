package io.peregrine.runtime;

import io.peregrine.api.Field;
import io.peregrine.api.MutableRow;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Source;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import io.peregrine.time.WatermarkTracker;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.file.Path;

/**
 * The splits of one source owned by one shard. Polls each split up to a batch limit, stamps event
 * time from the timestamp field, and emits the minimum watermark over the splits that are not idle.
 * At a checkpoint it journals each split's replay offset, and a restored job seeks every split there.
 * <p>
 * Watermarks are defined per record: each record carries its split's watermark as it stood just before it
 * ({@link Row#recordWatermark()}, from the largest timestamp of the split's earlier records), which decides whether it
 * is late; the watermark itself goes downstream after a batch, at most once per watermark interval. The largest
 * timestamp per split is in every checkpoint, so a restored split judges its next record as the first run would.
 */
final class SourceRunner implements Source.SourceOutput, Checkpointed
{
    private final ExpandableArrayBuffer snapshotBuffer = new ExpandableArrayBuffer(256);
    private final String name;
    private final Schema schema;
    private final Source.SplitReader[] readers;
    private final int[] splitIds;
    private final WatermarkTracker tracker;
    private final long[] maxTimestamp;
    private final long[] lastActiveMs;
    private final boolean[] ended;
    private final DeadLetterFile[] deadLetters;
    private final Field.Timestamp timestampField;
    private final WatermarkStrategy strategy;
    private final long idleTimeoutMs;
    private final boolean bounded;
    private final long watermarkIntervalMs;
    private long lastWatermarkMs = Long.MIN_VALUE / 2;
    private long nowMs;
    private boolean watermarkPending;
    private final UnsafeBuffer scratch;
    private final RowWriter writer = new RowWriter();
    private final MutableRow row = new MutableRow();
    private final AtomicCounter recordsCounter;
    private final AtomicCounter malformedCounter;
    private final AtomicCounter watermarkCounter;
    private final AtomicCounter defaultedCounter;
    private final AtomicCounter convertedCounter;
    private Operator downstream;
    private int current;
    private long records;
    private long malformed;
    private boolean started;
    private boolean finished;
    private boolean idleSent;
    private final WatermarkAlignment alignment;
    private final long maxDriftMs;

    SourceRunner(
        final String name,
        final Source source,
        final WatermarkStrategy strategy,
        final Source.SplitReader[] readers,
        final int[] splitIds,
        final Path[] deadLetterPaths,
        final int maxRowLength,
        final AtomicCounter recordsCounter,
        final AtomicCounter malformedCounter,
        final AtomicCounter watermarkCounter,
        final AtomicCounter defaultedCounter,
        final AtomicCounter convertedCounter,
        final long watermarkIntervalMs,
        final WatermarkAlignment alignment)
    {
        this.alignment = alignment;
        this.maxDriftMs = strategy.maxDriftMs();
        this.watermarkIntervalMs = watermarkIntervalMs;
        this.name = name;
        this.schema = source.schema();
        this.bounded = source.isBounded();
        this.readers = readers;
        this.splitIds = splitIds;
        this.tracker = new WatermarkTracker(Math.max(1, readers.length));
        this.maxTimestamp = new long[readers.length];
        java.util.Arrays.fill(maxTimestamp, Long.MIN_VALUE);
        this.lastActiveMs = new long[readers.length];
        this.ended = new boolean[readers.length];
        this.deadLetters = new DeadLetterFile[readers.length];
        for (int i = 0; i < readers.length; i++)
        {
            deadLetters[i] = new DeadLetterFile(deadLetterPaths[i]);
        }
        this.timestampField = strategy.timestampField();
        this.strategy = strategy;
        this.idleTimeoutMs = strategy.idleTimeoutMs();
        this.scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned((maxRowLength + 63) & ~63, 64));
        this.writer.wrap(schema, scratch, 0, scratch.capacity());
        this.recordsCounter = recordsCounter;
        this.malformedCounter = malformedCounter;
        this.watermarkCounter = watermarkCounter;
        this.defaultedCounter = defaultedCounter;
        this.convertedCounter = convertedCounter;
    }

    String name()
    {
        return name;
    }

    void downstream(final Operator downstream)
    {
        this.downstream = downstream;
    }

    boolean isFinished()
    {
        return finished;
    }

    /**
     * @param batch records per split at most.
     * @param nowMs processing time, for idleness.
     * @return records emitted.
     */
    int poll(final int batch, final long nowMs)
    {
        if (finished)
        {
            return 0;
        }
        this.nowMs = nowMs;
        if (!started)
        {
            started = true;
            java.util.Arrays.fill(lastActiveMs, nowMs);
            if (readers.length == 0)
            {
                if (bounded)
                {
                    finished = true;
                    downstream.onWatermark(Long.MAX_VALUE);
                }
                else
                {
                    downstream.onIdle();
                    finished = true;
                }
                return 0;
            }
        }

        int work = 0;
        int endedCount = 0;
        if (watermarkPending && tracker.combined() == Long.MAX_VALUE)
        {
            emitWatermark();
        }
        final long limit = alignment == null ? Long.MAX_VALUE : alignment.limit(maxDriftMs);
        for (int i = 0; i < readers.length; i++)
        {
            if (ended[i])
            {
                endedCount++;
                continue;
            }
            if (tracker.watermark(i) > limit && !tracker.isIdle(i))
            {
                lastActiveMs[i] = nowMs; // held back, not idle
                continue;
            }
            current = i;
            final int n;
            try
            {
                n = readers[i].poll(this, batch);
            }
            catch (final OperatorException e)
            {
                throw e;
            }
            catch (final Throwable t)
            {
                throw new IllegalStateException("source '" + name + "' split " + i + " failed at position " +
                    readers[i].position() + ": " + t, t);
            }

            if (n == Source.SplitReader.END)
            {
                ended[i] = true;
                endedCount++;
                closeReader(i);
                advance(i, Long.MAX_VALUE);
            }
            else if (n > 0)
            {
                work += n;
                lastActiveMs[i] = nowMs;
                if (timestampField != null && maxTimestamp[i] != Long.MIN_VALUE)
                {
                    advance(i, strategy.watermarkFor(maxTimestamp[i]));
                }
                else if (tracker.isIdle(i))
                {
                    advance(i, tracker.watermark(i));
                }
            }
            else if (idleTimeoutMs > 0 && !tracker.isIdle(i) && nowMs - lastActiveMs[i] >= idleTimeoutMs)
            {
                markIdle(i);
            }
        }
        if (watermarkPending && nowMs - lastWatermarkMs >= watermarkIntervalMs)
        {
            emitWatermark();
        }
        if (alignment != null)
        {
            for (int i = 0; i < readers.length; i++)
            {
                final long w = tracker.watermark(i);
                alignment.publish(splitIds[i], ended[i] || tracker.isIdle(i) || w == Long.MIN_VALUE ?
                    WatermarkAlignment.EXCLUDED : w);
            }
        }
        recordsCounter.setOrdered(records);
        malformedCounter.setOrdered(malformed);
        if (endedCount == readers.length)
        {
            finished = true;
        }
        return work;
    }

    /**
     * Watermarks go downstream at most once per interval of processing time (each one costs a
     * message on every exchange and a pass over the live windows), except the final one.
     */
    private void advance(final int split, final long watermark)
    {
        if (tracker.update(split, watermark))
        {
            idleSent = false;
            if (tracker.combined() == Long.MAX_VALUE || nowMs - lastWatermarkMs >= watermarkIntervalMs)
            {
                emitWatermark();
            }
            else
            {
                watermarkPending = true;
            }
        }
    }

    private void emitWatermark()
    {
        watermarkPending = false;
        lastWatermarkMs = nowMs;
        watermarkCounter.setOrdered(tracker.combined());
        downstream.onWatermark(tracker.combined());
    }

    private void markIdle(final int split)
    {
        if (tracker.markIdle(split))
        {
            emitWatermark();
        }
        else if (tracker.isIdle() && !idleSent)
        {
            idleSent = true;
            downstream.onIdle();
        }
    }

    /**
     * Inject checkpoint barrier {@code id}: every record read so far precedes it. The shard reads no more from its
     * sources until the checkpoint is taken, so the offsets journaled then are the barrier's.
     */
    void injectBarrier(final long id)
    {
        downstream.onBarrier(id);
    }

    /**
     * <pre>
     *   | records (long) | malformed (long) | flags (int) | splits (int) |
     *   | per split: split id (int), ended (byte), idle (byte), offset (long), position (long), max timestamp (long),
     *   |            watermark (long) |
     * </pre>
     */
    public void snapshot(final int op, final SnapshotWriter writer)
    {
        final ExpandableArrayBuffer b = snapshotBuffer;
        b.putLong(0, records);
        b.putLong(8, malformed);
        b.putInt(16, (watermarkPending ? 1 : 0) | (idleSent ? 2 : 0));
        b.putInt(20, readers.length);
        int at = 24;
        for (int i = 0; i < readers.length; i++)
        {
            b.putInt(at, splitIds[i]);
            b.putByte(at + 4, (byte)(ended[i] ? 1 : 0));
            b.putByte(at + 5, (byte)(tracker.isIdle(i) ? 1 : 0));
            b.putLong(at + 6, ended[i] ? 0 : readers[i].checkpointOffset());
            b.putLong(at + 14, ended[i] ? 0 : readers[i].position());
            b.putLong(at + 22, maxTimestamp[i]);
            b.putLong(at + 30, tracker.watermark(i));
            at += SPLIT_ENTRY;
        }
        writer.blob(op, b, 0, at);
    }

    private static final int SPLIT_ENTRY = 38;

    /**
     * Take the entries of the splits this shard reads (on another shard count, they come from several shards'
     * blobs; records and malformed counts are this run's metrics and start from zero).
     */
    public void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
        final int flags = buffer.getInt(offset + 16);
        watermarkPending |= (flags & 1) != 0;
        final int splits = buffer.getInt(offset + 20);
        int at = offset + 24;
        for (int n = 0; n < splits; n++, at += SPLIT_ENTRY)
        {
            final int id = buffer.getInt(at);
            int i = 0;
            while (i < splitIds.length && splitIds[i] != id)
            {
                i++;
            }
            if (i == splitIds.length)
            {
                continue; // another shard reads it now
            }
            restored++;
            final boolean splitEnded = buffer.getByte(at + 4) != 0;
            maxTimestamp[i] = buffer.getLong(at + 22);
            tracker.restoreInput(i, buffer.getLong(at + 30), buffer.getByte(at + 5) != 0);
            if (splitEnded)
            {
                if (!ended[i])
                {
                    ended[i] = true;
                    closeReader(i);
                }
            }
            else
            {
                try
                {
                    readers[i].seek(buffer.getLong(at + 6), buffer.getLong(at + 14));
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException("source '" + name + "' split " + id + " cannot resume at offset " +
                        buffer.getLong(at + 6) + ": " + e, e);
                }
            }
        }
    }

    private int restored;

    public void restoreEnd()
    {
        if (restored != readers.length)
        {
            throw new IllegalStateException("source '" + name + "': the checkpoint has positions for " + restored +
                " of this shard's " + readers.length + " split(s): was it taken with another split count?");
        }
        // Downstream restarts from the smallest watermark of the shards that took the checkpoint: even when every
        // split had ended, the final watermark goes out again.
        watermarkPending = true;
    }

    public String toString()
    {
        return "source '" + name + "'";
    }

    public RowWriter next()
    {
        return writer.reset();
    }

    public void emit(final long position)
    {
        row.wrap(schema, scratch, 0, writer.length());
        final long timestamp;
        final long recordWatermark;
        if (timestampField != null)
        {
            timestamp = row.getTimestamp(timestampField);
            final long max = maxTimestamp[current];
            recordWatermark = strategy.watermarkFor(max);
            if (timestamp > max)
            {
                maxTimestamp[current] = timestamp;
            }
        }
        else
        {
            timestamp = Row.NO_TIMESTAMP;
            recordWatermark = Long.MIN_VALUE;
        }
        row.meta(timestamp, splitIds[current], position, recordWatermark);
        records++;
        downstream.onRecord(row);
    }

    public void lenientFields(final int defaulted, final int converted)
    {
        // Shared by the shard's sources: added to, not set.
        defaultedCounter.getAndAddRelease(defaulted);
        convertedCounter.getAndAddRelease(converted);
    }

    public void deadLetter(final long position, final String reason, final CharSequence raw)
    {
        malformed++;
        deadLetters[current].write(position, reason, raw);
    }

    private void closeReader(final int i)
    {
        try
        {
            readers[i].close();
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("source '" + name + "' split " + i + " failed to close: " + e, e);
        }
        deadLetters[i].close();
    }

    void close()
    {
        for (int i = 0; i < readers.length; i++)
        {
            if (!ended[i])
            {
                ended[i] = true;
                try
                {
                    readers[i].close();
                }
                catch (final Exception ignore)
                {
                }
                deadLetters[i].close();
            }
        }
        recordsCounter.setOrdered(records);
        malformedCounter.setOrdered(malformed);
    }
}
