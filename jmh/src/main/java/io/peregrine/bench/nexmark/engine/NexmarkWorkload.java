package io.peregrine.bench.nexmark.engine;

import io.peregrine.bench.nexmark.NexmarkBaselines;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import io.peregrine.api.Row;
import io.peregrine.api.Sink;
import io.peregrine.bench.report.QueryMeasurement;
import io.peregrine.bench.profile.EngineRunMeter;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Nexmark queries as measured rounds: per query, the engine at 1..N shards and the hand-written
 * baseline, interleaved in the same process, over the same generated events. First both fold their
 * result rows as CSV into the same order-independent digest, checked equal (q12's processing-time
 * windows excepted): a wrong answer stops the run. The timed rounds then count result rows on both
 * sides (checked against the digest run's count), so formatting text does not hide the query's
 * cost. The generator runs inside both (the engine's source, the baseline's loop).
 * <p>
 * Then, per query, latency at fixed input rates ({@link NexmarkLatency}): at fractions of the throughput just
 * measured for that query on 1 shard and on the largest shard count (or at fixed rates when the throughput phase
 * is not run), each run reported as a {@link QueryMeasurement} named {@code <query>@<rate>k} with its histogram.
 */
public final class NexmarkWorkload
{
    private NexmarkWorkload()
    {
    }

    /**
     * Settings of a run; the defaults are those of {@code peregrine bench nexmark}.
     */
    public static final class Settings
    {
        /** Events per throughput run. */
        public long events = 10_000_000;
        /** Interleaved throughput rounds, after one unmeasured warm-up round. */
        public int rounds = 3;
        /** Largest shard count. */
        public int maxShards = Runtime.getRuntime().availableProcessors();
        /** Whether to measure throughput (and check results against the baselines). */
        public boolean throughput = true;
        /** Whether to measure latency at fixed rates. */
        public boolean latency = true;
        /** Latency rates as fractions of the measured throughput of the query at that shard count. */
        public double[] latencyFractions = { 0.5, 0.8 };
        /** Latency rates in events/s, used as well as the fractions, and alone when throughput is not measured. */
        public double[] latencyFixedRates = new double[0];
        /** Shard counts of the latency runs; none for 1 and {@link #maxShards}. */
        public int[] latencyShards = new int[0];
        /** Seconds of paced events per latency run, the first 20% warm-up. */
        public double latencySeconds = 3;
        /** Event-time seconds per wall-clock second in the latency runs ({@link NexmarkLatency}). */
        public double eventTimeSpeed = 50;
        /** Shard idle strategy of the latency runs. */
        public IdleStrategyKind latencyIdleStrategy = IdleStrategyKind.YIELD;

        /**
         * @return the shard counts of the latency runs.
         */
        public int[] latencyShardCounts()
        {
            if (latencyShards.length > 0)
            {
                return latencyShards.clone();
            }
            return maxShards > 1 ? new int[]{ 1, maxShards } : new int[]{ 1 };
        }
    }

    /**
     * Throughput only (no latency runs).
     *
     * @param queries   to run, e.g. {@link NexmarkQueries#QUERIES}.
     * @param events    per run.
     * @param rounds    interleaved rounds, after one unmeasured warm-up round.
     * @param maxShards largest shard count.
     * @param out       progress.
     * @return one measurement per query and shard count.
     */
    public static List<QueryMeasurement> measure(
        final List<String> queries, final long events, final int rounds, final int maxShards, final PrintStream out)
    {
        final Settings settings = new Settings();
        settings.events = events;
        settings.rounds = rounds;
        settings.maxShards = maxShards;
        settings.latency = false;
        return measure(queries, settings, out);
    }

    /**
     * @param queries  to run, e.g. {@link NexmarkQueries#QUERIES}.
     * @param settings of the run.
     * @param out      progress.
     * @return per query: one throughput measurement per shard count, then one latency measurement per shard count
     * and rate.
     */
    public static List<QueryMeasurement> measure(final List<String> queries, final Settings settings, final PrintStream out)
    {
        return measure(queries, settings, out, new EngineRunMeter());
    }

    /**
     * @param queries  to run, e.g. {@link NexmarkQueries#QUERIES}.
     * @param settings of the run.
     * @param out      progress.
     * @param meter    measures each timed engine throughput run (allocation, CPU time, optionally a profile); not the
     *                 digest or latency runs.
     * @return per query: one throughput measurement per shard count, then one latency measurement per shard count
     * and rate.
     */
    public static List<QueryMeasurement> measure(
        final List<String> queries, final Settings settings, final PrintStream out, final EngineRunMeter meter)
    {
        final List<QueryMeasurement> results = new ArrayList<>();
        if (settings.throughput)
        {
            results.add(generatorAlone(settings.events, settings.rounds, out));
        }
        for (final String query : queries)
        {
            final double[] throughput = new double[settings.maxShards + 1];
            if (settings.throughput)
            {
                final List<QueryMeasurement> measured = throughput(query, settings.events, settings.rounds,
                    settings.maxShards, out, meter);
                for (final QueryMeasurement m : measured)
                {
                    throughput[m.shards()] = QueryMeasurement.median(m.engineEventsPerSecond());
                }
                results.addAll(measured);
            }
            if (settings.latency)
            {
                results.addAll(latency(query, settings, throughput, out));
            }
        }
        return results;
    }

    /**
     * The generator alone, so a reader can see whether it, not the engine, bounds a query.
     */
    private static QueryMeasurement generatorAlone(final long events, final int rounds, final PrintStream out)
    {
        final double[] generator = new double[rounds];
        for (int round = -1; round < rounds; round++)
        {
            final NexmarkGenerator g = new NexmarkGenerator(new NexmarkConfig().maxEvents(events));
            final NexmarkEvent event = new NexmarkEvent();
            long checksum = 0;
            final long start = System.nanoTime();
            while (g.next(event))
            {
                checksum += event.dateTime() + event.type();
            }
            final double rate = events * 1e9 / (System.nanoTime() - start);
            if (round >= 0)
            {
                generator[round] = rate;
                out.printf("  nexmark generator alone round %d: %,.0f events/s (checksum %x)%n", round + 1, rate, checksum);
            }
        }
        return new QueryMeasurement("nexmark generator alone", 1, generator, new double[0], null);
    }

    private static List<QueryMeasurement> throughput(
        final String query, final long events, final int rounds, final int maxShards, final PrintStream out,
        final EngineRunMeter meter)
    {
        final NexmarkConfig config = new NexmarkConfig();
        final boolean deterministic = !"q12".equals(query);
        final double[][] engine = new double[maxShards + 1][rounds];
        final double[][] bytesPerEvent = new double[maxShards + 1][rounds];
        final double[] baseline = new double[rounds];
        final double[][] engineCpu = new double[maxShards + 1][rounds];
        final double[] baselineCpu = new double[rounds];
        // Warm-up round: engine and baseline fold their rows into digests, checked equal (q12's
        // processing-time windows excepted).
        final NexmarkBaselines.DigestSink expected = new NexmarkBaselines.DigestSink();
        NexmarkBaselines.run(new NexmarkGenerator(new NexmarkConfig().maxEvents(events)),
            NexmarkBaselines.create(query, expected, System::currentTimeMillis), new NexmarkEvent());
        for (int shards = 1; shards <= maxShards; shards++)
        {
            final NexmarkRunner.Digest digest = NexmarkRunner.digest(
                query, NexmarkSource.generator(config, events, 0), NexmarkRunner.context(shards));
            if (deterministic && (digest.rows() != expected.rows() || digest.digest() != expected.digest()))
            {
                throw new IllegalStateException("nexmark " + query + " on " + shards + " shard(s): engine " + digest +
                    ", baseline " + new NexmarkRunner.Digest(expected.rows(), expected.digest()));
            }
        }
        // Measured rounds: both sides only count their result rows, so the figure is the query's, not the
        // cost of formatting rows as text; the counts are checked against the warm-up's.
        for (int round = 0; round < rounds; round++)
        {
            final long cpuStart = EngineRunMeter.currentThreadCpuNanos();
            long start = System.nanoTime();
            final NexmarkBaselines.CountingSink counted = new NexmarkBaselines.CountingSink();
            NexmarkBaselines.run(new NexmarkGenerator(new NexmarkConfig().maxEvents(events)),
                NexmarkBaselines.create(query, counted, System::currentTimeMillis), new NexmarkEvent());
            baseline[round] = events * 1e9 / (System.nanoTime() - start);
            baselineCpu[round] = cpuStart < 0 ? Double.NaN :
                (double)(EngineRunMeter.currentThreadCpuNanos() - cpuStart) / events;
            for (int shards = 1; shards <= maxShards; shards++)
            {
                final AtomicLong rows = new AtomicLong();
                final Sink counting = (shard, shardCount, schema) -> new Sink.SinkWriter()
                {
                    long n;

                    public void write(final Row row)
                    {
                        n++;
                    }

                    public void close()
                    {
                        rows.addAndGet(n);
                    }
                };
                final JobContext context = meter.begin(query, shards, NexmarkRunner.context(shards));
                start = System.nanoTime();
                NexmarkQueries.build(query, NexmarkSource.generator(config, events, 0), counting)
                    .execute(context).join();
                engine[shards][round] = events * 1e9 / (System.nanoTime() - start);
                bytesPerEvent[shards][round] = meter.end(events);
                engineCpu[shards][round] = meter.lastCpuNanosPerEvent();
                if (deterministic && (rows.get() != expected.rows() || counted.rows() != expected.rows()))
                {
                    throw new IllegalStateException("nexmark " + query + " on " + shards + " shard(s): engine " +
                        rows.get() + " rows, baseline " + counted.rows() + ", expected " + expected.rows());
                }
            }
            final StringBuilder line = new StringBuilder(String.format("  nexmark %s round %d: baseline %,.0f (%.0f CPU ns/event)",
                query, round + 1, baseline[round], baselineCpu[round]));
            for (int shards = 1; shards <= maxShards; shards++)
            {
                line.append(String.format(", engine %d shard(s) %,.0f (%.0f CPU ns/event)", shards, engine[shards][round],
                    engineCpu[shards][round]));
            }
            out.println(line.append(" events/s").append(deterministic ? ", results equal" : ""));
        }
        final List<QueryMeasurement> results = new ArrayList<>();
        for (int shards = 1; shards <= maxShards; shards++)
        {
            results.add(new QueryMeasurement(query, shards, engine[shards], baseline, null, bytesPerEvent[shards])
                .cpu(engineCpu[shards], baselineCpu));
        }
        return results;
    }

    /**
     * Latency runs of one query: per shard count, at the fractions of its measured throughput (where measured) and
     * at the fixed rates.
     *
     * @param throughput median events/s per shard count, 0 where not measured.
     */
    private static List<QueryMeasurement> latency(
        final String query, final Settings settings, final double[] throughput, final PrintStream out)
    {
        final List<QueryMeasurement> results = new ArrayList<>();
        for (final int shards : settings.latencyShardCounts())
        {
            final List<Double> rates = new ArrayList<>();
            final List<String> why = new ArrayList<>();
            final double measured = shards < throughput.length ? throughput[shards] : 0;
            if (measured > 0)
            {
                for (final double fraction : settings.latencyFractions)
                {
                    rates.add(Math.max(1000, Math.floor(measured * fraction / 1000) * 1000));
                    why.add(String.format(" (%.0f%% of %,.0f)", 100 * fraction, measured));
                }
            }
            for (final double rate : settings.latencyFixedRates)
            {
                rates.add(rate);
                why.add("");
            }
            for (int i = 0; i < rates.size(); i++)
            {
                final double rate = rates.get(i);
                final long events = Math.max(1, (long)(rate * settings.latencySeconds));
                final NexmarkConfig config = NexmarkLatency.config(rate, settings.eventTimeSpeed);
                final NexmarkLatency.Result r = NexmarkLatency.run(query, config, events, events / 5, rate,
                    NexmarkLatency.context(shards, settings.latencyIdleStrategy));
                final Histogram h = r.histogram();
                out.printf("  nexmark %s latency at %,.0f events/s%s on %d shard(s): %,d rows (%,d after warm-up)%s, " +
                    "p50 %s, p99 %s, p99.9 %s, p99.99 %s, max %s; ran %.2f s for %.2f s of schedule%n",
                    query, rate, why.get(i), shards, r.rows(), h.getTotalCount(),
                    r.early() > 0 ? String.format(" (%,d early!)", r.early()) : "",
                    time(h.getValueAtPercentile(50)), time(h.getValueAtPercentile(99)), time(h.getValueAtPercentile(99.9)),
                    time(h.getValueAtPercentile(99.99)), time(h.getMaxValue()), r.elapsedNs() / 1e9, events / rate);
                results.add(new QueryMeasurement(String.format("%s@%.0fk", query, rate / 1000), shards,
                    new double[]{ rate }, new double[0], h).achieved(events * 1e9 / Math.max(1, r.elapsedNs())));
            }
        }
        return results;
    }

    private static String time(final long nanos)
    {
        return nanos >= 1_000_000 ? String.format("%.1f ms", nanos / 1e6) : String.format("%.1f us", nanos / 1e3);
    }
}
