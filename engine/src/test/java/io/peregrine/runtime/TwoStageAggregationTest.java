package io.peregrine.runtime;

import io.peregrine.api.Job;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.api.Aggregations;
import io.peregrine.connector.CollectSink;

import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.metrics.Metric;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwoStageAggregationTest
{
    private static final long EVENTS = 400_000;
    private static final int KEYS = 500;

    private static Job run(final int shards, final boolean twoStage, final CollectSink sink)
    {
        return run(shards, twoStage, sink, Windows.tumbling(1000));
    }

    private static Job run(final int shards, final boolean twoStage, final CollectSink sink, final Windows windows)
    {
        final Pipeline p = Pipeline.create("two-stage");
        // Out of order within the bound, values that make min/max/first/last depend on every record.
        p.source("gen", Sources.generator(EVENT, EVENTS, (i, w) -> w
                    .putLong(KEY, (i * 7919) % KEYS)
                    .putTimestamp(TS, i / 4 + ((i * 31) % 50))
                    .putLong(VALUE, (i * 2654435761L) % 100_003)),
                WatermarkStrategy.boundedOutOfOrderness(TS, 60))
            .keyBy("by-key", KEY)
            .window(windows)
            .aggregate("agg", Aggregations.count("n"), Aggregations.sum("sum", VALUE), Aggregations.min("min", VALUE),
                Aggregations.max("max", VALUE), Aggregations.avg("avg", VALUE), Aggregations.first("first", VALUE),
                Aggregations.last("last", VALUE))
            .sink("out", sink);
        final Job job = p.execute(new JobContext().shards(shards).windowTwoStage(twoStage).idleStrategy(IdleStrategyKind.YIELD));
        job.join();
        return job;
    }

    @Test
    void shouldGiveTheSameResultsAsOneStageWhileMovingOnlyPartialsBetweenShards()
    {
        final CollectSink one = Sinks.collect();
        run(1, true, one);
        final List<String> expected = one.sortedRows();
        // 100 full windows of every key, and a last one of the few records stamped past 100,000.
        assertTrue(expected.size() > KEYS * 100 && expected.size() < KEYS * 101, "rows: " + expected.size());

        final CollectSink singleStage = Sinks.collect();
        final Job plain = run(4, false, singleStage);
        final CollectSink twoStage = Sinks.collect();
        final Job pre = run(4, true, twoStage);

        assertEquals(expected, singleStage.sortedRows());
        assertEquals(expected, twoStage.sortedRows());
        assertEquals(0, pre.counters().total(Metric.LATE_RECORDS));

        // Without pre-aggregation about 3/4 of the records cross to another shard; with it, at most one partial
        // per key, window and shard.
        final long plainMoved = plain.counters().total(Metric.EXCHANGE_RECORDS);
        final long preMoved = pre.counters().total(Metric.EXCHANGE_RECORDS);
        assertTrue(plainMoved > EVENTS / 2, "single stage moved " + plainMoved);
        assertTrue(preMoved <= 4L * expected.size(), "two stages moved " + preMoved + " for " + expected.size() + " results");
    }

    @Test
    void shouldMergeSlidingWindowPartialsIntoTheirOwnWindowOnly()
    {
        final Windows sliding = Windows.sliding(3000, 1000);
        final CollectSink one = Sinks.collect();
        run(1, true, one, sliding);
        final CollectSink singleStage = Sinks.collect();
        final Job plain = run(2, false, singleStage, sliding);
        final CollectSink twoStage = Sinks.collect();
        final Job pre = run(2, true, twoStage, sliding);
        final List<String> expected = one.sortedRows();
        assertTrue(expected.size() > KEYS * 100, "rows: " + expected.size());
        assertEquals(expected, singleStage.sortedRows());
        assertEquals(expected, twoStage.sortedRows());
        // About four records per key and slide here, each in three windows: partials are fewer by ~8x.
        assertTrue(pre.counters().total(Metric.EXCHANGE_RECORDS) * 5 < plain.counters().total(Metric.EXCHANGE_RECORDS),
            "partials moved " + pre.counters().total(Metric.EXCHANGE_RECORDS) + ", records " +
            plain.counters().total(Metric.EXCHANGE_RECORDS));
    }
}
