package io.peregrine.runtime;

import io.peregrine.api.Row;
import io.peregrine.api.Sink;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.config.JobContext;
import io.peregrine.connector.GeneratorSource;
import io.peregrine.pipeline.Pipeline;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two splits on one shard (one thread, so the order in which the sink sees records is the order they were read):
 * split 1's event time runs ten times as fast as split 0's. Aligned, split 1 reads at most the drift (and one poll
 * batch) ahead of split 0; unaligned it runs as far ahead as it can.
 */
class WatermarkAlignmentTest
{
    private static final long EVENTS = 400_000;
    private static final long BOUND = 5;
    private static final long DRIFT = 1_000;

    /** How far ahead of split 0's largest timestamp so far split 1's records got, at most. */
    private static long maxLead(final WatermarkStrategy strategy)
    {
        final long[] lead = { Long.MIN_VALUE };
        final long[] slowMax = { Long.MIN_VALUE };
        final List<Long> records = new ArrayList<>();
        final Sink sink = (shard, shards, schema) -> new Sink.SinkWriter()
        {
            public void write(final Row row)
            {
                final long ts = row.getTimestamp(TS);
                if (row.sourceSplit() == 0)
                {
                    slowMax[0] = Math.max(slowMax[0], ts);
                }
                else if (slowMax[0] != Long.MIN_VALUE && slowMax[0] < EVENTS - 2)
                {
                    // (once split 0 has ended it holds nothing back)
                    lead[0] = Math.max(lead[0], ts - slowMax[0]);
                }
                records.add(ts);
            }
        };
        // Even events are split 0's (time = index), odd ones split 1's (time = 10 x index).
        final GeneratorSource source = new GeneratorSource(EVENT, EVENTS,
            (i, w) -> w.putLong(KEY, i).putTimestamp(TS, (i & 1) == 0 ? i : 10 * i).putLong(VALUE, i), 0, 2);
        final Pipeline p = Pipeline.create("alignment");
        p.source("gen", source, strategy).sink("out", sink);
        p.execute(new JobContext().shards(1)).join();
        assertEquals(EVENTS, records.size(), "every record arrives, aligned or not");
        return lead[0];
    }

    @Test
    void shouldHoldAFastSplitWithinTheDriftOfTheSlowestAndLoseNothing()
    {
        final long batch = new JobContext().sourceBatch();
        final long aligned = maxLead(WatermarkStrategy.boundedOutOfOrderness(TS, BOUND).withAlignment("g", DRIFT));
        // Split 1 is read while its watermark is within the drift of split 0's; one poll reads a batch more, each
        // record 20 ms of split 1's time ahead of the last (its indexes step by 2, times by 10 x 2).
        assertTrue(aligned <= DRIFT + BOUND + 1 + 20 * batch, "aligned lead " + aligned);
        final long unaligned = maxLead(WatermarkStrategy.boundedOutOfOrderness(TS, BOUND));
        assertTrue(unaligned > 100 * (DRIFT + 20 * batch), "unaligned lead " + unaligned + " (the test shows nothing " +
            "unless the splits drift apart without alignment)");
    }

    @Test
    void shouldRefuseAlignmentWithoutEventTimeOrWithANegativeDrift()
    {
        assertThrows(IllegalStateException.class, () -> WatermarkStrategy.none().withAlignment("g", 10));
        assertThrows(IllegalArgumentException.class,
            () -> WatermarkStrategy.boundedOutOfOrderness(TS, 1).withAlignment("g", -1));
    }
}
