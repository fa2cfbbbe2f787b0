package io.peregrine.bench.join;

import io.peregrine.api.Job;
import io.peregrine.api.Row;
import io.peregrine.api.Sink;
import io.peregrine.bench.nexmark.NexmarkBaselines;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import io.peregrine.bench.nexmark.engine.NexmarkQueries;
import io.peregrine.bench.nexmark.engine.NexmarkRunner;
import io.peregrine.bench.nexmark.engine.NexmarkSource;
import io.peregrine.bench.profile.EngineRunMeter;
import io.peregrine.config.JobContext;
import io.peregrine.demo.EffectiveSpreadJob;
import io.peregrine.demo.MarketData;
import io.peregrine.metrics.JobCounters;
import io.peregrine.metrics.Metric;
import io.peregrine.pipeline.Sources;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./peregrine bench joins}: the join operators measured against what they replace, in interleaved rounds of
 * one process (figures are ratios, as the machine is shared).
 * <ol>
 *     <li><b>Nexmark q3, q4, q8</b> on the join operators ({@code q3}) against the hand-written keyed process
 *     functions they replaced ({@code q3-hand}) and the COST baseline, on 1..N shards: each round runs the baseline,
 *     then per shard count the hand-written and the join version (in alternating order); all three fold their rows
 *     into the same digest first, checked equal.</li>
 *     <li><b>The as-of join</b> ({@link EffectiveSpreadJob}: trades as-of joined with quotes, the effective spread
 *     per trade) over the demo's market data at {@link Settings#instruments} instruments, against a single-threaded
 *     loop computing the same rows ({@link AsOfBaseline}): events/s per shard, heap bytes per event on the shard
 *     threads, and the join's state per key (the shards' {@link Metric#JOIN_STATE_BYTES} over
 *     {@link Metric#JOIN_STATE_KEYS}, sampled through the middle half of each run).</li>
 * </ol>
 */
public final class JoinBench
{
    /**
     * Settings of a run; the defaults are those of {@code ./peregrine bench joins}.
     */
    public static final class Settings
    {
        /** Nexmark queries. */
        public List<String> queries = List.of("q3", "q4", "q8");
        /** Events per Nexmark run. */
        public long nexmarkEvents = 10_000_000;
        /** Events per as-of run. */
        public long asOfEvents = 20_000_000;
        /** Instruments of the as-of workload. */
        public int instruments = 10_000;
        /** Events per second of event time of the as-of workload (the demo's). */
        public long eventsPerEventSecond = 200_000;
        /** Out-of-orderness bound of the as-of workload, ms (the demo's). */
        public long boundMs = 50;
        /** Measured rounds, after one warm-up round. */
        public int rounds = 3;
        /** Largest shard count. */
        public int maxShards = Runtime.getRuntime().availableProcessors();
    }

    /**
     * One Nexmark query on one shard count: the join version, the hand-written one and the baseline, per round.
     */
    public static final class QueryResult
    {
        public final String query;
        public final int shards;
        public final double[] join;
        public final double[] hand;
        public final double[] baseline;
        public final double[] joinCpu;
        public final double[] handCpu;
        public final double[] baselineCpu;
        public final double[] joinBytes;
        public final double[] handBytes;
        public long rows;

        QueryResult(final String query, final int shards, final int rounds)
        {
            this.query = query;
            this.shards = shards;
            join = new double[rounds];
            hand = new double[rounds];
            baseline = new double[rounds];
            joinCpu = new double[rounds];
            handCpu = new double[rounds];
            baselineCpu = new double[rounds];
            joinBytes = new double[rounds];
            handBytes = new double[rounds];
        }
    }

    /**
     * The as-of join on one shard count, per round.
     */
    public static final class AsOfResult
    {
        public final int shards;
        public final double[] engine;
        public final double[] baseline;
        public final double[] engineCpu;
        public final double[] baselineCpu;
        public final double[] bytesPerEvent;
        public final double[] stateBytes;
        public final double[] stateKeys;
        public long rows;

        AsOfResult(final int shards, final int rounds)
        {
            this.shards = shards;
            engine = new double[rounds];
            baseline = new double[rounds];
            engineCpu = new double[rounds];
            baselineCpu = new double[rounds];
            bytesPerEvent = new double[rounds];
            stateBytes = new double[rounds];
            stateKeys = new double[rounds];
        }
    }

    private final Settings settings;
    private final PrintStream out;

    public JoinBench(final Settings settings, final PrintStream out)
    {
        this.settings = settings;
        this.out = out;
    }

    /**
     * @return per query, one result per shard count.
     */
    public List<QueryResult> nexmark()
    {
        final List<QueryResult> results = new ArrayList<>();
        for (final String query : settings.queries)
        {
            final String hand = query + "-hand";
            final long events = settings.nexmarkEvents;
            final NexmarkConfig config = new NexmarkConfig();
            final NexmarkBaselines.DigestSink expected = new NexmarkBaselines.DigestSink();
            NexmarkBaselines.run(new NexmarkGenerator(new NexmarkConfig().maxEvents(events)),
                NexmarkBaselines.create(query, expected, System::currentTimeMillis), new NexmarkEvent());
            for (int shards = 1; shards <= settings.maxShards; shards++)
            {
                for (final String version : new String[]{ query, hand })
                {
                    final NexmarkRunner.Digest digest = NexmarkRunner.digest(
                        version, NexmarkSource.generator(config, events, 0), NexmarkRunner.context(shards));
                    if (digest.rows() != expected.rows() || digest.digest() != expected.digest())
                    {
                        throw new IllegalStateException("nexmark " + version + " on " + shards + " shard(s): " + digest +
                            ", baseline " + new NexmarkRunner.Digest(expected.rows(), expected.digest()));
                    }
                }
            }
            out.printf("  %s: the join version, the hand-written one and the baseline give the same %,d rows%n", query,
                expected.rows());
            final QueryResult[] byShards = new QueryResult[settings.maxShards + 1];
            for (int shards = 1; shards <= settings.maxShards; shards++)
            {
                byShards[shards] = new QueryResult(query, shards, settings.rounds);
                byShards[shards].rows = expected.rows();
            }
            final EngineRunMeter meter = new EngineRunMeter();
            for (int round = -1; round < settings.rounds; round++)
            {
                final long cpuStart = EngineRunMeter.currentThreadCpuNanos();
                final long start = System.nanoTime();
                final NexmarkBaselines.CountingSink counted = new NexmarkBaselines.CountingSink();
                NexmarkBaselines.run(new NexmarkGenerator(new NexmarkConfig().maxEvents(events)),
                    NexmarkBaselines.create(query, counted, System::currentTimeMillis), new NexmarkEvent());
                final double baselineRate = events * 1e9 / (System.nanoTime() - start);
                final double baselineCpu = (double)(EngineRunMeter.currentThreadCpuNanos() - cpuStart) / events;
                final StringBuilder line = new StringBuilder(String.format("  %s round %d: baseline %,.0f", query,
                    round + 1, baselineRate));
                for (int shards = 1; shards <= settings.maxShards; shards++)
                {
                    final QueryResult r = byShards[shards];
                    final boolean handFirst = (round & 1) == 0;
                    for (int i = 0; i < 2; i++)
                    {
                        final boolean isHand = handFirst == (i == 0);
                        final double[] measured = nexmarkRun(isHand ? hand : query, events, shards, expected.rows(), meter);
                        if (round >= 0)
                        {
                            (isHand ? r.hand : r.join)[round] = measured[0];
                            (isHand ? r.handBytes : r.joinBytes)[round] = measured[1];
                            (isHand ? r.handCpu : r.joinCpu)[round] = measured[2];
                        }
                    }
                    if (round >= 0)
                    {
                        r.baseline[round] = baselineRate;
                        r.baselineCpu[round] = baselineCpu;
                        line.append(String.format(", %d shard(s): hand-written %,.0f, join %,.0f (%.2fx)", shards,
                            r.hand[round], r.join[round], r.join[round] / r.hand[round]));
                    }
                }
                out.println(round < 0 ? line.append(" (warm-up)") : line.append(" events/s"));
            }
            for (int shards = 1; shards <= settings.maxShards; shards++)
            {
                results.add(byShards[shards]);
            }
        }
        return results;
    }

    /**
     * @return events/s, heap bytes per event on the shard threads, CPU ns per event.
     */
    private static double[] nexmarkRun(
        final String query, final long events, final int shards, final long expectedRows, final EngineRunMeter meter)
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
        final long start = System.nanoTime();
        NexmarkQueries.build(query, NexmarkSource.generator(new NexmarkConfig(), events, 0), counting).execute(context).join();
        final double rate = events * 1e9 / (System.nanoTime() - start);
        final double bytes = meter.end(events);
        if (rows.get() != expectedRows)
        {
            throw new IllegalStateException(query + " on " + shards + " shard(s): " + rows.get() + " rows, expected " +
                expectedRows);
        }
        return new double[]{ rate, bytes, meter.lastCpuNanosPerEvent() };
    }

    /**
     * @return one result per shard count.
     */
    public List<AsOfResult> asOf() throws InterruptedException
    {
        final AsOfMarketData data = new AsOfMarketData(settings.instruments, settings.eventsPerEventSecond);
        final long events = settings.asOfEvents;
        final AsOfBaseline check = new AsOfBaseline(data).run(events);
        final List<AsOfResult> results = new ArrayList<>();
        for (int shards = 1; shards <= settings.maxShards; shards++)
        {
            results.add(new AsOfResult(shards, settings.rounds));
        }
        final EngineRunMeter meter = new EngineRunMeter();
        for (int round = -1; round < settings.rounds; round++)
        {
            final long cpuStart = EngineRunMeter.currentThreadCpuNanos();
            final long start = System.nanoTime();
            final AsOfBaseline baseline = new AsOfBaseline(data).run(events);
            final double baselineRate = events * 1e9 / (System.nanoTime() - start);
            final double baselineCpu = (double)(EngineRunMeter.currentThreadCpuNanos() - cpuStart) / events;
            if (!baseline.exact.same(check.exact))
            {
                throw new IllegalStateException("as-of baseline not deterministic: " + baseline.exact + ", " + check.exact);
            }
            final StringBuilder line = new StringBuilder(String.format("  as-of round %d: baseline %,.0f", round + 1,
                baselineRate));
            for (final AsOfResult r : results)
            {
                final AsOfDigest exact = new AsOfDigest();
                final AsOfDigest trades = new AsOfDigest();
                final Sink digesting = (shard, count, schema) -> new Sink.SinkWriter()
                {
                    final AsOfDigest mine = new AsOfDigest();
                    final AsOfDigest mineTrades = new AsOfDigest();

                    public void write(final Row row)
                    {
                        final long instrument = row.getLong(EffectiveSpreadJob.E_INSTRUMENT);
                        final long ts = row.getTimestamp(EffectiveSpreadJob.E_TS);
                        final long qty = row.getLong(EffectiveSpreadJob.E_QTY);
                        mine.add(instrument, ts, qty, row.getTimestamp(EffectiveSpreadJob.E_QUOTE_TS),
                            row.getDouble(EffectiveSpreadJob.E_SPREAD_BPS));
                        mineTrades.add(instrument, ts, qty, 0, 0);
                    }

                    public void close()
                    {
                        exact.merge(mine);
                        trades.merge(mineTrades);
                    }
                };
                final JobContext context = meter.begin("as-of", r.shards, new JobContext().shards(r.shards));
                final long runStart = System.nanoTime();
                final Job job = EffectiveSpreadJob.build(Sources.generator(MarketData.SCHEMA, events, data),
                    settings.boundMs, digesting).execute(context);
                final double[] state = sampleState(job.counters(), events);
                job.join();
                final double rate = events * 1e9 / (System.nanoTime() - runStart);
                final double bytes = meter.end(events);
                // One shard reads the generator as one split, in order, as the baseline does: the same rows exactly.
                // On more, two quotes of one instrument and millisecond from two splits arrive in either order, and
                // the one that arrived last is the version: the same trades are joined, their quotes may differ.
                final boolean same = r.shards == 1 ? exact.same(check.exact) : trades.same(check.trades);
                if (!same || late(job) != 0)
                {
                    throw new IllegalStateException("as-of on " + r.shards + " shard(s): " + exact + " (trades " + trades +
                        ", " + late(job) + " late), baseline " + check.exact + " (trades " + check.trades + ")");
                }
                if (round >= 0)
                {
                    r.engine[round] = rate;
                    r.baseline[round] = baselineRate;
                    r.engineCpu[round] = meter.lastCpuNanosPerEvent();
                    r.baselineCpu[round] = baselineCpu;
                    r.bytesPerEvent[round] = bytes;
                    r.stateBytes[round] = state[0];
                    r.stateKeys[round] = state[1];
                    r.rows = exact.rows;
                    line.append(String.format(", %d shard(s) %,.0f (%,.0f per shard, %.2f B/event, %.0f B/key)", r.shards,
                        rate, rate / r.shards, bytes, state[0] / Math.max(1, state[1])));
                }
            }
            out.println(round < 0 ? line.append(" (warm-up)") : line.append(" events/s, results checked"));
        }
        return results;
    }

    private static long late(final Job job)
    {
        return job.counters().total(Metric.LATE_RECORDS);
    }

    /**
     * Sample the joins' state gauges while the job reads the middle half of its input.
     *
     * @return median bytes and keys held over the samples.
     */
    private static double[] sampleState(final JobCounters counters, final long events) throws InterruptedException
    {
        final List<double[]> samples = new ArrayList<>();
        long read;
        while ((read = counters.total(Metric.SOURCE_RECORDS)) < events * 3 / 4)
        {
            if (read >= events / 4)
            {
                samples.add(new double[]{ counters.total(Metric.JOIN_STATE_BYTES), counters.total(Metric.JOIN_STATE_KEYS) });
            }
            Thread.sleep(5);
        }
        if (samples.isEmpty())
        {
            return new double[]{ Double.NaN, Double.NaN };
        }
        final double[] bytes = new double[samples.size()];
        final double[] keys = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++)
        {
            bytes[i] = samples.get(i)[0];
            keys[i] = samples.get(i)[1];
        }
        Arrays.sort(bytes);
        Arrays.sort(keys);
        return new double[]{ bytes[bytes.length / 2], keys[keys.length / 2] };
    }
}
