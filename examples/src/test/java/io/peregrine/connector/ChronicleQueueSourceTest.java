package io.peregrine.connector;

import io.peregrine.checkpoint.Waits;
import io.peregrine.api.Aggregations;
import io.peregrine.api.Field;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.MutableRow;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.demo.CheckpointedJob;
import io.peregrine.metrics.Metric;
import io.peregrine.api.Job;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleQueueSourceTest
{
    static final Schema TRADE = Schema.builder("trade").int64("id").timestamp("ts").varString("venue").build();
    static final Field.Int64 ID = TRADE.int64("id");
    static final Field.Timestamp TS = TRADE.timestamp("ts");
    static final Field.VarString VENUE = TRADE.varString("venue");

    @TempDir
    Path tmp;

    static String venue(final long i)
    {
        return "V" + (i % 7) + (i % 3 == 0 ? "-long-venue-name" : "");
    }

    private static List<String> appendTrades(final Path queueDir, final int count)
    {
        final List<String> expected = new ArrayList<>();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final RowWriter writer = new RowWriter();
        final MutableRow row = new MutableRow();
        try (ChronicleQueue queue = ChronicleQueueRows.open(queueDir);
            ChronicleQueueRows.Appender appender = new ChronicleQueueRows.Appender(queue))
        {
            for (int i = 0; i < count; i++)
            {
                writer.wrap(TRADE, buffer, 0, buffer.capacity())
                    .putLong(ID, i).putTimestamp(TS, 1000 + i).putVarString(VENUE, venue(i));
                row.wrap(TRADE, buffer, 0, writer.length());
                appender.append(row);
                expected.add(i + "," + (1000 + i) + "," + venue(i));
            }
        }
        return expected;
    }

    @Test
    void shouldReadBackTheRowsAProducerAppended()
    {
        final Path queueDir = tmp.resolve("trades");
        final List<String> expected = appendTrades(queueDir, 5_000);
        try (ChronicleQueue queue = ChronicleQueueRows.open(queueDir))
        {
            // The one-shot helper, and a marker a source skips.
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            final RowWriter writer = new RowWriter().wrap(TRADE, buffer, 0, 64).putLong(ID, -1).putVarString(VENUE, "X");
            ChronicleQueueRows.append(queue, new MutableRow().wrap(TRADE, buffer, 0, writer.length()));
            expected.add("-1,0,X");
            try (ChronicleQueueRows.Appender appender = new ChronicleQueueRows.Appender(queue))
            {
                appender.append(ChronicleQueueRows.COMMIT, 0, 0, 1, null, 0, 0);
            }
        }

        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("cq-read");
        p.source("queue", Sources.chronicleQueue(TRADE, queueDir, true)).sink("out", sink);
        final Job job = p.execute(new io.peregrine.config.JobContext().shards(2).deadLetterDir(tmp.resolve("dead")));
        job.join();

        assertEquals(expected, sink.rows(), "in queue order, on the one shard that owns the split");
        assertEquals(0, job.counters().total(Metric.MALFORMED_RECORDS));
    }

    @Test
    void shouldDeadLetterAMalformedExcerptWithItsIndexAndGoOn() throws Exception
    {
        final Schema fixed = Schema.builder("fixed").int64("a").int64("b").build();
        final Path queueDir = tmp.resolve("mixed");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final long[] bad = new long[4];
        try (ChronicleQueue queue = ChronicleQueueRows.open(queueDir);
            ChronicleQueueRows.Appender appender = new ChronicleQueueRows.Appender(queue);
            ExcerptAppender raw = queue.createAppender())
        {
            buffer.putLong(0, 1);
            buffer.putLong(8, 10);
            appender.append(buffer, 0, 16);
            bad[0] = appender.append(buffer, 0, 12); // a row of the wrong length for a fixed-length schema
            try (DocumentContext dc = raw.writingDocument())
            {
                dc.wire().bytes().write(new byte[] {'h', 'e', 'l', 'l', 'o', ' ', 'q', 'u', 'e', 'u', 'e', '!', 0, 0, 0, 0});
            }
            bad[1] = raw.lastIndexAppended(); // not this format
            try (DocumentContext dc = raw.writingDocument())
            {
                dc.wire().bytes().write(new byte[] {'P', 9, 1, 0, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0});
            }
            bad[2] = raw.lastIndexAppended(); // a version from the future
            try (DocumentContext dc = raw.writingDocument())
            {
                dc.wire().bytes().write(new byte[] {'P', 1});
            }
            bad[3] = raw.lastIndexAppended(); // a header cut short
            buffer.putLong(0, 2);
            buffer.putLong(8, 20);
            appender.append(buffer, 0, 16);
        }

        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("cq-bad");
        p.source("queue", Sources.chronicleQueue(fixed, queueDir, true)).sink("out", sink);
        final Path deadLetters = tmp.resolve("dead");
        final Job job = p.execute(new io.peregrine.config.JobContext().shards(1).deadLetterDir(deadLetters));
        job.join();

        assertEquals(List.of("1,10", "2,20"), sink.rows());
        assertEquals(4, job.counters().total(Metric.MALFORMED_RECORDS));
        final List<String> lines = Files.readAllLines(deadLetters.resolve("cq-bad-queue-split-0.tsv"));
        assertEquals(5, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith(bad[0] + "\trow of 12 bytes, schema 'fixed' rows are 16 bytes\t50010100ffffffff"),
            lines.get(1));
        assertTrue(lines.get(2).startsWith(bad[1] + "\tnot a Peregrine row excerpt (first byte 0x68)\t68656c6c6f"),
            lines.get(2));
        assertTrue(lines.get(3).startsWith(bad[2] + "\tunsupported excerpt version 9"), lines.get(3));
        assertTrue(lines.get(4).startsWith(bad[3] + "\texcerpt of 2 bytes, shorter than the 16-byte header\t5001"),
            lines.get(4));
    }

    // A job with checkpoints over a queue, stopped with a savepoint midway and resumed.

    private static final long EVENTS = 300_000;

    private static Path appendEvents(final Path queueDir)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CheckpointedJob.EVENT.fixedLength()]);
        final RowWriter writer = new RowWriter();
        try (ChronicleQueue queue = ChronicleQueueRows.open(queueDir);
            ChronicleQueueRows.Appender appender = new ChronicleQueueRows.Appender(queue))
        {
            for (long i = 0; i < EVENTS; i++)
            {
                writer.wrap(CheckpointedJob.EVENT, buffer, 0, buffer.capacity())
                    .putLong(CheckpointedJob.KEY, (i * 7919) % 100)
                    .putTimestamp(CheckpointedJob.TS, i / 20 + ((i * 31) % 50))
                    .putLong(CheckpointedJob.VALUE, (i * 2654435761L) % 100_003);
                appender.append(buffer, 0, writer.length());
            }
        }
        return queueDir;
    }

    private static Pipeline windows(final Path queueDir, final Path out)
    {
        final Pipeline p = Pipeline.create("cq-windows");
        p.source("queue", Sources.chronicleQueue(CheckpointedJob.EVENT, queueDir, true),
                WatermarkStrategy.boundedOutOfOrderness(CheckpointedJob.TS, 60))
            .keyBy("by-key", CheckpointedJob.KEY)
            .window(Windows.tumbling(1000))
            .aggregate("tumbling", Aggregations.count("n"), Aggregations.sum("sum", CheckpointedJob.VALUE),
                Aggregations.first("first", CheckpointedJob.VALUE), Aggregations.last("last", CheckpointedJob.VALUE))
            .sink("windows-out", Sinks.csv(out.resolve("windows")));
        return p;
    }

    @Test
    void shouldResumeFromASavepointWithTheOutputOfAnUninterruptedRun() throws Exception
    {
        final Path queueDir = appendEvents(tmp.resolve("events"));
        final Path reference = tmp.resolve("reference");
        windows(queueDir, reference).execute(CheckpointedJob.context(2, tmp.resolve("reference-checkpoints"), 0)).join();
        final List<String> expected = CheckpointedJob.committed(reference, "windows");
        assertTrue(expected.size() >= 100 * 10, "windows: " + expected.size());

        for (int trial = 0; trial < 3; trial++)
        {
            final Path out = tmp.resolve("resume-" + trial);
            final Path checkpoints = tmp.resolve("resume-checkpoints-" + trial);
            final Job first = windows(queueDir, out).execute(CheckpointedJob.context(2, checkpoints, 1));
            assertNull(first.restoredFrom());
            final long deadline1 = Waits.deadline();
            while (first.checkpoints().completedCount() < 2 + 3L * trial && !first.isDone())
            {
                Waits.pause(deadline1, "the checkpoints before the stop");
            }
            first.stopWithSavepoint();
            first.join();

            final Job second = windows(queueDir, out).execute(CheckpointedJob.context(2, checkpoints, 1));
            assertNotNull(second.restoredFrom());
            second.join();
            // Metrics restart from zero on restore: the second run resumed at the savepoint's excerpt, not at the
            // start (the first may have read past its savepoint's barrier before it stopped: read again here).
            final long firstRead = first.counters().total(Metric.SOURCE_RECORDS);
            final long secondRead = second.counters().total(Metric.SOURCE_RECORDS);
            assertTrue(secondRead < EVENTS && firstRead + secondRead >= EVENTS,
                "trial " + trial + ": " + firstRead + " then " + secondRead);
            final List<String> actual = CheckpointedJob.committed(out, "windows");
            assertEquals(expected.size(), actual.size(), "trial " + trial + ", resumed from " + second.restoredFrom());
            assertEquals(expected, actual, "trial " + trial + ", resumed from " + second.restoredFrom());
        }
    }
}
