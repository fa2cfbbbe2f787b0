package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Field;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Sink;
import io.peregrine.api.SourceContext;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.config.IdleStrategyKind;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NexmarkLatencyTest
{
    /** A job's clocks, advanced by hand. */
    private static final class HandClock implements SourceContext, NanoClock, EpochClock
    {
        long nowNs;

        public long nanoTime()
        {
            return nowNs;
        }

        public long time()
        {
            return nowNs / 1_000_000;
        }

        public EpochClock epochClock()
        {
            return this;
        }

        public NanoClock nanoClock()
        {
            return this;
        }

        public int maxRowLength()
        {
            return 16 * 1024;
        }
    }

    @Test
    void shouldRecordSinkTimeMinusTheIntendedTimeOfTheDueEvent() throws Exception
    {
        final HandClock clock = new HandClock();
        clock.nowNs = 5_000;
        final NexmarkSource source = NexmarkSource.paced(new NexmarkConfig(), 100, 1, 1_000_000);
        source.createReader(0, 1, clock);
        final NexmarkLatencySink sink = new NexmarkLatencySink("q0", source, 10, clock, clock);
        final Sink.SinkWriter writer = sink.createWriter(0, 1, NexmarkRows.EVENT);
        final Row row = new Row().wrap(NexmarkRows.EVENT, new UnsafeBuffer(new byte[256]), 0, 256);

        clock.nowNs = 5_000 + 20_000 + 7_000;
        writer.write(row.meta(0, 0, 20));
        writer.write(row.meta(0, 0, 5));
        clock.nowNs = 5_000 + 60_000 - 1;
        writer.write(row.meta(0, 0, 60));
        writer.close();

        final Histogram h = sink.histogram();
        assertEquals(3, sink.rows());
        assertEquals(2, h.getTotalCount(), "event 5 is in the warm-up");
        assertEquals(1, sink.early(), "event 60 is not due until 65,000 ns");
        assertEquals(h.highestEquivalentValue(7_000), h.getMaxValue());
        assertEquals(0, h.getMinValue());
    }

    @Test
    void shouldRecordAProcessingTimeWindowFromItsEndOrTheEndOfTheInput() throws Exception
    {
        final HandClock clock = new HandClock();
        clock.nowNs = 1_000_000_000;
        final NexmarkSource source = NexmarkSource.paced(new NexmarkConfig(), 1_000, 1, 1_000);
        source.createReader(0, 1, clock);
        final NexmarkLatencySink sink = new NexmarkLatencySink("q12", source, 0, clock, clock);
        final Sink.SinkWriter writer = sink.createWriter(0, 1, NexmarkQueries.Q12_OUT);
        final Field.Timestamp end = NexmarkQueries.Q12_OUT.timestamp("endtime");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final RowWriter rowWriter = new RowWriter().wrap(NexmarkQueries.Q12_OUT, buffer, 0, buffer.capacity());
        final Row row = new Row();

        rowWriter.reset().putTimestamp(end, 1_500);
        clock.nowNs = 1_500_000_000 + 3_000;
        writer.write(row.wrap(NexmarkQueries.Q12_OUT, buffer, 0, rowWriter.length()));
        rowWriter.reset().putTimestamp(end, 1_000_000);
        clock.nowNs = 1_000_000_000 + 999_000_000 + 40_000;
        writer.write(row.wrap(NexmarkQueries.Q12_OUT, buffer, 0, rowWriter.length()));
        writer.close();

        final Histogram h = sink.histogram();
        assertEquals(2, h.getTotalCount());
        assertEquals(h.highestEquivalentValue(3_000), h.getValueAtPercentile(50), "the window's end");
        assertEquals(h.highestEquivalentValue(40_000), h.getMaxValue(), "a window open at the end: the last event");
        assertEquals(0, sink.early());
    }

    @Test
    void shouldNotAllocateWhenRecording() throws Exception
    {
        final HandClock clock = new HandClock();
        final NexmarkSource source = NexmarkSource.paced(new NexmarkConfig(), 1_000_000_000L, 2, 1e9);
        source.createReader(0, 2, clock);
        final NexmarkLatencySink sink = new NexmarkLatencySink("q5", source, 0, clock, clock);
        final Sink.SinkWriter writer = sink.createWriter(0, 2, NexmarkQueries.Q5_OUT);
        final Row row = new Row().wrap(NexmarkQueries.Q5_OUT, new UnsafeBuffer(new byte[64]), 0, 16);
        final long base = NexmarkConfig.DEFAULT_BASE_TIME_MS;
        for (int i = 0; i < 200_000; i++)
        {
            clock.nowNs += 10;
            writer.write(row.meta(base + 2_000 * (i % 100) - 1, -1, -1));
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 1_000_000; i++)
        {
            clock.nowNs += 10;
            writer.write(row.meta(base + 2_000 * (i % 100) - 1, -1, -1));
        }
        final long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes over 1M rows");
        writer.close();
        assertEquals(1_200_000, sink.rows());
    }

    /**
     * A paced run on two shards records one latency per result row (no warm-up here): as many as the same query
     * gives unpaced, and none of them before its due event was sent.
     */
    @Test
    void shouldRecordEveryResultRowOfAPacedRun()
    {
        final double rate = 400_000;
        final long events = 80_000;
        final NexmarkConfig config = NexmarkLatency.config(rate, 500);
        for (final String query : List.of("q0", "q2", "q3", "q4", "q5", "q7", "q8", "q11", "q12"))
        {
            final NexmarkLatency.Result result = NexmarkLatency.run(query, config, events, 0, rate,
                NexmarkLatency.context(2, IdleStrategyKind.YIELD));
            assertEquals(result.rows(), result.histogram().getTotalCount(), query);
            if (!"q12".equals(query))
            {
                final NexmarkRunner.Digest unpaced = NexmarkRunner.digest(
                    query, NexmarkSource.generator(config, events, 0), NexmarkRunner.context(2));
                assertEquals(unpaced.rows(), result.rows(), query);
                assertEquals(0, result.early(), query + ": rows at the sink before their due event was sent");
            }
            assertTrue(result.rows() > 0, query);
        }
    }
}
