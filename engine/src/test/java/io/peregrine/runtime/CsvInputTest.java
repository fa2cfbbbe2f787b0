package io.peregrine.runtime;

import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import io.peregrine.connector.CollectSink;
import io.peregrine.metrics.Metric;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.peregrine.runtime.BadInputTest.TRADES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CSV files as spreadsheets write them: a UTF-8 byte order mark, a header whose columns are in another order or
 * named otherwise than the schema, and lines longer than the stated limit.
 */
class CsvInputTest
{
    private static final byte[] BOM = { (byte)0xEF, (byte)0xBB, (byte)0xBF };

    @TempDir
    Path dir;

    private Path file(final byte[] prefix, final String... lines) throws Exception
    {
        final Path csv = dir.resolve("trades-" + System.nanoTime() + ".csv");
        final byte[] text = (String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_8);
        final byte[] bytes = new byte[prefix.length + text.length];
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        System.arraycopy(text, 0, bytes, prefix.length, text.length);
        return Files.write(csv, bytes);
    }

    private Job run(final Pipeline p)
    {
        final Job job = p.execute(new JobContext().shards(1).deadLetterDir(dir.resolve("dead")));
        job.join();
        return job;
    }

    @Test
    void shouldSkipAByteOrderMarkWithAndWithoutAHeader() throws Exception
    {
        for (final boolean header : new boolean[] { true, false })
        {
            final Path csv = header ? file(BOM, "symbol,ts,price,qty,venue", "ABC,1000,10.5,100,XNAS") :
                file(BOM, "ABC,1000,10.5,100,XNAS");
            final CollectSink sink = Sinks.collect();
            final Pipeline p = Pipeline.create("bom");
            p.source("trades", Sources.csv(TRADES, header, csv)).sink("out", sink);
            final Job job = run(p);
            assertEquals(List.of("ABC,1000,10.5,100,XNAS"), sink.rows(), "header " + header);
            assertEquals(0, job.counters().total(Metric.MALFORMED_RECORDS), "header " + header);
        }
    }

    @Test
    void shouldReadColumnsInAnotherOrderByTheirNames() throws Exception
    {
        final Path csv = file(BOM, "Venue, qty ,price,ts,\"symbol\"", "XNAS,100,10.5,1000,ABC", "BATS,7,1.25,1004,\"Q,Z\"");
        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("reordered");
        p.source("trades", Sources.csv(TRADES, true, csv)).sink("out", sink);
        run(p);
        assertEquals(List.of("ABC,1000,10.5,100,XNAS", "Q,Z,1004,1.25,7,BATS"), sink.rows());
    }

    @Test
    void shouldFailNamingTheColumnsThatAreNotTheSchemasFields() throws Exception
    {
        final Path csv = file(new byte[0], "symbol,time,price,quantity,venue,venue", "ABC,1000,10.5,100,XNAS,XNAS");
        final Pipeline p = Pipeline.create("renamed");
        p.source("trades", Sources.csv(TRADES, true, csv)).sink("out", Sinks.collect());
        // Refused when the job starts, as its readers open.
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> p.execute(new JobContext().shards(1).deadLetterDir(dir.resolve("dead"))).join());
        final String message = e.getMessage();
        assertTrue(message.contains("CSV file " + csv.toAbsolutePath() + ": the header's columns " +
            "[symbol, time, price, quantity, venue, venue] are not the fields of schema 'trades' " +
            "[symbol, ts, price, qty, venue]; missing [ts, qty]; not in the schema [time, quantity]; repeated [venue]"),
            message);
    }

    @Test
    void shouldDeadLetterALineLongerThanTheLimitNamingTheSetting() throws Exception
    {
        final String longVenue = "X".repeat(300);
        final Path csv = file(new byte[0], "ABC,1000,10.5,100,XNAS", "ABC,1001,10.5,100," + longVenue, "ABC,1002,1,1,B");
        for (final boolean perSource : new boolean[] { true, false })
        {
            final CollectSink sink = Sinks.collect();
            final Pipeline p = Pipeline.create("long-" + perSource);
            p.source("trades", perSource ? Sources.csv(TRADES, false, csv).maxLineLength(128) : Sources.csv(TRADES, false, csv))
                .sink("out", sink);
            final Job job = p.execute(new JobContext().shards(1).deadLetterDir(dir.resolve("dead"))
                .maxLineLength(perSource ? 1 << 20 : 128));
            job.join();
            assertEquals(List.of("ABC,1000,10.5,100,XNAS", "ABC,1002,1.0,1,B"), sink.rows());
            assertEquals(1, job.counters().total(Metric.MALFORMED_RECORDS));
            final List<String> dead = Files.readAllLines(dir.resolve("dead").resolve("long-" + perSource + "-trades-split-0.tsv"));
            assertTrue(dead.get(1).startsWith("2\tline longer than 128 bytes, the limit (peregrine.source.max.line.length, " +
                "or the source's maxLineLength)\tABC,1001"), dead.get(1));
        }
    }

    @Test
    void shouldDeadLetterALineLongerThanTheReadBufferAndReadTheNext() throws Exception
    {
        final Path csv = file(new byte[0], "ABC,1000,10.5,100,XNAS", "ABC,1001,10.5,100," + "Y".repeat(200_000), "ABC,1002,1,1,B");
        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("huge");
        p.source("trades", Sources.csv(TRADES, false, csv).maxLineLength(64)).sink("out", sink);
        final Job job = run(p);
        assertEquals(List.of("ABC,1000,10.5,100,XNAS", "ABC,1002,1.0,1,B"), sink.rows());
        assertEquals(1, job.counters().total(Metric.MALFORMED_RECORDS));
    }
}
