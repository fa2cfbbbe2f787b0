package io.peregrine.runtime;

import io.peregrine.api.Field;
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
    private final long bound;
    private final long idleTimeoutMs;
    private final boolean bounded;
    private final long watermarkIntervalMs;
    private long lastWatermarkMs = Long.MIN_VALUE / 2;
    private long nowMs;
    private boolean watermarkPending;
    private final UnsafeBuffer scratch;
    private final RowWriter writer = new RowWriter();
    private final Row row = new Row();
    private final AtomicCounter recordsCounter;
    private final AtomicCounter malformedCounter;
    private final AtomicCounter watermarkCounter;
    private Operator downstream;
    private int current;
    private long records;
    private long malformed;
    private boolean started;
    private boolean finished;
    private boolean idleSent;

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
        final long watermarkIntervalMs)
    {
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
        this.bound = strategy.maxOutOfOrdernessMs();
        this.idleTimeoutMs = strategy.idleTimeoutMs();
        this.scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned((maxRowLength + 63) & ~63, 64));
        this.writer.wrap(schema, scratch, 0, scratch.capacity());
        this.recordsCounter = recordsCounter;
        this.malformedCounter = malformedCounter;
        this.watermarkCounter = watermarkCounter;
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
        for (int i = 0; i < readers.length; i++)
        {
            if (ended[i])
            {
                endedCount++;
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
                    advance(i, maxTimestamp[i] - bound - 1);
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
     *   | per split: split id (int), ended (byte), offset (long), position (long), max timestamp (long) |
     *   | watermark tracker |
     * </pre>
     */
    public void snapshot(final int op, final SnapshotWriter writer)
    {
        snapshotBuffer.putLong(0, records);
        snapshotBuffer.putLong(8, malformed);
        snapshotBuffer.putInt(16, (watermarkPending ? 1 : 0) | (idleSent ? 2 : 0) | (finished ? 4 : 0));
        snapshotBuffer.putInt(20, readers.length);
        int at = 24;
        for (int i = 0; i < readers.length; i++)
        {
            snapshotBuffer.putInt(at, splitIds[i]);
            snapshotBuffer.putByte(at + 4, (byte)(ended[i] ? 1 : 0));
            snapshotBuffer.putLong(at + 5, ended[i] ? 0 : readers[i].checkpointOffset());
            snapshotBuffer.putLong(at + 13, ended[i] ? 0 : readers[i].position());
            snapshotBuffer.putLong(at + 21, maxTimestamp[i]);
            at += 29;
        }
        at += tracker.encode(snapshotBuffer, at);
        writer.blob(op, snapshotBuffer, 0, at);
    }

    public void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
        // records and malformed (offset 0 and 8) are this run's metrics, not state: they start from zero.
        final int flags = buffer.getInt(offset + 16);
        watermarkPending = (flags & 1) != 0;
        idleSent = (flags & 2) != 0;
        final int splits = buffer.getInt(offset + 20);
        if (splits != readers.length)
        {
            throw new IllegalStateException("source '" + name + "' was checkpointed with " + splits + " split(s) on " +
                "this shard, it has " + readers.length + " now: was the checkpoint taken with another shard count?");
        }
        int at = offset + 24;
        for (int i = 0; i < splits; i++)
        {
            if (buffer.getInt(at) != splitIds[i])
            {
                throw new IllegalStateException("source '" + name + "': checkpointed split " + buffer.getInt(at) +
                    " is not this shard's split " + splitIds[i]);
            }
            final boolean splitEnded = buffer.getByte(at + 4) != 0;
            maxTimestamp[i] = buffer.getLong(at + 21);
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
                    readers[i].seek(buffer.getLong(at + 5), buffer.getLong(at + 13));
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException("source '" + name + "' split " + i + " cannot resume at offset " +
                        buffer.getLong(at + 5) + ": " + e, e);
                }
            }
            at += 29;
        }
        tracker.decode(buffer, at);
        finished = (flags & 4) != 0;
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
        if (timestampField != null)
        {
            timestamp = row.getTimestamp(timestampField);
            if (timestamp > maxTimestamp[current])
            {
                maxTimestamp[current] = timestamp;
            }
        }
        else
        {
            timestamp = Row.NO_TIMESTAMP;
        }
        row.meta(timestamp, splitIds[current], position);
        records++;
        downstream.onRecord(row);
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
