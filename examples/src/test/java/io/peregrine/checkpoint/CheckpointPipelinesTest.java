package io.peregrine.checkpoint;

import io.peregrine.api.Aggregations;
import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.KeyedStream;
import io.peregrine.api.Field;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Row;
import io.peregrine.api.RowKind;
import io.peregrine.api.Schema;
import io.peregrine.pipeline.Sinks;
import io.peregrine.api.Source;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.TimeDomain;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.connector.RowGenerator;
import io.peregrine.demo.CheckpointedJob;
import io.peregrine.api.Job;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.config.StateBackend;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import static io.peregrine.demo.CheckpointedJob.EVENT;
import static io.peregrine.demo.CheckpointedJob.KEY;
import static io.peregrine.demo.CheckpointedJob.TS;
import static io.peregrine.demo.CheckpointedJob.VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pipelines the other checkpoint tests do not run, each stopped with a savepoint midway (at a gate in its source,
 * so wherever the job's threads are) and resumed, possibly several times and on other shard counts: the committed
 * output of its exactly-once CSV sinks must be the uninterrupted run's, row for row.
 * <p>
 * The tests wait by spinning on the job's progress, never on the wall clock; a job that stops making the progress a
 * test waits for (a timer lost in a restore, say) fails it by the timeout instead of hanging the build.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CheckpointPipelinesTest
{
    private static final long MAX = Long.MAX_VALUE;

    @TempDir
    Path tmp;

    /** Builds the pipeline under test over sources gated at {@code gate}, its sinks writing under {@code out}. */
    @FunctionalInterface
    interface Builder
    {
        Pipeline build(LongSupplier gate, Path out);
    }

    /** Values are unique (a bijection of the index below 1,000,003), so a top-N has no ties. */
    private static final RowGenerator EVENTS = (i, w) -> w
        .putLong(KEY, (i * 7919) % 100)
        .putTimestamp(TS, i / 20 + ((i * 31) % 50))
        .putLong(VALUE, (i * 2654435761L) % 1_000_003);

    private static final RowGenerator OTHER_EVENTS = (i, w) -> w
        .putLong(KEY, 30 + (i * 104729) % 60)
        .putTimestamp(TS, i / 15 + ((i * 17) % 40))
        .putLong(VALUE, (i * 40503L) % 10_007);

    private static WatermarkStrategy watermarks()
    {
        // No idle timeout: a split waiting at a gate must not drop out of the watermark (that depends on timing).
        return WatermarkStrategy.boundedOutOfOrderness(TS, 60).withIdleTimeout(0);
    }

    private static Source gated(final long events, final RowGenerator generator, final LongSupplier gate)
    {
        return new CheckpointedJob.GatedSource(Sources.generator(EVENT, events, generator), gate);
    }

    private JobContext context(final int shards, final Path checkpoints, final long intervalMs)
    {
        return new JobContext().shards(shards).idleStrategy(IdleStrategyKind.YIELD).checkpointDir(checkpoints)
            .checkpointIntervalMs(intervalMs).checkpointFullEvery(3).sessionCapacity(256)
            .stateDir(tmp.resolve("state")).deadLetterDir(tmp.resolve("dead-letters"));
    }

    private static List<List<String>> outputs(final Path out, final String... sinks) throws Exception
    {
        final List<List<String>> outputs = new ArrayList<>();
        for (final String sink : sinks)
        {
            outputs.add(CheckpointedJob.committed(out, sink));
        }
        return outputs;
    }

    private List<List<String>> reference(
        final String name, final Builder builder, final int shards, final UnaryOperator<JobContext> tune,
        final String... sinks) throws Exception
    {
        final Path out = tmp.resolve(name + "-reference");
        builder.build(() -> MAX, out).execute(tune.apply(context(shards, tmp.resolve(name + "-reference-checkpoints"), 0)))
            .join();
        return outputs(out, sinks);
    }

    /** How a run before the last ends. */
    enum Stop
    {
        /** A savepoint once enough checkpoints completed: usually with the sources waiting at their gate. */
        SAVEPOINT,
        /** A savepoint as soon as the run has read 20,000 records: records in flight, windows firing. */
        SAVEPOINT_RUNNING,
        /** Cancelled as soon as the run has read 20,000 records, as a crash: the next run restores the last periodic
         * (usually incremental) checkpoint and must drop the output that followed it. */
        CANCEL_RUNNING
    }

    /**
     * Run the pipeline once per entry of {@code shards}: every run but the last is stopped (see {@link Stop}) once
     * {@code checkpoints} checkpoints have completed (its source stops at {@code gates[run]}), the next resumes it.
     */
    private List<List<String>> interrupted(
        final String name, final Builder builder, final int[] shards, final long[] gates, final int checkpoints,
        final UnaryOperator<JobContext> tune, final Stop stop, final String... sinks) throws Exception
    {
        final Path out = tmp.resolve(name + "-" + stop);
        final Path dir = tmp.resolve(name + "-" + stop + "-checkpoints");
        for (int run = 0; run < shards.length; run++)
        {
            final long gate = run == shards.length - 1 ? MAX : gates[run];
            final Job job = builder.build(() -> gate, out).execute(tune.apply(context(shards[run], dir, 1)));
            if (run == 0)
            {
                assertNull(job.restoredFrom());
            }
            else if (stop != Stop.CANCEL_RUNNING)
            {
                assertNotNull(job.restoredFrom(), name + " run " + run);
                assertEquals(shards[run - 1], job.restoredFrom().shards);
            }
            if (run < shards.length - 1)
            {
                final long read = stop == Stop.SAVEPOINT ? 0 : 20_000;
                // (or, if the gate comes first, once it has waited there for twenty checkpoints)
                final long deadline1 = Waits.deadline();
                while ((job.checkpoints().completedCount() < checkpoints ||
                    job.counters().total(io.peregrine.metrics.Metric.SOURCE_RECORDS) < read &&
                    job.checkpoints().completedCount() < checkpoints + 20) && !job.isDone())
                {
                    Waits.pause(deadline1, "the checkpoints and records before the stop");
                }
                if (stop == Stop.CANCEL_RUNNING)
                {
                    job.cancel();
                }
                else
                {
                    job.stopWithSavepoint();
                }
            }
            job.join();
        }
        return outputs(out, sinks);
    }

    private List<List<String>> interrupted(
        final String name, final Builder builder, final int[] shards, final long[] gates, final int checkpoints,
        final UnaryOperator<JobContext> tune, final String... sinks) throws Exception
    {
        return interrupted(name, builder, shards, gates, checkpoints, tune, Stop.SAVEPOINT, sinks);
    }

    /**
     * {@link #interrupted} stopped each way must commit {@code expected}.
     */
    private void assertResumes(
        final List<List<String>> expected, final String name, final Builder builder, final int[] shards,
        final long[] gates, final int checkpoints, final UnaryOperator<JobContext> tune, final String... sinks)
        throws Exception
    {
        for (final Stop stop : Stop.values())
        {
            final List<List<String>> actual = interrupted(name, builder, shards, gates, checkpoints, tune, stop, sinks);
            for (int i = 0; i < sinks.length; i++)
            {
                assertTrue(!expected.get(i).isEmpty(), sinks[i] + ": the reference has no output");
                assertEquals(expected.get(i).size(), actual.get(i).size(), stop + ": " + sinks[i] + ": row count");
                assertEquals(expected.get(i), actual.get(i), stop + ": " + sinks[i]);
            }
        }
    }

    private static void assertSame(final List<List<String>> expected, final List<List<String>> actual, final String... sinks)
    {
        for (int i = 0; i < sinks.length; i++)
        {
            assertTrue(!expected.get(i).isEmpty(), sinks[i] + ": the reference has no output");
            assertEquals(expected.get(i).size(), actual.get(i).size(), sinks[i] + ": row count");
            assertEquals(expected.get(i), actual.get(i), sinks[i]);
        }
    }

    private static final long UNION_EVENTS = 150_000;

    private static Pipeline unionOfTwoSources(final LongSupplier gate, final Path out)
    {
        final Pipeline p = Pipeline.create("union-sources");
        final DataStream a = p.source("a", gated(UNION_EVENTS, EVENTS, gate), watermarks());
        final DataStream b = p.source("b", gated(UNION_EVENTS, OTHER_EVENTS, gate), watermarks());
        a.union("both", b)
            .keyBy("by-key", KEY)
            .window(Windows.tumbling(500))
            .aggregate("sums", Aggregations.count("n"), Aggregations.sum("sum", VALUE), Aggregations.max("max", VALUE))
            .sink("windows-out", Sinks.csv(out.resolve("windows")));
        return p;
    }

    @Test
    void shouldResumeAUnionOfTwoSources() throws Exception
    {
        final String[] sinks = {"windows"};
        final List<List<String>> expected = reference("union-sources", CheckpointPipelinesTest::unionOfTwoSources, 1,
            c -> c, sinks);
        assertResumes(expected, "union-sources-2", CheckpointPipelinesTest::unionOfTwoSources,
            new int[]{2, 2, 2}, new long[]{UNION_EVENTS / 3, 2 * UNION_EVENTS / 3}, 3, c -> c, sinks);
    }

    /**
     * Source a's windows (a keyed stream whose records carry event time {@code window_end - 1}) merged with source b's
     * records, keyed and windowed again.
     */
    private static Pipeline unionOfSourceAndKeyedStream(final LongSupplier gate, final Path out)
    {
        final Pipeline p = Pipeline.create("union-keyed");
        final DataStream a = p.source("a", gated(UNION_EVENTS, EVENTS, gate), watermarks());
        final DataStream b = p.source("b", gated(UNION_EVENTS, OTHER_EVENTS, gate), watermarks());
        final DataStream windows = a.keyBy("by-key-a", KEY)
            .window(Windows.tumbling(200))
            .aggregate("a-sums", Aggregations.sum("sum", VALUE));
        final Schema ws = windows.schema();
        final Field.Int64 wKey = ws.int64("key");
        final Field.Timestamp wEnd = ws.timestamp("window_end");
        final Field.Int64 wSum = ws.int64("sum");
        final DataStream asEvents = windows.map("as-events", EVENT,
            (in, w) -> w.putLong(KEY, in.getLong(wKey)).putTimestamp(TS, in.getTimestamp(wEnd) - 1)
                .putLong(VALUE, in.getLong(wSum)));
        b.union("both", asEvents)
            .keyBy("by-key", KEY)
            .window(Windows.tumbling(1000))
            .aggregate("sums", Aggregations.count("n"), Aggregations.sum("sum", VALUE), Aggregations.min("min", VALUE))
            .sink("windows-out", Sinks.csv(out.resolve("windows")));
        windows.sink("a-out", Sinks.csv(out.resolve("a-windows")));
        return p;
    }

    @Test
    void shouldResumeAUnionOfASourceAndAKeyedStream() throws Exception
    {
        final String[] sinks = {"windows", "a-windows"};
        final List<List<String>> expected = reference("union-keyed",
            CheckpointPipelinesTest::unionOfSourceAndKeyedStream, 1, c -> c, sinks);
        assertResumes(expected, "union-keyed-2", CheckpointPipelinesTest::unionOfSourceAndKeyedStream,
            new int[]{2, 2, 2}, new long[]{UNION_EVENTS / 3, 2 * UNION_EVENTS / 3}, 3, c -> c, sinks);
    }

    private static final long EVENTS_COUNT = 200_000;

    /** One stream read by two keyBys, one of them read by a window and a running aggregate. */
    private static Pipeline fanOut(final LongSupplier gate, final Path out)
    {
        final Pipeline p = Pipeline.create("fan-out");
        final DataStream events = p.source("gen", gated(EVENTS_COUNT, EVENTS, gate), watermarks());
        final var byKey = events.keyBy("by-key", KEY);
        byKey.window(Windows.tumbling(1000))
            .aggregate("by-key-windows", Aggregations.count("n"), Aggregations.sum("sum", VALUE))
            .sink("by-key-out", Sinks.csv(out.resolve("by-key")));
        byKey.window(Windows.sliding(1000, 500))
            .aggregate("by-key-sliding", Aggregations.max("max", VALUE), Aggregations.count("n"))
            .sink("by-key-sliding-out", Sinks.csv(out.resolve("by-key-sliding")));
        events.keyBy("by-bucket", row -> row.getLong(VALUE) % 7)
            .window(Windows.tumbling(2000))
            .aggregate("by-bucket-windows", Aggregations.count("n"), Aggregations.min("min", VALUE))
            .sink("by-bucket-out", Sinks.csv(out.resolve("by-bucket")));
        return p;
    }

    @Test
    void shouldResumeAFanOutToTwoKeyBys() throws Exception
    {
        final String[] sinks = {"by-key", "by-key-sliding", "by-bucket"};
        final List<List<String>> expected = reference("fan-out", CheckpointPipelinesTest::fanOut, 1, c -> c, sinks);
        assertResumes(expected, "fan-out-2", CheckpointPipelinesTest::fanOut, new int[]{2, 2, 2},
            new long[]{EVENTS_COUNT / 3, 2 * EVENTS_COUNT / 3}, 3, c -> c, sinks);
    }

    /** A window's results keyed again by another key and windowed again. */
    private static Pipeline twoKeyBys(final LongSupplier gate, final Path out)
    {
        final Pipeline p = Pipeline.create("two-key-bys");
        final DataStream first = p.source("gen", gated(EVENTS_COUNT, EVENTS, gate), watermarks())
            .keyBy("by-key", KEY)
            .window(Windows.tumbling(500))
            .aggregate("per-key", Aggregations.count("n"), Aggregations.sum("sum", VALUE));
        final Field.Int64 key = first.schema().int64("key");
        final Field.Int64 sum = first.schema().int64("sum");
        final Field.Int64 n = first.schema().int64("n");
        first.keyBy("by-group", row -> row.getLong(key) % 7)
            .window(Windows.tumbling(2000))
            .aggregate("per-group", Aggregations.count("windows"), Aggregations.sum("n", n), Aggregations.sum("sum", sum),
                Aggregations.max("max", sum))
            .sink("groups-out", Sinks.csv(out.resolve("groups")));
        first.sink("keys-out", Sinks.csv(out.resolve("keys")));
        return p;
    }

    @Test
    void shouldResumeTwoKeyBysInSequence() throws Exception
    {
        final String[] sinks = {"groups", "keys"};
        final List<List<String>> expected = reference("two-key-bys", CheckpointPipelinesTest::twoKeyBys, 1, c -> c, sinks);
        assertResumes(expected, "two-key-bys-2", CheckpointPipelinesTest::twoKeyBys, new int[]{2, 2, 2},
            new long[]{EVENTS_COUNT / 3, 2 * EVENTS_COUNT / 3}, 3, c -> c, sinks);
        // Small rings (records held back at the barrier) and windows firing in slices of eight results.
        assertResumes(expected, "two-key-bys-pressed", CheckpointPipelinesTest::twoKeyBys, new int[]{2, 2, 2},
            new long[]{EVENTS_COUNT / 3, 2 * EVENTS_COUNT / 3}, 3,
            c -> c.ringCapacity(16 * 1024).maxRowLength(1024).windowFireBatch(8), sinks);
    }

    private static Pipeline sliding(final LongSupplier gate, final Path out)
    {
        final Pipeline p = Pipeline.create("sliding");
        p.source("gen", gated(EVENTS_COUNT, EVENTS, gate), watermarks())
            .keyBy("by-key", KEY)
            .window(Windows.sliding(2000, 500))
            .aggregate("sliding", Aggregations.count("n"), Aggregations.sum("sum", VALUE), Aggregations.min("min", VALUE),
                Aggregations.max("max", VALUE), Aggregations.first("first", VALUE), Aggregations.last("last", VALUE))
            .sink("sliding-out", Sinks.csv(out.resolve("sliding")));
        return p;
    }

    @Test
    void shouldResumeTwoStageSlidingWindowsOnOneAndTwoShards() throws Exception
    {
        final String[] sinks = {"sliding"};
        // The reference is one stage (without the two-stage planning), one shard.
        final List<List<String>> expected = reference("sliding", CheckpointPipelinesTest::sliding, 1,
            c -> c.windowTwoStage(false), sinks);
        assertResumes(expected, "sliding-1", CheckpointPipelinesTest::sliding, new int[]{1, 1, 1},
            new long[]{EVENTS_COUNT / 3, 2 * EVENTS_COUNT / 3}, 3, c -> c, sinks);
        assertResumes(expected, "sliding-2", CheckpointPipelinesTest::sliding, new int[]{2, 2, 2},
            new long[]{EVENTS_COUNT / 3, 2 * EVENTS_COUNT / 3}, 3, c -> c, sinks);
        // Rescaled 2 -> 1 -> 2 (the local stage holds no checkpointed state, so this is the global stage's).
        assertResumes(expected, "sliding-rescaled", CheckpointPipelinesTest::sliding, new int[]{2, 1, 2},
            new long[]{EVENTS_COUNT / 3, 2 * EVENTS_COUNT / 3}, 3, c -> c, sinks);
    }

    private static final long LATE_EVENTS = 120_000;
    private static final long LATE_BASE = 100_000;

    /**
     * On time: {@code base + i/2} plus up to 49 ms (bound 100). Every 101st record from 20,000 on is 20 s behind, past
     * every window's lateness whatever the batch it came in (a batch is 256 records, 128 ms); every 97th is 2.5 s
     * behind, in a window that has fired but is within its 5 s of lateness, which it updates and emits again.
     */
    private static final RowGenerator LATE = (i, w) ->
    {
        final long onTime = LATE_BASE + i / 2;
        final long ts = i >= 20_000 && i % 101 == 0 ? onTime - 20_000 :
            i >= 20_000 && i % 97 == 0 ? onTime - 2_500 : onTime + (i * 31) % 50;
        w.putLong(KEY, (i * 7919) % 20).putTimestamp(TS, ts).putLong(VALUE, (i * 2654435761L) % 1_000_003);
    };

    private static Pipeline lateness(final LongSupplier gate, final Path out)
    {
        final Pipeline p = Pipeline.create("lateness");
        return windowsWithLateOutput(p, p.source("gen", gated(LATE_EVENTS, LATE, gate),
            WatermarkStrategy.boundedOutOfOrderness(TS, 100).withIdleTimeout(0)), 5000, out);
    }

    /** Counts and sums in 1 s tumbling windows to the sink {@code windows}, late records to {@code late}. */
    private static Pipeline windowsWithLateOutput(
        final Pipeline p, final DataStream events, final long allowedLateness, final Path out)
    {
        final var windowed = events
            .keyBy("by-key", KEY)
            .window(Windows.tumbling(1000))
            .allowedLateness(allowedLateness);
        windowed.aggregate("late-windows", Aggregations.count("n"), Aggregations.sum("sum", VALUE))
            .sink("windows-out", Sinks.csv(out.resolve("windows")));
        windowed.lateOutput().sink("late-out", Sinks.csv(out.resolve("late")));
        return p;
    }

    @Test
    void shouldResumeWindowsWithAllowedLatenessAndALateOutput() throws Exception
    {
        final String[] sinks = {"windows", "late"};
        // One shard, one split, a watermark after every batch: which records are late is then deterministic.
        final UnaryOperator<JobContext> tune = c -> c.watermarkIntervalMs(0);
        final List<List<String>> expected = reference("lateness", CheckpointPipelinesTest::lateness, 1, tune, sinks);
        long late = 0;
        for (long i = 20_000; i < LATE_EVENTS; i++)
        {
            late += i % 101 == 0 ? 1 : 0;
        }
        assertEquals(late, expected.get(1).size(), "late records");
        assertResumes(expected, "lateness-1", CheckpointPipelinesTest::lateness, new int[]{1, 1, 1, 1},
            new long[]{LATE_EVENTS / 4, LATE_EVENTS / 2, 3 * LATE_EVENTS / 4}, 3, tune, sinks);
    }

    /** A record late only against its split's watermark, which the restored run must rebuild from the checkpoint. */
    private static final List<Object[]> LATE_AFTER_RESTORE = List.of(
        new Object[]{ 1L, 100L, 1L }, new Object[]{ 1L, 1_500L, 2L },   // the gate is here: max 1500, watermark 1499
        new Object[]{ 1L, 900L, 4L },                                   // [0, 1000) closed for it: late
        new Object[]{ 1L, 2_500L, 8L });

    private static Pipeline lateAfterRestore(final LongSupplier gate, final Path out)
    {
        final Pipeline p = Pipeline.create("late-after-restore");
        return windowsWithLateOutput(p, p.source("events",
            new CheckpointedJob.GatedSource(Sources.collection(EVENT, LATE_AFTER_RESTORE), gate),
            WatermarkStrategy.boundedOutOfOrderness(TS, 0).withIdleTimeout(0)), 0, out);
    }

    @Test
    void shouldJudgeTheFirstRecordAfterARestoreAgainstTheCheckpointedSplitWatermark() throws Exception
    {
        final String[] sinks = {"windows", "late"};
        // One record per poll, a watermark interval of ten minutes: only the first watermark (99) leaves the source
        // before the savepoint, and only the split's largest timestamp, restored from the checkpoint, makes the
        // record at 900 late.
        final UnaryOperator<JobContext> tune = c -> c.sourceBatch(1).watermarkIntervalMs(600_000);
        final List<List<String>> expected = List.of(
            List.of("1,0,1000,1,1", "1,1000,2000,1,2", "1,2000,3000,1,8"), List.of("1,900,4"));
        assertEquals(expected, reference("late-after-restore", CheckpointPipelinesTest::lateAfterRestore, 2, tune, sinks));
        assertResumes(expected, "late-after-restore-2", CheckpointPipelinesTest::lateAfterRestore, new int[]{2, 1},
            new long[]{2}, 3, tune, sinks);
    }

    private static Pipeline topN(final LongSupplier gate, final Path out)
    {
        final Pipeline p = Pipeline.create("top-n");
        final DataStream events = p.source("gen", gated(EVENTS_COUNT, EVENTS, gate), watermarks());
        events.windowAll("all", Windows.tumbling(1000))
            .topN("top-all", 5, VALUE)
            .sink("top-all-out", Sinks.csv(out.resolve("top-all")));
        events.keyBy("by-key", KEY)
            .window(Windows.sliding(1000, 500))
            .topN("top-keyed", 2, VALUE)
            .sink("top-keyed-out", Sinks.csv(out.resolve("top-keyed")));
        return p;
    }

    @Test
    void shouldResumeTopNOverWindowAllAndKeyedWindows() throws Exception
    {
        final String[] sinks = {"top-all", "top-keyed"};
        final List<List<String>> expected = reference("top-n", CheckpointPipelinesTest::topN, 1, c -> c, sinks);
        assertResumes(expected, "top-n-2", CheckpointPipelinesTest::topN, new int[]{2, 2, 2},
            new long[]{EVENTS_COUNT / 3, 2 * EVENTS_COUNT / 3}, 3, c -> c, sinks);
    }

    /**
     * Ten keys; a key's m-th record at {@code 100 m} plus up to 89 ms, so consecutive ones are 11 to 189 ms apart: with a
     * gap of 150 a key has many sessions. Each key's records come in the order m = 0, 2, 1, 3, 5, 4...: the third of a
     * triple often bridges two sessions, which then merge (bound 500).
     */
    private static final RowGenerator SESSIONS = (i, w) ->
    {
        final long n = i / 10;
        final long m = n - n % 3 + new long[]{0, 2, 1}[(int)(n % 3)];
        w.putLong(KEY, i % 10).putTimestamp(TS, m * 100 + (m * m * 31 + (i % 10) * 7) % 90).putLong(VALUE, i);
    };

    private static Pipeline sessions(final LongSupplier gate, final Path out)
    {
        final Pipeline p = Pipeline.create("sessions");
        p.source("gen", gated(60_000, SESSIONS, gate), WatermarkStrategy.boundedOutOfOrderness(TS, 500).withIdleTimeout(0))
            .keyBy("by-key", KEY)
            .window(Windows.session(150))
            .aggregate("sessions", Aggregations.count("n"), Aggregations.sum("sum", VALUE), Aggregations.min("first", VALUE),
                Aggregations.max("last", VALUE))
            .sink("sessions-out", Sinks.csv(out.resolve("sessions")));
        return p;
    }

    @Test
    void shouldResumeSessionsThatMergeAcrossTheSavepoint() throws Exception
    {
        final String[] sinks = {"sessions"};
        // A shard may run far ahead of the other in event time, and a key's sessions stay open until the slower one's
        // watermark passes them: room for a few thousand per key (ten keys).
        final UnaryOperator<JobContext> tune = c -> c.sessionCapacity(2048);
        final List<List<String>> expected = reference("sessions", CheckpointPipelinesTest::sessions, 1, tune, sinks);
        assertTrue(expected.get(0).size() > 1000, "sessions: " + expected.get(0).size());
        assertResumes(expected, "sessions-2", CheckpointPipelinesTest::sessions, new int[]{2, 2, 2, 2},
            new long[]{15_001, 30_007, 45_011}, 3, tune, sinks);
        assertResumes(expected, "sessions-rescaled", CheckpointPipelinesTest::sessions, new int[]{2, 3, 1},
            new long[]{20_011, 40_009}, 3, tune, sinks);
    }

    @Test
    void shouldResumeWithTheDirectStateBackend() throws Exception
    {
        final long events = 200_000;
        final Builder builder = (gate, out) -> CheckpointedJob.pipeline(events, gate, out);
        final List<List<String>> expected = reference("direct", builder, 1, c -> c.stateBackend(StateBackend.DIRECT),
            CheckpointedJob.SINKS);
        assertResumes(expected, "direct-2", builder, new int[]{2, 2, 2}, new long[]{events / 3, 2 * events / 3},
            4, c -> c.stateBackend(StateBackend.DIRECT), CheckpointedJob.SINKS);
        assertResumes(expected, "direct-rescaled", builder, new int[]{2, 1, 3}, new long[]{events / 3, 2 * events / 3}, 4,
            c -> c.stateBackend(StateBackend.DIRECT), CheckpointedJob.SINKS);
    }

    @Test
    void shouldResumeFromFiveSavepointsInARow() throws Exception
    {
        final long events = 300_000;
        final Builder builder = (gate, out) -> CheckpointedJob.pipeline(events, gate, out);
        final List<List<String>> expected = reference("five", builder, 1, c -> c, CheckpointedJob.SINKS);
        final long[] gates = new long[5];
        for (int i = 0; i < gates.length; i++)
        {
            gates[i] = events * (i + 1) / 6;
        }
        assertResumes(expected, "five-2", builder, new int[]{2, 2, 2, 2, 2, 2}, gates, 2, c -> c,
            CheckpointedJob.SINKS);
    }

    private static final long JOIN_EVENTS = 90_000;
    private static final Schema JOINED = Schema.builder("joined").int32(RowKind.FIELD).int64("key")
        .timestamp("l_ts").int64("l_value").timestamp("r_ts").int64("r_value").build();
    private static final io.peregrine.api.Field.Int64 J_KEY = JOINED.int64("key");
    private static final io.peregrine.api.Field.Timestamp J_L_TS = JOINED.timestamp("l_ts");
    private static final io.peregrine.api.Field.Int64 J_L_VALUE = JOINED.int64("l_value");
    private static final io.peregrine.api.Field.Timestamp J_R_TS = JOINED.timestamp("r_ts");
    private static final io.peregrine.api.Field.Int64 J_R_VALUE = JOINED.int64("r_value");

    private static void pair(final Row left, final Row right, final io.peregrine.api.RowWriter out, final boolean rightValue)
    {
        out.putLong(J_KEY, left.getLong(KEY)).putTimestamp(J_L_TS, left.getTimestamp(TS))
            .putLong(J_L_VALUE, left.getLong(VALUE));
        if (right != null)
        {
            out.putTimestamp(J_R_TS, right.getTimestamp(TS))
                .putLong(J_R_VALUE, rightValue ? right.getLong(VALUE) : 0);
        }
    }

    /**
     * A regular inner join and a left outer one of sparse rows of two sources, an interval join and a session window
     * join of the same rows, and an as-of join of the first's rows with every row of the second as versions (the
     * version's time, not its value, in the output: which of two versions of one key and time arrived last depends on
     * how the splits interleave).
     */
    private static Pipeline joins(final LongSupplier gate, final Path out)
    {
        final Pipeline p = Pipeline.create("joins");
        final DataStream a = p.source("a", gated(JOIN_EVENTS, EVENTS, gate), watermarks());
        final DataStream b = p.source("b", gated(JOIN_EVENTS, OTHER_EVENTS, gate), watermarks());
        final KeyedStream left = a.filter("a-sparse", row -> row.getLong(VALUE) % 53 == 0).keyBy("a-by-key", KEY);
        final KeyedStream right = b.filter("b-sparse", row -> row.getLong(VALUE) % 47 == 0).keyBy("b-by-key", KEY);
        left.join(right).apply("inner", JOINED, (l, r, w) -> pair(l, r, w, true))
            .sink("inner-out", Sinks.csv(out.resolve("inner")));
        left.join(right).leftOuter().apply("outer", JOINED, (l, r, w) -> pair(l, r, w, true))
            .sink("outer-out", Sinks.csv(out.resolve("outer")));
        left.temporalJoin(b.keyBy("b-all-by-key", KEY)).leftOuter()
            .apply("as-of", JOINED, (l, r, w) -> pair(l, r, w, false))
            .sink("as-of-out", Sinks.csv(out.resolve("as-of")));
        left.intervalJoin(right, -20, 20).apply("interval", JOINED, (l, r, w) -> pair(l, r, w, true))
            .sink("interval-out", Sinks.csv(out.resolve("interval")));
        left.windowJoin(right, Windows.session(40)).apply("sessions", JOINED,
            (l, r, start, end, w) -> pair(l, r, w, true))
            .sink("sessions-out", Sinks.csv(out.resolve("sessions")));
        return p;
    }

    private static String difference(final List<String> expected, final List<String> actual)
    {
        final List<String> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        final List<String> extra = new ArrayList<>(actual);
        expected.forEach(extra::remove);
        return "missing " + missing.subList(0, Math.min(20, missing.size())) + " (" + missing.size() + "), extra " +
            extra.subList(0, Math.min(20, extra.size())) + " (" + extra.size() + ")";
    }

    /**
     * A changelog of {@code kind,columns} rows applied: {@code +I} adds a row, {@code -D} takes one back.
     *
     * @return the rows left, sorted.
     */
    private static List<String> applied(final List<String> changes)
    {
        final java.util.Map<String, Integer> count = new java.util.TreeMap<>();
        for (final String change : changes)
        {
            final String row = change.substring(change.indexOf(',') + 1);
            count.merge(row, change.startsWith(RowKind.DELETE.code() + ",") ? -1 : 1, Integer::sum);
        }
        final List<String> rows = new ArrayList<>();
        count.forEach((row, n) ->
        {
            assertTrue(n >= 0, "more retractions than rows: " + row);
            rows.addAll(java.util.Collections.nCopies(n, row));
        });
        return rows;
    }

    /**
     * Regular (inner and left outer), as-of, interval and session window joins stopped each way and resumed, on 2,
     * then 3, then 1 shard: the rows are the uninterrupted run's, and the outer join's changes, applied, leave its rows (which of
     * its rows stood padded for a while depends on how the two sources interleave).
     */
    @Test
    void shouldResumeRegularAndAsOfJoinsOnOtherShardCounts() throws Exception
    {
        final String[] sinks = {"inner", "outer", "as-of", "interval", "sessions"};
        final List<List<String>> expected = reference("joins", CheckpointPipelinesTest::joins, 1, c -> c, sinks);
        for (final List<String> rows : expected)
        {
            assertTrue(rows.size() > 100, "rows: " + rows.size());
        }
        for (final Stop stop : Stop.values())
        {
            final List<List<String>> actual = interrupted("joins-231", CheckpointPipelinesTest::joins,
                new int[]{2, 3, 1}, new long[]{JOIN_EVENTS / 3, 2 * JOIN_EVENTS / 3}, 3, c -> c, stop, sinks);
            assertEquals(expected.get(0), actual.get(0), stop + ": inner");
            assertEquals(applied(expected.get(1)), applied(actual.get(1)), stop + ": outer, applied");
            assertEquals(expected.get(2), actual.get(2), stop + ": as-of " + difference(expected.get(2), actual.get(2)));
            assertEquals(expected.get(3), actual.get(3), stop + ": interval");
            assertEquals(expected.get(4), actual.get(4), stop + ": sessions");
        }
    }

    @Test
    void shouldRescaleTwoToThreeToOneShards() throws Exception
    {
        final long events = 240_000;
        final Builder builder = (gate, out) -> CheckpointedJob.pipeline(events, gate, out);
        final List<List<String>> expected = reference("rescale", builder, 1, c -> c, CheckpointedJob.SINKS);
        assertResumes(expected, "rescale-231", builder, new int[]{2, 3, 1}, new long[]{events / 3, 2 * events / 3},
            3, c -> c, CheckpointedJob.SINKS);

        final String[] sinks = {"windows", "a-windows"};
        final List<List<String>> union = reference("rescale-union", CheckpointPipelinesTest::unionOfSourceAndKeyedStream, 1,
            c -> c, sinks);
        assertResumes(union, "rescale-union-231", CheckpointPipelinesTest::unionOfSourceAndKeyedStream,
            new int[]{2, 3, 1}, new long[]{UNION_EVENTS / 3, 2 * UNION_EVENTS / 3}, 3, c -> c, sinks);
    }

    @Test
    void shouldTakeOnlyTheFinalCheckpointWithIntervalZeroAndRestartAfterCompletionWithoutDuplicates() throws Exception
    {
        final long events = 150_000;
        final List<List<String>> expected = reference("interval-zero",
            (gate, out) -> CheckpointedJob.pipeline(events, gate, out), 1, c -> c, CheckpointedJob.SINKS);

        final Path out = tmp.resolve("interval-zero-2");
        final Path dir = tmp.resolve("interval-zero-2-checkpoints");
        final Job first = CheckpointedJob.pipeline(events, out).execute(context(2, dir, 0));
        first.join();
        assertEquals(1, first.checkpoints().completedCount());
        assertSame(expected, outputs(out, CheckpointedJob.SINKS), CheckpointedJob.SINKS);

        for (int restart = 0; restart < 2; restart++)
        {
            final Job again = CheckpointedJob.pipeline(events, out).execute(context(restart == 0 ? 2 : 1, dir, 0));
            assertNotNull(again.restoredFrom());
            again.join();
            assertSame(expected, outputs(out, CheckpointedJob.SINKS), CheckpointedJob.SINKS);
        }

        // Cancelled midway with interval 0, before any checkpoint: the next run starts afresh and drops what the
        // cancelled one wrote.
        final Path out3 = tmp.resolve("interval-zero-cancel");
        final Path dir3 = tmp.resolve("interval-zero-cancel-checkpoints");
        final Job cancelled = CheckpointedJob.pipeline(events, () -> events / 2, out3).execute(context(2, dir3, 0));
        final long deadline2 = Waits.deadline();
        while (cancelled.counters().total(io.peregrine.metrics.Metric.SOURCE_RECORDS) < events / 4 && !cancelled.isDone())
        {
            Waits.pause(deadline2, "a quarter of the events read");
        }
        cancelled.cancel();
        cancelled.join();
        final Job afresh = CheckpointedJob.pipeline(events, out3).execute(context(1, dir3, 0));
        assertNull(afresh.restoredFrom());
        afresh.join();
        assertSame(expected, outputs(out3, CheckpointedJob.SINKS), CheckpointedJob.SINKS);

        // Stopped midway with interval 0: the savepoint is the only checkpoint.
        final Path out2 = tmp.resolve("interval-zero-stop");
        final Path dir2 = tmp.resolve("interval-zero-stop-checkpoints");
        final Job stopped = CheckpointedJob.pipeline(events, () -> events / 2, out2).execute(context(2, dir2, 0));
        stopped.stopWithSavepoint();
        stopped.join();
        final Job resumed = CheckpointedJob.pipeline(events, out2).execute(context(2, dir2, 0));
        assertNotNull(resumed.restoredFrom());
        resumed.join();
        assertSame(expected, outputs(out2, CheckpointedJob.SINKS), CheckpointedJob.SINKS);
    }

    @Test
    void shouldReplayCsvFilesWithAMalformedLine() throws Exception
    {
        final int lines = 60_000;
        final Path[] files = new Path[2];
        for (int f = 0; f < files.length; f++)
        {
            final StringBuilder csv = new StringBuilder("key,ts,value\n");
            for (int i = 0; i < lines; i++)
            {
                final long n = 2L * i + f;
                if (i == 20_011 + f)
                {
                    csv.append("oops,").append(n).append(",x\n");
                }
                else if (i == 40_009)
                {
                    csv.append(n % 50).append(',').append(n / 20).append('\n');
                }
                csv.append(n * 7919 % 50).append(',').append(n / 20 + n * 31 % 50).append(',').append(n * 31 % 10_007)
                    .append('\n');
            }
            files[f] = tmp.resolve("in-" + f + ".csv");
            Files.writeString(files[f], csv.toString(), StandardCharsets.US_ASCII);
        }
        final Builder builder = (gate, out) ->
        {
            final Pipeline p = Pipeline.create("csv");
            final DataStream rows = p.source("csv",
                new CheckpointedJob.GatedSource(Sources.csv(EVENT, true, files), gate, true), watermarks());
            rows.keyBy("by-key", KEY)
                .window(Windows.tumbling(1000))
                .aggregate("windows", Aggregations.count("n"), Aggregations.sum("sum", VALUE))
                .sink("windows-out", Sinks.csv(out.resolve("windows")));
            rows.filter("some", row -> row.getLong(VALUE) % 10 == 0).sink("rows-out", Sinks.csv(out.resolve("rows")));
            return p;
        };
        final String[] sinks = {"windows", "rows"};
        final List<List<String>> expected = reference("csv", builder, 1, c -> c, sinks);
        assertEquals(2L * lines, expected.get(0).stream().mapToLong(l -> Long.parseLong(l.split(",")[3])).sum(),
            "records in windows: two files, the malformed and the short lines dead-lettered");
        assertResumes(expected, "csv-2", builder, new int[]{2, 2, 2, 1}, new long[]{15_000, 20_012, 40_010}, 3,
            c -> c, sinks);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // A process function with event-time and processing-time timers, on a clock the test advances by hand.

    private static final Schema FIRED = Schema.builder("fired").int64("key").int64("domain").timestamp("time")
        .int64("n").build();
    private static final Field.Int64 F_KEY = FIRED.int64("key");
    private static final Field.Int64 F_DOMAIN = FIRED.int64("domain");
    private static final Field.Timestamp F_TIME = FIRED.timestamp("time");
    private static final Field.Int64 F_N = FIRED.int64("n");
    private static final long T0 = 1_000_000_000L;
    private static final int PHASES = 4;
    private static final long PHASE_EVENTS = 40_000;
    private static final RowGenerator INDEXED = (i, w) -> w
        .putLong(KEY, (i * 7919) % 50)
        .putTimestamp(TS, i / 20 + ((i * 31) % 50))
        .putLong(VALUE, i);

    /** Test-side observation (not state): which records were processed, and processing-time fires per phase. */
    static final AtomicIntegerArray PROCESSED = new AtomicIntegerArray((int)(PHASES * PHASE_EVENTS));
    static final AtomicIntegerArray FIRES = new AtomicIntegerArray(PHASES + 1);

    /**
     * Counts a key's records; an event-time timer at the end of each 100 ms its records fall in; a processing-time
     * timer at the end of the phase of each record (phase p ends at {@code T0 + (p + 1) * 1000}, which the test sets once
     * every record of the phase is processed), reporting how many records the key had then.
     */
    static final class Timers implements KeyedProcessFunction
    {
        public void processElement(final Row in, final Context ctx, final io.peregrine.api.Collector out)
        {
            final org.agrona.MutableDirectBuffer state = ctx.state();
            state.putLong(0, state.getLong(0) + 1);
            final long i = in.getLong(VALUE);
            ctx.registerEventTimeTimer(in.getTimestamp(TS) / 100 * 100 + 99);
            ctx.registerProcessingTimeTimer(T0 + (i / PHASE_EVENTS + 1) * 1000);
            PROCESSED.set((int)i, 1);
        }

        public void onTimer(final long time, final TimeDomain domain, final Context ctx, final io.peregrine.api.Collector out)
        {
            final org.agrona.MutableDirectBuffer state = ctx.state();
            final long n;
            if (domain == TimeDomain.EVENT_TIME)
            {
                n = state.getLong(8) + 1;
                state.putLong(8, n);
            }
            else
            {
                n = state.getLong(0);
                FIRES.incrementAndGet((int)((time - T0) / 1000));
            }
            out.next().putLong(F_KEY, ctx.key()).putLong(F_DOMAIN, domain == TimeDomain.EVENT_TIME ? 0 : 1)
                .putTimestamp(F_TIME, time).putLong(F_N, n);
            out.emit();
        }
    }

    private static Pipeline timers(final LongSupplier gate, final Path out)
    {
        final Pipeline p = Pipeline.create("timers");
        p.source("gen", gated(PHASES * PHASE_EVENTS, INDEXED, gate), watermarks())
            .keyBy("by-key", KEY)
            .process("timers", FIRED, 16, Timers::new)
            .sink("fired-out", Sinks.csv(out.resolve("fired")));
        return p;
    }

    /**
     * Run phases {@code from} (inclusive) to {@code to} (exclusive) of the timers job: raise the gate to the phase's end,
     * wait until every record before it is processed, then set the clock to the phase's end and wait for its
     * processing-time timers. The last phase's gate is open and its processing-time timers never fire.
     */
    private static void phases(
        final Job job, final java.util.concurrent.atomic.AtomicLong gate, final CachedEpochClock clock, final int from, final int to)
    {
        for (int phase = from; phase < to; phase++)
        {
            if (phase == PHASES - 1)
            {
                gate.set(MAX);
                return;
            }
            final long end = (phase + 1) * PHASE_EVENTS;
            gate.set(end + 1); // two splits: the gated source lets a split read up to (gate - position) / 2 more
            for (int i = 0; i < end; i++)
            {
                final long deadline3 = Waits.deadline();
                while (PROCESSED.get(i) == 0)
                {
                    assertTrue(!job.isDone(), "job ended");
                    Waits.pause(deadline3, "record " + i + " processed");
                }
            }
            clock.update(T0 + (phase + 1) * 1000);
            final long deadline4 = Waits.deadline();
            while (FIRES.get(phase + 1) < 50)
            {
                assertTrue(!job.isDone(), "job ended");
                Waits.pause(deadline4, "phase " + (phase + 1) + "'s 50 timers");
            }
        }
    }

    private static void reset()
    {
        for (int i = 0; i < PROCESSED.length(); i++)
        {
            PROCESSED.set(i, 0);
        }
        for (int i = 0; i < FIRES.length(); i++)
        {
            FIRES.set(i, 0);
        }
    }

    @Test
    void shouldResumeEventAndProcessingTimeTimers() throws Exception
    {
        final String[] sinks = {"fired"};
        final java.util.concurrent.atomic.AtomicLong gate = new java.util.concurrent.atomic.AtomicLong();
        final CachedEpochClock clock = new CachedEpochClock();

        reset();
        clock.update(T0);
        final Path reference = tmp.resolve("timers-reference");
        final Job uninterrupted = timers(gate::get, reference).execute(
            context(2, tmp.resolve("timers-reference-checkpoints"), 1).epochClock(clock).watermarkIntervalMs(0));
        phases(uninterrupted, gate, clock, 0, PHASES);
        uninterrupted.join();
        final List<List<String>> expected = outputs(reference, sinks);
        assertTrue(expected.get(0).stream().filter(l -> l.split(",")[1].equals("1")).count() == 50 * (PHASES - 1),
            "processing-time timers fired: " + expected.get(0).size());

        for (final int[] shards : new int[][]{{2, 2}, {2, 3}, {2, 1}})
        {
            final StateBackend backend = shards[1] == 1 ? StateBackend.DIRECT : StateBackend.MAPPED;
            reset();
            clock.update(T0);
            gate.set(0);
            final Path out = tmp.resolve("timers-" + shards[1]);
            final Path dir = tmp.resolve("timers-checkpoints-" + shards[1]);
            final Job first = timers(gate::get, out).execute(context(shards[0], dir, 1).epochClock(clock)
                .watermarkIntervalMs(0).stateBackend(backend));
            // Phase 0 with its processing-time timers, phase 1's records; stopped before its timers are due.
            phases(first, gate, clock, 0, 1);
            gate.set(2 * PHASE_EVENTS + 1);
            for (int i = 0; i < 2 * PHASE_EVENTS; i++)
            {
                final long deadline5 = Waits.deadline();
                while (PROCESSED.get(i) == 0)
                {
                    Waits.pause(deadline5, "record " + i + " processed");
                }
            }
            first.stopWithSavepoint();
            first.join();

            final Job second = timers(gate::get, out).execute(context(shards[1], dir, 1).epochClock(clock)
                .watermarkIntervalMs(0).stateBackend(backend));
            assertNotNull(second.restoredFrom());
            clock.update(T0 + 2 * 1000);
            final long deadline6 = Waits.deadline();
            while (FIRES.get(2) < 50)
            {
                Waits.pause(deadline6, "phase 2's 50 timers");
            }
            phases(second, gate, clock, 2, PHASES);
            second.join();
            assertSame(expected, outputs(out, sinks), sinks);
        }
    }
}
