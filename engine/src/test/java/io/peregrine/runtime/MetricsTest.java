package io.peregrine.runtime;

import io.peregrine.api.Aggregations;
import io.peregrine.api.Job;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.config.JobContext;
import io.peregrine.connector.CollectSink;
import io.peregrine.metrics.CounterKey;
import io.peregrine.metrics.CountersFile;
import io.peregrine.metrics.JobCounters;
import io.peregrine.metrics.Metric;
import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.pipeline.WindowedStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static io.peregrine.runtime.RuntimeBehaviourTest.await;
import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static io.peregrine.runtime.TestSchemas.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operator counts on its own, in a counters file another process can read.
 */
class MetricsTest
{
    private static final int EVENTS = 1000;

    /**
     * One source, three sinks and a keyed aggregate, on two shards: events -+- evens -> even-out
     *                                                                        +- all -> by-key -> counts -> count-out
     *                                                                        +- raw-out
     */
    private static Pipeline threeSinks()
    {
        final List<Object[]> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++)
        {
            events.add(event(i % 10, i, i));
        }
        final Pipeline p = Pipeline.create("three-sinks");
        final DataStream source = p.source("events", Sources.collection(EVENT, events));
        source.filter("evens", row -> row.getLong(VALUE) % 2 == 0).sink("even-out", Sinks.collect());
        source.filter("all", row -> true).keyBy("by-key", KEY).aggregate("counts", Aggregations.count("n"))
            .sink("count-out", Sinks.collect());
        source.sink("raw-out", Sinks.collect());
        return p;
    }

    @Test
    void shouldCountEachSinkOnItsOwnInsteadOfTheLastWriterOfTheShard(@TempDir final Path dir)
    {
        final Job job = threeSinks().execute(new JobContext().shards(2).metricsDir(dir));
        job.join();
        final JobCounters c = job.counters();
        assertEquals(500, c.total(Metric.SINK_RECORDS, "even-out"));
        assertEquals(EVENTS, c.total(Metric.SINK_RECORDS, "count-out"));
        assertEquals(EVENTS, c.total(Metric.SINK_RECORDS, "raw-out"));
        assertEquals(2500, c.total(Metric.SINK_RECORDS), "all three sinks, not whichever wrote last on each shard");
    }

    @Test
    void shouldCountRecordsInAndOutOfEveryOperator(@TempDir final Path dir)
    {
        final Job job = threeSinks().execute(new JobContext().shards(2).metricsDir(dir));
        job.join();
        final JobCounters c = job.counters();
        assertEquals(EVENTS, c.total(Metric.SOURCE_RECORDS, "events"));
        assertEquals(EVENTS, c.total(Metric.RECORDS_IN, "evens"));
        assertEquals(500, c.total(Metric.RECORDS_OUT, "evens"));
        for (final String op : List.of("all", "by-key", "counts"))
        {
            assertEquals(EVENTS, c.total(Metric.RECORDS_IN, op), op);
            assertEquals(EVENTS, c.total(Metric.RECORDS_OUT, op), op);
        }
        assertEquals(0, c.total(Metric.RECORDS_IN, "events"), "a source has no input");
        assertEquals(10, c.total(Metric.STATE_ENTRIES, "counts"), "one entry per key");
        assertTrue(c.total(Metric.STATE_BYTES, "counts") > 0);
        assertTrue(c.total(Metric.EXCHANGE_RECORDS, "by-key") > 0, "keys of the other shard crossed");
        assertEquals(c.total(Metric.EXCHANGE_RECORDS), c.total(Metric.EXCHANGE_RECORDS, "by-key"));
    }

    @Test
    void shouldCountDutyCyclesOfEveryShard(@TempDir final Path dir)
    {
        final Job job = threeSinks().execute(new JobContext().shards(2).metricsDir(dir));
        job.join();
        final JobCounters c = job.counters();
        for (int s = 0; s < 2; s++)
        {
            assertTrue(c.counter(s, Metric.DUTY_CYCLES).get() > 0);
            assertTrue(c.counter(s, Metric.MAX_CYCLE_NS).get() > 0);
            assertEquals(0, c.counter(s, Metric.ERRORS).get());
        }
        assertTrue(c.total(Metric.BUSY_NS) > 0);
        assertTrue(c.total(Metric.BUSY_NS) + c.total(Metric.IDLE_NS) <= 2 * job.elapsedNs());
    }

    @Test
    void shouldCountLateRecordsDroppedWithoutALateOutputAndHandedOnWithOne(@TempDir final Path dir)
    {
        for (final boolean withLateOutput : new boolean[]{ false, true })
        {
            final Pipeline p = Pipeline.create("late");
            final List<Object[]> events = List.of(event(1, 100, 1), event(1, 2500, 2), event(1, 200, 4), event(1, 2600, 8));
            final WindowedStream windowed = p
                .source("events", Sources.collection(EVENT, events), WatermarkStrategy.boundedOutOfOrderness(TS, 0))
                .keyBy("by-key", KEY)
                .window(Windows.tumbling(1000));
            windowed.aggregate("agg", Aggregations.count("n")).sink("out", Sinks.collect());
            if (withLateOutput)
            {
                windowed.lateOutput().sink("late-out", Sinks.collect());
            }
            final Job job = p.execute(new JobContext().shards(1).sourceBatch(1).watermarkIntervalMs(0).metricsDir(dir));
            job.join();
            final JobCounters c = job.counters();
            assertEquals(1, c.total(Metric.LATE_RECORDS, "agg"));
            assertEquals(withLateOutput ? 0 : 1, c.total(Metric.DROPPED_RECORDS, "agg"));
            assertEquals(withLateOutput ? 1 : 0, c.total(Metric.RECORDS_IN, "agg-late"));
            assertEquals(4, c.total(Metric.RECORDS_IN, "agg"));
            assertEquals(2, c.total(Metric.RECORDS_OUT, "agg"), "two windows fired");
        }
    }

    @Test
    void shouldPublishTheCountersInAFileAnotherReaderMapsAndDeleteItWhenTheJobEnds(@TempDir final Path dir)
    {
        final List<Object[]> events = List.of(event(1, 1, 1), event(2, 2, 2), event(3, 3, 3));
        final Pipeline p = Pipeline.create("file");
        final CollectSink out = Sinks.collect();
        p.source("events", Sources.collection(EVENT, events)).filter("odd", row -> row.getLong(VALUE) % 2 == 1)
            .sink("out", out);
        final Job job = p.execute(new JobContext().shards(1).metricsDir(dir));
        await(job::isDone, "the job's end");
        final Path file = job.counters().file();
        assertEquals(dir.resolve("peregrine-file-" + ProcessHandle.current().pid()), file.getParent());
        try (CountersFile counters = CountersFile.open(file.getParent()))
        {
            assertEquals("file", counters.jobName());
            assertEquals(ProcessHandle.current().pid(), counters.pid());
            assertEquals(1, counters.shards());
            assertTrue(counters.isWriterAlive());
            final TreeMap<String, Long> byLabel = new TreeMap<>();
            counters.reader().forEach((id, typeId, key, label) ->
            {
                byLabel.put(label, counters.reader().getCounterValue(id));
                if (CounterKey.operator(key) != null)
                {
                    assertTrue(label.startsWith(CounterKey.operator(key) + ", shard " + CounterKey.shard(key) + ": "),
                        label);
                }
            });
            assertEquals(3L, byLabel.get("events, shard 0: records read"), byLabel.toString());
            assertEquals(3L, byLabel.get("odd, shard 0: records in"));
            assertEquals(2L, byLabel.get("odd, shard 0: records out"));
            assertEquals(2L, byLabel.get("out, shard 0: records written"));
            assertTrue(byLabel.get("shard 0: duty cycles") > 0);
        }
        job.join();
        assertFalse(Files.exists(file), "deleted on a clean close");
        assertFalse(Files.exists(file.getParent()));
        assertEquals(2, job.counters().total(Metric.SINK_RECORDS), "still readable in this process");
    }

    @Test
    void shouldGiveTwoJobsOfOneNameInOneProcessADirectoryEach(@TempDir final Path dir)
    {
        final Job first = threeSinks().execute(new JobContext().shards(1).metricsDir(dir));
        final Job second = threeSinks().execute(new JobContext().shards(1).metricsDir(dir));
        try
        {
            assertFalse(first.counters().directory().equals(second.counters().directory()));
        }
        finally
        {
            first.join();
            second.join();
        }
    }
}
