package io.peregrine.runtime;

import io.peregrine.api.Field;
import io.peregrine.api.MutableRow;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.cep.Pattern;
import io.peregrine.cep.PatternSelectFunction;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pattern operator driven by hand: records out of time order and watermarks interleaved, so records wait in its
 * buffer across watermarks, in its in-order queue and its heap; compacting the buffer (forced often) changes no
 * output, and every record runs in its key's time order.
 */
class PatternOperatorTest
{
    static final Schema OUT = Schema.builder("out").int64("key").timestamp("a").timestamp("b").build();
    static final Field.Int64 OUT_KEY = OUT.int64("key");
    static final Field.Timestamp OUT_A = OUT.timestamp("a");
    static final Field.Timestamp OUT_B = OUT.timestamp("b");

    @Test
    void compactingTheWaitingRecordsChangesNothing()
    {
        final List<String> plain = run(Integer.MAX_VALUE, null);
        final long[] compactions = new long[1];
        final List<String> compacted = run(256, compactions);
        assertTrue(compactions[0] > 10, "compactions: " + compactions[0]);
        assertTrue(plain.size() > 100, "matches and timeouts: " + plain.size());
        assertEquals(plain, compacted);
    }

    @Test
    void recordsRunInTimeOrderPerKeyWhateverTheirArrival()
    {
        final List<String> out = run(Integer.MAX_VALUE, null);
        // every match's a is not after its b: the automaton saw each key's records in time order
        for (final String line : out)
        {
            final String[] parts = line.split(" ");
            if (parts[0].equals("match"))
            {
                assertTrue(Long.parseLong(parts[2]) <= Long.parseLong(parts[3]), line);
            }
        }
    }

    @Test
    void inProcessingTimeRecordsRunOnArrivalTimedByTheClockAndExpireFromIt()
    {
        final List<String> out = new ArrayList<>();
        final Pattern pattern = Pattern.begin("trade").where(e -> e.getLong(VALUE) % 2 == 0)
            .followedBy("quote").where(e -> e.getLong(VALUE) % 2 == 1).within(100);
        final PatternOperator op = new PatternOperator("fade", r -> r.getLong(KEY), EVENT, pattern.compile(),
            (match, collector) -> out.add("match " + match.first("trade").getLong(KEY) + " " +
                match.first("trade").eventTime() + " " + match.first("quote").eventTime()), OUT, 256, 1000);
        op.inProcessingTime(10_000);
        op.downstream(sink());
        op.timeoutOutput(sink(), OUT, (partial, ts, collector) ->
            out.add("timeout " + partial.first("trade").getLong(KEY) + " " + partial.startTime() + " @" + ts), 256);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EVENT.fixedLength()]);
        final RowWriter writer = new RowWriter();
        final MutableRow row = new MutableRow();
        // the records' own timestamps run backwards: in processing time they mean nothing
        final long[][] script = {
            // clock, key, value (even: trade, odd: quote)
            { 10_000, 1, 0 }, { 10_050, 1, 1 }, { 10_050, 2, 0 }, { 10_149, 3, 2 }, { 10_150, 2, 1 }, { 10_300, 3, 1 } };
        long ts = 1_000_000;
        for (final long[] step : script)
        {
            op.onProcessingTime(step[0]);
            writer.wrap(EVENT, buffer, 0, buffer.capacity()).putLong(KEY, step[1]).putTimestamp(TS, ts)
                .putLong(VALUE, step[2]);
            row.wrap(EVENT, buffer, 0, writer.length()).meta(ts--, 0, 0);
            op.onRecord(row);
            out.add("at " + step[0]);
        }
        op.onWatermark(Long.MAX_VALUE); // passes through: nothing waits for it in processing time
        assertEquals(List.of(
            "at 10000",
            "match 1 10000 10050", "at 10050",
            "at 10050",
            "at 10149",
            "timeout 2 10050 @10150", "at 10150", // the clock expired key 2's trade before its quote ran
            "timeout 3 10149 @10249", "at 10300"), out);
        assertEquals(0, op.lateRecords());
        assertEquals(0, op.waitingRecords());
        op.close();
    }

    /**
     * a (even value) followed by b (odd value) within 50 ms, on 20 keys; records arrive up to 40 ms out of order;
     * the watermark trails the largest timestamp by 40 ms, advanced every few records.
     */
    private static List<String> run(final int compactAt, final long[] compactions)
    {
        final List<String> out = new ArrayList<>();
        final Pattern pattern = Pattern.begin("a").where(e -> e.getLong(VALUE) % 2 == 0)
            .followedBy("b").where(e -> e.getLong(VALUE) % 2 == 1).within(50);
        final PatternSelectFunction select = (match, collector) ->
        {
            final Row a = match.first("a");
            final Row b = match.first("b");
            out.add("match " + a.getLong(KEY) + " " + a.getTimestamp(TS) + " " + b.getTimestamp(TS));
        };
        final PatternOperator op = new PatternOperator("p", r -> r.getLong(KEY), EVENT, pattern.compile(), select, OUT,
            256, 1000);
        op.compactAt(compactAt);
        op.downstream(sink());
        op.timeoutOutput(sink(), OUT, (partial, ts, collector) ->
            out.add("timeout " + partial.first("a").getLong(KEY) + " " + partial.first("a").getTimestamp(TS) + " @" + ts), 256);
        final Random random = new Random(7);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EVENT.fixedLength()]);
        final RowWriter writer = new RowWriter();
        final MutableRow row = new MutableRow();
        long now = 1000;
        for (int i = 0; i < 20_000; i++)
        {
            now += random.nextInt(3);
            final long ts = now - random.nextInt(40);
            writer.wrap(EVENT, buffer, 0, buffer.capacity()).putLong(KEY, random.nextInt(20)).putTimestamp(TS, ts)
                .putLong(VALUE, random.nextInt(4));
            row.wrap(EVENT, buffer, 0, writer.length()).meta(ts, 0, i);
            op.onRecord(row);
            if (i % 7 == 0)
            {
                op.onWatermark(now - 40);
            }
        }
        op.onWatermark(Long.MAX_VALUE);
        assertEquals(0, op.waitingRecords());
        assertEquals(0, op.lateRecords());
        if (compactions != null)
        {
            compactions[0] = op.compactions();
        }
        op.close();
        return out;
    }

    private static Operator sink()
    {
        return new Operator("sink")
        {
            public void onRecord(final Row row)
            {
            }

            public void onWatermark(final long watermark)
            {
            }
        };
    }
}
