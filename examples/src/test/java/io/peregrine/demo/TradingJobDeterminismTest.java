package io.peregrine.demo;

import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.connector.CollectSink;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TradingJobDeterminismTest
{
    private static List<List<String>> run(final int shards)
    {
        final MarketData data = new MarketData(300, 20_000, MarketData.IngestStamp.NONE);
        final TradingJob.Sinks sinks = new TradingJob.Sinks();
        final CollectSink bars = Sinks.collect();
        final CollectSink top = Sinks.collect();
        final CollectSink alerts = Sinks.collect();
        final CollectSink spreads = Sinks.collect();
        sinks.bars = bars;
        sinks.top = top;
        sinks.alerts = alerts;
        sinks.spreads = spreads;
        TradingJob.build(Sources.generator(MarketData.SCHEMA, 400_000, data), 5, sinks)
            .execute(new JobContext().shards(shards).idleStrategy(IdleStrategyKind.YIELD))
            .join();
        final List<List<String>> results = new ArrayList<>();
        results.add(bars.sortedRows());
        results.add(top.sortedRows());
        results.add(alerts.sortedRows());
        // The average spread is a floating-point sum whose order depends on how splits interleave: compare it to
        // 9 significant digits. Every other column is exact.
        final List<String> rounded = new ArrayList<>();
        for (final String line : spreads.sortedRows())
        {
            final String[] f = line.split(",");
            f[3] = String.format("%.9g", Double.parseDouble(f[3]));
            rounded.add(String.join(",", f));
        }
        results.add(rounded);
        return results;
    }

    private static void assertSame(final List<String> expected, final List<String> actual, final String what)
    {
        if (!expected.equals(actual))
        {
            final List<String> missing = new ArrayList<>(expected);
            missing.removeAll(actual);
            final List<String> extra = new ArrayList<>(actual);
            extra.removeAll(expected);
            throw new AssertionError(what + ": " + expected.size() + " vs " + actual.size() + " rows; missing " +
                missing.subList(0, Math.min(5, missing.size())) + ", unexpected " + extra.subList(0, Math.min(5, extra.size())));
        }
    }

    @Test
    void shouldProduceTheSameResultsOnOneTwoAndFourShards()
    {
        final List<List<String>> one = run(1);
        assertFalse(one.get(0).isEmpty(), "bars");
        assertEquals(20 * 5, one.get(1).size(), "top-5 for each of the 20 event seconds");
        assertFalse(one.get(3).isEmpty(), "spreads");
        final List<List<String>> two = run(2);
        final List<List<String>> four = run(4);
        for (int i = 0; i < one.size(); i++)
        {
            assertSame(one.get(i), two.get(i), "output " + i + ": 1 vs 2 shards");
            assertSame(one.get(i), four.get(i), "output " + i + ": 1 vs 4 shards");
        }
    }

    @Test
    void shouldComputeBarsThatAgreeWithAHandWrittenLoop()
    {
        final MarketData data = new MarketData(50, 10_000, MarketData.IngestStamp.NONE);
        final int events = 50_000;
        final TradingJob.Sinks sinks = new TradingJob.Sinks();
        final CollectSink bars = Sinks.collect();
        sinks.bars = bars;
        sinks.top = Sinks.collect();
        sinks.alerts = Sinks.collect();
        sinks.spreads = Sinks.collect();
        TradingJob.build(Sources.generator(MarketData.SCHEMA, events, data), 3, sinks)
            .execute(new JobContext().shards(2).idleStrategy(IdleStrategyKind.YIELD)).join();

        // Baseline: volume and trade count per (instrument, second), straight from the generator.
        final java.util.Map<String, long[]> expected = new java.util.TreeMap<>();
        final io.peregrine.api.RowWriter writer = new io.peregrine.api.RowWriter();
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(new byte[256]);
        final io.peregrine.api.Row row = new io.peregrine.api.Row();
        for (long i = 0; i < events; i++)
        {
            writer.wrap(MarketData.SCHEMA, buffer, 0, 256);
            data.generate(i, writer);
            row.wrap(MarketData.SCHEMA, buffer, 0, writer.length());
            if (row.getInt(MarketData.KIND) == MarketData.TRADE)
            {
                final long second = row.getTimestamp(MarketData.TS) / 1000 * 1000;
                final long[] agg = expected.computeIfAbsent(row.getLong(MarketData.INSTRUMENT) + "@" + second, k -> new long[2]);
                agg[0] += row.getLong(MarketData.QTY);
                agg[1]++;
            }
        }
        final java.util.Map<String, long[]> actual = new java.util.TreeMap<>();
        for (final String line : bars.rows())
        {
            final String[] f = line.split(",");
            actual.put(f[0] + "@" + f[2], new long[]{ Long.parseLong(f[8]), Long.parseLong(f[10]) });
        }
        assertEquals(expected.keySet(), actual.keySet());
        for (final String k : expected.keySet())
        {
            assertTrue(java.util.Arrays.equals(expected.get(k), actual.get(k)), k);
        }
    }
}
