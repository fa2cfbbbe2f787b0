package io.peregrine.connector;

import io.peregrine.checkpoint.Waits;
import io.peregrine.api.Aggregations;
import io.peregrine.pipeline.DataStream;
import io.peregrine.api.Field;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Schema;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.demo.CheckpointedJob;
import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleQueueSinkTest
{
    static final Schema SEQ = Schema.builder("seq").int64("id").timestamp("ts").build();
    static final Field.Int64 ID = SEQ.int64("id");
    static final Field.Timestamp TS = SEQ.timestamp("ts");

    @TempDir
    Path tmp;

    /**
     * What a {@link ChronicleQueueSink.CommittedReader} handed out, checking that each shard's rows come in the
     * order the shard appended them.
     */
    private static final class Committed
    {
        final List<String> rows = new ArrayList<>();
        final Map<Integer, Long> lastIndex = new HashMap<>();
        int outOfOrder;

        void read(final Path queueDir, final Schema schema)
        {
            try (ChronicleQueueSink.CommittedReader reader = new ChronicleQueueSink.CommittedReader(queueDir, schema))
            {
                reader.readAll((shard, checkpoint, index, row) ->
                {
                    final Long last = lastIndex.put(shard, index);
                    if (last != null && last >= index)
                    {
                        outOfOrder++;
                    }
                    rows.add(row.toString());
                });
                assertEquals(0, reader.skipped());
            }
        }

        List<String> sorted()
        {
            final List<String> sorted = new ArrayList<>(rows);
            Collections.sort(sorted);
            return sorted;
        }
    }

    @Test
    void shouldHandEachCommittedResultOnceAndTheRowsCollectGets()
    {
        final Path queueDir = tmp.resolve("windows");
        final CollectSink collect = Sinks.collect();
        final Pipeline p = Pipeline.create("cq-sink");
        final DataStream windows = p.source("gen", Sources.generator(CheckpointedJob.EVENT, 200_000, (i, w) -> w
                    .putLong(CheckpointedJob.KEY, (i * 7919) % 100)
                    .putTimestamp(CheckpointedJob.TS, i / 20 + ((i * 31) % 50))
                    .putLong(CheckpointedJob.VALUE, (i * 2654435761L) % 100_003)),
                WatermarkStrategy.boundedOutOfOrderness(CheckpointedJob.TS, 60))
            .keyBy("by-key", CheckpointedJob.KEY)
            .window(Windows.tumbling(1000))
            .aggregate("tumbling", Aggregations.count("n"), Aggregations.sum("sum", CheckpointedJob.VALUE));
        windows.sink("queue", Sinks.chronicleQueue(queueDir));
        windows.sink("collect", collect);
        final Job job = p.execute(CheckpointedJob.context(2, tmp.resolve("checkpoints"), 1));
        job.join();
        assertTrue(job.checkpoints().completedCount() >= 1);

        final Committed committed = new Committed();
        committed.read(queueDir, windows.schema());
        final List<String> expected = collect.sortedRows();
        assertTrue(expected.size() >= 100 * 10, "windows: " + expected.size());
        assertEquals(expected.size(), new HashSet<>(expected).size(), "each window result is unique");
        assertEquals(expected, committed.sorted());
        assertEquals(0, committed.outOfOrder);
    }

    @Test
    void shouldAppendAtOnceWithoutCheckpointsForAReaderAndForAnotherJobsSource()
    {
        final Path queueDir = tmp.resolve("seq");
        final Pipeline p = Pipeline.create("cq-plain");
        p.source("gen", Sources.generator(SEQ, 10_000, (i, w) -> w.putLong(ID, i).putTimestamp(TS, i)))
            .sink("queue", Sinks.chronicleQueue(queueDir));
        p.execute(new JobContext().shards(2)).join();

        final List<String> expected = new ArrayList<>();
        for (long i = 0; i < 10_000; i++)
        {
            expected.add(i + "," + i);
        }
        Collections.sort(expected);
        final Committed committed = new Committed();
        committed.read(queueDir, SEQ);
        assertEquals(expected, committed.sorted());

        final CollectSink collect = Sinks.collect();
        final Pipeline next = Pipeline.create("cq-next");
        next.source("queue", Sources.chronicleQueue(SEQ, queueDir, true)).sink("collect", collect);
        next.execute(new JobContext().shards(1)).join();
        assertEquals(expected, collect.sortedRows());
    }

    /**
     * Rows a shard appended before the last COMMIT covering its epoch, counted straight from the excerpts: what the
     * reader must hand out after one run, without the reader's logic.
     */
    private static long committedByMarkers(final Path queueDir)
    {
        final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        final ExpandableArrayBuffer spare = new ExpandableArrayBuffer(64);
        final Long2LongHashMap rowsSoFar = new Long2LongHashMap(0);
        final Map<Integer, Map<Long, Long>> sealedAt = new HashMap<>();
        final Long2LongHashMap committed = new Long2LongHashMap(0);
        try (ChronicleQueue queue = ChronicleQueueRows.open(queueDir); ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    ChronicleQueueRows.view(dc, view, spare);
                    final int shard = ChronicleQueueRows.shard(view);
                    final long id = ChronicleQueueRows.checkpoint(view);
                    switch (ChronicleQueueRows.type(view))
                    {
                        case ChronicleQueueRows.ROW:
                            rowsSoFar.put(shard, rowsSoFar.get(shard) + 1);
                            break;
                        case ChronicleQueueRows.PRE_COMMIT:
                            sealedAt.computeIfAbsent(shard, s -> new HashMap<>()).put(id, rowsSoFar.get(shard));
                            break;
                        case ChronicleQueueRows.COMMIT:
                            for (final Map.Entry<Long, Long> e : sealedAt.get(shard).entrySet())
                            {
                                if (e.getKey() <= id)
                                {
                                    committed.put(shard, Math.max(committed.get(shard), e.getValue()));
                                }
                            }
                            break;
                        default:
                    }
                }
            }
        }
        long total = 0;
        for (final long rows : committed.values())
        {
            total += rows;
        }
        return total;
    }

    private static long rowExcerpts(final Path queueDir)
    {
        try (ChronicleQueue queue = ChronicleQueueRows.open(queueDir); ExcerptTailer tailer = queue.createTailer())
        {
            final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
            final ExpandableArrayBuffer spare = new ExpandableArrayBuffer(64);
            long rows = 0;
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return rows;
                    }
                    ChronicleQueueRows.view(dc, view, spare);
                    rows += ChronicleQueueRows.type(view) == ChronicleQueueRows.ROW ? 1 : 0;
                }
            }
        }
    }

    @Test
    void shouldHideTheUncommittedTailOfACancelledJobAndHandEveryRowOnceAfterTheResumedRun()
    {
        final long events = 400_000;
        final Path queueDir = tmp.resolve("seq");
        final Path checkpoints = tmp.resolve("checkpoints");
        final List<String> expected = new ArrayList<>();
        for (long i = 0; i < events; i++)
        {
            expected.add(i + "," + i / 100);
        }
        Collections.sort(expected);

        final Job first = seq(events, queueDir).execute(CheckpointedJob.context(2, checkpoints, 1));
        final long deadline1 = Waits.deadline();
        while (first.checkpoints().completedCount() < 3 && !first.isDone())
        {
            Waits.pause(deadline1, "the checkpoints before the stop");
        }
        first.cancel();
        first.join();

        final Committed afterCancel = new Committed();
        afterCancel.read(queueDir, SEQ);
        final long appended = rowExcerpts(queueDir);
        assertEquals(committedByMarkers(queueDir), afterCancel.rows.size());
        assertTrue(appended > afterCancel.rows.size(), "an uncommitted tail: " + appended + " rows appended, " +
            afterCancel.rows.size() + " committed");
        assertEquals(afterCancel.rows.size(), new HashSet<>(afterCancel.rows).size(), "no row twice");
        assertTrue(new HashSet<>(expected).containsAll(afterCancel.rows));
        assertEquals(0, afterCancel.outOfOrder);

        final Job second = seq(events, queueDir).execute(CheckpointedJob.context(2, checkpoints, 1));
        assertNotNull(second.restoredFrom());
        second.join();

        final Committed afterResume = new Committed();
        afterResume.read(queueDir, SEQ);
        assertTrue(rowExcerpts(queueDir) > events, "rows of the cancelled run's tail were appended again");
        assertEquals(expected.size(), afterResume.rows.size());
        assertEquals(expected, afterResume.sorted());
        assertEquals(0, afterResume.outOfOrder);
    }

    private static Pipeline seq(final long events, final Path queueDir)
    {
        final Pipeline p = Pipeline.create("cq-seq");
        p.source("gen", Sources.generator(SEQ, events, (i, w) -> w.putLong(ID, i).putTimestamp(TS, i / 100)))
            .keyBy("by-id", ID)
            .reduce("latest", (accumulated, in, out) -> out.copyOf(in))
            .sink("queue", Sinks.chronicleQueue(queueDir));
        return p;
    }
}
