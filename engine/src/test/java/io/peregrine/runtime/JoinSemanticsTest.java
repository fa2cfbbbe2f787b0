package io.peregrine.runtime;

import io.peregrine.api.Field;
import io.peregrine.api.PipelineException;
import io.peregrine.api.Row;
import io.peregrine.api.RowKind;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.config.JobContext;
import io.peregrine.connector.CollectSink;
import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.KeyedStream;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each join of the API over two bounded sources on 1, 2 and 4 shards, the expected rows worked out by hand from the
 * documented (Flink) semantics. Nothing is late here (the out-of-orderness bound covers the disorder), so the rows do
 * not depend on how the shards interleave; lateness, expiry and the order of a changelog are tested with a hand-driven
 * operator in {@link JoinOperatorsTest} and against a nested-loop reference in {@link JoinPropertiesTest}.
 */
class JoinSemanticsTest
{
    static final Schema LEFT = Schema.builder("left").int64("key").timestamp("ts").int64("value").build();
    static final Field.Int64 L_KEY = LEFT.int64("key");
    static final Field.Timestamp L_TS = LEFT.timestamp("ts");
    static final Field.Int64 L_VALUE = LEFT.int64("value");
    static final Schema RIGHT = Schema.builder("right").int64("key").timestamp("ts").varString("tag").build();
    static final Field.Int64 R_KEY = RIGHT.int64("key");
    static final Field.Timestamp R_TS = RIGHT.timestamp("ts");
    static final Field.VarString R_TAG = RIGHT.varString("tag");

    /** Output: key, the left row's time and value, the right row's time and tag (0 and empty when padded). */
    static final Schema OUT = Schema.builder("out").int64("key").timestamp("l_ts").int64("l_value")
        .timestamp("r_ts").varString("r_tag").build();
    static final Schema CHANGES = Schema.builder("changes").int32(RowKind.FIELD).int64("key").timestamp("l_ts")
        .int64("l_value").timestamp("r_ts").varString("r_tag").build();
    static final Schema WINDOWED = Schema.builder("windowed").int64("key").timestamp("window_start")
        .timestamp("window_end").int64("l_value").varString("r_tag").build();

    private static final long BOUND = 10_000;

    @TempDir
    Path dir;

    static Object[] l(final long key, final long ts, final long value)
    {
        return new Object[]{ key, ts, value };
    }

    static Object[] r(final long key, final long ts, final String tag)
    {
        return new Object[]{ key, ts, tag };
    }

    /** Writes an {@link #OUT} or {@link #CHANGES} row from a pair. */
    /** The output fields, looked up once per output schema (a lookup by name on a shard thread fails the job). */
    private static final java.util.Map<Schema, Object[]> HANDLES = new java.util.IdentityHashMap<>();

    private static synchronized Object[] handles(final Schema out)
    {
        return HANDLES.computeIfAbsent(out, o -> new Object[] {o.int64("key"), o.timestamp("l_ts"), o.int64("l_value"),
            o.timestamp("r_ts"), o.varString("r_tag")});
    }

    static
    {
        handles(OUT);
        handles(CHANGES);
    }

    static void pair(final Schema out, final Row left, final Row right, final RowWriter w)
    {
        final Object[] h = HANDLES.get(out);
        w.putLong((Field.Int64)h[0], left.getLong(L_KEY))
            .putTimestamp((Field.Timestamp)h[1], left.getTimestamp(L_TS))
            .putLong((Field.Int64)h[2], left.getLong(L_VALUE));
        if (right != null)
        {
            w.putTimestamp((Field.Timestamp)h[3], right.getTimestamp(R_TS));
            w.putVarString((Field.VarString)h[4], right.buffer(), right.varOffset(R_TAG), right.varLength(R_TAG));
        }
    }

    private static List<String> run(
        final int shards, final List<Object[]> left, final List<Object[]> right,
        final Function<KeyedStream[], DataStream> join)
    {
        final Pipeline p = Pipeline.create("joins");
        final KeyedStream l = p.source("left", Sources.collection(LEFT, left),
            WatermarkStrategy.boundedOutOfOrderness(L_TS, BOUND)).keyBy("left-by-key", L_KEY);
        final KeyedStream r = p.source("right", Sources.collection(RIGHT, right),
            WatermarkStrategy.boundedOutOfOrderness(R_TS, BOUND)).keyBy("right-by-key", R_KEY);
        final CollectSink sink = Sinks.collect();
        join.apply(new KeyedStream[]{ l, r }).sink("out", sink);
        p.execute(new JobContext().shards(shards).idleStrategyName("yield")).join();
        return sink.sortedRows();
    }

    // ---------------------------------------------------------------------------------------------- window joins

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldJoinEveryPairOfAKeyInATumblingWindow(final int shards)
    {
        final List<Object[]> left = List.of(l(1, 100, 1), l(1, 900, 2), l(1, 1_000, 3), l(2, 50, 4), l(3, 10, 5));
        final List<Object[]> right = List.of(r(1, 999, "a"), r(1, 0, "b"), r(1, 1_999, "c"), r(2, 1_050, "d"),
            r(4, 10, "e"));
        // [0, 1000): key 1 left {1, 2} x right {a, b}; [1000, 2000): key 1 left {3} x right {c}; key 2 in different
        // windows, keys 3 and 4 on one side only.
        assertEquals(List.of("1,0,1000,1,a", "1,0,1000,1,b", "1,0,1000,2,a", "1,0,1000,2,b", "1,1000,2000,3,c"),
            run(shards, left, right, s -> windowJoin(s, Windows.tumbling(1_000), false)));
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldJoinAPairInEverySlidingWindowHoldingBoth(final int shards)
    {
        final List<Object[]> left = List.<Object[]>of(l(1, 1_500, 1));
        final List<Object[]> right = List.of(r(1, 2_500, "a"), r(1, 500, "b"));
        // size 2000, slide 1000: 1500 is in [0,2000) and [1000,3000); 2500 in [1000,3000) and [2000,4000);
        // 500 in [-1000,1000) and [0,2000).
        assertEquals(List.of("1,0,2000,1,b", "1,1000,3000,1,a"),
            run(shards, left, right, s -> windowJoin(s, Windows.sliding(2_000, 1_000), false)));
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldMergeSessionsOfBothSidesThatTouch(final int shards)
    {
        // gap 100: left 0 -> [0,100); right 100 -> [100,200) touches it (Flink merges touching sessions) -> [0,200);
        // left 250 -> [250,350) apart; right 330 -> [330,430) overlaps -> [250,430); right 600 alone.
        final List<Object[]> left = List.of(l(1, 0, 1), l(1, 250, 2), l(2, 5, 3));
        final List<Object[]> right = List.of(r(1, 100, "a"), r(1, 330, "b"), r(1, 600, "c"), r(2, 105, "d"));
        assertEquals(List.of("1,0,200,1,a", "1,250,430,2,b", "2,5,205,3,d"),
            run(shards, left, right, s -> windowJoin(s, Windows.session(100), false)));
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldJoinOnlyDistinctRowsOfEachSideWhenAsked(final int shards)
    {
        final List<Object[]> left = List.of(l(1, 100, 7), l(1, 100, 7), l(1, 300, 8));
        final List<Object[]> right = List.of(r(1, 400, "a"), r(1, 400, "a"), r(1, 500, "a"));
        // Whole rows are compared: left {7@100, 7@100, 8@300} -> {7@100, 8@300}; right {a@400, a@400, a@500} ->
        // {a@400, a@500}.
        assertEquals(List.of("1,0,1000,7,a", "1,0,1000,7,a", "1,0,1000,8,a", "1,0,1000,8,a"),
            run(shards, left, right, s -> windowJoin(s, Windows.tumbling(1_000), true)));
        assertEquals(9, run(shards, left, right, s -> windowJoin(s, Windows.tumbling(1_000), false)).size());
    }

    private static DataStream windowJoin(final KeyedStream[] s, final Windows windows, final boolean distinct)
    {
        final Field.Int64 key = WINDOWED.int64("key");
        final Field.Timestamp start = WINDOWED.timestamp("window_start");
        final Field.Timestamp end = WINDOWED.timestamp("window_end");
        final Field.Int64 value = WINDOWED.int64("l_value");
        final Field.VarString tag = WINDOWED.varString("r_tag");
        final io.peregrine.pipeline.WindowJoin join = s[0].windowJoin(s[1], windows);
        if (distinct)
        {
            join.distinct();
        }
        return join.apply("window-join", WINDOWED, (left, right, windowStart, windowEnd, out) -> out
            .putLong(key, left.getLong(L_KEY))
            .putTimestamp(start, windowStart)
            .putTimestamp(end, windowEnd)
            .putLong(value, left.getLong(L_VALUE))
            .putVarString(tag, right.buffer(), right.varOffset(R_TAG), right.varLength(R_TAG)));
    }

    // -------------------------------------------------------------------------------------------- interval joins

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldJoinRightRowsWithinTheIntervalOfALeftRow(final int shards)
    {
        final List<Object[]> left = List.of(l(1, 1_000, 1), l(1, 5_000, 2), l(2, 1_000, 3));
        final List<Object[]> right = List.of(r(1, 800, "at-lower"), r(1, 799, "below"), r(1, 1_100, "at-upper"),
            r(1, 1_101, "above"), r(1, 4_900, "b"), r(2, 3_000, "c"));
        // right.ts in [left.ts - 200, left.ts + 100], both inclusive.
        assertEquals(List.of("1,1000,1,1100,at-upper", "1,1000,1,800,at-lower", "1,5000,2,4900,b"),
            run(shards, left, right, s -> s[0].intervalJoin(s[1], -200, 100)
                .apply("interval", OUT, (a, b, w) -> pair(OUT, a, b, w))));
        assertEquals(List.of("1,5000,2,4900,b"),
            run(shards, left, right, s -> s[0].intervalJoin(s[1], -200, 100).lowerBoundExclusive().upperBoundExclusive()
                .apply("interval", OUT, (a, b, w) -> pair(OUT, a, b, w))));
    }

    @Test
    void shouldRefuseAnEmptyInterval()
    {
        final Pipeline p = Pipeline.create("empty");
        final KeyedStream a = p.source("a", Sources.collection(LEFT, List.of()),
            WatermarkStrategy.boundedOutOfOrderness(L_TS, 0)).keyBy("a-by", L_KEY);
        final KeyedStream b = p.source("b", Sources.collection(RIGHT, List.of()),
            WatermarkStrategy.boundedOutOfOrderness(R_TS, 0)).keyBy("b-by", R_KEY);
        final PipelineException e = assertThrows(PipelineException.class, () ->
            a.intervalJoin(b, 5, 5).lowerBoundExclusive().apply("x", OUT, (l, r, w) -> { }));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    // --------------------------------------------------------------------------------------------- regular joins

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldJoinDuplicatesAsOftenAsTheyOccur(final int shards)
    {
        final List<Object[]> left = List.of(l(1, 10, 1), l(1, 20, 1), l(2, 30, 2));
        final List<Object[]> right = List.of(r(1, 5, "a"), r(1, 40, "b"), r(3, 1, "c"));
        assertEquals(List.of("1,10,1,40,b", "1,10,1,5,a", "1,20,1,40,b", "1,20,1,5,a"),
            run(shards, left, right, s -> s[0].join(s[1]).apply("inner", OUT, (a, b, w) -> pair(OUT, a, b, w))));
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldLeaveEveryLeftRowOfALeftOuterJoinOnceTheChangesAreApplied(final int shards)
    {
        final List<Object[]> left = List.of(l(1, 10, 1), l(2, 20, 2), l(2, 25, 3), l(3, 30, 4));
        final List<Object[]> right = List.of(r(2, 5, "a"), r(2, 40, "b"), r(4, 1, "c"));
        final List<String> changes = run(shards, left, right, s -> s[0].join(s[1]).leftOuter()
            .apply("outer", CHANGES, (a, b, w) -> pair(CHANGES, a, b, w)));
        assertEquals(List.of("1,10,1,0,", "2,20,2,40,b", "2,20,2,5,a", "2,25,3,40,b", "2,25,3,5,a", "3,30,4,0,"),
            materialize(changes));
    }

    /**
     * Apply a changelog of {@code kind,columns...} lines: {@code +I} adds a row, {@code -D} takes one back (and must
     * find it).
     *
     * @return the rows left, sorted, without their kind.
     */
    static List<String> materialize(final List<String> changes)
    {
        final Map<String, Integer> rows = new HashMap<>();
        for (final String change : changes)
        {
            final int comma = change.indexOf(',');
            final RowKind kind = RowKind.of(Integer.parseInt(change.substring(0, comma)));
            final String row = change.substring(comma + 1);
            if (kind == RowKind.INSERT)
            {
                rows.merge(row, 1, Integer::sum);
            }
            else
            {
                assertEquals(RowKind.DELETE, kind, change);
                final Integer count = rows.get(row);
                assertTrue(count != null && count > 0, "retraction of a row not emitted: " + change);
                rows.put(row, count - 1);
            }
        }
        final List<String> result = new ArrayList<>();
        rows.forEach((row, count) -> result.addAll(Collections.nCopies(count, row)));
        Collections.sort(result);
        return result;
    }

    @Test
    void shouldRefuseALeftOuterJoinWithoutARowKindField()
    {
        final Pipeline p = Pipeline.create("no-kind");
        final KeyedStream a = p.source("a", Sources.collection(LEFT, List.of()),
            WatermarkStrategy.boundedOutOfOrderness(L_TS, 0)).keyBy("a-by", L_KEY);
        final KeyedStream b = p.source("b", Sources.collection(RIGHT, List.of()),
            WatermarkStrategy.boundedOutOfOrderness(R_TS, 0)).keyBy("b-by", R_KEY);
        final PipelineException e = assertThrows(PipelineException.class, () ->
            a.join(b).leftOuter().apply("x", OUT, (l, r, w) -> { }));
        assertTrue(e.getMessage().contains(RowKind.FIELD), e.getMessage());
    }

    // -------------------------------------------------------------------------------------------- temporal joins

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldJoinEachProbeRowWithTheVersionValidAtItsTime(final int shards)
    {
        // Versions of key 1 at 100 (a), 200 (c), 500 (d); key 2 at 300 (ties, which depend on the order of arrival,
        // are in JoinOperatorsTest).
        final List<Object[]> versions = List.of(r(1, 100, "a"), r(1, 500, "d"), r(2, 300, "x"), r(1, 200, "c"));
        final List<Object[]> probes = List.of(l(1, 50, 1), l(1, 100, 2), l(1, 199, 3), l(1, 200, 4), l(1, 499, 5),
            l(1, 10_000, 6), l(2, 299, 7), l(2, 300, 8), l(3, 1_000, 9));
        final List<String> inner = List.of("1,100,2,100,a", "1,10000,6,500,d", "1,199,3,100,a", "1,200,4,200,c",
            "1,499,5,200,c", "2,300,8,300,x");
        assertEquals(inner, run(shards, probes, versions, s -> s[0].temporalJoin(s[1])
            .apply("as-of", OUT, (a, b, w) -> pair(OUT, a, b, w))));
        final List<String> outer = new ArrayList<>(inner);
        outer.addAll(List.of("1,50,1,0,", "2,299,7,0,", "3,1000,9,0,"));
        Collections.sort(outer);
        assertEquals(outer, run(shards, probes, versions, s -> s[0].temporalJoin(s[1]).leftOuter()
            .apply("as-of", OUT, (a, b, w) -> pair(OUT, a, b, w))));
    }

    // ---------------------------------------------------------------------------------------------- lookup joins

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldJoinEachRowWithTheReferenceRowsOfItsKeyReadFromAFile(final int shards) throws IOException
    {
        final Path file = dir.resolve("reference.csv");
        Files.writeString(file, "key,ts,tag\n1,0,one\n2,0,two\n2,0,deux\n");
        final List<Object[]> rows = List.of(l(1, 10, 1), l(2, 20, 2), l(3, 30, 3));
        final Function<Boolean, List<String>> lookup = outer ->
        {
            final Pipeline p = Pipeline.create("lookup");
            final CollectSink sink = Sinks.collect();
            final io.peregrine.pipeline.LookupJoin join = p.source("rows", Sources.collection(LEFT, rows))
                .lookupJoin(Sources.csv(RIGHT, true, file), row -> row.getLong(R_KEY), row -> row.getLong(L_KEY));
            (outer ? join.leftOuter() : join).apply("lookup", OUT, (a, b, w) -> pair(OUT, a, b, w)).sink("out", sink);
            p.execute(new JobContext().shards(shards).idleStrategyName("yield")).join();
            return sink.sortedRows();
        };
        assertEquals(List.of("1,10,1,0,one", "2,20,2,0,deux", "2,20,2,0,two"), lookup.apply(false));
        assertEquals(List.of("1,10,1,0,one", "2,20,2,0,deux", "2,20,2,0,two", "3,30,3,0,"), lookup.apply(true));
    }
}
