package io.peregrine.runtime;

import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import io.peregrine.api.Aggregations;
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
 * pipeline, after a warm-up, over millions of records and thousands of window firings.
 */
class AllocationTest
{
    static final Schema SCALED = Schema.builder("scaled").int64("key").timestamp("ts").int64("value").build();

    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void shouldAllocateNoBytesPerRecordInTheSteadyState(final int shards)
    {
        measure(shards, null, AllocationTest::windowed);
    }

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

    /**
     * With a checkpoint every 10 ms: barriers, alignment and journaling (copying changed entries into the journal's
     * pooled documents) allocate nothing per record either.
     */
    @org.junit.jupiter.api.Test
    void shouldAllocateNoBytesPerRecordWhileTakingCheckpoints(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
    {
        final Job job = measure(2, dir, AllocationTest::windowed);
        assertTrue(job.checkpoints().completedCount() > 20, "checkpoints: " + job.checkpoints().completedCount());
        assertTrue(job.restoredFrom() == null, "a fresh directory has nothing to restore");
    }

    private static final io.peregrine.api.Field.Int64 OUT_N = Schema.builder("n").int64("n").build().int64("n");

    private static Sink counting()
    {
        return (shard, count, schema) -> new Sink.SinkWriter()
        {
            final io.peregrine.api.Field.Int64 n = schema.int64("n");
            long seen;

            public void write(final io.peregrine.api.Row row)
            {
                seen += row.getLong(n);
            }
        };
    }

    private static void windowed(final Pipeline p)
    {
        p.source("gen", Sources.generator(EVENT, Long.MAX_VALUE,
                (i, w) -> w.putLong(KEY, i % 4096).putTimestamp(TS, i / 4).putLong(VALUE, i)),
                WatermarkStrategy.boundedOutOfOrderness(TS, 10))
            .map("scale", SCALED, (in, out) -> out.putLong(SCALED.int64("key"), in.getLong(KEY))
                .putTimestamp(SCALED.timestamp("ts"), in.getTimestamp(TS)).putLong(SCALED.int64("value"), in.getLong(VALUE) * 3))
            .filter("odd-values", row -> (row.getLong(SCALED.int64("value")) & 1) == 1)
            .keyBy("by-key", SCALED.int64("key"))
            .window(Windows.tumbling(100))
            .aggregate("count", Aggregations.count("n"), Aggregations.sum("total", SCALED.int64("value")))
            .sink("count-out", counting());
    }

    private static void asOfJoin(final Pipeline p)
    {
        final io.peregrine.pipeline.DataStream events = p.source("gen", Sources.generator(EVENT, Long.MAX_VALUE,
                (i, w) -> w.putLong(KEY, ((i >> 2) * 7919) % 4096).putTimestamp(TS, i / 4).putLong(VALUE, i)),
            WatermarkStrategy.boundedOutOfOrderness(TS, 10));
        final io.peregrine.pipeline.KeyedStream trades = events.filter("trades", row -> (row.getLong(VALUE) & 3) == 0)
            .keyBy("trades-by-key", KEY);
        final io.peregrine.pipeline.KeyedStream quotes = events.filter("quotes", row -> (row.getLong(VALUE) & 3) != 0)
            .keyBy("quotes-by-key", KEY);
        trades.temporalJoin(quotes)
            .apply("as-of", OUT_N.schema(), (trade, quote, out) -> out.putLong(OUT_N, quote.getLong(VALUE) - trade.getLong(VALUE)))
            .sink("count-out", counting());
    }

    private static Job measure(
        final int shards, final java.nio.file.Path checkpoints, final java.util.function.Consumer<Pipeline> build)
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final Pipeline p = Pipeline.create("alloc");
        build.accept(p);
        final JobContext context = new JobContext().shards(shards).idleStrategyName("yield");
        if (checkpoints != null)
        {
            context.checkpointDir(checkpoints).checkpointIntervalMs(10);
        }
        final Job job = p.execute(context);
        try
        {
            await(() -> job.counters().total(Metric.SOURCE_RECORDS) > 3_000_000, "warm-up");
            final long[] ids = shardThreadIds(shards);
            final long bytesBefore = sum(threads.getThreadAllocatedBytes(ids));
            final long recordsBefore = job.counters().total(Metric.SOURCE_RECORDS);
            final long windowsBefore = job.counters().total(Metric.SINK_RECORDS);
            // With checkpoints the measured run lasts until at least 20 more have completed, however slowly a
            // loaded machine takes them: the run is defined by what happened in it, not by the wall clock.
            final long checkpointsBefore = checkpoints == null ? 0 : job.checkpoints().completedCount();
            await(() -> job.counters().total(Metric.SOURCE_RECORDS) > recordsBefore + 5_000_000 &&
                (checkpoints == null || job.checkpoints().completedCount() > checkpointsBefore + 20), "measured run");
            final long bytesAfter = sum(threads.getThreadAllocatedBytes(ids));
            final long records = job.counters().total(Metric.SOURCE_RECORDS) - recordsBefore;
            final long windowResults = job.counters().total(Metric.SINK_RECORDS) - windowsBefore;
            final double perRecord = (double)(bytesAfter - bytesBefore) / records;
            assertTrue(windowResults > 10_000, "results during the measurement: " + windowResults);
            // One object per record would be >= 16 bytes per record; the bound leaves room only for one-time
            // growth (a pool or array reaching a new high-water mark) that timing on a loaded machine can move
            // into the measured interval.
            assertTrue(perRecord < 1.0, String.format(
                "%.4f bytes allocated per record (%,d bytes over %,d records)", perRecord, bytesAfter - bytesBefore, records));
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
