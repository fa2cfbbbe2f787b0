package io.peregrine.runtime;

import io.peregrine.api.Job;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.api.Aggregations;
import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.pipeline.WindowedStream;
import io.peregrine.api.Windows;
import io.peregrine.connector.CollectSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static io.peregrine.runtime.TestSchemas.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WindowSemanticsTest
{
    private static List<String> run(final List<Object[]> events, final Windows windows, final long bound, final int shards)
    {
        final Pipeline p = Pipeline.create("windows");
        final CollectSink sink = Sinks.collect();
        p.source("events", Sources.collection(EVENT, events), WatermarkStrategy.boundedOutOfOrderness(TS, bound))
            .keyBy("by-key", KEY)
            .window(windows)
            .aggregate("agg", Aggregations.count("n"), Aggregations.sum("sum", VALUE))
            .sink("out", sink);
        p.execute(new JobContext().shards(shards).idleStrategy(IdleStrategyKind.YIELD)).join();
        return sink.sortedRows();
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldPutRecordsAtBoundariesIntoTheWindowTheyStart(final int shards)
    {
        final List<Object[]> events = List.of(
            event(1, 0, 1), event(1, 999, 2), event(1, 1000, 4), event(1, 1999, 8), event(1, 2000, 16));
        assertEquals(List.of("1,0,1000,2,3", "1,1000,2000,2,12", "1,2000,3000,1,16"),
            run(events, Windows.tumbling(1000), 0, shards));
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldAcceptOutOfOrderRecordsWithinTheBound(final int shards)
    {
        // Out of order by up to 500 ms, watermark bound 600 ms: nothing is late.
        final List<Object[]> events = List.of(
            event(7, 1200, 1), event(7, 800, 2), event(7, 1400, 4), event(7, 950, 8), event(7, 2100, 16), event(7, 1999, 32));
        assertEquals(List.of("7,0,1000,2,10", "7,1000,2000,3,37", "7,2000,3000,1,16"),
            run(events, Windows.tumbling(1000), 600, shards));
    }

    @Test
    void shouldAssignEachRecordToEverySlidingWindowContainingIt()
    {
        final List<Object[]> events = List.of(event(1, 500, 1), event(1, 1500, 2));
        assertEquals(List.of(
            "1,-1000,1000,1,1", "1,0,2000,2,3", "1,1000,3000,1,2"),
            run(events, Windows.sliding(2000, 1000), 0, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldMergeSessionsThatOverlap(final int shards)
    {
        // gap 100: [0,100) and [150,250) are apart; 90 bridges? no: [90,190) overlaps both -> one session [0,250).
        // (4, 5) comes before (3, 1000): after it the watermark is 1000 - 200 - 1 = 799 and [5, 105) would be late.
        final List<Object[]> events = new ArrayList<>(List.of(
            event(3, 0, 1), event(3, 150, 2), event(3, 90, 4), event(4, 5, 16), event(3, 1000, 8)));
        assertEquals(List.of("3,0,250,3,7", "3,1000,1100,1,8", "4,5,105,1,16"),
            run(events, Windows.session(100), 200, shards));
    }

    @Test
    void shouldSendLateRecordsToTheSideOutputAndCountThem()
    {
        final Pipeline p = Pipeline.create("late");
        final CollectSink results = Sinks.collect();
        final CollectSink late = Sinks.collect();
        final List<Object[]> events = List.of(event(1, 100, 1), event(1, 2500, 2), event(1, 200, 4), event(1, 2600, 8));
        final WindowedStream windowed = p
            .source("events", Sources.collection(EVENT, events), WatermarkStrategy.boundedOutOfOrderness(TS, 0))
            .keyBy("by-key", KEY)
            .window(Windows.tumbling(1000));
        final DataStream counts = windowed.aggregate("agg", Aggregations.count("n"), Aggregations.sum("sum", VALUE));
        counts.sink("out", results);
        windowed.lateOutput().sink("late-out", late);
        final Job job = p.execute(new JobContext().shards(1).sourceBatch(1).watermarkIntervalMs(0));
        job.join();
        assertEquals(List.of("1,0,1000,1,1", "1,2000,3000,2,10"), results.sortedRows());
        assertEquals(List.of("1,200,4"), late.rows());
        assertEquals(1, job.counters().total(io.peregrine.metrics.Metric.LATE_RECORDS));
    }

    @Test
    void shouldRefireAWindowForARecordWithinAllowedLateness()
    {
        final Pipeline p = Pipeline.create("lateness");
        final CollectSink results = Sinks.collect();
        final List<Object[]> events = List.of(event(1, 100, 1), event(1, 1500, 2), event(1, 200, 4), event(1, 3000, 8), event(1, 300, 16));
        p.source("events", Sources.collection(EVENT, events), WatermarkStrategy.boundedOutOfOrderness(TS, 0))
            .keyBy("by-key", KEY)
            .window(Windows.tumbling(1000)).allowedLateness(1000)
            .aggregate("agg", Aggregations.count("n"), Aggregations.sum("sum", VALUE))
            .sink("out", results);
        final Job job = p.execute(new JobContext().shards(1).sourceBatch(1).watermarkIntervalMs(0));
        job.join();
        // 1500 fires [0,1000) with 1; 200 is within lateness -> refire with 2; 3000 passes cleanup of [0,1000) (999+1000);
        // 300 is then late and dropped.
        assertEquals(List.of("1,0,1000,1,1", "1,0,1000,2,5", "1,1000,2000,1,2", "1,3000,4000,1,8"), results.rows());
        assertEquals(1, job.counters().total(io.peregrine.metrics.Metric.LATE_RECORDS));
    }
}
