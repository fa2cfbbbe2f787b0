package io.peregrine.runtime;

import io.peregrine.api.Aggregation;
import io.peregrine.api.Aggregations;
import io.peregrine.api.MutableRow;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Windows;
import io.peregrine.state.DirectSlotTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tumbling window of 100,000 keys fires while records keep arriving, its duty cycles stepped by hand and its clock
 * a manual one that each emitted result advances by {@link #RESULT_NS} (what emitting costs, made exact): no cycle
 * does more than the configured slice of window work, and records go on flowing between the slices.
 */
class WindowFiringSliceTest
{
    private static final int KEYS = 100_000;
    private static final long RESULT_NS = 100;
    private static final int SLICE_US = 20;
    /** The clock is looked at every 32 results: a slice may overrun by less than that many. */
    private static final long MOST_NS_PER_CYCLE = SLICE_US * 1000L + 32 * RESULT_NS;

    private long now;
    private long emitted;
    private long cycleEmitted;

    @Test
    void shouldNeverDoMoreThanASliceOfWindowWorkPerCycleWhileRecordsFlow()
    {
        final Aggregation count = Aggregations.count("n");
        final Schema.Builder builder = Schema.builder("counts").int64("key").timestamp("window_start")
            .timestamp("window_end");
        count.bindInput(EVENT, "test");
        count.declare(builder);
        final Schema out = builder.build();
        count.bindOutput(out);
        final AtomicCounter late = new AtomicCounter(new UnsafeBuffer(new byte[128]), 0);
        final WindowOperator window = new WindowOperator("counts", r -> r.getLong(KEY), Windows.tumbling(1_000), 0,
            new AggregationsWindowFunction(new Aggregation[]{ count }, out), out,
            (operator, shard, valueLength) -> new DirectSlotTable(valueLength, 1024, 0.7f), 0, 1024, late,
            Integer.MAX_VALUE / 2); // no bound by count: the slice is bounded by time alone
        window.fireSlice(() -> now, SLICE_US * 1000L);
        window.downstream(new Operator("sink")
        {
            public void onRecord(final Row row)
            {
                emitted++;
                cycleEmitted++;
                now += RESULT_NS;
            }

            public void onWatermark(final long watermark)
            {
            }
        });
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final RowWriter writer = new RowWriter();
        final MutableRow row = new MutableRow();
        for (int k = 0; k < KEYS; k++) // window [0, 1000) of every key
        {
            writer.wrap(EVENT, buffer, 0, 64).putLong(KEY, k).putTimestamp(TS, k % 1_000);
            row.wrap(EVENT, buffer, 0, writer.length());
            row.meta(k % 1_000, 0, k, Long.MIN_VALUE);
            window.onRecord(row);
        }
        long recordsDuringFiring = 0;
        int cycles = 0;
        window.onWatermark(999); // closes the window: the first slice now
        assertTrue(emitted > 0 && emitted < KEYS, "the first slice emits part of the window: " + emitted);
        while (emitted < KEYS)
        {
            // A duty cycle: a few records of the next window, then the window's slice.
            for (int i = 0; i < 4; i++)
            {
                writer.wrap(EVENT, buffer, 0, 64).putLong(KEY, recordsDuringFiring).putTimestamp(TS, 1_500);
                row.wrap(EVENT, buffer, 0, writer.length());
                row.meta(1_500, 0, recordsDuringFiring, 999);
                window.onRecord(row);
                recordsDuringFiring++;
            }
            cycleEmitted = 0;
            final long start = now;
            window.onProcessingTime(0);
            cycles++;
            assertTrue(now - start <= MOST_NS_PER_CYCLE, "cycle " + cycles + " did " + (now - start) +
                " ns of window work (" + cycleEmitted + " results); the slice is " + SLICE_US + " us");
            assertTrue(cycleEmitted >= Math.min(4 + 32, KEYS - (emitted - cycleEmitted)),
                "a slice emits one result per record received since the last, and 32 more");
            assertTrue(cycles < KEYS, "firing ends");
        }
        assertEquals(KEYS, emitted, "every key's count, once");
        assertTrue(cycles >= KEYS * RESULT_NS / MOST_NS_PER_CYCLE, "the window took " + cycles + " cycles");
        assertEquals(0, late.get(), "the records that arrived while the window fired are not late");
    }
}
