package io.peregrine.bench.trading;

import io.peregrine.api.Field;
import io.peregrine.api.Row;
import io.peregrine.api.Sink;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.bench.profile.EngineRunMeter;
import io.peregrine.bench.report.QueryMeasurement;
import io.peregrine.connector.CollectSink;
import io.peregrine.connector.GeneratorSource;
import io.peregrine.demo.MarketData;
import io.peregrine.demo.TradingJob;
import io.peregrine.api.Job;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The trading workload as a benchmark: the demo's pipeline (bars, alerts, top-N, spreads, and a
 * running VWAP per trade) over the same generator.
 * <ol>
 *   <li>Check: engine (1 shard) and the hand-written {@link TradingBaseline} give the same bars,
 *   rankings and alerts; 2 shards give the same bars and rankings.</li>
 *   <li>Throughput: rounds of engine at each shard count interleaved with the baseline, as fast as
 *   the shards pull; events/s per round.</li>
 *   <li>Latency at fixed input rates: the source is paced on an absolute schedule and every event
 *   is stamped with its intended send time; the tick path (trade -> keyBy -> running VWAP -> sink)
 *   records {@code sink time - intended time} into an HdrHistogram, so a stall counts against every
 *   event it delays (no coordinated omission). The first 20 % of each run is warm-up.</li>
 * </ol>
 */
public final class TradingBenchmark
{
    /**
     * Settings of a run.
     */
    public static final class Settings
    {
        public long events = 5_000_000;
        public int rounds = 3;
        public int maxShards = Runtime.getRuntime().availableProcessors();
        public int instruments = 10_000;
        public long eventTimeRate = 200_000;
        public double[] rates = { 0.5, 0.8 };
        public double[] absoluteRates = { 1_000_000 };
        public int latencySeconds = 10;
        public IdleStrategyKind idleStrategy = IdleStrategyKind.YIELD;
    }

    private final Settings settings;
    private double lastAchievedEventsPerSecond = Double.NaN;
    private final PrintStream out;
    private final EngineRunMeter meter;

    public TradingBenchmark(final Settings settings, final PrintStream out)
    {
        this(settings, out, new EngineRunMeter());
    }

    /**
     * @param settings of the run.
     * @param out      progress.
     * @param meter    measures each timed throughput run of the engine (allocation, optionally a profile); not the
     *                 check or the latency runs.
     */
    public TradingBenchmark(final Settings settings, final PrintStream out, final EngineRunMeter meter)
    {
        this.settings = settings;
        this.out = out;
        this.meter = meter;
    }

    /**
     * Runs the three phases.
     *
     * @return measurements: throughput per shard count (with baseline), and latency per rate.
     */
    public List<QueryMeasurement> run()
    {
        check();
        final List<QueryMeasurement> results = new ArrayList<>();
        double best = 0;
        final double[][] engine = new double[settings.maxShards + 1][settings.rounds];
        final double[][] bytesPerEvent = new double[settings.maxShards + 1][settings.rounds];
        final double[] baseline = new double[settings.rounds];
        final double[][] engineCpu = new double[settings.maxShards + 1][settings.rounds];
        final double[] baselineCpu = new double[settings.rounds];
        for (int round = 0; round < settings.rounds; round++)
        {
            for (int shards = 1; shards <= settings.maxShards; shards++)
            {
                final JobContext context = meter.begin("trading", shards, context(shards));
                engine[shards][round] = engineThroughput(context);
                bytesPerEvent[shards][round] = meter.end(settings.events);
                engineCpu[shards][round] = meter.lastCpuNanosPerEvent();
                out.printf("  trading round %d: engine %d shard(s) %,.0f events/s, %.2f B/event, %.0f CPU ns/event%n",
                    round + 1, shards, engine[shards][round], bytesPerEvent[shards][round], engineCpu[shards][round]);
            }
            final long cpuStart = EngineRunMeter.currentThreadCpuNanos();
            baseline[round] = baselineThroughput();
            baselineCpu[round] = cpuStart < 0 ? Double.NaN :
                (double)(EngineRunMeter.currentThreadCpuNanos() - cpuStart) / settings.events;
            out.printf("  trading round %d: baseline %,.0f events/s, %.0f CPU ns/event%n", round + 1, baseline[round],
                baselineCpu[round]);
        }
        for (int shards = 1; shards <= settings.maxShards; shards++)
        {
            results.add(new QueryMeasurement("trading", shards, engine[shards], baseline, null, bytesPerEvent[shards])
                .cpu(engineCpu[shards], baselineCpu));
            best = Math.max(best, QueryMeasurement.median(engine[shards]));
        }

        final List<Double> rates = new ArrayList<>();
        for (final double fraction : settings.rates)
        {
            rates.add(Math.floor(best * fraction / 1000) * 1000);
        }
        for (final double rate : settings.absoluteRates)
        {
            rates.add(rate);
        }
        for (final double rate : rates)
        {
            final Histogram h = latency(settings.maxShards, rate);
            out.printf("  trading at %,.0f events/s on %d shard(s): tick latency p50 %.1f us, p99 %.1f us, p99.9 %.1f us, " +
                "p99.99 %.1f us, max %.1f us%n", rate, settings.maxShards, h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getValueAtPercentile(99.99) / 1e3,
                h.getMaxValue() / 1e3);
            results.add(new QueryMeasurement(String.format("trading@%.0fk", rate / 1000), settings.maxShards,
                new double[]{ rate }, new double[0], h).achieved(lastAchievedEventsPerSecond));
        }
        // Two-stage aggregation saves CPU but does the windows' work in a burst when the watermark passes a
        // boundary (10,000 instruments: tens of thousands of partials a second at once); latency-critical jobs may
        // turn it off, so the fixed rates run once more without it.
        for (final double rate : settings.absoluteRates)
        {
            final Histogram h = latency(settings.maxShards, rate, false);
            out.printf("  trading at %,.0f events/s on %d shard(s), two-stage aggregation off: tick latency p50 %.1f us, " +
                "p99 %.1f us, p99.9 %.1f us, p99.99 %.1f us, max %.1f us%n", rate, settings.maxShards,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                h.getValueAtPercentile(99.99) / 1e3, h.getMaxValue() / 1e3);
            results.add(new QueryMeasurement(String.format("trading@%.0fk-one-stage", rate / 1000), settings.maxShards,
                new double[]{ rate }, new double[0], h).achieved(lastAchievedEventsPerSecond));
        }
        return results;
    }

    private TradingJob.Sinks discardingSinks(final AtomicLong ticks)
    {
        final TradingJob.Sinks sinks = new TradingJob.Sinks();
        final Sink discard = (shard, shards, schema) -> row -> { };
        sinks.bars = discard;
        sinks.top = discard;
        sinks.alerts = discard;
        sinks.spreads = discard;
        sinks.ticks = (shard, shards, schema) -> new Sink.SinkWriter()
        {
            long seen;

            public void write(final Row row)
            {
                seen++;
            }

            public void close()
            {
                ticks.addAndGet(seen);
            }
        };
        return sinks;
    }

    void check()
    {
        final long events = Math.min(settings.events, 2_000_000);
        final MarketData data = new MarketData(settings.instruments, settings.eventTimeRate, MarketData.IngestStamp.NONE);
        final TradingBaseline.Result expected = TradingBaseline.run(data, events, 5);
        for (int shards = 1; shards <= Math.min(2, settings.maxShards); shards++)
        {
            final TradingJob.Sinks sinks = new TradingJob.Sinks();
            final CollectSink bars = Sinks.collect();
            final CollectSink top = Sinks.collect();
            final CollectSink alerts = Sinks.collect();
            final AtomicLong spreads = new AtomicLong();
            final AtomicLong ticks = new AtomicLong();
            sinks.bars = bars;
            sinks.top = top;
            sinks.alerts = alerts;
            sinks.spreads = (s, n, schema) -> row -> spreads.incrementAndGet();
            sinks.ticks = (s, n, schema) -> row -> ticks.incrementAndGet();
            TradingJob.build(Sources.generator(MarketData.SCHEMA, events, data), 5, sinks)
                .execute(context(shards)).join();
            // Floating-point sums (notional) depend on the order of addition, which on 2 shards depends on how
            // splits interleave: bars are compared exactly on 1 shard; on 2, their count and rankings.
            if (shards == 1)
            {
                same("bars", sorted(expected.bars), bars.sortedRows());
                same("alerts", sorted(expected.alerts), alerts.sortedRows());
            }
            else if (bars.rows().size() != expected.bars.size() || alerts.rows().size() != expected.alerts.size())
            {
                throw new IllegalStateException("trading check on 2 shards: " + bars.rows().size() + " bars and " +
                    alerts.rows().size() + " alerts, baseline " + expected.bars.size() + " and " + expected.alerts.size());
            }
            same("top", sorted(expected.top), top.sortedRows());
            if (spreads.get() != expected.spreads || ticks.get() != expected.ticks)
            {
                throw new IllegalStateException("trading check: spreads " + spreads.get() + " vs " + expected.spreads +
                    ", ticks " + ticks.get() + " vs " + expected.ticks);
            }
        }
        out.printf("  trading check: engine on 1 and 2 shards agrees with the baseline over %,d events " +
            "(%,d bars, %,d alerts, %,d ranking rows)%n", events, expected.bars.size(), expected.alerts.size(), expected.top.size());
    }

    private static List<String> sorted(final List<String> rows)
    {
        final List<String> copy = new ArrayList<>(rows);
        Collections.sort(copy);
        return copy;
    }

    private static void same(final String what, final List<String> expected, final List<String> actual)
    {
        if (!expected.equals(actual))
        {
            final List<String> missing = new ArrayList<>(expected);
            missing.removeAll(actual);
            final List<String> extra = new ArrayList<>(actual);
            extra.removeAll(expected);
            throw new IllegalStateException("trading check failed for " + what + ": baseline " + expected.size() +
                " rows, engine " + actual.size() + "; missing " + missing.subList(0, Math.min(3, missing.size())) +
                ", unexpected " + extra.subList(0, Math.min(3, extra.size())));
        }
    }

    public JobContext context(final int shards)
    {
        return new JobContext().shards(shards).idleStrategy(settings.idleStrategy).stateInitialCapacity(16 * 1024);
    }

    double engineThroughput(final int shards)
    {
        return engineThroughput(context(shards));
    }

    public double engineThroughput(final JobContext context)
    {
        final MarketData data = new MarketData(settings.instruments, settings.eventTimeRate, MarketData.IngestStamp.NONE);
        final AtomicLong ticks = new AtomicLong();
        final Job job = TradingJob.build(Sources.generator(MarketData.SCHEMA, settings.events, data), 5, discardingSinks(ticks))
            .execute(context);
        job.join();
        return settings.events * 1e9 / job.elapsedNs();
    }

    double baselineThroughput()
    {
        final MarketData data = new MarketData(settings.instruments, settings.eventTimeRate, MarketData.IngestStamp.NONE);
        final long start = System.nanoTime();
        final TradingBaseline.Result result = TradingBaseline.run(data, settings.events, 5);
        final long elapsed = System.nanoTime() - start;
        if (result.ticks == 0)
        {
            throw new IllegalStateException("baseline saw no trades");
        }
        return settings.events * 1e9 / elapsed;
    }

    /**
     * @return the input rate the last {@link #latency} run achieved over its length (events over wall time).
     */
    double lastAchievedEventsPerSecond()
    {
        return lastAchievedEventsPerSecond;
    }

    Histogram latency(final int shards, final double rate)
    {
        return latency(shards, rate, true);
    }

    /**
     * @param twoStage {@link JobContext#windowTwoStage(boolean)} for the run.
     */
    Histogram latency(final int shards, final double rate, final boolean twoStage)
    {
        final long events = (long)(rate * settings.latencySeconds);
        final long warmup = events / 5;
        final GeneratorSource[] source = new GeneratorSource[1];
        final MarketData data = new MarketData(settings.instruments, settings.eventTimeRate, index -> source[0].intendedNs(index));
        source[0] = Sources.generator(MarketData.SCHEMA, events, rate, data);
        final List<Histogram> histograms = Collections.synchronizedList(new ArrayList<>());
        final TradingJob.Sinks sinks = discardingSinks(new AtomicLong());
        sinks.ticks = (shard, count, schema) ->
        {
            final Histogram h = new Histogram(60_000_000_000L, 3);
            histograms.add(h);
            final Field.Int64 ingest = schema.int64("ingest_ns");
            final Field.Timestamp ts = schema.timestamp("ts");
            final long warmupEndTs = data.timestampOf(warmup);
            return row ->
            {
                final long latency = System.nanoTime() - row.getLong(ingest);
                if (row.getTimestamp(ts) >= warmupEndTs)
                {
                    h.recordValue(Math.max(0, Math.min(latency, h.getHighestTrackableValue())));
                }
            };
        };
        final long started = System.nanoTime();
        TradingJob.build(source[0], 5, sinks).execute(context(shards).windowTwoStage(twoStage)).join();
        lastAchievedEventsPerSecond = events * 1e9 / Math.max(1, System.nanoTime() - started);
        final Histogram all = new Histogram(60_000_000_000L, 3);
        for (final Histogram h : histograms)
        {
            all.add(h);
        }
        return all;
    }

}
