package io.peregrine.bench.engine;

import io.peregrine.bench.profile.EngineRunMeter;
import io.peregrine.bench.report.QueryMeasurement;
import io.peregrine.config.JobContext;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The core-path workload ({@code source -> map -> filter -> keyBy -> tumbling count}) as measured
 * rounds: engine at 1..N shards interleaved with the hand-written baseline in the same process,
 * after a check that both give the same counts.
 */
public final class ChainWorkload
{
    private ChainWorkload()
    {
    }

    /**
     * @param events    per run.
     * @param rounds    interleaved rounds (plus one unmeasured warm-up round).
     * @param maxShards largest shard count.
     * @param out       progress.
     * @return one measurement per shard count.
     */
    public static List<QueryMeasurement> measure(final int events, final int rounds, final int maxShards, final PrintStream out)
    {
        return measure(events, rounds, maxShards, out, new EngineRunMeter());
    }

    /**
     * @param events    per run.
     * @param rounds    interleaved rounds (plus one unmeasured warm-up round).
     * @param maxShards largest shard count.
     * @param out       progress.
     * @param meter     measures each timed engine run (allocation, optionally a profile); not the warm-up round.
     * @return one measurement per shard count.
     */
    public static List<QueryMeasurement> measure(
        final int events, final int rounds, final int maxShards, final PrintStream out, final EngineRunMeter meter)
    {
        final long[] expected = ChainThroughputBenchmark.runBaseline(Math.min(events, 1_000_000));
        for (int shards = 1; shards <= maxShards; shards++)
        {
            final long[] actual = ChainThroughputBenchmark.runEngine(shards, Math.min(events, 1_000_000));
            if (!Arrays.equals(expected, actual))
            {
                throw new IllegalStateException("chain check failed on " + shards + " shard(s): engine " +
                    Arrays.toString(actual) + ", baseline " + Arrays.toString(expected));
            }
        }
        out.printf("  chain check: engine on 1..%d shard(s) agrees with the baseline (%,d window counts)%n", maxShards, expected[0]);

        final double[][] engine = new double[maxShards + 1][rounds];
        final double[][] bytesPerEvent = new double[maxShards + 1][rounds];
        final double[] baseline = new double[rounds];
        final double[][] engineCpu = new double[maxShards + 1][rounds];
        final double[] baselineCpu = new double[rounds];
        for (int round = -1; round < rounds; round++)
        {
            for (int shards = 1; shards <= maxShards; shards++)
            {
                final JobContext context = round >= 0 ?
                    meter.begin("chain", shards, ChainThroughputBenchmark.context(shards)) : ChainThroughputBenchmark.context(shards);
                final long start = System.nanoTime();
                ChainThroughputBenchmark.runEngine(context, events);
                final double rate = events * 1e9 / (System.nanoTime() - start);
                if (round >= 0)
                {
                    engine[shards][round] = rate;
                    bytesPerEvent[shards][round] = meter.end(events);
                    engineCpu[shards][round] = meter.lastCpuNanosPerEvent();
                    out.printf("  chain round %d: engine %d shard(s) %,.0f events/s, %.2f B/event, %.1f CPU ns/event%n",
                        round + 1, shards, rate, bytesPerEvent[shards][round], engineCpu[shards][round]);
                }
            }
            final long cpuStart = EngineRunMeter.currentThreadCpuNanos();
            final long start = System.nanoTime();
            ChainThroughputBenchmark.runBaseline(events);
            final double rate = events * 1e9 / (System.nanoTime() - start);
            if (round >= 0)
            {
                baseline[round] = rate;
                baselineCpu[round] = cpuStart < 0 ? Double.NaN :
                    (double)(EngineRunMeter.currentThreadCpuNanos() - cpuStart) / events;
                out.printf("  chain round %d: baseline %,.0f events/s, %.1f CPU ns/event%n", round + 1, rate, baselineCpu[round]);
            }
        }
        final List<QueryMeasurement> results = new ArrayList<>();
        for (int shards = 1; shards <= maxShards; shards++)
        {
            results.add(new QueryMeasurement("chain", shards, engine[shards], baseline, null, bytesPerEvent[shards])
                .cpu(engineCpu[shards], baselineCpu));
        }
        if (maxShards > 1)
        {
            // The machine's own scaling: the baseline loop on maxShards threads at once, each over all the
            // events, against one thread. An engine's N-shard scaling cannot beat this on the same cores.
            final double[] parallel = new double[rounds];
            for (int round = 0; round < rounds; round++)
            {
                final Thread[] threads = new Thread[maxShards];
                final long start = System.nanoTime();
                for (int t = 0; t < maxShards; t++)
                {
                    threads[t] = new Thread(() -> ChainThroughputBenchmark.runBaseline(events), "baseline-" + t);
                    threads[t].start();
                }
                for (final Thread thread : threads)
                {
                    try
                    {
                        thread.join();
                    }
                    catch (final InterruptedException e)
                    {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    }
                }
                parallel[round] = (double)maxShards * events * 1e9 / (System.nanoTime() - start);
                out.printf("  chain round %d: baseline on %d threads at once %,.0f events/s in all%n", round + 1, maxShards,
                    parallel[round]);
            }
            results.add(new QueryMeasurement("chain baseline, " + maxShards + " threads (machine scaling)", maxShards,
                parallel, baseline, null));
        }
        return results;
    }
}
