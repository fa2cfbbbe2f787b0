package io.peregrine.bench.micro;

import io.peregrine.bench.report.MicroResult;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.IterationResultMetaData;
import org.openjdk.jmh.results.ResultRole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.results.ThroughputResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MicroSuiteTest
{
    @Test
    void shouldSelectEveryMicrobenchmarkAndTheGeneratorButNoEndToEndOrStateBenchmark()
    {
        final Set<String> selected = new TreeSet<>();
        for (final BenchmarkListEntry entry : BenchmarkList.defaultList().find(
            OutputFormatFactory.createFormatInstance(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                VerboseMode.SILENT), MicroSuite.INCLUDES, List.of()))
        {
            selected.add(entry.getUsername().substring(0, entry.getUsername().lastIndexOf('.')));
        }
        assertEquals(Set.of(
            "io.peregrine.bench.micro.ExchangeBenchmark",
            "io.peregrine.bench.micro.FlyweightBenchmark",
            "io.peregrine.bench.micro.FusedChainBenchmark",
            "io.peregrine.bench.micro.WatermarkTimerBenchmark",
            "io.peregrine.bench.nexmark.NexmarkGeneratorBenchmark"), selected);
    }

    @Test
    void shouldMeasureLongerInTheFullSuiteThanInTheQuickOne()
    {
        final String full = MicroSuite.Settings.full().toString();
        final String quick = MicroSuite.Settings.quick().toString();
        assertEquals("1 fork(s); warm-up 3 x 300 ms; measurement 5 x 400 ms; -prof gc", full);
        assertEquals("1 fork(s); warm-up 1 x 100 ms; measurement 3 x 100 ms; -prof gc", quick);
        assertTrue(MicroSuite.Settings.quick().iterations >= 3, "JMH gives no error below three iterations");
    }

    @Test
    void shouldTurnJmhResultsIntoReportRowsWithParametersScoreAndAllocationPerOperation()
    {
        final WorkloadParams inputs = new WorkloadParams();
        inputs.put("inputs", "4", 0);
        inputs.put("batch", "64", 1);
        final RunResult tracker = run("io.peregrine.bench.micro.WatermarkTimerBenchmark.trackerUpdate", inputs,
            new double[] { 2_000_000, 4_000_000, 3_000_000 }, 24.0);
        final RunResult generator = run("io.peregrine.bench.nexmark.NexmarkGeneratorBenchmark.next", new WorkloadParams(),
            new double[] { 1_000_000, 1_000_000, 1_000_000 }, Double.NaN);

        final List<MicroResult> rows = MicroSuite.results(List.of(tracker, generator));

        assertEquals(2, rows.size());
        // JMH keeps parameters in name order, whatever order they were declared in.
        final MicroResult first = rows.get(0);
        assertEquals("WatermarkTimerBenchmark.trackerUpdate (batch=64, inputs=4)", first.benchmark());
        assertEquals("thrpt", first.mode());
        assertEquals("ops/ms", first.unit());
        assertEquals(3_000.0, first.score(), 1e-9, "the mean of the three iterations, in operations per millisecond");
        assertTrue(first.error() > 0, "three iterations that differ give an error bar: " + first.error());
        assertEquals(24.0, first.allocatedBytesPerOp(), 1e-9, "gc.alloc.rate.norm, averaged over the iterations");
        final MicroResult second = rows.get(1);
        assertEquals("NexmarkGeneratorBenchmark.next", second.benchmark(), "no parameters, no brackets");
        assertEquals(1_000.0, second.score(), 1e-9);
        assertTrue(Double.isNaN(second.allocatedBytesPerOp()), "without -prof gc the allocation is unknown, not 0");
    }

    /** A one-fork result of three one-second iterations, each with the given operations and allocation. */
    private static RunResult run(final String benchmark, final WorkloadParams params, final double[] ops, final double allocation)
    {
        final IterationParams warmup = new IterationParams(IterationType.WARMUP, 0, TimeValue.seconds(1), 1);
        final IterationParams measurement = new IterationParams(IterationType.MEASUREMENT, ops.length, TimeValue.seconds(1), 1);
        final BenchmarkParams benchmarkParams = new BenchmarkParams(benchmark, benchmark + "_Throughput", false, 1,
            new int[] { 1 }, List.of(), 1, 0, warmup, measurement, Mode.Throughput, params, TimeUnit.MILLISECONDS, 1,
            "java", List.of(), "17", "vm", "1", "1.37", TimeValue.minutes(10));
        final List<IterationResult> iterations = new java.util.ArrayList<>();
        for (final double n : ops)
        {
            final IterationResult iteration = new IterationResult(benchmarkParams, measurement,
                new IterationResultMetaData((long)n, (long)n));
            iteration.addResult(new ThroughputResult(ResultRole.PRIMARY, "primary", n, TimeUnit.SECONDS.toNanos(1),
                TimeUnit.MILLISECONDS));
            if (!Double.isNaN(allocation))
            {
                iteration.addResult(new ScalarResult("gc.alloc.rate.norm", allocation, "B/op", AggregationPolicy.AVG));
            }
            iterations.add(iteration);
        }
        return new RunResult(benchmarkParams, List.of(new BenchmarkResult(benchmarkParams, iterations)));
    }
}
