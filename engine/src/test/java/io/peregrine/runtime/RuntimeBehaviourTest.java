package io.peregrine.runtime;

import io.peregrine.api.Job;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.api.Aggregations;
import io.peregrine.api.Field;
import io.peregrine.api.ValueState;
import io.peregrine.api.JobFailedException;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.TimeDomain;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.connector.CollectSink;
import io.peregrine.metrics.Metric;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static io.peregrine.runtime.TestSchemas.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeBehaviourTest
{
    /**
     * Waits for a condition the job makes true, failing after a generous deadline (not a sleep:
     * it returns as soon as the condition holds).
     */
    static void await(final BooleanSupplier condition, final String what)
    {
        await(condition, what, 60);
    }

    /**
     * @param seconds the deadline, for a wait whose work scales with the machine's speed (millions of records).
     */
    static void await(final BooleanSupplier condition, final String what, final long seconds)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out after " + seconds + " s waiting for: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000); // poll without taking a core from the shards
        }
    }

    @Test
    void shouldLoseNothingWhenASlowSinkBackPressuresSmallRings()
    {
        final long events = 200_000;
        final AtomicLong received = new AtomicLong();
        final AtomicLong checksum = new AtomicLong();
        final Sink slow = (shard, shards, schema) ->
        {
            final Field.Int64 key = schema.int64("key");
            final Field.Int64 n = schema.int64("n");
            return row ->
            {
                long x = row.getLong(key);
                for (int i = 0; i < 200; i++)
                {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
                checksum.addAndGet(row.getLong(n) + (x & 0));
                received.incrementAndGet();
            };
        };
        final Pipeline p = Pipeline.create("slow");
        p.source("gen", Sources.generator(EVENT, events, (i, w) -> w.putLong(KEY, i % 1000).putTimestamp(TS, i).putLong(VALUE, 1)))
            .keyBy("by-key", KEY)
            .aggregate("count", Aggregations.count("n"))
            .sink("slow-sink", slow);
        final Job job = p.execute(new JobContext().shards(2).ringCapacity(4096).maxRowLength(256).idleStrategy(IdleStrategyKind.YIELD));
        job.join();
        assertEquals(events, received.get(), "every record reached the sink");
        // Each key k sees counts 1..200: the running counts sum to 1000 * (200 * 201 / 2).
        assertEquals(1000L * 200 * 201 / 2, checksum.get());
        assertTrue(job.counters().total(Metric.BACK_PRESSURE) > 0, "the small rings filled up");
    }

    @Test
    void shouldEndABoundedJobAfterTheFinalWatermarkFiresTheLastWindow()
    {
        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("bounded");
        p.source("gen", Sources.generator(EVENT, 10_000, (i, w) -> w.putLong(KEY, i % 3).putTimestamp(TS, i).putLong(VALUE, i)),
                WatermarkStrategy.boundedOutOfOrderness(TS, 0))
            .keyBy("by-key", KEY)
            .window(Windows.tumbling(1000))
            .aggregate("sum", Aggregations.count("n"))
            .sink("out", sink);
        final Job job = p.execute(new JobContext().shards(2));
        job.join();
        assertTrue(job.isDone());
        final List<String> rows = sink.sortedRows();
        assertEquals(30, rows.size(), "10 windows x 3 keys, the last fired by the final watermark");
        assertTrue(rows.contains("0,9000,10000,334"), rows.toString());
    }

    @Test
    void shouldRunEveryShardOnAThreadFromTheContextsThreadFactoryNamedAfterItsShard() throws InterruptedException
    {
        final List<Thread> made = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<String> ranOn = java.util.Collections.synchronizedList(new ArrayList<>());
        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("factory");
        p.source("gen", Sources.generator(EVENT, 1_000, (i, w) -> w.putLong(KEY, i % 3).putTimestamp(TS, i).putLong(VALUE, i)),
                WatermarkStrategy.boundedOutOfOrderness(TS, 0))
            .keyBy("by-key", KEY)
            .window(Windows.tumbling(100))
            .aggregate("count", Aggregations.count("n"))
            .sink("out", sink);
        p.execute(new JobContext().shards(2).threadFactory(runnable ->
        {
            final Thread thread = new Thread(() ->
            {
                ranOn.add(Thread.currentThread().getName());
                runnable.run();
            }, "unnamed");
            made.add(thread);
            return thread;
        })).join();
        for (final Thread thread : made)
        {
            thread.join();
        }
        assertEquals(2, made.size());
        assertEquals(List.of("peregrine-shard-0", "peregrine-shard-1"), ranOn.stream().sorted().toList());
        assertEquals(30, sink.rows().size(), "10 windows x 3 keys");
    }

    @Test
    void shouldFailTheJobNamingTheOperatorAndTheSourcePosition()
    {
        final Pipeline p = Pipeline.create("failing");
        p.source("numbers", Sources.collection(EVENT, List.of(event(1, 1, 5), event(2, 2, 0), event(3, 3, 7))))
            .map("divide", EVENT, (in, out) -> out.putLong(KEY, 100 / in.getLong(VALUE)))
            .sink("out", Sinks.collect());
        final JobFailedException e = assertThrows(JobFailedException.class,
            () -> p.execute(new JobContext().shards(1)).join());
        assertTrue(e.getMessage().contains("operator 'divide'"), e.getMessage());
        assertTrue(e.getMessage().contains("source 'numbers' split 0, position 1"), e.getMessage());
        assertTrue(e.getMessage().contains("ArithmeticException"), e.getMessage());
    }

    @Test
    void shouldNotLetAnIdleInputHoldTheWatermarkBackForever()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(1_000);
        final AtomicLong windows = new AtomicLong();
        final Pipeline p = Pipeline.create("idle");
        final var busy = p.source("busy", Sources.generator(EVENT, Long.MAX_VALUE,
            (i, w) -> w.putLong(KEY, 1).putTimestamp(TS, i).putLong(VALUE, 1)), WatermarkStrategy.boundedOutOfOrderness(TS, 0)
            .withIdleTimeout(500));
        final var silent = p.source("silent", Sources.generator(EVENT, Long.MAX_VALUE, 1e-9,
            (i, w) -> w.putLong(KEY, 2).putTimestamp(TS, 0).putLong(VALUE, 1)), WatermarkStrategy.boundedOutOfOrderness(TS, 0)
            .withIdleTimeout(500));
        final AtomicLong silentRecords = new AtomicLong();
        busy.union("both", silent)
            .keyBy("by-key", KEY)
            .window(Windows.tumbling(1000))
            .aggregate("count", Aggregations.count("n"))
            .sink("out", (shard, shards, schema) ->
            {
                final io.peregrine.api.Field.Int64 key = schema.int64("key");
                final io.peregrine.api.Field.Int64 n = schema.int64("n");
                return row ->
                {
                    if (row.getLong(key) == 2)
                    {
                        silentRecords.addAndGet(row.getLong(n));
                    }
                    windows.incrementAndGet();
                };
            });
        // Stepped by hand with both clocks frozen: the silent source's pacing and the idle timeout see only the time the
        // test sets, so what follows does not depend on how fast the machine is.
        final LocalJob job = LocalJob.startStepped(p.plan(),
            new JobContext().shards(1).epochClock(clock).nanoClock(new CachedNanoClock()).sourceBatch(64));
        try
        {
            job.stepUntil(() -> job.counters().total(Metric.SOURCE_RECORDS) > 20_000, 10_000);
            // The silent input's one split emitted its first (paced) record at start, then nothing: its watermark holds
            // every window back.
            assertEquals(0, windows.get(), "the silent input holds the watermark back");
            job.stepUntil(() -> job.counters().total(Metric.SOURCE_RECORDS) > 40_000, 10_000);
            assertEquals(0, windows.get(), "still held back while the clock stands still");
            clock.advance(501);
            job.stepUntil(() -> windows.get() > 10, 10_000);
        }
        finally
        {
            job.cancel();
            job.join();
        }
        // The silent input's one record is counted once, in its window, which fired when the idle input stopped
        // holding the watermark back.
        assertEquals(1, silentRecords.get(), "the silent input's record, counted in its window");
    }

    @Test
    void shouldFireProcessingTimeTimersFromTheContextClock()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(10_000);
        final Schema alert = Schema.builder("alert").int64("key").int64("seen").timestamp("fired_at").build();
        final Field.Int64 alertKey = alert.int64("key");
        final Field.Int64 alertSeen = alert.int64("seen");
        final Field.Timestamp alertFiredAt = alert.timestamp("fired_at");
        final Schema seen = Schema.builder("seen").int64("count").int32("timer_set").build();
        final Field.Int64 count = seen.int64("count");
        final Field.Int32 timerSet = seen.int32("timer_set");
        final AtomicLong fired = new AtomicLong();
        final AtomicLong registered = new AtomicLong();
        final List<String> out = java.util.Collections.synchronizedList(new ArrayList<>());
        final Pipeline p = Pipeline.create("timers");
        p.source("gen", Sources.generator(EVENT, Long.MAX_VALUE, (i, w) -> w.putLong(KEY, i % 4).putTimestamp(TS, i).putLong(VALUE, 1)))
            .keyBy("by-key", KEY)
            .process("count-then-report", alert, seen, new KeyedProcessFunction()
            {
                public void processElement(final Row in, final Context ctx, final io.peregrine.api.Collector c)
                {
                    final ValueState state = ctx.value();
                    state.putLong(count, state.getLong(count) + 1);
                    if (state.getInt(timerSet) == 0)
                    {
                        state.putInt(timerSet, 1);
                        ctx.registerProcessingTimeTimer(ctx.currentProcessingTime() + 1_000);
                        registered.incrementAndGet();
                    }
                }

                public void onTimer(final long timestamp, final TimeDomain domain, final Context ctx, final io.peregrine.api.Collector c)
                {
                    c.next().putLong(alertKey, ctx.key()).putLong(alertSeen, ctx.value().getLong(count))
                        .putTimestamp(alertFiredAt, timestamp);
                    c.emit(timestamp);
                }
            })
            .sink("out", (shard, shards, schema) -> row ->
            {
                out.add(row.toText(alertKey) + "@" + row.toText(alertFiredAt));
                fired.incrementAndGet();
            });
        // Both shards stepped by hand: the clock moves exactly when the test says, after every key's first record has
        // registered its timer (with shard threads, records still in the rings made this flaky under load).
        final LocalJob job = LocalJob.startStepped(p.plan(), new JobContext().shards(2).epochClock(clock));
        try
        {
            job.stepUntil(() -> registered.get() == 4, 10_000);
            for (int i = 0; i < 100; i++)
            {
                job.stepAll();
            }
            assertEquals(0, fired.get(), "no timer before its time");
            clock.advance(999);
            for (int i = 0; i < 100; i++)
            {
                job.stepAll();
            }
            assertEquals(0, fired.get(), "no timer a millisecond before its time");
            clock.advance(1);
            job.stepUntil(() -> fired.get() == 4, 10_000);
            for (int i = 0; i < 100; i++)
            {
                job.stepAll();
            }
            assertEquals(4, fired.get(), "one timer per key, fired once");
            assertEquals(4, registered.get(), "each key registered one timer");
        }
        finally
        {
            job.cancel();
            job.join();
        }
        java.util.Collections.sort(out);
        assertEquals(List.of("0@11000", "1@11000", "2@11000", "3@11000"), out);
    }

    @Test
    void shouldKeepRunningAggregatesAndReducesPerKey()
    {
        final CollectSink aggregates = Sinks.collect();
        final CollectSink reduced = Sinks.collect();
        final Pipeline p = Pipeline.create("rolling");
        final var events = p.source("events", Sources.collection(EVENT, List.of(
            event(1, 1, 10), event(2, 2, 5), event(1, 3, -4), event(1, 4, 7))));
        events.keyBy("by-key", KEY)
            .aggregate("stats", Aggregations.count("n"), Aggregations.sum("sum", VALUE), Aggregations.min("min", VALUE),
                Aggregations.max("max", VALUE), Aggregations.avg("avg", VALUE))
            .sink("agg-out", aggregates);
        events.keyBy("by-key-2", KEY)
            .reduce("max-value", (acc, in, out) -> out.copyOf(in.getLong(VALUE) > acc.getLong(VALUE) ? in : acc))
            .sink("reduce-out", reduced);
        p.execute(new JobContext().shards(1)).join();
        assertEquals(List.of("1,1,10,10,10,10.0", "2,1,5,5,5,5.0", "1,2,6,-4,10,3.0", "1,3,13,-4,10,4.333333333333333"),
            aggregates.rows());
        assertEquals(List.of("1,1,10", "2,2,5", "1,1,10", "1,1,10"), reduced.rows());
    }

    @Test
    void shouldRankTheTopNRowsPerWindowIndependentlyOfArrivalOrder()
    {
        final List<Object[]> events = new ArrayList<>();
        for (int k = 0; k < 20; k++)
        {
            events.add(event(k, 100 + k, k % 7));
        }
        java.util.Collections.shuffle(events, new java.util.Random(42));
        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("top");
        p.source("events", Sources.collection(EVENT, events), WatermarkStrategy.boundedOutOfOrderness(TS, 100))
            .windowAll("all", Windows.tumbling(1000))
            .topN("top3", 3, VALUE)
            .sink("out", sink);
        p.execute(new JobContext().shards(2)).join();
        // value 6 for keys 6 and 13, value 5 for 5, 12 and 19: ties broken by row bytes (key little-endian first).
        assertEquals(List.of("0,1000,1,6,106,6", "0,1000,2,13,113,6", "0,1000,3,5,105,5"), sink.rows());
    }
}
