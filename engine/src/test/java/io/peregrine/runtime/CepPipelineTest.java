package io.peregrine.runtime;

import io.peregrine.api.Field;
import io.peregrine.api.Job;
import io.peregrine.api.PipelineException;
import io.peregrine.api.Schema;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.cep.Pattern;
import io.peregrine.config.JobContext;
import io.peregrine.connector.CollectSink;
import io.peregrine.pipeline.KeyedStream;
import io.peregrine.pipeline.PatternOutput;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.agrona.concurrent.CachedEpochClock;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keyed.pattern(...) in a running job: records reordered by event time per key, matches selected, partial matches
 * timed out to the timeout output, late records to the late output.
 */
class CepPipelineTest
{
    static final Schema OUT = Schema.builder("out").int64("key").timestamp("first").timestamp("last").int64("n").build();
    static final Field.Int64 OUT_KEY = OUT.int64("key");
    static final Field.Timestamp OUT_FIRST = OUT.timestamp("first");
    static final Field.Timestamp OUT_LAST = OUT.timestamp("last");
    static final Field.Int64 OUT_N = OUT.int64("n");

    /** Rising values (2 or more) then a drop, within 1000 ms: an iterative condition compares with the last rise. */
    static Pattern risingThenDrop()
    {
        return Pattern.begin("rise").where(e -> true).timesOrMore(2).consecutive()
            .where((e, m) -> m.count("rise") == 0 || e.getLong(VALUE) > m.last("rise").getLong(VALUE))
            .next("drop").where((e, m) -> e.getLong(VALUE) < m.last("rise").getLong(VALUE))
            .within(1000);
    }

    private static PatternOutput select(final KeyedStream keyed, final Pattern pattern)
    {
        return keyed.pattern("p", pattern).select("matches", OUT, (match, out) ->
        {
            final String first = match.count("rise") > 0 ? "rise" : "t";
            out.next().putLong(OUT_KEY, match.first(first).getLong(KEY))
                .putTimestamp(OUT_FIRST, match.first(first).getTimestamp(TS))
                .putTimestamp(OUT_LAST, match.count("drop") > 0 ? match.first("drop").getTimestamp(TS) : 0)
                .putLong(OUT_N, match.count(first));
            out.emit();
        });
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldMatchEachKeyInEventTimeOrder(final int shards)
    {
        final Pipeline p = Pipeline.create("cep");
        final CollectSink sink = Sinks.collect();
        // key 1 arrives out of order: 10:1, 30:3, 20:2, 40:1 -> in time order 1 2 3 1: rise x3 then drop.
        final List<Object[]> events = List.of(event(1, 10, 1), event(2, 5, 9), event(1, 30, 3), event(1, 20, 2),
            event(2, 6, 8), event(1, 40, 1), event(2, 7, 9), event(2, 8, 10), event(2, 9, 4));
        select(p.source("events", Sources.collection(EVENT, events), WatermarkStrategy.boundedOutOfOrderness(TS, 100))
            .keyBy("by-key", KEY), risingThenDrop()).sink("out", sink);
        p.execute(new JobContext().shards(shards).idleStrategyName("yield")).join();
        assertEquals(List.of("1,10,40,3", "1,20,40,2", "2,6,9,3", "2,7,9,2"), sink.sortedRows());
    }

    @Test
    void shouldSendTimeoutsAndLateRecordsToTheirOutputs()
    {
        final Pipeline p = Pipeline.create("cep-side");
        final CollectSink matches = Sinks.collect();
        final CollectSink timeouts = Sinks.collect();
        final CollectSink late = Sinks.collect();
        final List<Object[]> events = List.of(event(1, 100, 1), event(1, 200, 2), event(1, 5000, 1), event(1, 150, 7),
            event(1, 5100, 2), event(1, 5200, 3), event(1, 5300, 0));
        final PatternOutput out = select(p.source("events", Sources.collection(EVENT, events),
            WatermarkStrategy.boundedOutOfOrderness(TS, 0)).keyBy("by-key", KEY), risingThenDrop());
        out.sink("out", matches);
        out.timedOut("timeouts", OUT, (partial, ts, o) ->
        {
            o.next().putLong(OUT_KEY, partial.first("rise").getLong(KEY)).putTimestamp(OUT_FIRST, partial.startTime())
                .putTimestamp(OUT_LAST, ts).putLong(OUT_N, partial.count("rise"));
            o.emit();
        }).sink("timeouts-out", timeouts);
        out.lateOutput().sink("late-out", late);
        final Job job = p.execute(new JobContext().shards(1).sourceBatch(1).watermarkIntervalMs(0));
        job.join();
        assertEquals(List.of("1,5000,5300,3", "1,5100,5300,2"), matches.sortedRows());
        assertEquals(List.of("1,150,7"), late.rows());
        assertTrue(timeouts.sortedRows().contains("1,100,1100,2"), timeouts.sortedRows().toString());
    }

    @Test
    void shouldTimeAPatternInProcessingTimeByTheJobClock()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(50_000);
        final Pipeline p = Pipeline.create("cep-processing-time");
        final List<String> matches = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<String> timeouts = java.util.Collections.synchronizedList(new ArrayList<>());
        // no event time at all: the source has no WatermarkStrategy; even values are trades, odd ones quotes
        final Pattern fade = Pattern.begin("trade").where(e -> e.getLong(VALUE) % 2 == 0)
            .followedBy("quote").where(e -> e.getLong(VALUE) % 2 == 1).within(100);
        // unbounded: after a trade and a quote of key 1 and a trade of key 2, quotes of key 3 that start nothing
        final PatternOutput out = p.source("events", Sources.generator(EVENT, Long.MAX_VALUE, (i, w) -> w
                .putLong(KEY, i < 2 ? 1 : i == 2 ? 2 : 3).putTimestamp(TS, 1000 - i).putLong(VALUE, i == 1 || i > 2 ? 1 : 0)))
            .keyBy("by-key", KEY).pattern("fade", fade).inProcessingTime()
            .select("matches", OUT, (match, o) -> matches.add(match.first("trade").getLong(KEY) + "@" +
                match.first("trade").eventTime() + "-" + match.first("quote").eventTime()));
        out.sink("out", Sinks.collect());
        out.timedOut("timeouts", OUT, (partial, ts, o) -> timeouts.add(partial.first("trade").getLong(KEY) + "@" + ts))
            .sink("timeouts-out", Sinks.collect());
        final LocalJob job = LocalJob.startStepped(p.plan(), new JobContext().shards(2).epochClock(clock));
        try
        {
            job.stepUntil(() -> matches.size() == 1, 10_000);
            for (int i = 0; i < 100; i++)
            {
                job.stepAll();
            }
            assertEquals(List.of("1@50000-50000"), matches);
            assertEquals(List.of(), timeouts, "no timeout while the clock stands still");
            clock.advance(99);
            for (int i = 0; i < 100; i++)
            {
                job.stepAll();
            }
            assertEquals(List.of(), timeouts, "none a millisecond early");
            clock.advance(1);
            job.stepUntil(() -> timeouts.size() == 1, 10_000);
            assertEquals(List.of("2@50100"), timeouts);
        }
        finally
        {
            job.cancel();
            job.join();
        }
    }

    @Test
    void shouldAskForEventTimeOrProcessingTime()
    {
        final KeyedStream keyed = Pipeline.create("no-time").source("events", Sources.collection(EVENT, List.of()))
            .keyBy("by-key", KEY);
        final PipelineException e = assertThrows(PipelineException.class,
            () -> keyed.pattern("p", risingThenDrop()).select("m", OUT, (match, o) -> { }));
        assertTrue(e.getMessage().contains("pattern 'p' needs event time") && e.getMessage().contains("inProcessingTime()"),
            e.getMessage());
    }

    @Test
    void shouldRefuseBadPatternsWhenThePipelineIsBuilt()
    {
        final KeyedStream keyed = Pipeline.create("bad").source("events", Sources.collection(EVENT, List.of()),
            WatermarkStrategy.boundedOutOfOrderness(TS, 0)).keyBy("by-key", KEY);
        assertRefused("step 'x' is declared twice", keyed,
            Pattern.begin("x").followedBy("y").followedBy("x"));
        assertRefused("step 'q'", keyed, Pattern.begin("t").notFollowedBy("q").where(e -> true));
        assertRefused("step 'n' is a notNext step: it cannot be optional", keyed,
            Pattern.begin("a").notNext("n").where(e -> true).optional().followedBy("b"));
        assertRefused("has no name", keyed, Pattern.begin(""));
        assertRefused("the pattern is empty", keyed, null);
        assertRefused("step 'a' has an invalid quantifier", keyed, Pattern.begin("a").times(0));
        assertRefused("names no step", keyed, Pattern.begin("a", io.peregrine.cep.AfterMatchSkip.skipToLast("z")));
        assertRefused("step 'b': consecutive()", keyed, Pattern.begin("a").next("b").consecutive());
    }

    private static void assertRefused(final String message, final KeyedStream keyed, final Pattern pattern)
    {
        final PipelineException e = assertThrows(PipelineException.class, () -> keyed.pattern("bad", pattern));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
