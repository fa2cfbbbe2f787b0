package io.peregrine.bench.join;

import io.peregrine.api.MutableRow;

import io.peregrine.api.RowWriter;
import io.peregrine.demo.MarketData;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The COST baseline of the as-of join workload: one thread reads the same generated market data in order and computes
 * the same rows as {@link io.peregrine.demo.EffectiveSpreadJob} (each trade with the latest quote of its instrument at
 * or before its time, of equal times the last), keeping each instrument's last quote in arrays and the trades of the
 * current millisecond until the millisecond is over (a quote later in the same millisecond still counts, as in the
 * join). The rows are folded into {@link AsOfDigest}s, not written.
 */
final class AsOfBaseline
{
    private final AsOfMarketData data;
    private final double[] bid;
    private final double[] ask;
    private final long[] quoteTs;
    private final boolean[] quoted;
    private int[] pendingInstrument = new int[1024];
    private long[] pendingTs = new long[1024];
    private double[] pendingPrice = new double[1024];
    private long[] pendingQty = new long[1024];
    private int pending;
    final AsOfDigest exact = new AsOfDigest();
    final AsOfDigest trades = new AsOfDigest();

    AsOfBaseline(final AsOfMarketData data)
    {
        this.data = data;
        bid = new double[data.instruments()];
        ask = new double[data.instruments()];
        quoteTs = new long[data.instruments()];
        quoted = new boolean[data.instruments()];
    }

    /**
     * @param events events 0 to events - 1.
     * @return this.
     */
    AsOfBaseline run(final long events)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final RowWriter writer = new RowWriter();
        final MutableRow row = new MutableRow();
        long millisecond = Long.MIN_VALUE;
        for (long i = 0; i < events; i++)
        {
            data.generate(i, writer.wrap(MarketData.SCHEMA, buffer, 0, buffer.capacity()));
            row.wrap(MarketData.SCHEMA, buffer, 0, writer.length());
            final long ts = row.getTimestamp(MarketData.TS);
            if (ts != millisecond)
            {
                flush();
                millisecond = ts;
            }
            final int instrument = (int)row.getLong(MarketData.INSTRUMENT);
            if (row.getInt(MarketData.KIND) == MarketData.QUOTE)
            {
                bid[instrument] = row.getDouble(MarketData.BID);
                ask[instrument] = row.getDouble(MarketData.ASK);
                quoteTs[instrument] = ts;
                quoted[instrument] = true;
            }
            else
            {
                hold(instrument, ts, row.getDouble(MarketData.PRICE), row.getLong(MarketData.QTY));
            }
        }
        flush();
        return this;
    }

    private void hold(final int instrument, final long ts, final double price, final long qty)
    {
        if (pending == pendingTs.length)
        {
            pendingInstrument = java.util.Arrays.copyOf(pendingInstrument, pending * 2);
            pendingTs = java.util.Arrays.copyOf(pendingTs, pending * 2);
            pendingPrice = java.util.Arrays.copyOf(pendingPrice, pending * 2);
            pendingQty = java.util.Arrays.copyOf(pendingQty, pending * 2);
        }
        pendingInstrument[pending] = instrument;
        pendingTs[pending] = ts;
        pendingPrice[pending] = price;
        pendingQty[pending] = qty;
        pending++;
    }

    private void flush()
    {
        for (int i = 0; i < pending; i++)
        {
            final int instrument = pendingInstrument[i];
            if (quoted[instrument])
            {
                final double mid = (bid[instrument] + ask[instrument]) / 2;
                final double spread = 2 * Math.abs(pendingPrice[i] - mid);
                final double bps = spread / mid * 10_000;
                exact.add(instrument, pendingTs[i], pendingQty[i], quoteTs[instrument], bps);
                trades.add(instrument, pendingTs[i], pendingQty[i], 0, 0);
            }
        }
        pending = 0;
    }
}
