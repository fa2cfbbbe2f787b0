package io.peregrine.bench.join;

import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.connector.RowGenerator;
import io.peregrine.demo.MarketData;

/**
 * Market data for the as-of join benchmark, in the demo's {@link MarketData#SCHEMA}: the same instrument skew (the
 * cube of a uniform draw: instrument 0 the most active), a quarter trades and the rest quotes, event time advancing at
 * a fixed rate, but prices from a table and a few hash bits rather than the demo's waves, so that making an event
 * costs little next to joining it (the demo's generator alone runs at a few million events a second). A pure function
 * of the event number, as a generator source needs.
 */
final class AsOfMarketData implements RowGenerator
{
    private final int instruments;
    private final long eventsPerEventSecond;
    private final double[] mid;
    private final byte[] symbols;

    AsOfMarketData(final int instruments, final long eventsPerEventSecond)
    {
        this.instruments = instruments;
        this.eventsPerEventSecond = eventsPerEventSecond;
        mid = new double[instruments];
        symbols = new byte[instruments * 8];
        for (int i = 0; i < instruments; i++)
        {
            mid[i] = 5 + (Row.mix(i * 0x9E3779B97F4A7C15L + 17) >>> 40) % 50_000 / 100.0;
            long n = i;
            symbols[i * 8] = 'X';
            for (int c = 1; c < 8 && (c == 1 || n > 0); c++, n /= 26)
            {
                symbols[i * 8 + c] = (byte)('A' + n % 26);
            }
        }
    }

    int instruments()
    {
        return instruments;
    }

    public void generate(final long index, final RowWriter out)
    {
        final long h = Row.mix(index);
        final double u = (h >>> 11) * 0x1.0p-53;
        final int instrument = (int)(instruments * u * u * u);
        final boolean trade = ((h >>> 1) & 3) == 0;
        final double m = mid[instrument] * (1 + ((h >>> 3) & 0xFF) * 1e-5);
        final double halfSpread = m * 0.0002 * (1 + ((h >>> 12) & 3));
        out.putLong(MarketData.INSTRUMENT, instrument)
            .putTimestamp(MarketData.TS, MarketData.START_MS + index * 1000 / eventsPerEventSecond)
            .putInt(MarketData.KIND, trade ? MarketData.TRADE : MarketData.QUOTE)
            .putDouble(MarketData.BID, m - halfSpread)
            .putDouble(MarketData.ASK, m + halfSpread);
        if (trade)
        {
            out.putDouble(MarketData.PRICE, ((h >>> 14) & 1) == 0 ? m - halfSpread : m + halfSpread)
                .putLong(MarketData.QTY, 1 + ((h >>> 16) & 0x3FF));
        }
        out.buffer().putBytes(out.offset() + MarketData.SYMBOL.offset(), symbols, instrument * 8, 8);
    }
}
