package io.peregrine.bench.latency;

import io.peregrine.api.Field;
import io.peregrine.api.Sink;
import io.peregrine.bench.report.QueryMeasurement;
import io.peregrine.config.CpuSet;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.connector.GeneratorSource;
import io.peregrine.demo.MarketData;
import io.peregrine.demo.TradingJob;
import io.peregrine.pipeline.Sources;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./peregrine bench latency}: the trading workload at fixed input rates, each event stamped with the time it
 * was due (the generator's schedule, so a stall shows in every event it delays: coordinated omission corrected), and
 * before each rate, for as long, the {@link JitterMeter} on the first shard's CPU: the floor the machine imposes.
 * Warm-up (the first seconds of each run, JIT and class loading, first touch of state) is measured and reported apart
 * from the steady state. Tick latency: sink time of a trade's running VWAP minus the trade's due time. Bar latency:
 * sink time of a one-second bar minus the due time of the first event whose time lets the watermark pass the bar's
 * end (the bar cannot be due before it).
 */
public final class LatencyBench
{
    /** What to run. */
    public static final class Settings
    {
        public double[] rates = { 100_000, 500_000, 1_000_000 };
        public int shards = 2;
        public double seconds = 10;
        public double warmupSeconds = 3;
        public IdleStrategyKind idleStrategy = IdleStrategyKind.YIELD;
        public CpuSet cpus = CpuSet.NONE;
        public int instruments = 10_000;
        public long eventTimeRate = 200_000;
    }

    /** The histograms of one rate. */
    public static final class RateResult
    {
        public final double rate;
        public final Histogram tick = histogram();
        public final Histogram tickWarmup = histogram();
        public final Histogram bar = histogram();
        public Histogram machine;
        public double achieved;

        RateResult(final double rate)
        {
            this.rate = rate;
        }
    }

    private final Settings settings;
    private final PrintStream out;

    public LatencyBench(final Settings settings, final PrintStream out)
    {
        this.settings = settings;
        this.out = out;
    }

    static Histogram histogram()
    {
        return new Histogram(60_000_000_000L, 3);
    }

    /**
     * @return one result per rate, in order.
     * @throws InterruptedException if interrupted.
     */
    public List<RateResult> run() throws InterruptedException
    {
        final List<RateResult> results = new ArrayList<>();
        for (final double rate : settings.rates)
        {
            final RateResult r = new RateResult(rate);
            r.machine = JitterMeter.measure(settings.seconds, Math.max(1, (long)(1e9 / rate)), settings.cpus);
            engine(r);
            out.printf("  %,.0f events/s (achieved %,.0f): tick p50 %.1f us, p99 %.1f us, p99.99 %.1f us, max %.1f us; " +
                "bar p99 %.1f us; warm-up tick p99.99 %.1f us; machine jitter p99.99 %.1f us%n", rate, r.achieved,
                us(r.tick, 50), us(r.tick, 99), us(r.tick, 99.99), r.tick.getMaxValue() / 1e3, us(r.bar, 99),
                us(r.tickWarmup, 99.99), us(r.machine, 99.99));
            results.add(r);
        }
        return results;
    }

    static double us(final Histogram h, final double percentile)
    {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e3;
    }

    private void engine(final RateResult r)
    {
        final long events = (long)(r.rate * settings.seconds);
        final long warmupEvents = (long)(r.rate * settings.warmupSeconds);
        final GeneratorSource[] source = new GeneratorSource[1];
        final MarketData data = new MarketData(settings.instruments, settings.eventTimeRate,
            index -> source[0].intendedNs(index));
        source[0] = Sources.generator(MarketData.SCHEMA, events, r.rate, data);
        final long warmupEndTs = data.timestampOf(warmupEvents);
        final List<Histogram[]> perShard = java.util.Collections.synchronizedList(new ArrayList<>());
        final TradingJob.Sinks sinks = new TradingJob.Sinks();
        final Sink discard = (shard, count, schema) -> row -> { };
        sinks.top = discard;
        sinks.alerts = discard;
        sinks.spreads = discard;
        sinks.ticks = (shard, count, schema) ->
        {
            final Histogram steady = histogram();
            final Histogram warm = histogram();
            perShard.add(new Histogram[]{ steady, warm, null });
            final Field.Int64 ingest = schema.int64("ingest_ns");
            final Field.Timestamp ts = schema.timestamp("ts");
            return row ->
            {
                final long latency = Math.max(0, System.nanoTime() - row.getLong(ingest));
                (row.getTimestamp(ts) >= warmupEndTs ? steady : warm).recordValue(Math.min(latency, 60_000_000_000L));
            };
        };
        final long lag = 50; // TradingJob's out-of-orderness bound: the watermark passes end - 1 at max ts >= end + lag
        sinks.bars = (shard, count, schema) ->
        {
            final Histogram bars = histogram();
            perShard.add(new Histogram[]{ null, null, bars });
            final Field.Timestamp end = schema.timestamp("window_end");
            return row ->
            {
                final long windowEnd = row.getTimestamp(end);
                if (windowEnd > warmupEndTs)
                {
                    // The first event (of either split) at or past end + lag; the later of it and its neighbour is the
                    // one that moves the job's watermark (the minimum over the splits) past the end.
                    final long index = (windowEnd + lag - MarketData.START_MS) * settings.eventTimeRate / 1000;
                    final long due = source[0].intendedNs(index + 1);
                    bars.recordValue(Math.max(0, Math.min(System.nanoTime() - due, 60_000_000_000L)));
                }
            };
        };
        final JobContext context = new JobContext().shards(settings.shards).idleStrategy(settings.idleStrategy)
            .cpus(settings.cpus);
        final long started = System.nanoTime();
        TradingJob.build(source[0], 5, sinks).execute(context).join();
        r.achieved = events * 1e9 / Math.max(1, System.nanoTime() - started);
        for (final Histogram[] h : perShard)
        {
            if (h[0] != null)
            {
                r.tick.add(h[0]);
                r.tickWarmup.add(h[1]);
            }
            if (h[2] != null)
            {
                r.bar.add(h[2]);
            }
        }
    }

    /**
     * @param results of {@link #run}.
     * @return the measurements a {@link io.peregrine.bench.report.ReportWriter} writes (tables, .hgrm files, one
     * percentile plot per rate with the engine's and the machine's curves).
     */
    public static List<QueryMeasurement> measurements(final List<RateResult> results, final int shards)
    {
        final List<QueryMeasurement> list = new ArrayList<>();
        for (final RateResult r : results)
        {
            final String rate = Math.round(r.rate / 1000) + "k";
            final double[] achieved = { r.achieved };
            list.add(new QueryMeasurement(rate + "@tick", shards, achieved, new double[0], r.tick).achieved(r.achieved));
            list.add(new QueryMeasurement(rate + "@bar", shards, achieved, new double[0], r.bar).achieved(r.achieved));
            list.add(new QueryMeasurement(rate + "@tick-warm-up", shards, achieved, new double[0], r.tickWarmup)
                .achieved(r.achieved));
            list.add(new QueryMeasurement(rate + "@machine-jitter", 1, achieved, new double[0], r.machine));
        }
        return list;
    }

    /**
     * @return the last line of the run: the highest rate's tick p99.99 against the machine's.
     */
    public static String summary(final List<RateResult> results)
    {
        final RateResult r = results.get(results.size() - 1);
        final double tick = us(r.tick, 99.99);
        final double machine = us(r.machine, 99.99);
        return String.format("latency: tick p99.99 %.1f us, machine jitter p99.99 %.1f us (ratio %.1f) at %,.0f events/s",
            tick, machine, tick / machine, r.rate);
    }
}
