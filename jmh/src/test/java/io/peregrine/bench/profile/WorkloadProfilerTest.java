package io.peregrine.bench.profile;

import io.peregrine.bench.report.ProfileSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the real async-profiler in the test JVM (skipped where it cannot load), on a fixed amount of CPU work, never
 * on a timing.
 */
class WorkloadProfilerTest
{
    @TempDir
    Path report;

    static volatile long blackhole;

    @Test
    void shouldWriteAFlameGraphAndAFlatProfilePerWorkloadAndShardCount() throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final WorkloadProfiler profiler = WorkloadProfiler.open("cpu", report, new PrintStream(log, true, StandardCharsets.UTF_8));
        assumeTrue(profiler.isActive(), profiler.description());
        final String said = log.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("event cpu via perf_events") || said.contains("event itimer: cpu needs perf_events"), said);

        for (int round = 0; round < 2; round++)
        {
            for (int shards = 1; shards <= 2; shards++)
            {
                profiler.start("q5", shards);
                blackhole += burn(50_000_000);
                profiler.stop();
            }
        }

        final List<ProfileSummary> summaries = profiler.summaries();
        assertEquals(2, summaries.size());
        for (int i = 0; i < 2; i++)
        {
            final ProfileSummary summary = summaries.get(i);
            assertEquals("q5", summary.workload());
            assertEquals(i + 1, summary.shards());
            assertEquals(2, summary.rounds());
            assertEquals("samples", summary.unit());
            assertTrue(summary.total() > 0, "50M iterations take milliseconds of CPU: sampled every 1 ms");
            assertTrue(!summary.top().isEmpty() && summary.top().size() <= WorkloadProfiler.README_TOP);
            final String html = Files.readString(report.resolve(summary.flameGraph()), StandardCharsets.UTF_8);
            assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("q5 on " + (i + 1) + " shard(s)"), summary.flameGraph());
            final String text = Files.readString(report.resolve(summary.text()), StandardCharsets.UTF_8);
            assertTrue(text.startsWith("# q5 on " + (i + 1) + " shard(s)\n# async-profiler "), text);
            assertTrue(text.contains("over 2 round(s)") && text.contains("--- Flat profile") &&
                text.contains("--- Collapsed stacks"), text);
        }
        assertEquals("profiles/q5-1shards.html", summaries.get(0).flameGraph());
        assertEquals("profiles/q5-2shards.txt", summaries.get(1).text());
        assertTrue(profiler.description().startsWith("async-profiler "), profiler.description());
    }

    @Test
    void shouldRefuseAnUnknownEventBeforeLoadingAnything()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> WorkloadProfiler.open("bogus", report, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertTrue(ex.getMessage().startsWith("unknown profile event 'bogus'"), ex.getMessage());
        assertTrue(Files.notExists(report.resolve("profiles")));
    }

    private static long burn(final long n)
    {
        long x = 0;
        for (long i = 0; i < n; i++)
        {
            x += Long.hashCode(i * 31) ^ (x >>> 3);
        }
        return x;
    }
}
