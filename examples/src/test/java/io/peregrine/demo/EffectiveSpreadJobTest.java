package io.peregrine.demo;

import io.peregrine.config.JobContext;
import io.peregrine.connector.CollectSink;
import io.peregrine.connector.RowGenerator;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EffectiveSpreadJobTest
{
    private static Object[] md(final long instrument, final String symbol, final long ts, final int kind,
        final double price, final long qty, final double bid, final double ask)
    {
        return new Object[]{ instrument, symbol, ts, kind, price, qty, bid, ask, 0L };
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldJoinEachTradeWithTheQuoteCurrentAtItsTime(final int shards)
    {
        final int t = MarketData.TRADE;
        final int q = MarketData.QUOTE;
        final List<Object[]> data = List.of(
            md(1, "XA", 1_000, q, 0, 0, 9.98, 10.02),
            md(1, "XA", 1_010, t, 10.01, 100, 0, 0),     // quote at 1,000: mid 10.00, spread 0.02 = 20 bps
            md(2, "XB", 1_015, t, 50.00, 10, 0, 0),      // no quote of XB yet: dropped
            md(1, "XA", 1_020, q, 10.00, 0, 9.99, 10.01),
            md(2, "XB", 1_030, q, 0, 0, 49.90, 50.10),
            md(1, "XA", 1_020, t, 9.99, 5, 0, 0),        // at the quote's own time: that quote, mid 10.00, 20 bps
            md(2, "XB", 1_040, t, 50.05, 20, 0, 0),      // mid 50.00, spread 0.10 = 20 bps
            md(1, "XA", 1_100, q, 0, 0, 10.00, 10.04));  // after every trade
        final CollectSink sink = Sinks.collect();
        EffectiveSpreadJob.build(Sources.collection(MarketData.SCHEMA, data), 100, sink)
            .execute(new JobContext().shards(shards).idleStrategyName("yield")).join();
        final List<String> rows = new ArrayList<>();
        for (final String row : sink.sortedRows())
        {
            final String[] f = row.split(",");
            rows.add(String.join(",", f[0], f[1], f[2], f[5], String.format("%.4f", Double.parseDouble(f[8])),
                String.format("%.2f", Double.parseDouble(f[9]))));
        }
        assertEquals(List.of("1,XA,1010,1000,0.0200,20.00", "1,XA,1020,1020,0.0200,20.00", "2,XB,1040,1030,0.1000,20.00"),
            rows);
    }

    /**
     * Over generated data (one event per millisecond, so no two quotes share a time), the join's rows equal a
     * single-threaded loop that remembers each instrument's last quote.
     */
    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void shouldEqualALoopOverTheLastQuoteOfEachInstrument(final int shards)
    {
        final long events = 200_000;
        final RowGenerator generator = new MarketData(500, 1_000, MarketData.IngestStamp.NONE);
        final CollectSink sink = Sinks.collect();
        EffectiveSpreadJob.build(Sources.generator(MarketData.SCHEMA, events, generator), 50, sink)
            .execute(new JobContext().shards(shards).idleStrategyName("yield")).join();

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final UnsafeBuffer outBuffer = new UnsafeBuffer(new byte[256]);
        final io.peregrine.api.RowWriter writer = new io.peregrine.api.RowWriter();
        final io.peregrine.api.RowWriter out = new io.peregrine.api.RowWriter();
        final Map<Long, byte[]> lastQuote = new HashMap<>();
        final List<String> expected = new ArrayList<>();
        final StringBuilder line = new StringBuilder();
        for (long i = 0; i < events; i++)
        {
            generator.generate(i, writer.wrap(MarketData.SCHEMA, buffer, 0, buffer.capacity()));
            final io.peregrine.api.Row row = new io.peregrine.api.MutableRow().wrap(MarketData.SCHEMA, buffer, 0, writer.length());
            final long instrument = row.getLong(MarketData.INSTRUMENT);
            if (row.getInt(MarketData.KIND) == MarketData.QUOTE)
            {
                final byte[] copy = new byte[writer.length()];
                buffer.getBytes(0, copy);
                lastQuote.put(instrument, copy);
            }
            else if (lastQuote.containsKey(instrument))
            {
                final byte[] quote = lastQuote.get(instrument);
                final io.peregrine.api.Row quoteRow = new io.peregrine.api.MutableRow()
                    .wrap(MarketData.SCHEMA, new UnsafeBuffer(quote), 0, quote.length);
                EffectiveSpreadJob.spread(row, quoteRow, out.wrap(EffectiveSpreadJob.SPREAD, outBuffer, 0, outBuffer.capacity()));
                line.setLength(0);
                expected.add(new io.peregrine.api.MutableRow().wrap(EffectiveSpreadJob.SPREAD, outBuffer, 0, out.length())
                    .appendCsv(line).toString());
            }
        }
        Collections.sort(expected);
        assertTrue(expected.size() > 40_000, "trades joined: " + expected.size());
        assertEquals(expected, sink.sortedRows());
    }
}
