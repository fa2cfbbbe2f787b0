package io.peregrine.bench.report;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteReadmeChartsHistogramsAndEnvironment() throws IOException
    {
        final Histogram q0 = histogram(20_000, 1_000_000);
        final Histogram q5 = histogram(50_000, 2_000_000);
        final List<QueryMeasurement> results = List.of(
            new QueryMeasurement("q0", 1, new double[]{ 3.0e6, 3.2e6, 2.9e6 }, new double[]{ 1.5e6, 1.6e6, 1.5e6 }, q0),
            new QueryMeasurement("q0", 2, new double[]{ 5.0e6, 5.5e6, 5.2e6 }, new double[]{ 1.5e6, 1.6e6, 1.4e6 }, null),
            new QueryMeasurement("q5", 1, new double[]{ 1.0e6 }, new double[]{ 2.0e6 }, q5));

        final Path folder = dir.resolve("report");
        final Path readme = new ReportWriter(folder)
            .command("java -cp benchmarks.jar Example --rate 100000")
            .setting("rate", 100_000)
            .setting("generator", "seed=1\neventRate=10000")
            .write(results);

        final String text = Files.readString(readme, StandardCharsets.UTF_8);
        assertTrue(text.contains("| q0 | 1 | 3 | 3,000,000 (2,900,000 - 3,200,000) | 1,500,000 (1,500,000 - 1,600,000) | " +
            "2.00 (1.93 - 2.00) |"), text);
        assertTrue(text.contains("| q5 | 1 | 1 | 1,000,000 | 2,000,000 | 0.50 |"), text);
        assertTrue(text.contains("latency-q0-1shards.hgrm"), text);
        assertTrue(text.contains("| q5 | 1 | - | " + q5.getTotalCount() + " |"), text);

        final BufferedImage throughput = ImageIO.read(folder.resolve("throughput.png").toFile());
        assertNotNull(throughput);
        assertEquals(1000, throughput.getWidth());
        assertEquals(600, throughput.getHeight());
        final BufferedImage latency = ImageIO.read(folder.resolve("latency.png").toFile());
        assertNotNull(latency);
        assertEquals(2 * 600, latency.getWidth(), "one 600 x 400 panel per workload: q0 and q5");
        assertEquals(400, latency.getHeight());

        final String hgrm = Files.readString(folder.resolve("latency-q5-1shards.hgrm"), StandardCharsets.UTF_8);
        assertTrue(hgrm.contains("Percentile") && hgrm.contains("1/(1-Percentile)") && hgrm.contains("#[Max"), hgrm);
        assertTrue(Files.exists(folder.resolve("latency-q0-1shards.hgrm")));
        assertTrue(Files.notExists(folder.resolve("latency-q0-2shards.hgrm")));

        final String environment = Files.readString(folder.resolve("environment.md"), StandardCharsets.UTF_8);
        for (final String item : List.of("CPU model", "cores", "memory", "OS", "kernel", "JVM input arguments",
            "git commit", "java -cp benchmarks.jar Example --rate 100000", "| rate | 100000 |", "seed=1<br>eventRate"))
        {
            assertTrue(environment.contains(item), item + " in " + environment);
        }
    }

    @Test
    void shouldDrawFourWorkloadsInTwoRowsOfThree() throws IOException
    {
        final List<QueryMeasurement> results = new ArrayList<>();
        for (final String workload : List.of("trading", "q0", "q5", "q12"))
        {
            results.add(new QueryMeasurement(workload + "@100k", 1, new double[]{ 1e5 }, new double[0], histogram(100, 1_000)));
        }
        final Path folder = dir.resolve("grid");
        new ReportWriter(folder).write(results);
        final BufferedImage latency = ImageIO.read(folder.resolve("latency.png").toFile());
        assertEquals(3 * 600, latency.getWidth());
        assertEquals(2 * 400, latency.getHeight());
    }

    @Test
    void shouldWriteThroughputOnlyReportWithoutLatency() throws IOException
    {
        final Path folder = dir.resolve("throughput-only");
        new ReportWriter(folder).write(List.of(new QueryMeasurement("q1", 1, new double[]{ 1e6 }, new double[0], null)));
        assertNotNull(ImageIO.read(folder.resolve("throughput.png").toFile()));
        assertTrue(Files.notExists(folder.resolve("latency.png")));
        assertTrue(Files.readString(folder.resolve("README.md")).contains("| q1 | 1 | 1 | 1,000,000 | - | - |"));
    }

    @Test
    void shouldReportBytesPerEventWhereTheyWereMeasured() throws IOException
    {
        final Path folder = dir.resolve("allocation");
        new ReportWriter(folder).write(List.of(
            new QueryMeasurement("q5", 1, new double[]{ 2e6, 3e6, 1e6 }, new double[]{ 4e6, 4e6, 4e6 }, null,
                new double[]{ 0.25, 12.5, 0.5 }),
            new QueryMeasurement("q5", 2, new double[]{ 2e6 }, new double[]{ 4e6 }, null, new double[]{ Double.NaN }),
            new QueryMeasurement("q7", 1, new double[]{ 2e6 }, new double[]{ 4e6 }, null)));
        final String text = Files.readString(folder.resolve("README.md"));
        assertTrue(text.contains("| query | shards | rounds | engine events/s | baseline events/s | engine / baseline | " +
            "engine B/event |"), text);
        assertTrue(text.contains("| q5 | 1 | 3 | 2,000,000 (1,000,000 - 3,000,000) | 4,000,000 (4,000,000 - 4,000,000) | " +
            "0.50 (0.25 - 0.75) | 0.50 (0.25 - 12.50) |"), text);
        assertTrue(text.contains("| q5 | 2 | 1 | 2,000,000 | 4,000,000 | 0.50 | - |"), "NaN: not counted; " + text);
        assertTrue(text.contains("| q7 | 1 | 1 | 2,000,000 | 4,000,000 | 0.50 | - |"), "not measured; " + text);
        assertTrue(!text.contains("## Where the time goes") && !text.contains("## Microbenchmarks"), text);
    }

    @Test
    void shouldWriteWhereTheTimeGoesAndTheMicrobenchmarks() throws IOException
    {
        final Path folder = dir.resolve("sections");
        final String readme = Files.readString(new ReportWriter(folder)
            .profiles("async-profiler 4.6, event itimer: cpu needs perf_events, perf_events unavailable.", List.of(
                new ProfileSummary("q5", 2, 3, 12_345, "samples", List.of(
                    new ProfileSummary.FrameShare("MappedSlotTable.findOrInsert", 23.456),
                    new ProfileSummary.FrameShare("Weird|Frame", 1.0)),
                    "profiles/q5-2shards.html", "profiles/q5-2shards.txt")))
            .microbenchmarks("JMH, 1 fork.", List.of(
                new MicroResult("FlyweightBenchmark.rowGetLong", "avgt", 4.3281, 0.0213, "ns/op", 0.0001),
                new MicroResult("WatermarkTimerBenchmark.trackerUpdate (inputs=8)", "avgt", 10.342, Double.NaN, "ns/op", 32.0),
                new MicroResult("FusedChainBenchmark.engine", "thrpt", 12_345_678.9, 234_567.8, "ops/s", Double.NaN)),
                List.of("jmh.json", "jmh.txt"))
            .write(List.of(new QueryMeasurement("q5", 2, new double[]{ 1e6 }, new double[0], null))));

        assertTrue(readme.contains("## Where the time goes\n\nasync-profiler 4.6, event itimer: cpu needs perf_events, " +
            "perf_events unavailable.\n"), readme);
        assertTrue(readme.contains("| workload | shards | rounds | samples | top self frames | files |"), readme);
        assertTrue(readme.contains("| q5 | 2 | 3 | 12,345 | `MappedSlotTable.findOrInsert` 23.5%<br>`Weird\\|Frame` 1.0% | " +
            "[flame graph](profiles/q5-2shards.html), [flat + stacks](profiles/q5-2shards.txt) |"), readme);

        assertTrue(readme.contains("## Microbenchmarks (JMH)\n\nJMH, 1 fork. Raw output: [jmh.json](jmh.json), " +
            "[jmh.txt](jmh.txt).\n"), readme);
        assertTrue(readme.contains("| benchmark | mode | score | error | unit | gc.alloc.rate.norm B/op |"), readme);
        assertTrue(readme.contains("| FlyweightBenchmark.rowGetLong | avgt | 4.328 | ± 0.021 | ns/op | 0.000 |"), readme);
        assertTrue(readme.contains("| WatermarkTimerBenchmark.trackerUpdate (inputs=8) | avgt | 10.3 | - | ns/op | 32.0 |"), readme);
        assertTrue(readme.contains("| FusedChainBenchmark.engine | thrpt | 12,345,679 | ± 234,568 | ops/s | - |"), readme);
        assertTrue(readme.indexOf("## Throughput") < readme.indexOf("## Where the time goes") &&
            readme.indexOf("## Where the time goes") < readme.indexOf("## Microbenchmarks"), readme);
    }

    @Test
    void shouldSayWhyThereAreNoProfiles() throws IOException
    {
        final String readme = Files.readString(new ReportWriter(dir.resolve("off"))
            .profiles("Profiling was requested but is off: async-profiler cannot run on Windows.", List.of())
            .write(List.of(new QueryMeasurement("q1", 1, new double[]{ 1e6 }, new double[0], null))));
        assertTrue(readme.contains("## Where the time goes\n\nProfiling was requested but is off: async-profiler " +
            "cannot run on Windows.\n"), readme);
        assertTrue(!readme.contains("| workload |"), readme);
    }

    @Test
    void shouldListFixedRateRunsOnlyAsLatencyWithTheNotes() throws IOException
    {
        final List<QueryMeasurement> results = List.of(
            new QueryMeasurement("q5", 1, new double[]{ 2.0e6, 2.2e6 }, new double[]{ 4.0e6, 4.0e6 }, null),
            new QueryMeasurement("q5@1000k", 1, new double[]{ 1.0e6 }, new double[0], histogram(1_000, 50_000)),
            new QueryMeasurement("q5@1600k", 2, new double[]{ 1.6e6 }, new double[0], histogram(2_000, 90_000))
                .achieved(1.2e6));
        final Path folder = dir.resolve("fixed-rate");
        final String text = Files.readString(new ReportWriter(folder).note("What a latency counts from.").write(results));

        final String throughputTable = text.substring(text.indexOf("## Throughput"), text.indexOf("## Latency"));
        assertTrue(throughputTable.contains("| q5 | 1 | 2 |"), throughputTable);
        assertFalse(throughputTable.contains("q5@"), throughputTable);
        assertTrue(text.contains("| query | shards | input kept up | count |"), text);
        assertTrue(text.contains("| q5@1000k | 1 | - | 1000 |"), text);
        assertTrue(text.contains("| q5@1600k | 2 | 75% | 2000 |"), "1.2M of 1.6M events/s; " + text);
        assertTrue(text.contains("[latency-q5@1600k-2shards.hgrm](latency-q5@1600k-2shards.hgrm)"), text);
        assertTrue(text.endsWith("What a latency counts from.\n"), text);
        final BufferedImage latency = ImageIO.read(folder.resolve("latency.png").toFile());
        assertEquals(1000, latency.getWidth(), "one workload: one chart");
        assertEquals(600, latency.getHeight());
    }

    @Test
    void shouldWriteALatencyOnlyReport() throws IOException
    {
        final Path folder = dir.resolve("latency-only");
        final String text = Files.readString(new ReportWriter(folder).write(List.of(
            new QueryMeasurement("q1@500k", 2, new double[]{ 5e5 }, new double[0], histogram(100, 1_000)))));
        assertFalse(text.contains("## Throughput"), text);
        assertTrue(Files.notExists(folder.resolve("throughput.png")));
        assertTrue(text.contains("| q1@500k | 2 | - | 100 |"), text);
        assertNotNull(ImageIO.read(folder.resolve("latency.png").toFile()));
    }

    @Test
    void shouldReportCpuPerEventAndItsRatio() throws IOException
    {
        final Path folder = dir.resolve("cpu");
        final String text = Files.readString(new ReportWriter(folder).write(List.of(
            new QueryMeasurement("q1", 2, new double[]{ 2e6, 3e6, 1e6 }, new double[]{ 4e6, 4e6, 4e6 }, null,
                new double[]{ 0, 0, 0 }).cpu(new double[]{ 100, 50, 80 }, new double[]{ 40, 25, 40 }),
            new QueryMeasurement("q2", 1, new double[]{ 2e6 }, new double[]{ 4e6 }, null))));
        assertTrue(text.contains("| CPU ns/event engine / baseline | CPU ratio |"), text);
        // Medians 80 / 40; ratios per round 0.40, 0.50, 0.50.
        assertTrue(text.contains("| 0.00 (0.00 - 0.00) | 80 / 40 | 0.50 (0.40 - 0.50) |"), text);
        assertTrue(text.contains("| q2 | 1 | 1 | 2,000,000 | 4,000,000 | 0.50 | - | - | - |"), text);
    }

    private static Histogram histogram(final long count, final long spreadNanos)
    {
        final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        long x = 12345;
        for (long i = 0; i < count; i++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
            histogram.recordValueWithExpectedInterval(1_000 + Math.floorMod(x >>> 20, spreadNanos), 100_000);
        }
        return histogram;
    }
}
