package io.peregrine.demo;

import io.peregrine.api.Field;
import io.peregrine.api.Job;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.api.Source;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.config.JobContext;
import io.peregrine.metrics.Metric;
import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.KeyedStream;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sources;

import java.util.concurrent.atomic.AtomicLong;

import static io.peregrine.demo.MarketData.ASK;
import static io.peregrine.demo.MarketData.BID;
import static io.peregrine.demo.MarketData.INSTRUMENT;
import static io.peregrine.demo.MarketData.KIND;
import static io.peregrine.demo.MarketData.PRICE;
import static io.peregrine.demo.MarketData.QTY;
import static io.peregrine.demo.MarketData.SYMBOL;
import static io.peregrine.demo.MarketData.TS;

/**
 * Trades as-of joined with quotes: each trade with the quote of its instrument that was current when it happened
 * (the latest at or before the trade's time), and the trade's effective spread, the transaction cost measure of
 * every trading desk's execution analysis:
 * <pre>
 *   market data -+- trades -> keyBy instrument -+
 *                |                               +-> temporal (as-of) join -> effective spread per trade
 *                +- quotes -> keyBy instrument -+
 *
 *   mid = (bid + ask) / 2;  effective spread = 2 |price - mid|;  in basis points of the mid: 10,000 x that / mid
 * </pre>
 * A trade waits until the watermark (the slower of the two streams') reaches its time, since a quote for it may
 * still come; a trade before any quote of its instrument has no spread and is dropped. {@link #main} runs it over
 * the demo's generated market data and prints a summary.
 */
public final class EffectiveSpreadJob
{
    /** One row per trade with a quote. */
    public static final Schema SPREAD = Schema.builder("effective_spread")
        .int64("instrument").ascii("symbol", 8).timestamp("ts").float64("price").int64("qty")
        .timestamp("quote_ts").float64("bid").float64("ask").float64("effective_spread").float64("effective_spread_bps")
        .build();
    public static final Field.Int64 E_INSTRUMENT = SPREAD.int64("instrument");
    public static final Field.Ascii E_SYMBOL = SPREAD.ascii("symbol");
    public static final Field.Timestamp E_TS = SPREAD.timestamp("ts");
    public static final Field.Float64 E_PRICE = SPREAD.float64("price");
    public static final Field.Int64 E_QTY = SPREAD.int64("qty");
    public static final Field.Timestamp E_QUOTE_TS = SPREAD.timestamp("quote_ts");
    public static final Field.Float64 E_BID = SPREAD.float64("bid");
    public static final Field.Float64 E_ASK = SPREAD.float64("ask");
    public static final Field.Float64 E_SPREAD = SPREAD.float64("effective_spread");
    public static final Field.Float64 E_SPREAD_BPS = SPREAD.float64("effective_spread_bps");

    /** How far ahead of the slowest split of the market data a split may read, in ms of event time. */
    public static final long ALIGNMENT_DRIFT_MS = 100;

    private EffectiveSpreadJob()
    {
    }

    /**
     * @param marketData trades and quotes ({@link MarketData#SCHEMA}).
     * @param boundMs    out-of-orderness bound of the market data's event time.
     * @param sink       of {@link #SPREAD} rows.
     * @return the pipeline.
     */
    public static Pipeline build(final Source marketData, final long boundMs, final Sink sink)
    {
        final Pipeline p = Pipeline.create("effective-spread");
        // Aligned: a split that reads ahead of the others by more than 100 ms of event time waits, so that the join's
        // state holds about that much of the market rather than however far the fastest shard got.
        final DataStream md = p.source("market-data", marketData, WatermarkStrategy.boundedOutOfOrderness(TS, boundMs)
            .withAlignment("market-data", ALIGNMENT_DRIFT_MS));
        final KeyedStream trades = md.filter("trades", row -> row.getInt(KIND) == MarketData.TRADE)
            .keyBy("trades-by-instrument", INSTRUMENT);
        final KeyedStream quotes = md.filter("quotes", row -> row.getInt(KIND) == MarketData.QUOTE)
            .keyBy("quotes-by-instrument", INSTRUMENT);
        trades.temporalJoin(quotes)
            .apply("as-of-quote", SPREAD, EffectiveSpreadJob::spread)
            .sink("spreads", sink);
        return p;
    }

    /**
     * The output row of a trade and the quote current at its time.
     */
    static void spread(final Row trade, final Row quote, final RowWriter out)
    {
        final double price = trade.getDouble(PRICE);
        final double bid = quote.getDouble(BID);
        final double ask = quote.getDouble(ASK);
        final double mid = (bid + ask) / 2;
        final double spread = 2 * Math.abs(price - mid);
        out.putLong(E_INSTRUMENT, trade.getLong(INSTRUMENT))
            .copy(E_SYMBOL, trade, SYMBOL)
            .putTimestamp(E_TS, trade.getTimestamp(TS))
            .putDouble(E_PRICE, price)
            .putLong(E_QTY, trade.getLong(QTY))
            .putTimestamp(E_QUOTE_TS, quote.getTimestamp(TS))
            .putDouble(E_BID, bid)
            .putDouble(E_ASK, ask)
            .putDouble(E_SPREAD, spread)
            .putDouble(E_SPREAD_BPS, spread / mid * 10_000);
    }

    /**
     * Run over generated market data: {@code [events [instruments [shards]]]} (defaults 10,000,000, 10,000, all
     * processors); prints the trades joined, the volume-weighted effective spread and the rate.
     */
    public static void main(final String[] args)
    {
        final long events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000;
        final int instruments = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        final int shards = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        final AtomicLong trades = new AtomicLong();
        final double[] weighted = new double[2];
        final Sink sink = (shard, count, schema) -> new Sink.SinkWriter()
        {
            long n;
            double bpsTimesQty;
            double qty;

            public void write(final Row row)
            {
                n++;
                bpsTimesQty += row.getDouble(E_SPREAD_BPS) * row.getLong(E_QTY);
                qty += row.getLong(E_QTY);
            }

            public void close()
            {
                trades.addAndGet(n);
                synchronized (weighted)
                {
                    weighted[0] += bpsTimesQty;
                    weighted[1] += qty;
                }
            }
        };
        final long start = System.nanoTime();
        final Job job = build(Sources.generator(MarketData.SCHEMA, events,
            new MarketData(instruments, 200_000, MarketData.IngestStamp.NONE)), 50, sink)
            .execute(new JobContext().shards(shards));
        job.join();
        final double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("effective spread: %,d events (%,d instruments) on %d shard(s) in %.2f s, %,.0f events/s%n",
            events, instruments, shards, seconds, events / seconds);
        System.out.printf("  %,d trades joined with their quote, volume-weighted effective spread %.2f bps; late %d%n",
            trades.get(), weighted[0] / weighted[1], job.counters().total(Metric.LATE_RECORDS));
    }
}
