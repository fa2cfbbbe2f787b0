package io.peregrine.cli;

import io.peregrine.api.Aggregations;
import io.peregrine.api.Field;
import io.peregrine.api.Job;
import io.peregrine.api.Schema;
import io.peregrine.config.JobContext;
import io.peregrine.demo.ChildJvm;
import io.peregrine.metrics.CountersFile;
import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatCommandTest extends ConsoleCapture
{
    private static final Schema EVENT = Schema.builder("event").int64("key").int64("value").build();
    private static final Field.Int64 KEY = EVENT.int64("key");
    private static final Field.Int64 VALUE = EVENT.int64("value");

    @Test
    void shouldPrintEveryShardAndOperatorOfAJobOnce(@TempDir final Path dir)
    {
        final List<Object[]> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++)
        {
            events.add(new Object[]{ (long)(i % 10), (long)i });
        }
        final Pipeline p = Pipeline.create("stat-me");
        final DataStream source = p.source("events", Sources.collection(EVENT, events));
        source.filter("evens", row -> row.getLong(VALUE) % 2 == 0).sink("even-out", Sinks.collect());
        source.keyBy("by-key", KEY).aggregate("counts", Aggregations.count("n")).sink("count-out", Sinks.collect());
        final Job job = p.execute(new JobContext().shards(2).metricsDir(dir));
        final Map<String, Map<String, String>> cells;
        try
        {
            await(job);
            assertEquals(0, PeregrineCli.execute("stat", dir.toString(), "--once"), err.toString());
            try (CountersFile file = CountersFile.open(job.counters().directory()))
            {
                cells = cells(CountersTable.rows(file.reader()).get(1));
            }
        }
        finally
        {
            job.join();
        }
        final List<String> lines = Arrays.asList(out.toString().split("\n"));
        assertTrue(lines.get(0).startsWith("job 'stat-me'  pid " + ProcessHandle.current().pid() + " (running)"), lines.get(0));
        assertTrue(lines.get(0).endsWith("2 shard(s)"), lines.get(0));
        assertEquals(job.counters().file().toString(), lines.get(1));
        assertTrue(lines.get(3).matches("shard +duty cycles +busy +idle +longest cycle +checkpoint pause +errors"),
            lines.get(3));
        assertTrue(lines.get(4).startsWith("0 ") && lines.get(5).startsWith("1 "), lines.get(4) + "\n" + lines.get(5));
        assertTrue(lines.get(7).matches("operator +shard +records in +records out +malformed +back-pressure +exchanged " +
            "+state entries +state bytes +watermark"), lines.get(7));
        // A collection source is one split, read on shard 0; shard 1's source has nothing to read.
        assertTrue(lines.get(8).matches("events +0 +1,000 +0 .* end of input"), lines.get(8));
        assertTrue(lines.get(9).matches("events +1 +0 +0 .*"), lines.get(9));
        assertEquals(8 + 12, lines.size(), "6 operators on 2 shards:\n" + String.join("\n", lines));

        assertEquals("1,000", sum(cells, "events", "records out"), "a source's records read are its records out");
        assertEquals("", cells.get("events/0").get("records in"));
        assertEquals("1,000", sum(cells, "evens", "records in"));
        assertEquals("500", sum(cells, "evens", "records out"));
        assertEquals("500", sum(cells, "even-out", "records in"), "a sink's records written are its records in");
        assertEquals("1,000", sum(cells, "counts", "records out"));
        assertEquals("10", sum(cells, "counts", "state entries"));
        assertEquals("", cells.get("counts/0").get("exchanged"));
    }

    /**
     * @return each row's cells by heading, by operator/shard.
     */
    private static Map<String, Map<String, String>> cells(final List<String[]> rows)
    {
        final Map<String, Map<String, String>> cells = new HashMap<>();
        for (final String[] row : rows.subList(1, rows.size()))
        {
            final Map<String, String> byHeading = new HashMap<>();
            for (int c = 0; c < row.length; c++)
            {
                byHeading.put(rows.get(0)[c], row[c]);
            }
            cells.put(row[0] + "/" + row[1], byHeading);
        }
        return cells;
    }

    private static String sum(final Map<String, Map<String, String>> cells, final String operator, final String heading)
    {
        long sum = 0;
        for (int shard = 0; shard < 2; shard++)
        {
            sum += Long.parseLong(cells.get(operator + "/" + shard).get(heading).replace(",", ""));
        }
        return String.format("%,d", sum);
    }

    @Test
    void shouldRefuseAFileThatIsNotACountersFileByName(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("counters.dat");
        Files.write(file, new byte[300]);
        assertEquals(1, PeregrineCli.execute("stat", dir.toString(), "--once"));
        assertTrue(err.toString().contains(file + " is not a Peregrine counters file"), err.toString());
    }

    @Test
    void shouldSayWhenADirectoryHoldsNoJobsCounters(@TempDir final Path dir)
    {
        assertEquals(2, PeregrineCli.execute("stat", dir.toString(), "--once"));
        assertTrue(err.toString().contains("no job's counters in " + dir), err.toString());
    }

    @Test
    void shouldReadTheCountersOfAJobInAnotherProcess(@TempDir final Path dir) throws Exception
    {
        final Process child = ChildJvm.start(dir.resolve("child.err"),
            List.of("-Xmx256m", "-D" + io.peregrine.config.Settings.METRICS_DIR.key() + "=" + dir), PeregrineCli.class,
            "demo", "--duration", "120", "--rate", "20000", "--shards", "1", "--instruments", "100");
        try
        {
            final BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
            String line;
            do
            {
                line = childOut.readLine();
                assertNotNull(line, "the demo ended before printing its counters directory");
            }
            while (!line.startsWith("  counters: "));
            final Path jobDir = Path.of(line.substring("  counters: ".length(), line.indexOf(" (./peregrine stat")));
            assertEquals(dir, jobDir.getParent());

            assertEquals(0, PeregrineCli.execute("stat", dir.toString(), "--once"), err.toString());
            final String text = out.toString();
            assertTrue(text.startsWith("job 'trading'  pid " + child.pid() + " (running)"), text);
            for (final String operator : List.of("market-data", "bars", "alerts", "top", "spreads"))
            {
                assertTrue(text.contains("\n" + operator + " "), operator + " in\n" + text);
            }
        }
        finally
        {
            child.destroy();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
    }

    private static void await(final Job job)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!job.isDone())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for the job's end");
            LockSupport.parkNanos(200_000);
        }
    }
}
