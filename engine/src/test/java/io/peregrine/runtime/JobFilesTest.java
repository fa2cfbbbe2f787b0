package io.peregrine.runtime;

import io.peregrine.api.Schema;
import io.peregrine.config.JobContext;
import io.peregrine.metrics.Metric;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a job's files go by default, what a second run does to the first one's, and how an error names the input.
 */
class JobFilesTest
{
    private static final Schema ROWS = Schema.builder("rows").int64("id").int32("qty").build();

    @Test
    void shouldKeepAnEarlierRunsDeadLettersAndWriteTheNextNumberedFile(@TempDir final Path dir) throws Exception
    {
        final Path dead = dir.resolve("dead");
        final Path first = dead.resolve("bad-csv-split-0.tsv");
        assertEquals(1, run(dir, "1,2\nx,3\n", dead));
        final String firstRun = Files.readString(first);
        assertTrue(firstRun.contains("\tx,3"), firstRun);

        assertEquals(2, run(dir, "y,1\n2,z\n", dead));
        assertEquals(firstRun, Files.readString(first), "the first run's dead letters are kept as they were");
        final List<String> second = Files.readAllLines(dead.resolve("bad-csv-split-0.2.tsv"));
        assertEquals(3, second.size(), second.toString());
        assertTrue(second.get(1).endsWith("\ty,1") && second.get(2).endsWith("\t2,z"), second.toString());

        assertEquals(1, run(dir, "q,1\n", dead));
        assertTrue(Files.exists(dead.resolve("bad-csv-split-0.3.tsv")), "the third run's file");
        assertFalse(Files.exists(dead.resolve("bad-csv-split-0.4.tsv")));
    }

    @Test
    void shouldRefuseToOverwriteAnEarlierRunsOutputNamingTheFile(@TempDir final Path dir) throws Exception
    {
        final Path out = dir.resolve("missing").resolve("out");
        runToCsv(dir, out);
        final Path part = out.resolve("part-0.csv");
        assertEquals("id,qty\n1,2\n", Files.readString(part), "the missing directory was created");

        final IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> runToCsv(dir, out));
        assertTrue(e.getMessage().contains("output file " + part.toAbsolutePath() + " exists, from an earlier run"),
            e.getMessage());
        assertEquals("id,qty\n1,2\n", Files.readString(part), "the earlier output is untouched");
    }

    private static void runToCsv(final Path dir, final Path out) throws Exception
    {
        final Path file = dir.resolve("good.csv");
        Files.writeString(file, "1,2\n");
        final Pipeline p = Pipeline.create("good");
        p.source("csv", Sources.csv(ROWS, false, file)).sink("out", Sinks.csv(out));
        p.execute(new JobContext().shards(1).deadLetterDir(dir.resolve("dead"))).join();
    }

    @Test
    void shouldNameTheFileAndLineOfTheRecordAnOperatorFailedOn(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("orders.csv");
        Files.writeString(file, "id,qty\n1,5\n2,0\n3,7\n");
        final Pipeline p = Pipeline.create("divide");
        final io.peregrine.api.Field.Int32 qty = ROWS.int32("qty");
        final io.peregrine.api.Field.Int64 id = ROWS.int64("id");
        p.source("orders", Sources.csv(ROWS, true, file))
            .map("per-unit", ROWS, (in, out) -> out.putLong(id, 100 / in.getInt(qty)).putInt(qty, in.getInt(qty)))
            .sink("out", Sinks.collect());
        final io.peregrine.api.JobFailedException e = org.junit.jupiter.api.Assertions.assertThrows(
            io.peregrine.api.JobFailedException.class,
            () -> p.execute(new JobContext().shards(1).deadLetterDir(dir.resolve("dead"))).join());
        assertTrue(e.getMessage().contains("operator 'per-unit' on shard 0 failed on the record rows(id=2, qty=0) at " +
            "source 'orders' " + file + ":3: java.lang.ArithmeticException"), e.getMessage());
    }

    @Test
    void shouldSayARecordCameFromNoSourceRatherThanSplitMinusOne()
    {
        final Schema counts = Schema.builder("counts").int64("key").timestamp("window_start").timestamp("window_end")
            .int64("n").build();
        final Pipeline p = Pipeline.create("windowed");
        p.source("events", Sources.collection(TestSchemas.EVENT, List.of(TestSchemas.event(1, 10, 1),
                TestSchemas.event(1, 20, 1))),
                io.peregrine.api.WatermarkStrategy.boundedOutOfOrderness(TestSchemas.TS, 0))
            .keyBy("by-key", TestSchemas.KEY)
            .window(io.peregrine.api.Windows.tumbling(1000))
            .aggregate("count", io.peregrine.api.Aggregations.count("n"))
            .filter("explode", row ->
            {
                throw new IllegalStateException("boom");
            })
            .sink("out", Sinks.collect());
        final io.peregrine.api.JobFailedException e = org.junit.jupiter.api.Assertions.assertThrows(
            io.peregrine.api.JobFailedException.class, () -> p.execute(new JobContext().shards(1)).join());
        assertFalse(e.getMessage().contains("-1"), e.getMessage());
        assertTrue(e.getMessage().contains("operator 'explode' on shard 0 failed on"), e.getMessage());
        assertTrue(e.getMessage().contains("no source position (a record made by a timer or a window)"), e.getMessage());
        assertTrue(e.getMessage().contains("IllegalStateException: boom"), e.getMessage());
    }

    @Test
    void shouldPutEveryDefaultDirectoryUnderTheTemporaryDirectoryNotTheWorkingOne()
    {
        final Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        final JobContext context = new JobContext();
        assertEquals(tmp.resolve("peregrine-dead-letter"), context.deadLetterDir());
        assertEquals(tmp.resolve("peregrine-state"), context.stateDir());
        assertEquals(context.stateDir(), context.metricsDir());
    }

    private static long run(final Path dir, final String csv, final Path dead) throws Exception
    {
        final Path file = dir.resolve("in.csv");
        Files.writeString(file, csv);
        final Pipeline p = Pipeline.create("bad");
        p.source("csv", Sources.csv(ROWS, false, file)).sink("out", Sinks.collect());
        final io.peregrine.api.Job job = p.execute(new JobContext().shards(1).deadLetterDir(dead));
        job.join();
        return job.counters().total(Metric.MALFORMED_RECORDS);
    }
}
