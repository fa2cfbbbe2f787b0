package io.peregrine.runtime;

import io.peregrine.config.StateBackend;
import io.peregrine.api.Job;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.api.Aggregations;
import io.peregrine.api.Collector;
import io.peregrine.api.Field;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.KeyedRowList;
import io.peregrine.api.Row;
import io.peregrine.api.ValueState;
import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.metrics.Metric;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static io.peregrine.runtime.RuntimeBehaviourTest.await;
import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path allocates nothing per record: measured with the JVM's per-thread allocation
 * counters over the shard threads of a running source -> map -> filter -> keyBy -> tumbling count
 * pipeline (and of a keyed process function with typed state), after a warm-up, over millions of records and
 * thousands of results.
 */
class AllocationTest
{
    static final Schema SCALED = Schema.builder("scaled").int64("key").timestamp("ts").int64("value").build();
    static final Field.Int64 S_KEY = SCALED.int64("key");
    static final Field.Timestamp S_TS = SCALED.timestamp("ts");
    static final Field.Int64 S_VALUE = SCALED.int64("value");
    static final Schema TOTALS = Schema.builder("totals").int64("n").int64("sum").timestamp("first").build();
    static final Field.Int64 T_N = TOTALS.int64("n");
    static final Field.Int64 T_SUM = TOTALS.int64("sum");
    static final Field.Timestamp T_FIRST = TOTALS.timestamp("first");
    static final Schema REPORT = Schema.builder("report").int64("key").int64("n").int64("sum").timestamp("first").build();
    static final Field.Int64 R_KEY = REPORT.int64("key");
    static final Field.Int64 R_N = REPORT.int64("n");
    static final Field.Int64 R_SUM = REPORT.int64("sum");
    static final Field.Timestamp R_FIRST = REPORT.timestamp("first");

    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void shouldAllocateNoBytesPerRecordInTheSteadyState(final int shards)
    {
        measure(shards, null, AllocationTest::windowedCount);
    }

    /**
     * A process function keeping a typed value per key (read, updated, reported and cleared every 64 records of a
     * key) and a list of rows per key: its value, list and context allocate nothing per record.
     */
    @org.junit.jupiter.api.Test
    void shouldAllocateNoBytesPerRecordInAProcessFunctionWithTypedState()
    {
        measure(2, null, AllocationTest::processWithTypedState);
    }

    /**
     * With a checkpoint every 10 ms: barriers, alignment and journaling (copying changed entries into the journal's
     * pooled documents) allocate nothing per record either.
     */
    @org.junit.jupiter.api.Test
    void shouldAllocateNoBytesPerRecordWhileTakingCheckpoints(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
    {
        final Job job = measure(2, dir, AllocationTest::windowedCount);
        assertTrue(job.checkpoints().completedCount() > 20, "checkpoints: " + job.checkpoints().completedCount());
        assertTrue(job.restoredFrom() == null, "a fresh directory has nothing to restore");
    }

    static final Schema MATCHES = Schema.builder("matches").int64("n").build();
    static final Field.Int64 M_N = MATCHES.int64("n");

    /**
     * A three-step pattern with an iterative condition and within: records buffered until the watermark, matches,
     * timeouts to a side output.
     */
    private static DataStream pattern(final DataStream events)
    {
        final io.peregrine.cep.Pattern pattern = io.peregrine.cep.Pattern.begin("a").where(e -> e.getLong(VALUE) % 3 == 0)
            .followedBy("b").where((e, m) -> e.getLong(VALUE) > m.first("a").getLong(VALUE) && e.getLong(VALUE) % 2 == 0)
            .followedBy("c").where(e -> e.getLong(VALUE) % 5 == 0)
            .within(5_000);
        final io.peregrine.pipeline.PatternOutput out = events
            .keyBy("by-key", KEY)
            .pattern("abc", pattern)
            .select("abc-matches", MATCHES, (match, o) ->
            {
                o.next().putLong(M_N, match.count("a"));
                o.emit();
            });
        final DataStream timeouts = out.timedOut("abc-timeouts", MATCHES, (partial, ts, o) ->
        {
            o.next().putLong(M_N, partial.count("b"));
            o.emit();
        });
        return out.union("matches-and-timeouts", timeouts);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void shouldAllocateNoBytesPerRecordWhenDetectingPatterns(final int shards)
    {
        // The pattern operator runs at a few hundred thousand records a second: shorter intervals, same threshold.
        measure(shards, null, AllocationTest::pattern, StateBackend.MAPPED, 1_000_000);
    }

    static final Schema AS_OF_OUT = Schema.builder("n").int64("n").build();
    static final Field.Int64 AS_OF_N = AS_OF_OUT.int64("n");

    /**
     * An as-of join of trades with quotes (a quarter of the records are trades): keeping versions, holding trades
     * until the watermark, releasing them with their quotes and pruning allocate nothing per record.
     */
    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void shouldAllocateNoBytesPerRecordInAnAsOfJoin(final int shards)
    {
        measure(shards, null, AllocationTest::asOfJoin);
    }

    private static DataStream asOfJoin(final DataStream events)
    {
        final io.peregrine.api.KeySelector instrument = row -> ((row.getLong(VALUE) >> 2) * 7919) % 4096;
        final io.peregrine.pipeline.KeyedStream trades = events.filter("trades", row -> (row.getLong(VALUE) & 3) == 0)
            .keyBy("trades-by-key", instrument);
        final io.peregrine.pipeline.KeyedStream quotes = events.filter("quotes", row -> (row.getLong(VALUE) & 3) != 0)
            .keyBy("quotes-by-key", instrument);
        return trades.temporalJoin(quotes)
            .apply("as-of", AS_OF_OUT, (trade, quote, out) -> out.putLong(AS_OF_N, quote.getLong(VALUE) - trade.getLong(VALUE)));
    }

    private static DataStream windowedCount(final DataStream events)
    {
        return events
            .map("scale", SCALED, (in, out) -> out.putLong(S_KEY, in.getLong(KEY))
                .putTimestamp(S_TS, in.getTimestamp(TS)).putLong(S_VALUE, in.getLong(VALUE) * 3))
            .filter("odd-values", row -> (row.getLong(S_VALUE) & 1) == 1)
            .keyBy("by-key", S_KEY)
            .window(Windows.tumbling(100))
            .aggregate("count", Aggregations.count("n"), Aggregations.sum("total", S_VALUE));
    }

    /** Every 64th record of a key reports its totals and the sum of its last four values, then forgets them. */
    static final class Totals implements KeyedProcessFunction
    {
        private final long[] listSum = new long[1];
        private final KeyedRowList.RowVisitor addValue = row -> listSum[0] += row.getLong(VALUE);
        private KeyedRowList last;

        public void open(final OpenContext ctx)
        {
            last = ctx.listState("last", EVENT);
        }

        public void processElement(final Row in, final Context ctx, final Collector out)
        {
            final ValueState totals = ctx.value();
            if (totals.isEmpty())
            {
                totals.putTimestamp(T_FIRST, in.getTimestamp(TS));
            }
            final long n = totals.getLong(T_N) + 1;
            totals.putLong(T_N, n).putLong(T_SUM, totals.getLong(T_SUM) + in.getLong(VALUE));
            last.add(in);
            if (last.size() > 4)
            {
                last.removeFirst(1);
            }
            if (n == 64)
            {
                listSum[0] = 0;
                last.forEach(addValue);
                out.next().putLong(R_KEY, ctx.key()).putLong(R_N, n).putLong(R_SUM, totals.getLong(T_SUM) + listSum[0])
                    .putTimestamp(R_FIRST, totals.getTimestamp(T_FIRST));
                out.emit();
                totals.clear();
            }
        }
    }

    private static DataStream processWithTypedState(final DataStream events)
    {
        return events.keyBy("by-key", KEY).process("totals", REPORT, TOTALS, Totals::new);
    }

    static final Schema MONEY = Schema.builder("money").int64("key").timestamp("ts").decimal("notional", 38, 6).build();
    static final Field.Int64 M_KEY = MONEY.int64("key");
    static final Field.Timestamp M_TS = MONEY.timestamp("ts");
    static final Field.Decimal M_NOTIONAL = MONEY.decimal("notional");

    /**
     * Exact decimal arithmetic on the hot path: an exact 128-bit product per record and a DECIMAL(38, 6) sum per key
     * and window (in two stages).
     */
    @org.junit.jupiter.api.Test
    void shouldAllocateNoBytesPerRecordMultiplyingAndSummingDecimals()
    {
        // Keyed state in direct memory: a window table made when the pool reaches a new high-water mark (a shard
        // falling behind on a loaded machine) then costs a few objects, not a file.
        measure(2, null, events -> events
            .map("price", MONEY, (in, out) -> out.putLong(M_KEY, in.getLong(KEY) % 256)
                .putTimestamp(M_TS, in.getTimestamp(TS))
                .putDecimal(M_NOTIONAL, Math.multiplyHigh(in.getLong(VALUE), 999_999_999_989L),
                    in.getLong(VALUE) * 999_999_999_989L))
            .keyBy("by-key", M_KEY)
            .window(Windows.tumbling(100))
            .aggregate("sum", Aggregations.sum("total", M_NOTIONAL)), StateBackend.DIRECT);
    }

    /** Longest wait for millions of records to pass. */
    private static final long WAIT_S = 600;

    private static Job measure(
        final int shards, final java.nio.file.Path checkpoints, final java.util.function.UnaryOperator<DataStream> operators)
    {
        return measure(shards, checkpoints, operators, StateBackend.MAPPED, 5_000_000);
    }

    private static Job measure(
        final int shards, final java.nio.file.Path checkpoints, final java.util.function.UnaryOperator<DataStream> operators,
        final StateBackend stateBackend)
    {
        return measure(shards, checkpoints, operators, stateBackend, 5_000_000);
    }

    private static Job measure(
        final int shards, final java.nio.file.Path checkpoints, final java.util.function.UnaryOperator<DataStream> operators,
        final StateBackend stateBackend, final long recordsPerInterval)
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final Sink counting = (shard, count, schema) -> new Sink.SinkWriter()
        {
            long seen;

            public void write(final Row row)
            {
                seen += row.length();
            }
        };
        final Pipeline p = Pipeline.create("alloc");
        operators.apply(p.source("gen", Sources.generator(EVENT, Long.MAX_VALUE,
                (i, w) -> w.putLong(KEY, i % 4096).putTimestamp(TS, i / 4).putLong(VALUE, i)),
                WatermarkStrategy.boundedOutOfOrderness(TS, 10)))
            .sink("out", counting);
        final JobContext context = new JobContext().shards(shards).idleStrategy(IdleStrategyKind.YIELD)
            .stateBackend(stateBackend);
        if (checkpoints != null)
        {
            context.checkpointDir(checkpoints).checkpointIntervalMs(10);
        }
        final Job job = p.execute(context);
        try
        {
            // Millions of records: on a loaded two-core machine (the pattern operator is the slowest) that can take
            // minutes, so the deadline is long; a failing run is slow, never a flaky one.
            await(() -> job.counters().total(Metric.SOURCE_RECORDS) > 3 * recordsPerInterval / 5, "warm-up", WAIT_S);
            final long[] ids = shardThreadIds(shards);
            // A steady state allocates nothing per record. One-time growth (a pool or table reaching a new
            // high-water mark when a loaded machine lets the watermark lag) can fall into an interval, so up to four
            // intervals of recordsPerInterval records are measured and one must be clean: a real per-record allocation (>= 16 bytes
            // per record) would show in every interval.
            final StringBuilder intervals = new StringBuilder();
            boolean clean = false;
            for (int attempt = 0; attempt < 4 && !clean; attempt++)
            {
                final long bytesBefore = sum(threads.getThreadAllocatedBytes(ids));
                final long recordsBefore = job.counters().total(Metric.SOURCE_RECORDS);
                final long resultsBefore = job.counters().total(Metric.SINK_RECORDS);
                // With checkpoints an interval lasts until at least 20 more have completed, however slowly a
                // loaded machine takes them: the interval is defined by what happened in it, not by the wall clock.
                final long checkpointsBefore = checkpoints == null ? 0 : job.checkpoints().completedCount();
                await(() -> job.counters().total(Metric.SOURCE_RECORDS) > recordsBefore + recordsPerInterval &&
                    (checkpoints == null || job.checkpoints().completedCount() > checkpointsBefore + 20), "measured run",
                    WAIT_S);
                final long bytesAfter = sum(threads.getThreadAllocatedBytes(ids));
                final long records = job.counters().total(Metric.SOURCE_RECORDS) - recordsBefore;
                final long results = job.counters().total(Metric.SINK_RECORDS) - resultsBefore;
                final double perRecord = (double)(bytesAfter - bytesBefore) / records;
                assertTrue(results > 10_000, "results during the measurement: " + results);
                intervals.append(String.format("%.4f bytes per record (%,d bytes over %,d records); ",
                    perRecord, bytesAfter - bytesBefore, records));
                clean = perRecord < 1.0;
            }
            assertTrue(clean, "no interval free of allocation: " + intervals);
        }
        finally
        {
            job.cancel();
            job.join();
        }
        return job;
    }

    private static long[] shardThreadIds(final int shards)
    {
        final List<Long> ids = new ArrayList<>();
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.getName().startsWith("peregrine-shard-"))
            {
                ids.add(t.getId());
            }
        }
        assertEquals(shards, ids.size(), "shard threads found");
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long sum(final long[] values)
    {
        long sum = 0;
        for (final long v : values)
        {
            sum += v;
        }
        return sum;
    }
}
