package io.peregrine.bench.micro;

import io.peregrine.api.Field;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.bench.JvmFlags;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Events per second through a fused stateless chain {@code generator source -> map -> filter -> sink}
 * run by the engine through the public {@link Pipeline} API on one shard (one thread, records passed
 * by direct call through off-heap scratch rows), beside a hand-written loop that does the same
 * arithmetic over primitives (the COST baseline), in the same run.
 * <p>
 * One invocation is one bounded job of {@value #EVENTS} events ({@code @OperationsPerInvocation}),
 * so the engine figure includes planning, starting and joining the shard thread, amortised over the
 * events. Both sides compute (count, checksum) of the rows that reach the sink; the engine's result
 * is checked against the baseline's on every invocation (a fast wrong answer fails the run).
 * <p>
 * The chain: event {@code i} is {@code (key = mix(i) & 0xFFFF, ts = i / 10, value = i & 0xFF,
 * price = 100 + (i % 1000) / 100)}; map to {@code (key, ts, value * 3 + 1, price * 1.5)}; keep rows
 * with {@code value < 500} (about 65 %); the sink adds {@code key ^ value} and the price bits to a
 * checksum.
 * <p>
 * Allocation ({@code gc.alloc.rate.norm}) is the per-job set-up (plan, thread, counters) divided by
 * {@value #EVENTS}: the per-event path itself allocates nothing (smoke run: 0.013 B/op, i.e. about
 * 26 KB per job).
 * <p>
 * {@code java -jar jmh/target/benchmarks.jar FusedChainBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    JvmFlags.EXPORT_MISC, JvmFlags.OPEN_LANG, JvmFlags.OPEN_REFLECT, JvmFlags.OPEN_NIO, JvmFlags.EXPORT_NIO_CH,
    JvmFlags.EXPORT_REF, JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER, "-Xmx1g" })
public class FusedChainBenchmark
{
    /** Events per invocation (one bounded job). */
    public static final int EVENTS = 2_000_000;

    static final Schema IN = Schema.builder("in").int64("key").timestamp("ts").int64("value").float64("price").build();
    static final Field.Int64 KEY = IN.int64("key");
    static final Field.Timestamp TS = IN.timestamp("ts");
    static final Field.Int64 VALUE = IN.int64("value");
    static final Field.Float64 PRICE = IN.float64("price");
    static final Schema OUT = Schema.builder("out").int64("key").timestamp("ts").int64("value").float64("price").build();
    static final Field.Int64 O_KEY = OUT.int64("key");
    static final Field.Timestamp O_TS = OUT.timestamp("ts");
    static final Field.Int64 O_VALUE = OUT.int64("value");
    static final Field.Float64 O_PRICE = OUT.float64("price");
    static final long LIMIT = 500;

    // Not final: read by the benchmark methods, so the event count cannot be constant-folded.
    int events = EVENTS;
    long[] expected;

    static long key(final long i)
    {
        return Row.mix(i) & 0xFFFF;
    }

    static long value(final long i)
    {
        return i & 0xFF;
    }

    static double price(final long i)
    {
        return 100.0 + (i % 1000) / 100.0;
    }

    static long mapValue(final long value)
    {
        return value * 3 + 1;
    }

    static double mapPrice(final double price)
    {
        return price * 1.5;
    }

    static long checksum(final long checksum, final long key, final long value, final double price)
    {
        return checksum + (key ^ value) + Double.doubleToRawLongBits(price);
    }

    /**
     * Counts the rows that reach it and adds them to a checksum, on the shard thread.
     */
    static final class ChecksumSink implements Sink
    {
        long count;
        long checksum;

        public SinkWriter createWriter(final int shard, final int shards, final Schema schema)
        {
            return new SinkWriter()
            {
                long n;
                long sum;

                public void write(final Row row)
                {
                    n++;
                    sum = checksum(sum, row.getLong(O_KEY), row.getLong(O_VALUE), row.getDouble(O_PRICE));
                }

                public void close()
                {
                    synchronized (ChecksumSink.this)
                    {
                        count += n;
                        checksum += sum;
                    }
                }
            };
        }

        synchronized long[] result()
        {
            return new long[]{ count, checksum };
        }
    }

    /**
     * Run the chain on the engine, one shard.
     *
     * @param events to generate.
     * @return {count, checksum} of the rows at the sink.
     */
    public static long[] runEngine(final int events)
    {
        final ChecksumSink sink = new ChecksumSink();
        final Pipeline p = Pipeline.create("fused-chain");
        p.source("gen", Sources.generator(IN, events,
                (i, w) -> w.putLong(KEY, key(i)).putTimestamp(TS, i / 10).putLong(VALUE, value(i)).putDouble(PRICE, price(i))),
                WatermarkStrategy.boundedOutOfOrderness(TS, 0))
            .map("map", OUT, (in, out) -> out
                .putLong(O_KEY, in.getLong(KEY))
                .putTimestamp(O_TS, in.getTimestamp(TS))
                .putLong(O_VALUE, mapValue(in.getLong(VALUE)))
                .putDouble(O_PRICE, mapPrice(in.getDouble(PRICE))))
            .filter("filter", row -> row.getLong(O_VALUE) < LIMIT)
            .sink("sink", sink);
        p.execute(new JobContext()
            .shards(1)
            .idleStrategy(IdleStrategyKind.YIELD)
            // A stateless chain needs no keyed state: refuse to make any (and so no per-job state directory).
            .stateFactory((operator, shard, valueLength) ->
            {
                throw new IllegalStateException("stateless chain asked for keyed state by '" + operator + "'");
            }))
            .join();
        return sink.result();
    }

    /**
     * The same computation as one hand-written loop over primitives.
     *
     * @param events to generate.
     * @return {count, checksum}.
     */
    public static long[] runBaseline(final int events)
    {
        long count = 0;
        long sum = 0;
        for (long i = 0; i < events; i++)
        {
            final long key = key(i);
            final long value = mapValue(value(i));
            final double price = mapPrice(price(i));
            if (value < LIMIT)
            {
                count++;
                sum = checksum(sum, key, value, price);
            }
        }
        return new long[]{ count, sum };
    }

    /**
     * The expected result, from the baseline.
     */
    @Setup
    public void setUp()
    {
        expected = runBaseline(events);
    }

    /**
     * @return {count, checksum} from the engine, checked against the baseline.
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long[] engine()
    {
        final long[] result = runEngine(events);
        if (!Arrays.equals(result, expected))
        {
            throw new IllegalStateException("engine " + Arrays.toString(result) + " != baseline " + Arrays.toString(expected));
        }
        return result;
    }

    /**
     * @return {count, checksum} from the hand-written loop.
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long[] baseline()
    {
        return runBaseline(events);
    }
}
