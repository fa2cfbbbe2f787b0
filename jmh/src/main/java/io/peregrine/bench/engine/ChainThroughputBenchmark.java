package io.peregrine.bench.engine;

import io.peregrine.api.Aggregations;
import io.peregrine.api.Field;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.bench.JvmFlags;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import org.agrona.collections.Long2LongHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's core path end to end: {@code source -> map -> filter -> keyBy -> tumbling count},
 * one bounded job of {@link #EVENTS} events per invocation, on 1 and 2 shards, beside the
 * hand-written single-threaded loop that computes the same counts (the COST baseline) in the same
 * run. The result of both is checked (the number of (key, window) counts and their sum).
 * <p>
 * Run: {@code java -jar jmh/target/benchmarks.jar ChainThroughput -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    JvmFlags.EXPORT_MISC, JvmFlags.OPEN_LANG, JvmFlags.OPEN_REFLECT, JvmFlags.OPEN_NIO, JvmFlags.EXPORT_NIO_CH,
    JvmFlags.EXPORT_REF, JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER, "-Xmx2g" })
public class ChainThroughputBenchmark
{
    public static final int EVENTS = 10_000_000;
    static final int KEYS = 10_000;
    /**
     * Events per millisecond of event time: 10,000,000 events per second of event time, the Flink
     * Nexmark suite's default event rate, so a 1 s window holds about 1,000 events per key.
     */
    static final int EVENTS_PER_MS = 10_000;

    static final Schema IN = Schema.builder("in").int64("key").timestamp("ts").int64("value").build();
    static final Field.Int64 KEY = IN.int64("key");
    static final Field.Timestamp TS = IN.timestamp("ts");
    static final Field.Int64 VALUE = IN.int64("value");
    static final Schema OUT = Schema.builder("out").int64("key").timestamp("ts").int64("value").build();
    static final Field.Int64 O_KEY = OUT.int64("key");
    static final Field.Timestamp O_TS = OUT.timestamp("ts");
    static final Field.Int64 O_VALUE = OUT.int64("value");

    @Param({ "1", "2" })
    public int shards;

    /**
     * @param i event number.
     * @return its key: a mixed hash, so keys spread evenly over shards.
     */
    static long keyOf(final long i)
    {
        return (Row.mix(i) >>> 1) % KEYS;
    }

    static long value(final long i)
    {
        return i & 0xFF;
    }

    /**
     * Counts results: (key, window) pairs seen and the sum of their counts.
     */
    static final class Totals implements Sink
    {
        final AtomicLong windows = new AtomicLong();
        final AtomicLong counted = new AtomicLong();

        public SinkWriter createWriter(final int shard, final int shardCount, final Schema schema)
        {
            final Field.Int64 n = schema.int64("n");
            return new SinkWriter()
            {
                long w;
                long c;

                public void write(final Row row)
                {
                    w++;
                    c += row.getLong(n);
                }

                public void close()
                {
                    windows.addAndGet(w);
                    counted.addAndGet(c);
                }
            };
        }
    }

    /**
     * @return {windows, counted} from the engine.
     */
    public static long[] runEngine(final int shards, final int events)
    {
        return runEngine(context(shards), events);
    }

    /**
     * @param shards shard count.
     * @return the settings the benchmark runs the engine with: yielding idle strategy, 16K-slot state tables.
     */
    public static JobContext context(final int shards)
    {
        return new JobContext().shards(shards).idleStrategy(IdleStrategyKind.YIELD).stateInitialCapacity(16 * 1024);
    }

    /**
     * @param context settings, e.g. {@link #context(int)}.
     * @param events  events to generate.
     * @return {windows, counted} from the engine.
     */
    public static long[] runEngine(final JobContext context, final int events)
    {
        final Totals totals = new Totals();
        final Pipeline p = Pipeline.create("chain");
        p.source("gen", Sources.generator(IN, events,
                (i, w) -> w.putLong(KEY, keyOf(i)).putTimestamp(TS, i / EVENTS_PER_MS).putLong(VALUE, value(i))),
                WatermarkStrategy.boundedOutOfOrderness(TS, 0))
            .map("double", OUT, (in, out) -> out.putLong(O_KEY, in.getLong(KEY)).putTimestamp(O_TS, in.getTimestamp(TS))
                .putLong(O_VALUE, in.getLong(VALUE) * 2))
            .filter("small", row -> row.getLong(O_VALUE) < 400)
            .keyBy("by-key", O_KEY)
            .window(Windows.tumbling(1_000))
            .aggregate("count", Aggregations.count("n"))
            .sink("totals", totals);
        p.execute(context).join();
        return new long[]{ totals.windows.get(), totals.counted.get() };
    }

    /**
     * The same computation as one hand-written loop over plain primitive collections.
     *
     * @return {windows, counted}.
     */
    public static long[] runBaseline(final int events)
    {
        final long windowMs = 1_000;
        final Long2LongHashMap counts = new Long2LongHashMap(16 * 1024, 0.65f, 0);
        long currentWindow = Long.MIN_VALUE;
        long windows = 0;
        long counted = 0;
        for (long i = 0; i < events; i++)
        {
            final long key = keyOf(i);
            final long ts = i / EVENTS_PER_MS;
            final long doubled = value(i) * 2;
            if (doubled >= 400)
            {
                continue;
            }
            final long window = ts - ts % windowMs;
            if (window != currentWindow)
            {
                if (currentWindow != Long.MIN_VALUE)
                {
                    windows += counts.size();
                    for (final long c : counts.values())
                    {
                        counted += c;
                    }
                    counts.clear();
                }
                currentWindow = window;
            }
            counts.put(key, counts.get(key) + 1);
        }
        windows += counts.size();
        for (final long c : counts.values())
        {
            counted += c;
        }
        return new long[]{ windows, counted };
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void engine(final Blackhole bh)
    {
        bh.consume(runEngine(shards, EVENTS));
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void baseline(final Blackhole bh)
    {
        bh.consume(runBaseline(EVENTS));
    }

    public static void main(final String[] args) throws Exception
    {
        final long[] engine = runEngine(2, 1_000_000);
        final long[] baseline = runBaseline(1_000_000);
        if (engine[0] != baseline[0] || engine[1] != baseline[1])
        {
            throw new IllegalStateException("engine and baseline disagree: " + engine[0] + "/" + engine[1] + " vs " +
                baseline[0] + "/" + baseline[1]);
        }
        new Runner(new OptionsBuilder().include(ChainThroughputBenchmark.class.getSimpleName()).build()).run();
    }
}
