package io.peregrine.bench.engine;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChainThroughputBenchmarkTest
{
    @Test
    void shouldComputeTheSameCountsAsTheBaselineOnOneAndTwoShards()
    {
        final long[] baseline = ChainThroughputBenchmark.runBaseline(300_000);
        assertTrue(baseline[0] > 0 && baseline[1] > 0);
        assertArrayEquals(baseline, ChainThroughputBenchmark.runEngine(1, 300_000));
        assertArrayEquals(baseline, ChainThroughputBenchmark.runEngine(2, 300_000));
    }

    @Test
    void shouldForkBenchmarksWithTheFlagsOfThePom() throws Exception
    {
        try (InputStream in = getClass().getResourceAsStream("/io/peregrine/jvm.flags"))
        {
            final List<String> pom = Arrays.asList(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+"));
            final List<String> forks = Arrays.asList(io.peregrine.bench.JvmFlags.ALL);
            final List<String> extra = List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");
            final List<String> common = new java.util.ArrayList<>(pom);
            common.removeAll(extra);
            assertEquals(common, forks, "io.peregrine.bench.JvmFlags must list the parent pom's peregrine.jvm.flags");
        }
    }
}
