package io.peregrine.connector;

import io.peregrine.api.Schema;
import io.peregrine.api.Source;
import io.peregrine.api.SourceContext;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rows appended to a Chronicle Queue in the {@link ChronicleQueueRows} format, one excerpt per row: by a producer
 * through {@link ChronicleQueueRows.Appender}, or by another job's {@link ChronicleQueueSink}.
 * <p>
 * One split: a queue is one ordered journal, read by one tailer in index order, and splitting it would mean every
 * split reading (and skipping) every excerpt. A job reads it on one shard and spreads the rows with a
 * {@code keyBy}. The replay position of a row is the index of its excerpt.
 * <p>
 * Rows are read in place: the excerpt's bytes are viewed where they lie in the queue's mapped file and copied once,
 * into the row the shard emits. Marker excerpts of a sink (pre-commit, commit, recovered) are skipped: this source
 * reads every row appended, committed or not (read-uncommitted; use {@link ChronicleQueueSink.CommittedReader} for
 * only the committed output of an exactly-once sink). An excerpt that is not a row of the schema (another format
 * or version, a fixed-length row of the wrong length, a variable-length value outside its row) is dead-lettered
 * with its index and the first bytes in hex, and reading goes on.
 * <ul>
 *   <li>Bounded: the split ends when no excerpt is left to read (whatever is appended by then is read).</li>
 *   <li>Unbounded: when none is left the split has nothing now and the shard idles until more is appended.</li>
 * </ul>
 */
public final class ChronicleQueueSource implements Source
{
    /** {@link Source.SplitReader#checkpointOffset()} when no excerpt has been read: resume at the start. */
    public static final long START = -1;

    private final Schema schema;
    private final Path dir;
    private final boolean bounded;

    /**
     * @param schema  of the rows.
     * @param dir     of the queue.
     * @param bounded true to end when every excerpt is read, false to wait for more.
     */
    public ChronicleQueueSource(final Schema schema, final Path dir, final boolean bounded)
    {
        this.schema = schema;
        this.dir = dir;
        this.bounded = bounded;
    }

    public Schema schema()
    {
        return schema;
    }

    public Path dir()
    {
        return dir;
    }

    public boolean isBounded()
    {
        return bounded;
    }

    public boolean isReplayable()
    {
        return true;
    }

    public int splitCount(final int shards)
    {
        return 1;
    }

    public SplitReader createReader(final int split, final int splitCount, final SourceContext context)
    {
        if (bounded && !Files.isDirectory(dir))
        {
            throw new IllegalArgumentException("Chronicle Queue " + dir.toAbsolutePath() + " does not exist");
        }
        return new Reader(context.maxRowLength());
    }

    private final class Reader implements SplitReader
    {
        private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        private final ExpandableArrayBuffer spare = new ExpandableArrayBuffer(64);
        private final int maxRowLength;
        private final ChronicleQueue queue;
        private final ExcerptTailer tailer;
        private long consumed = START;

        Reader(final int maxRowLength)
        {
            this.maxRowLength = maxRowLength;
            this.queue = ChronicleQueueRows.open(dir);
            this.tailer = queue.createTailer();
            // Made on the thread that plans the job, used on the shard's: one thread at a time, never concurrently.
            this.tailer.singleThreadedCheckDisabled(true);
        }

        /**
         * Markers and malformed excerpts are not records but cost a read each: up to four times {@code limit}
         * excerpts are read per poll, so a run of them does not hold the shard.
         */
        public int poll(final SourceOutput out, final int limit)
        {
            int emitted = 0;
            int read = 0;
            while (emitted < limit && read < limit * 4)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return emitted == 0 && bounded ? END : emitted;
                    }
                    read++;
                    final long index = dc.index();
                    consumed = index;
                    final int length = ChronicleQueueRows.view(dc, view, spare);
                    String reason = ChronicleQueueRows.checkHeader(view, length);
                    if (reason == null)
                    {
                        if (ChronicleQueueRows.type(view) != ChronicleQueueRows.ROW)
                        {
                            continue;
                        }
                        reason = ChronicleQueueRows.checkRow(schema, view, ChronicleQueueRows.HEADER_LENGTH,
                            length - ChronicleQueueRows.HEADER_LENGTH, maxRowLength);
                    }
                    if (reason != null)
                    {
                        out.deadLetter(index, reason, ChronicleQueueRows.dump(view, length));
                        continue;
                    }
                    out.next().putRow(view, ChronicleQueueRows.HEADER_LENGTH, length - ChronicleQueueRows.HEADER_LENGTH);
                    out.emit(index);
                    emitted++;
                }
            }
            return emitted;
        }

        /**
         * @return the index of the next excerpt the tailer reads.
         */
        public long position()
        {
            return tailer.index();
        }

        /**
         * @return the index of the last excerpt read (a row, a marker or a dead-lettered one), or {@link #START}.
         * Not the next one's: an index is (cycle, sequence), and the next excerpt may be the first of a cycle not
         * yet rolled to, whose index is not known before it is written; the last one read always exists.
         */
        public long checkpointOffset()
        {
            return consumed;
        }

        /**
         * Move the tailer to the excerpt last read before the checkpoint and step past it.
         */
        public void seek(final long offset, final long position)
        {
            consumed = offset;
            if (offset == START)
            {
                tailer.toStart();
                return;
            }
            if (!tailer.moveToIndex(offset))
            {
                throw new IllegalStateException("Chronicle Queue " + dir.toAbsolutePath() + " has no excerpt at index 0x" +
                    Long.toHexString(offset) + " any more (was its cycle file deleted?)");
            }
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent() || dc.index() != offset)
                {
                    throw new IllegalStateException("Chronicle Queue " + dir.toAbsolutePath() +
                        ": cannot step past excerpt 0x" + Long.toHexString(offset));
                }
            }
        }

        public void close()
        {
            CloseHelper.closeAll(tailer, queue);
        }
    }
}
