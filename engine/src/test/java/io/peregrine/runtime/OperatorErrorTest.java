package io.peregrine.runtime;

import io.peregrine.api.Aggregation;
import io.peregrine.api.Field;
import io.peregrine.api.JobFailedException;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.config.ErrorPolicy;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.config.StateBackend;
import io.peregrine.connector.CollectSink;
import io.peregrine.metrics.Metric;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static io.peregrine.runtime.TestSchemas.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user function that throws fails the job naming the operator that threw, its shard and the record printed through
 * its schema; under the dead-letter policy (per operator or job-wide) the record goes to the operator's dead-letter
 * file with the reason and its source position, is counted, and the job goes on.
 */
class OperatorErrorTest
{
    private static final List<Object[]> NUMBERS = List.of(event(1, 1, 5), event(2, 2, 0), event(3, 3, 7));

    @TempDir
    Path dir;

    private JobContext context(final int shards)
    {
        return new JobContext().shards(shards).idleStrategy(IdleStrategyKind.YIELD).stateBackend(StateBackend.DIRECT)
            .deadLetterDir(dir);
    }

    @Test
    void shouldNameTheOperatorTheShardAndTheRecordThroughItsSchema()
    {
        final Pipeline p = Pipeline.create("failing");
        p.source("numbers", Sources.collection(EVENT, NUMBERS))
            .map("divide", EVENT, (in, out) -> out.putLong(KEY, 100 / in.getLong(VALUE)))
            .sink("out", Sinks.collect());
        final JobFailedException e = assertThrows(JobFailedException.class, () -> p.execute(context(1)).join());
        final String message = e.getMessage();
        assertTrue(message.contains("operator 'divide' on shard 0 failed on the record event(key=2, ts=2, value=0) " +
            "at source 'numbers' split 0, position 1: java.lang.ArithmeticException: / by zero"), message);
    }

    /**
     * An aggregate whose result cannot be written: the failure is the aggregate's, not the flatMap's upstream that
     * handed it the record (through its collector, keyBy and a direct call on the same shard).
     */
    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void shouldBlameAnAggregateWhoseResultThrowsNotTheFunctionThatFedIt(final int shards)
    {
        final Pipeline p = Pipeline.create("blame");
        p.source("numbers", Sources.collection(EVENT, NUMBERS))
            .flatMap("explode", EVENT, (in, out) ->
            {
                out.next().putLong(KEY, in.getLong(KEY)).putLong(VALUE, in.getLong(VALUE));
                out.emit();
            })
            .keyBy("by-key", KEY)
            .aggregate("broken", new ThrowingResult("r"))
            .sink("out", Sinks.collect());
        final JobFailedException e = assertThrows(JobFailedException.class, () -> p.execute(context(shards)).join());
        final String message = e.getMessage();
        assertTrue(message.contains("operator 'broken' on shard "), message);
        assertTrue(message.contains("result cannot be written"), message);
        assertFalse(message.contains("'explode'"), message);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void shouldDeadLetterTheRecordsAnOperatorThrowsOnAndGoOn(final int shards) throws Exception
    {
        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("lenient");
        p.source("numbers", Sources.collection(EVENT, NUMBERS))
            .map("divide", EVENT, (in, out) -> out.putLong(KEY, in.getLong(KEY)).putLong(VALUE, 100 / in.getLong(VALUE)))
            .onError(ErrorPolicy.DEAD_LETTER)
            .sink("out", sink);
        final var job = p.execute(context(shards));
        job.join();
        assertEquals(List.of("1,0,20", "3,0,14"), sink.sortedRows());
        assertEquals(1, job.counters().total(Metric.DEAD_LETTERED, "divide"));
        final List<String> dead = Files.readAllLines(dir.resolve("lenient-divide-shard-0.tsv"));
        assertEquals(List.of("# source position\treason\trecord",
            "source 'numbers' split 0, position 1\toperator 'divide' threw java.lang.ArithmeticException: / by zero\t" +
                "event(key=2, ts=2, value=0)"), dead);
    }

    @Test
    void shouldDeadLetterUnderTheJobWideDefaultAndLetAnOperatorFailByItsOwnPolicy() throws Exception
    {
        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("defaults");
        final Field.Int64 value = EVENT.int64("value");
        p.source("numbers", Sources.collection(EVENT, NUMBERS))
            .filter("odd", row -> 7 % row.getLong(value) != 0)
            .sink("out", sink);
        final var job = p.execute(context(1).errorPolicy(ErrorPolicy.DEAD_LETTER));
        job.join();
        assertEquals(List.of("1,1,5"), sink.rows(), "7 % 7 == 0 is filtered out, 7 % 0 dead-lettered");
        assertEquals(1, job.counters().total(Metric.DEAD_LETTERED, "odd"));
        assertTrue(Files.readAllLines(dir.resolve("defaults-odd-shard-0.tsv")).get(1).contains("event(key=2, ts=2, value=0)"));

        final Pipeline strict = Pipeline.create("strict");
        strict.source("numbers", Sources.collection(EVENT, NUMBERS))
            .filter("odd", row -> 7 % row.getLong(value) != 0)
            .onError(ErrorPolicy.FAIL)
            .sink("out", Sinks.collect());
        final JobFailedException e = assertThrows(JobFailedException.class,
            () -> strict.execute(context(1).errorPolicy(ErrorPolicy.DEAD_LETTER)).join());
        assertTrue(e.getMessage().contains("operator 'odd' on shard 0 failed on the record event(key=2"), e.getMessage());
    }

    /**
     * A window's result that cannot be made when the watermark fires it: the window operator's failure, naming the
     * window and the key; under the dead-letter policy each such result is counted and the firing goes on.
     */
    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void shouldBlameAWindowWhoseResultThrowsAtFiringOrDeadLetterIt(final int shards)
    {
        final JobFailedException e = assertThrows(JobFailedException.class,
            () -> windowed("window-fails", ErrorPolicy.FAIL).execute(context(shards)).join());
        assertTrue(e.getMessage().contains("operator 'broken-window' on shard "), e.getMessage());
        assertTrue(e.getMessage().contains("emitting window [0, 1000) of key "), e.getMessage());
        assertTrue(e.getMessage().contains("result cannot be written"), e.getMessage());

        final var job = windowed("window-lenient", ErrorPolicy.DEAD_LETTER).execute(context(shards));
        job.join();
        assertEquals(3, job.counters().total(Metric.DEAD_LETTERED, "broken-window"), "one result per key");
        assertEquals(0, job.counters().total(Metric.SINK_RECORDS, "out"));
    }

    private static Pipeline windowed(final String name, final ErrorPolicy policy)
    {
        final Pipeline p = Pipeline.create(name);
        p.source("numbers", Sources.collection(EVENT, NUMBERS),
                io.peregrine.api.WatermarkStrategy.boundedOutOfOrderness(TestSchemas.TS, 0))
            .keyBy("by-key", KEY)
            .window(io.peregrine.api.Windows.tumbling(1000))
            .aggregate("broken-window", new ThrowingResult("r"))
            .onError(policy)
            .sink("out", Sinks.collect());
        return p;
    }

    /**
     * A process function whose onTimer throws: named with the timer and key; under the dead-letter policy counted,
     * and the other keys' timers fire.
     */
    @Test
    void shouldNameTheTimerThatThrowsOrDeadLetterIt()
    {
        final JobFailedException e = assertThrows(JobFailedException.class,
            () -> timed("timer-fails", ErrorPolicy.FAIL).execute(context(1)).join());
        assertTrue(e.getMessage().contains("operator 'alarm' on shard 0 failed"), e.getMessage());
        assertTrue(e.getMessage().contains("onTimer(102, EVENT_TIME) for key 2"), e.getMessage());

        final Pipeline lenient = timed("timer-lenient", ErrorPolicy.DEAD_LETTER);
        final var job = lenient.execute(context(1));
        job.join();
        assertEquals(1, job.counters().total(Metric.DEAD_LETTERED, "alarm"));
        assertEquals(2, job.counters().total(Metric.SINK_RECORDS, "out"), "keys 1 and 3 fire");
    }

    private static Pipeline timed(final String name, final ErrorPolicy policy)
    {
        final Pipeline p = Pipeline.create(name);
        p.source("numbers", Sources.collection(EVENT, NUMBERS),
                io.peregrine.api.WatermarkStrategy.boundedOutOfOrderness(TestSchemas.TS, 0))
            .keyBy("by-key", KEY)
            .process("alarm", EVENT, 8, () -> new io.peregrine.api.KeyedProcessFunction()
            {
                public void processElement(final Row in, final Context ctx, final io.peregrine.api.Collector out)
                {
                    ctx.registerEventTimeTimer(in.eventTime() + 100);
                }

                public void onTimer(final long timestamp, final io.peregrine.api.TimeDomain domain, final Context ctx,
                    final io.peregrine.api.Collector out)
                {
                    if (ctx.key() == 2)
                    {
                        throw new IllegalStateException("alarm of key 2");
                    }
                    out.next().putLong(KEY, ctx.key());
                    out.emit(timestamp);
                }
            })
            .onError(policy)
            .sink("out", Sinks.collect());
        return p;
    }

    @Test
    void shouldDeadLetterWhatASinkCannotWrite() throws Exception
    {
        final Pipeline p = Pipeline.create("sinking");
        p.source("numbers", Sources.collection(EVENT, NUMBERS))
            .sink("picky", new PickySink())
            .onError(ErrorPolicy.DEAD_LETTER);
        final var job = p.execute(context(1));
        job.join();
        assertEquals(2, job.counters().total(Metric.SINK_RECORDS, "picky"));
        assertEquals(1, job.counters().total(Metric.DEAD_LETTERED, "picky"));
    }

    /** Refuses to write a zero value. */
    private static final class PickySink implements Sink
    {
        public SinkWriter createWriter(final int shard, final int shards, final Schema schema)
        {
            return new SinkWriter()
            {
                public void write(final Row row)
                {
                    if (row.getLong(VALUE) == 0)
                    {
                        throw new IllegalArgumentException("zero");
                    }
                }

                public void close()
                {
                }
            };
        }
    }

    /** A sum whose result refuses to be written. */
    private static final class ThrowingResult extends Aggregation
    {
        ThrowingResult(final String outputName)
        {
            super(outputName);
        }

        public int accumulatorLength()
        {
            return 8;
        }

        public void declare(final Schema.Builder out)
        {
            out.int64(outputName);
        }

        public void bindOutput(final Schema out)
        {
        }

        public void add(final MutableDirectBuffer acc, final int offset, final Row row)
        {
            acc.putLong(offset, acc.getLong(offset) + 1);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            acc.putLong(offset, acc.getLong(offset) + other.getLong(otherOffset));
        }

        public void result(final DirectBuffer acc, final int offset, final RowWriter out)
        {
            throw new IllegalStateException("result cannot be written");
        }
    }
}
