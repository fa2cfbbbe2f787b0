package io.peregrine.connector;

import io.peregrine.api.MutableRow;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Appends rows to a Chronicle Queue, one excerpt per row in the {@link ChronicleQueueRows} format (so the queue can
 * be another job's {@link ChronicleQueueSource}); every shard appends to the same queue, each excerpt naming its
 * shard.
 * <ul>
 *   <li>Without checkpoints: rows are appended as they come and are visible at once (at least once: a job run
 *   again writes its rows again).</li>
 *   <li>With checkpoints, exactly once, as a transaction log: a queue cannot take back what was appended, so
 *   instead of holding output back (as {@link CsvFileSink} does) the sink appends it at once, flagged
 *   TRANSACTIONAL, and appends markers that say which of it counts:
 *   <pre>
 *   shard 0:  ROW ROW ROW  PRE_COMMIT(0,7)  ROW ROW  COMMIT(0,7)  ROW  PRE_COMMIT(0,8) ...
 *             '-- epoch 7 --'                '- epoch 8 (open) ...'
 *   </pre>
 *   At barrier N a shard that wrote rows since its last barrier appends PRE_COMMIT(shard, N): those rows are
 *   epoch N. When checkpoint N completes it appends COMMIT(shard, N): its epochs up to N are committed. When a job
 *   starts, {@link #recover(long)} appends one RECOVERED(R) for the checkpoint R it restores (0 for a fresh start):
 *   every shard's epochs up to R are committed (the previous run may have stopped between completing R and
 *   appending its COMMIT), everything else not committed is aborted, since the restored job writes it again.
 *   {@link CommittedReader} applies these rules and hands out each committed row once.</li>
 * </ul>
 * One queue per sink and per job's checkpoint directory: the markers of two jobs, or of two runs of a job at the
 * same time, in one queue would be mixed up. Should recovery fall back past a damaged checkpoint whose COMMIT
 * markers were already appended, readers have handed out that output and the restored job writes it again
 * (duplicates): the CSV sink can delete parts it committed, an append-only queue cannot take them back.
 */
public final class ChronicleQueueSink implements Sink
{
    private final Path dir;
    private ChronicleQueue queue;
    private volatile long restored;

    /**
     * @param dir of the queue, created if need be.
     */
    public ChronicleQueueSink(final Path dir)
    {
        this.dir = dir;
    }

    public Path dir()
    {
        return dir;
    }

    public boolean isExactlyOnce()
    {
        return true;
    }

    public SinkWriter createWriter(final int shard, final int shards, final Schema schema)
    {
        return createWriter(shard, shards, schema, false);
    }

    public SinkWriter createWriter(final int shard, final int shards, final Schema schema, final boolean exactlyOnce)
    {
        return new Writer(queue(), shard, exactlyOnce, restored);
    }

    /**
     * Append RECOVERED(restoredCheckpoint): a reader commits every shard's epochs up to it and aborts the rest of
     * what is not committed.
     */
    public void recover(final long restoredCheckpoint)
    {
        restored = restoredCheckpoint;
        try (ChronicleQueueRows.Appender appender = new ChronicleQueueRows.Appender(queue()))
        {
            appender.append(ChronicleQueueRows.RECOVERED, 0, ChronicleQueueRows.NO_SHARD, restoredCheckpoint, null, 0, 0);
        }
    }

    public synchronized void onJobEnd()
    {
        CloseHelper.quietClose(queue);
        queue = null;
    }

    private synchronized ChronicleQueue queue()
    {
        if (queue == null)
        {
            queue = ChronicleQueueRows.open(dir);
        }
        return queue;
    }

    private static final class Writer implements SinkWriter
    {
        private final ChronicleQueue queue;
        private final int shard;
        private final boolean exactlyOnce;
        private final LongArrayList sealed = new LongArrayList();
        private ChronicleQueueRows.Appender appender;
        private long lastBarrier;
        private boolean open;

        Writer(final ChronicleQueue queue, final int shard, final boolean exactlyOnce, final long restored)
        {
            this.queue = queue;
            this.shard = shard;
            this.exactlyOnce = exactlyOnce;
            this.lastBarrier = restored;
        }

        /**
         * Made on first use, on the shard's thread that then uses it.
         */
        private ChronicleQueueRows.Appender appender()
        {
            if (appender == null)
            {
                appender = new ChronicleQueueRows.Appender(queue);
            }
            return appender;
        }

        public void write(final Row row)
        {
            appender().append(ChronicleQueueRows.ROW, exactlyOnce ? ChronicleQueueRows.TRANSACTIONAL : 0, shard,
                lastBarrier, row.buffer(), row.offset(), row.length());
            open = exactlyOnce;
        }

        /**
         * Seal the rows written since the last barrier as epoch {@code id}; nothing is appended if there are none.
         */
        public void preCommit(final long id)
        {
            if (!exactlyOnce)
            {
                return;
            }
            if (open)
            {
                appender().append(ChronicleQueueRows.PRE_COMMIT, 0, shard, id, null, 0, 0);
                sealed.addLong(id);
                open = false;
            }
            lastBarrier = id;
        }

        /**
         * Commit the epochs sealed up to {@code id} (completions may skip ids: one COMMIT covers them all);
         * nothing is appended if none is.
         */
        public void commit(final long id)
        {
            int kept = 0;
            boolean any = false;
            for (int i = 0, n = sealed.size(); i < n; i++)
            {
                final long epoch = sealed.getLong(i);
                if (epoch <= id)
                {
                    any = true;
                }
                else
                {
                    sealed.setLong(kept++, epoch);
                }
            }
            while (sealed.size() > kept)
            {
                sealed.removeAt(sealed.size() - 1);
            }
            if (any)
            {
                appender().append(ChronicleQueueRows.COMMIT, 0, shard, id, null, 0, 0);
            }
        }

        /**
         * Rows after the last completed checkpoint stay uncommitted: a restarted job aborts them (RECOVERED) and
         * writes them again.
         */
        public void close()
        {
            CloseHelper.quietClose(appender);
        }
    }

    /**
     * Reads a queue an exactly-once {@link ChronicleQueueSink} appends to and hands out only committed rows: each
     * once, in the order each shard appended them (shards interleaved as their commits are). Rows a sink appended
     * without checkpoints, and a producer's, are handed out as they are read. Reads from the start of the queue, as
     * far as it is written; call {@link #poll} again to go on as more is appended.
     * <p>
     * Memory: the rows of each shard's open epoch and of its epochs sealed but not yet committed are copied and
     * held (bytes in one growing buffer per shard, no object per row) until their COMMIT, or until the RECOVERED
     * marker of the next run discards them. In steady state that is a shard's output over one to two checkpoint
     * intervals; after a crash, its whole uncommitted tail until a restarted job's RECOVERED is read. A queue
     * written by a sink that never commits (a job that never completes a checkpoint) is held whole.
     * <p>
     * Excerpts that are not of the format, and rows not of the schema, are skipped and counted
     * ({@link #skipped()}). Single-threaded.
     */
    public static final class CommittedReader implements AutoCloseable
    {
        /** The sink's shard of a row that is not a sink's shard's (a producer's). */
        public static final int NO_SHARD = ChronicleQueueRows.NO_SHARD;

        /**
         * Receives the committed rows.
         */
        @FunctionalInterface
        public interface RowHandler
        {
            /**
             * @param shard      that wrote the row, or {@link #NO_SHARD}.
             * @param checkpoint the row belongs to (the barrier that sealed its epoch), 0 for a row that needed no
             *                   commit.
             * @param index      of its excerpt.
             * @param row        valid during the call only.
             */
            void onRow(int shard, long checkpoint, long index, Row row);
        }

        /** Per held row: | length (int) | unused (int) | excerpt index (long) | row bytes, padded to 8 | */
        private static final int RECORD_HEADER = 16;

        private final Schema schema;
        private final ChronicleQueue queue;
        private final ExcerptTailer tailer;
        private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        private final ExpandableArrayBuffer spare = new ExpandableArrayBuffer(64);
        private final MutableRow row = new MutableRow();
        private Held[] shards = new Held[0];
        private long skipped;
        private int delivered;

        /**
         * @param dir    of the queue.
         * @param schema of its rows.
         */
        public CommittedReader(final Path dir, final Schema schema)
        {
            this.schema = schema;
            this.queue = ChronicleQueueRows.open(dir);
            this.tailer = queue.createTailer();
        }

        /**
         * Read up to {@code limit} excerpts.
         *
         * @return rows handed out (0 when there was nothing new, or nothing committed by what was read).
         */
        public int poll(final RowHandler handler, final int limit)
        {
            delivered = 0;
            for (int i = 0; i < limit; i++)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    onExcerpt(dc.index(), ChronicleQueueRows.view(dc, view, spare), handler);
                }
            }
            return delivered;
        }

        /**
         * Read every excerpt appended so far.
         *
         * @return rows handed out.
         */
        public long readAll(final RowHandler handler)
        {
            long total = 0;
            while (true)
            {
                final long before = tailer.index();
                total += poll(handler, 4096);
                if (tailer.index() == before)
                {
                    return total;
                }
            }
        }

        /**
         * @return excerpts skipped: not of the format, or rows not of the schema.
         */
        public long skipped()
        {
            return skipped;
        }

        /**
         * @return rows read and held, waiting for their epoch's commit or abort.
         */
        public long heldRows()
        {
            long rows = 0;
            for (final Held held : shards)
            {
                rows += held == null ? 0 : held.rows;
            }
            return rows;
        }

        public void close()
        {
            CloseHelper.closeAll(tailer, queue);
        }

        private void onExcerpt(final long index, final int length, final RowHandler handler)
        {
            if (ChronicleQueueRows.checkHeader(view, length) != null)
            {
                skipped++;
                return;
            }
            final int shard = ChronicleQueueRows.shard(view);
            final long checkpoint = ChronicleQueueRows.checkpoint(view);
            switch (ChronicleQueueRows.type(view))
            {
                case ChronicleQueueRows.ROW:
                {
                    final int rowLength = length - ChronicleQueueRows.HEADER_LENGTH;
                    if (ChronicleQueueRows.checkRow(schema, view, ChronicleQueueRows.HEADER_LENGTH, rowLength,
                        Integer.MAX_VALUE) != null)
                    {
                        skipped++;
                    }
                    else if ((ChronicleQueueRows.flags(view) & ChronicleQueueRows.TRANSACTIONAL) == 0)
                    {
                        deliver(handler, shard, 0, index, view, ChronicleQueueRows.HEADER_LENGTH, rowLength);
                    }
                    else if (shard < 0)
                    {
                        skipped++;
                    }
                    else
                    {
                        held(shard).add(index, view, ChronicleQueueRows.HEADER_LENGTH, rowLength);
                    }
                    break;
                }
                case ChronicleQueueRows.PRE_COMMIT:
                    if (shard >= 0)
                    {
                        held(shard).seal(checkpoint);
                    }
                    break;
                case ChronicleQueueRows.COMMIT:
                    if (shard >= 0 && shard < shards.length && shards[shard] != null)
                    {
                        shards[shard].commit(shard, checkpoint, handler);
                    }
                    break;
                default: // RECOVERED
                    for (int s = 0; s < shards.length; s++)
                    {
                        if (shards[s] != null)
                        {
                            shards[s].commit(s, checkpoint, handler);
                            shards[s].clear();
                        }
                    }
            }
        }

        private void deliver(
            final RowHandler handler, final int shard, final long checkpoint, final long index,
            final DirectBuffer buffer, final int offset, final int length)
        {
            row.wrap(schema, buffer, offset, length);
            handler.onRow(shard, checkpoint, index, row);
            delivered++;
        }

        private Held held(final int shard)
        {
            if (shard >= shards.length)
            {
                shards = Arrays.copyOf(shards, Math.max(shard + 1, shards.length * 2));
            }
            Held held = shards[shard];
            if (held == null)
            {
                held = new Held();
                shards[shard] = held;
            }
            return held;
        }

        /**
         * One shard's rows not yet committed, in append order: its sealed epochs (id and end in {@link #bytes}),
         * then its open epoch up to {@link #limit}.
         */
        private final class Held
        {
            private final ExpandableArrayBuffer bytes = new ExpandableArrayBuffer(4096);
            private final LongArrayList epochs = new LongArrayList();
            private final IntArrayList ends = new IntArrayList();
            private int limit;
            private long rows;

            void add(final long index, final DirectBuffer src, final int offset, final int length)
            {
                bytes.putInt(limit, length);
                bytes.putInt(limit + 4, 0);
                bytes.putLong(limit + 8, index);
                bytes.putBytes(limit + RECORD_HEADER, src, offset, length);
                limit += RECORD_HEADER + ((length + 7) & ~7);
                rows++;
            }

            void seal(final long epoch)
            {
                final int sealedEnd = ends.isEmpty() ? 0 : ends.getInt(ends.size() - 1);
                if (limit > sealedEnd)
                {
                    epochs.addLong(epoch);
                    ends.addInt(limit);
                }
            }

            /**
             * Hand out the sealed epochs up to {@code upTo}, then keep the rest at the start of the buffer.
             */
            void commit(final int shard, final long upTo, final RowHandler handler)
            {
                int at = 0;
                int committed = 0;
                while (committed < epochs.size() && epochs.getLong(committed) <= upTo)
                {
                    final long epoch = epochs.getLong(committed);
                    final int end = ends.getInt(committed);
                    while (at < end)
                    {
                        final int length = bytes.getInt(at);
                        deliver(handler, shard, epoch, bytes.getLong(at + 8), bytes, at + RECORD_HEADER, length);
                        at += RECORD_HEADER + ((length + 7) & ~7);
                        rows--;
                    }
                    committed++;
                }
                if (committed == 0)
                {
                    return;
                }
                bytes.putBytes(0, bytes, at, limit - at);
                limit -= at;
                for (int i = committed; i < epochs.size(); i++)
                {
                    epochs.setLong(i - committed, epochs.getLong(i));
                    ends.setInt(i - committed, ends.getInt(i) - at);
                }
                for (int i = 0; i < committed; i++)
                {
                    epochs.removeAt(epochs.size() - 1);
                    ends.removeAt(ends.size() - 1);
                }
            }

            void clear()
            {
                limit = 0;
                rows = 0;
                epochs.clear();
                ends.clear();
            }
        }
    }
}
