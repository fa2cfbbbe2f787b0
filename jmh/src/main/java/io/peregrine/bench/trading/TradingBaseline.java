package io.peregrine.bench.trading;

import io.peregrine.api.MutableRow;
import io.peregrine.api.RowWriter;
import io.peregrine.demo.MarketData;
import io.peregrine.demo.TradingJob;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The COST baseline of the trading workload: one thread, one loop, plain collections, computing
 * what {@link TradingJob} computes (1 s OHLC/VWAP bars, 5 s/1 s price-range alerts, top-N most
 * active per second, 1 s average spreads, running VWAP per trade) from the same generator.
 * Results are produced as the same CSV lines as the engine's sinks, so the two can be compared.
 */
public final class TradingBaseline
{
    private static final long SECOND = 1_000;

    /**
     * What a run produced.
     */
    public static final class Result
    {
        public final List<String> bars = new ArrayList<>();
        public final List<String> top = new ArrayList<>();
        public final List<String> alerts = new ArrayList<>();
        public long spreads;
        public long ticks;
        public double tickChecksum;
    }

    private static final class Bar
    {
        final long instrument;
        final String symbol;
        long openTs = Long.MAX_VALUE;
        long openPos;
        double open;
        long closeTs = Long.MIN_VALUE;
        long closePos;
        double close;
        double high = Double.NEGATIVE_INFINITY;
        double low = Double.POSITIVE_INFINITY;
        long volume;
        double notional;
        long trades;

        Bar(final long instrument, final String symbol)
        {
            this.instrument = instrument;
            this.symbol = symbol;
        }
    }

    private static final class Range
    {
        final String symbol;
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        long lastTs = Long.MIN_VALUE;
        long lastPos;
        double last;
        long trades;

        Range(final String symbol)
        {
            this.symbol = symbol;
        }
    }

    private TradingBaseline()
    {
    }

    /**
     * @param data   the generator.
     * @param events how many.
     * @param topN   size of the ranking.
     * @return the results.
     */
    public static Result run(final MarketData data, final long events, final int topN)
    {
        final Result result = new Result();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final RowWriter writer = new RowWriter();
        final MutableRow row = new MutableRow();
        final TreeMap<Long, Map<Long, Bar>> bars = new TreeMap<>();
        final TreeMap<Long, Map<Long, Range>> ranges = new TreeMap<>();
        final TreeMap<Long, Map<Long, double[]>> spreads = new TreeMap<>();
        final Map<Long, double[]> vwap = new HashMap<>();
        final StringBuilder symbol = new StringBuilder();
        for (long i = 0; i < events; i++)
        {
            writer.wrap(MarketData.SCHEMA, buffer, 0, buffer.capacity());
            data.generate(i, writer);
            row.wrap(MarketData.SCHEMA, buffer, 0, writer.length());
            final long instrument = row.getLong(MarketData.INSTRUMENT);
            final long ts = row.getTimestamp(MarketData.TS);
            if (row.getInt(MarketData.KIND) == MarketData.TRADE)
            {
                final double price = row.getDouble(MarketData.PRICE);
                final long qty = row.getLong(MarketData.QTY);
                symbol.setLength(0);
                row.getAscii(MarketData.SYMBOL, symbol);
                final String sym = symbol.toString();

                final Bar bar = bars.computeIfAbsent(ts - Math.floorMod(ts, SECOND), k -> new HashMap<>())
                    .computeIfAbsent(instrument, k -> new Bar(instrument, sym));
                if (ts < bar.openTs || (ts == bar.openTs && i < bar.openPos))
                {
                    bar.openTs = ts;
                    bar.openPos = i;
                    bar.open = price;
                }
                if (ts > bar.closeTs || (ts == bar.closeTs && i > bar.closePos))
                {
                    bar.closeTs = ts;
                    bar.closePos = i;
                    bar.close = price;
                }
                bar.high = Math.max(bar.high, price);
                bar.low = Math.min(bar.low, price);
                bar.volume += qty;
                bar.notional += price * qty;
                bar.trades++;

                for (long start = ts - Math.floorMod(ts, SECOND); start > ts - 5 * SECOND; start -= SECOND)
                {
                    final Range range = ranges.computeIfAbsent(start, k -> new HashMap<>())
                        .computeIfAbsent(instrument, k -> new Range(sym));
                    range.low = Math.min(range.low, price);
                    range.high = Math.max(range.high, price);
                    if (ts > range.lastTs || (ts == range.lastTs && i > range.lastPos))
                    {
                        range.lastTs = ts;
                        range.lastPos = i;
                        range.last = price;
                    }
                    range.trades++;
                }

                final double[] v = vwap.computeIfAbsent(instrument, k -> new double[3]);
                v[0] += price * qty;
                v[1] += qty;
                v[2]++;
                result.ticks++;
                result.tickChecksum += v[0] / v[1];
            }
            else
            {
                final double[] s = spreads.computeIfAbsent(ts - Math.floorMod(ts, SECOND), k -> new HashMap<>())
                    .computeIfAbsent(instrument, k -> new double[2]);
                s[0] += row.getDouble(MarketData.ASK) - row.getDouble(MarketData.BID);
                s[1]++;
            }
        }

        for (final Map.Entry<Long, Map<Long, Bar>> window : bars.entrySet())
        {
            final long start = window.getKey();
            final List<Bar> all = new ArrayList<>(window.getValue().values());
            for (final Bar bar : all)
            {
                result.bars.add(barCsv(start, bar));
            }
            all.sort((a, b) ->
            {
                final int byTrades = Long.compare(b.trades, a.trades);
                return byTrades != 0 ? byTrades : Long.compareUnsigned(Long.reverseBytes(a.instrument), Long.reverseBytes(b.instrument));
            });
            for (int r = 0; r < Math.min(topN, all.size()); r++)
            {
                result.top.add(start + "," + (start + SECOND) + "," + (r + 1) + "," + barCsv(start, all.get(r)));
            }
        }
        for (final Map.Entry<Long, Map<Long, Range>> window : ranges.entrySet())
        {
            final long start = window.getKey();
            for (final Map.Entry<Long, Range> e : window.getValue().entrySet())
            {
                final Range r = e.getValue();
                if (r.trades >= 5 && r.high - r.low > TradingJob.ALERT_THRESHOLD * r.low)
                {
                    result.alerts.add(e.getKey() + "," + start + "," + (start + 5 * SECOND) + "," + r.symbol + "," +
                        r.low + "," + r.high + "," + r.last + "," + r.trades);
                }
            }
        }
        for (final Map<Long, double[]> window : spreads.values())
        {
            result.spreads += window.size();
        }
        return result;
    }

    private static String barCsv(final long start, final Bar bar)
    {
        final double vwap = bar.volume == 0 ? 0 : Math.round(bar.notional / bar.volume * 10_000) / 10_000.0;
        return bar.instrument + "," + bar.symbol + "," + start + "," + (start + SECOND) + "," + bar.open + "," + bar.high +
            "," + bar.low + "," + bar.close + "," + bar.volume + "," + vwap + "," + bar.trades + ",0";
    }
}
