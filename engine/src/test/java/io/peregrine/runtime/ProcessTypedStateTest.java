package io.peregrine.runtime;

import io.peregrine.api.Collector;
import io.peregrine.api.Field;
import io.peregrine.api.JobFailedException;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.KeyedRowList;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.TimeDomain;
import io.peregrine.api.ValueState;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.config.JobContext;
import io.peregrine.connector.CollectSink;
import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.KeyedStream;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.Function;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static io.peregrine.runtime.TestSchemas.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A keyed process function's value per key and lists of rows per key, declared by schemas and read and written
 * through their fields.
 */
class ProcessTypedStateTest
{
    static final Schema TOTALS = Schema.builder("totals").int64("count").int64("sum").int64("last").build();
    static final Field.Int64 COUNT = TOTALS.int64("count");
    static final Field.Int64 SUM = TOTALS.int64("sum");
    static final Field.Int64 LAST = TOTALS.int64("last");
    static final Schema OUT = Schema.builder("out")
        .int64("key").int32("was_empty").int64("count").int64("sum").int64("last").int64("raw_sum").build();
    static final Field.Int64 O_KEY = OUT.int64("key");
    static final Field.Int32 O_WAS_EMPTY = OUT.int32("was_empty");
    static final Field.Int64 O_COUNT = OUT.int64("count");
    static final Field.Int64 O_SUM = OUT.int64("sum");
    static final Field.Int64 O_LAST = OUT.int64("last");
    static final Field.Int64 O_RAW_SUM = OUT.int64("raw_sum");
    static final List<Object[]> ONE_EVENT = List.<Object[]>of(event(1, 0, 1));

    /**
     * Value 0 clears the key's value, -1 only reads it, anything else adds to it; every record emits what the value
     * was before (empty or not) and is after.
     */
    static void update(final Row in, final KeyedProcessFunction.Context ctx, final Collector out)
    {
        final ValueState totals = ctx.value();
        final boolean wasEmpty = totals.isEmpty();
        final long value = in.getLong(VALUE);
        if (value == 0)
        {
            totals.clear();
        }
        else if (value > 0)
        {
            totals.putLong(COUNT, totals.getLong(COUNT) + 1).putLong(SUM, totals.getLong(SUM) + value).copy(LAST, in, VALUE);
        }
        emit(ctx, out, wasEmpty);
    }

    private static void emit(final KeyedProcessFunction.Context ctx, final Collector out, final boolean wasEmpty)
    {
        final ValueState totals = ctx.value();
        out.next().putLong(O_KEY, ctx.key()).putInt(O_WAS_EMPTY, wasEmpty ? 1 : 0)
            .putLong(O_COUNT, totals.getLong(COUNT)).putLong(O_SUM, totals.getLong(SUM)).putLong(O_LAST, totals.getLong(LAST))
            .putLong(O_RAW_SUM, totals.isEmpty() ? -1 : ctx.state().getLong(SUM.offset())); // the same bytes, raw
        out.emit();
    }

    /**
     * Run events (with event time, bound 0) keyed by {@code key} through a process operator on {@code shards} shards.
     *
     * @return the rows it emitted, sorted; or the job's failure, thrown.
     */
    static List<String> run(final int shards, final List<Object[]> events, final Function<KeyedStream, DataStream> process)
    {
        final Pipeline p = Pipeline.create("typed-state");
        final CollectSink sink = Sinks.collect();
        process.apply(p.source("events", Sources.collection(EVENT, events), WatermarkStrategy.boundedOutOfOrderness(TS, 0))
            .keyBy("by-key", KEY)).sink("out", sink);
        p.execute(new JobContext().shards(shards)).join();
        return sink.sortedRows();
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void shouldKeepATypedValuePerKeyThatReadsDoNotCreateAndClearForgets(final int shards)
    {
        // Key 1 at even indexes, key 2 at odd ones: on two shards each key is read by one split, in order.
        final List<String> rows = run(shards, List.of(
                event(1, 0, 0), event(2, 0, -1), event(1, 0, 5), event(2, 0, 3), event(1, 0, 7), event(2, 0, -1),
                event(1, 0, 0), event(2, 0, -1), event(1, 0, 2)),
            keyed -> keyed.process("totals", OUT, TOTALS, ProcessTypedStateTest::update));
        // key, was empty, count, sum, last, raw sum (-1 while empty)
        assertEquals(List.of(
            "1,0,0,0,0,-1",   // cleared: reads give zero
            "1,0,2,12,7,12",
            "1,1,0,0,0,-1",   // nothing yet: clearing keeps it empty
            "1,1,1,2,2,2",    // a fresh start after the clear
            "1,1,1,5,5,5",
            "2,0,1,3,3,3",
            "2,0,1,3,3,3",
            "2,1,0,0,0,-1",   // a read does not make a value
            "2,1,1,3,3,3"), rows);
    }

    /**
     * Sums a key's values; a timer at 100 reports the sum, forgets it and sets another at 200, which finds nothing.
     */
    static final class SumUntilTimer implements KeyedProcessFunction
    {
        public void processElement(final Row in, final Context ctx, final Collector out)
        {
            final ValueState totals = ctx.value();
            if (totals.isEmpty())
            {
                ctx.registerEventTimeTimer(100);
            }
            totals.putLong(COUNT, totals.getLong(COUNT) + 1).putLong(SUM, totals.getLong(SUM) + in.getLong(VALUE));
        }

        public void onTimer(final long timestamp, final TimeDomain domain, final Context ctx, final Collector out)
        {
            emit(ctx, out, ctx.value().isEmpty());
            if (timestamp == 100)
            {
                ctx.clearState();
                assertTrue(ctx.value().isEmpty(), "clearState forgets the value");
                ctx.registerEventTimeTimer(200);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void shouldPositionTheValueOnTheKeyOfATimer(final int shards)
    {
        final List<String> rows = run(shards, List.of(
                event(1, 10, 1), event(2, 20, 10), event(1, 30, 2), event(2, 50, 100), event(1, 60, 4)),
            keyed -> keyed.process("sum-until-timer", OUT, TOTALS, SumUntilTimer::new));
        assertEquals(List.of("1,0,3,7,0,7", "1,1,0,0,0,-1", "2,0,2,110,0,110", "2,1,0,0,0,-1"), rows);
    }

    /**
     * Keeps each record and a written row of a hundred times its value; a negative value keeps only the entries of at
     * least 10; a timer at the end of the input emits what is left.
     */
    static final class KeepRows implements KeyedProcessFunction
    {
        private static final KeyedRowList.RowPredicate AT_LEAST_10 = entry -> entry.getLong(VALUE) >= 10;
        private KeyedRowList kept;
        private Collector timerOut;
        private final KeyedRowList.RowVisitor emit = entry ->
        {
            timerOut.next().copyOf(entry);
            timerOut.emit();
        };

        public void open(final OpenContext ctx)
        {
            kept = ctx.listState("kept", EVENT);
        }

        public void processElement(final Row in, final Context ctx, final Collector out)
        {
            if (kept.size() == 0)
            {
                ctx.registerEventTimeTimer(100);
            }
            if (in.getLong(VALUE) < 0)
            {
                assertEquals(in.getLong(KEY) == 1 ? 1 : 0, kept.retainIf(AT_LEAST_10), "entries removed");
                return;
            }
            kept.add(in);
            kept.next().putLong(KEY, in.getLong(KEY)).putTimestamp(TS, in.getTimestamp(TS)).putLong(VALUE, in.getLong(VALUE) * 100);
            kept.add();
        }

        public void onTimer(final long timestamp, final TimeDomain domain, final Context ctx, final Collector out)
        {
            timerOut = out;
            assertEquals(kept.size(), kept.forEach(emit));
            kept.clear();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void shouldKeepListsOfRowsPerKey(final int shards)
    {
        // Key 1 at even indexes, key 2 at odd ones: on two shards each key is read by one split, in order.
        final List<String> rows = run(shards, List.of(
                event(1, 1, 5), event(2, 2, 20), event(1, 3, 15), event(2, 4, -1), event(1, 5, -1), event(2, 6, 3)),
            keyed -> keyed.process("keep-rows", EVENT, KeepRows::new));
        assertEquals(List.of("1,1,500", "1,3,15", "1,3,1500", "2,2,20", "2,2,2000", "2,6,3", "2,6,300"), rows);
    }

    @Test
    void shouldRefuseARowOfAnotherSchemaInAList()
    {
        final JobFailedException e = assertThrows(JobFailedException.class, () -> run(1, ONE_EVENT,
            keyed -> keyed.process("wrong-row", OUT, () -> new KeyedProcessFunction()
            {
                private KeyedRowList totals;

                public void open(final OpenContext ctx)
                {
                    totals = ctx.listState("totals", TOTALS);
                }

                public void processElement(final Row in, final Context ctx, final Collector out)
                {
                    totals.add(in);
                }
            })));
        assertTrue(e.getMessage().contains("list of 'totals' cannot hold a row of schema 'event'"), e.getMessage());
    }

    @Test
    void shouldRefuseWhatAValueCannotHold()
    {
        final Pipeline p = Pipeline.create("refused");
        final KeyedStream keyed = p.source("events", Sources.collection(EVENT, List.of())).keyBy("by-key", KEY);
        final Schema text = Schema.builder("text").int64("n").varString("s").build();
        final Exception e = assertThrows(io.peregrine.api.PipelineException.class,
            () -> keyed.process("with-text", OUT, text, ProcessTypedStateTest::update));
        assertTrue(e.getMessage().contains("'with-text'") && e.getMessage().contains("variable-length"), e.getMessage());
    }

    @Test
    void shouldFailAJobThatUsesAFieldOfAnotherSchemaOrNoValueState()
    {
        final JobFailedException wrongField = assertThrows(JobFailedException.class, () -> run(1, ONE_EVENT,
            keyed -> keyed.process("wrong-field", OUT, TOTALS, (in, ctx, out) -> ctx.value().putLong(O_SUM, 1))));
        assertTrue(wrongField.getMessage().contains("'wrong-field'") && wrongField.getMessage().contains("schema 'out'"),
            wrongField.getMessage());

        final JobFailedException noValue = assertThrows(JobFailedException.class, () -> run(1, ONE_EVENT,
            keyed -> keyed.process("no-value-state", OUT, ProcessTypedStateTest::update)));
        assertTrue(noValue.getMessage().contains("no value-state schema"), noValue.getMessage());
    }
}
