package io.peregrine.runtime;

import io.peregrine.config.JobContext;
import io.peregrine.api.Job;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.StateBackend;
import io.peregrine.api.Aggregations;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.pipeline.WindowedStream;
import io.peregrine.api.Windows;
import io.peregrine.connector.CollectSink;
import io.peregrine.metrics.Metric;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static io.peregrine.runtime.TestSchemas.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One definition of late: a record is judged against its split's watermark just before it, so the same input gives
 * the same results and the same late records whatever the poll batch size, the watermark interval, the shard count and
 * whether a window is aggregated in one stage or two. Every expected row is worked out by hand in the comments; the
 * input is a collection (one split, read in list order).
 */
class LateDataTest
{
    private static final int[] SHARDS = { 1, 2, 4 };
    /** One record per poll (a watermark after every record), a batch boundary in the middle, everything in one batch. */
    private static final int[] BATCHES = { 1, 3, 256 };

    private static final class Result
    {
        final List<String> rows;
        final List<String> late;
        final long lateCount;

        Result(final List<String> rows, final List<String> late, final long lateCount)
        {
            this.rows = rows;
            this.late = late;
            this.lateCount = lateCount;
        }
    }

    private static Result run(final List<Object[]> events, final WatermarkStrategy strategy, final Windows windows,
        final boolean lateOutput, final int shards, final int batch, final boolean twoStage)
    {
        final Pipeline p = Pipeline.create("late");
        final CollectSink results = Sinks.collect();
        final CollectSink late = Sinks.collect();
        final WindowedStream windowed = p.source("events", Sources.collection(EVENT, events), strategy)
            .keyBy("by-key", KEY)
            .window(windows);
        windowed.aggregate("agg", Aggregations.count("n"), Aggregations.sum("sum", VALUE)).sink("out", results);
        if (lateOutput)
        {
            windowed.lateOutput().sink("late-out", late);
        }
        final Job job = p.execute(new JobContext().shards(shards).sourceBatch(batch).windowTwoStage(twoStage)
            .watermarkIntervalMs(batch == 3 ? 1 : 0).idleStrategy(IdleStrategyKind.YIELD).stateBackend(StateBackend.DIRECT));
        job.join();
        return new Result(results.sortedRows(), late.sortedRows(), job.counters().total(Metric.LATE_RECORDS));
    }

    /**
     * Every shard count, batch size and aggregation strategy gives the expected rows and late count (and, when asked
     * for, the expected late output; a window with a late output is always planned in one stage).
     */
    private static void assertEverywhere(final List<Object[]> events, final WatermarkStrategy strategy,
        final Windows windows, final List<String> expected, final List<String> expectedLate)
    {
        for (final int shards : SHARDS)
        {
            for (final int batch : BATCHES)
            {
                for (final boolean twoStage : new boolean[] { true, false })
                {
                    final String where = shards + " shard(s), batch " + batch + ", two-stage " + twoStage;
                    final Result r = run(events, strategy, windows, false, shards, batch, twoStage);
                    assertEquals(expected, r.rows, where);
                    assertEquals(expectedLate.size(), r.lateCount, "late records on " + where);
                }
                final Result withLate = run(events, strategy, windows, true, shards, batch, true);
                final String where = shards + " shard(s), batch " + batch + ", late output";
                assertEquals(expected, withLate.rows, where);
                assertEquals(expectedLate, withLate.late, where);
                assertEquals(expectedLate.size(), withLate.lateCount, where);
            }
        }
    }

    /** Tumbling 1 s windows; the record at 999 is on time or late by one millisecond of watermark. */
    private static List<Object[]> tumblingEvents()
    {
        return List.of(
            event(1, 100, 1),
            event(1, 1099, 2),    // max 1099
            event(2, 999, 4),     // DataStream watermark 1099 - 100 - 1 = 998 < 999: on time; SQL 999: late
            event(1, 1100, 8),    // max 1100
            event(2, 999, 16),    // DataStream 999, SQL 1000: [0, 1000) has closed, late in both
            event(2, 1500, 32),
            event(1, 2600, 64),   // max 2600
            event(2, 1600, 128)); // watermark 2499 (2500): [1000, 2000) has closed: late
    }

    @Test
    void shouldJudgeTumblingWindowLatenessPerRecordInTheDataStreamConvention()
    {
        assertEverywhere(tumblingEvents(), WatermarkStrategy.boundedOutOfOrderness(TS, 100), Windows.tumbling(1000),
            List.of("1,0,1000,1,1", "1,1000,2000,2,10", "1,2000,3000,1,64", "2,0,1000,1,4", "2,1000,2000,1,32"),
            List.of("2,1600,128", "2,999,16"));
    }

    @Test
    void shouldJudgeTumblingWindowLatenessPerRecordInTheSqlConvention()
    {
        // max - 100: the record at 999 after max 1099 is at the watermark, [0, 1000) has fired without it.
        assertEverywhere(tumblingEvents(), WatermarkStrategy.sqlDelay(TS, 100), Windows.tumbling(1000),
            List.of("1,0,1000,1,1", "1,1000,2000,2,10", "1,2000,3000,1,64", "2,1000,2000,1,32"),
            List.of("2,1600,128", "2,999,16", "2,999,4"));
    }

    @Test
    void shouldCountARecordInTheSlidingWindowsStillOpenForItOnly()
    {
        // 2 s windows sliding by 1 s, watermark max - 101.
        final List<Object[]> events = List.of(
            event(1, 500, 1),     // windows [-1000, 1000), [0, 2000)
            event(1, 2150, 2),    // watermark 399; windows [1000, 3000), [2000, 4000); max 2150
            event(1, 1500, 4),    // watermark 2049: [0, 2000) closed (1999 <= 2049), [1000, 3000) open: only there
            event(1, 900, 8),     // watermark 2049: [-1000, 1000) and [0, 2000) both closed: late
            event(7, 2500, 16),   // another key, on time: windows [1000, 3000), [2000, 4000)
            event(1, 3000, 32));  // windows [2000, 4000), [3000, 5000)
        assertEverywhere(events, WatermarkStrategy.boundedOutOfOrderness(TS, 100), Windows.sliding(2000, 1000),
            List.of("1,-1000,1000,1,1", "1,0,2000,1,1", "1,1000,3000,2,6", "1,2000,4000,2,34", "1,3000,5000,1,32",
                "7,1000,3000,1,16", "7,2000,4000,1,16"),
            List.of("1,900,8"));
    }

    private static List<Object[]> sessionEvents()
    {
        // Sessions with a 1 s gap, watermark max - 101 (DataStream) or max - 100 (SQL).
        return List.of(
            event(1, 0, 1),       // [0, 1000)
            event(1, 500, 2),     // [0, 1500)
            event(1, 1500, 4),    // [1500, 2500) touches [0, 1500): [0, 2500), 3 records
            event(1, 5000, 8),    // watermark 1399 (1400): [5000, 6000); max 5000
            event(1, 2400, 16),   // watermark 4899 (4900): [0, 2500) has closed for it (2499 <= 4899) even where the
                                  // operator has not fired it yet (one batch); its own [2400, 3400) too: late
            event(1, 4000, 32),   // [4000, 5000) touches the open [5000, 6000): [4000, 6000), 2 records
            event(2, 3950, 64),   // [3950, 4950): 4949 > 4899 (4900), on time
            event(2, 3899, 128),  // own [3899, 4899) closed, but it merges with the open [3950, 4950): [3899, 4950)
            event(3, 3901, 256)); // own [3901, 4901): last ms 4900 > 4899 on time; = 4900, the SQL watermark: late
    }

    @Test
    void shouldJudgeSessionLatenessPerRecordInTheDataStreamConvention()
    {
        assertEverywhere(sessionEvents(), WatermarkStrategy.boundedOutOfOrderness(TS, 100), Windows.session(1000),
            List.of("1,0,2500,3,7", "1,4000,6000,2,40", "2,3899,4950,2,192", "3,3901,4901,1,256"),
            List.of("1,2400,16"));
    }

    @Test
    void shouldJudgeSessionLatenessPerRecordInTheSqlConvention()
    {
        assertEverywhere(sessionEvents(), WatermarkStrategy.sqlDelay(TS, 100), Windows.session(1000),
            List.of("1,0,2500,3,7", "1,4000,6000,2,40", "2,3899,4950,2,192"),
            List.of("1,2400,16", "3,3901,256"));
    }

    @Test
    void shouldReemitAWindowWithinAllowedLatenessJudgedByTheRecordsWatermark()
    {
        // Tumbling 1 s, allowed lateness 500, watermark max - 1. One record per poll so that every result is
        // emitted at the same point of the input on any shard count: [0, 1000) fires at 1100, takes 600 (its
        // cleanup 999 + 500 = 1499 > 1099) and fires again; at 1600 its cleanup has passed, so 700 is late.
        final List<Object[]> events = new ArrayList<>(List.of(
            event(1, 100, 1), event(1, 1100, 2), event(1, 600, 4), event(1, 1600, 8), event(1, 700, 16)));
        for (final int shards : SHARDS)
        {
            final Pipeline p = Pipeline.create("lateness");
            final CollectSink results = Sinks.collect();
            final CollectSink late = Sinks.collect();
            final WindowedStream windowed = p.source("events", Sources.collection(EVENT, events),
                    WatermarkStrategy.boundedOutOfOrderness(TS, 0))
                .keyBy("by-key", KEY)
                .window(Windows.tumbling(1000)).allowedLateness(500);
            windowed.aggregate("agg", Aggregations.count("n"), Aggregations.sum("sum", VALUE)).sink("out", results);
            windowed.lateOutput().sink("late-out", late);
            final Job job = p.execute(new JobContext().shards(shards).sourceBatch(1).watermarkIntervalMs(0)
                .idleStrategy(IdleStrategyKind.YIELD).stateBackend(StateBackend.DIRECT));
            job.join();
            final List<String> rows = results.rows();
            assertEquals("1,0,1000,2,5", lastOf(rows, "1,0,1000,"), "last result of [0, 1000) on " + shards);
            assertEquals("1,1000,2000,2,10", lastOf(rows, "1,1000,2000,"), "on " + shards);
            assertEquals(List.of("1,700,16"), late.rows(), "on " + shards);
            assertEquals(1, job.counters().total(Metric.LATE_RECORDS), "on " + shards);
        }
    }

    private static String lastOf(final List<String> rows, final String prefix)
    {
        String last = null;
        for (final String row : rows)
        {
            if (row.startsWith(prefix))
            {
                last = row;
            }
        }
        return last;
    }
}
