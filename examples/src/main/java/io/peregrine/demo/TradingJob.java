package io.peregrine.demo;

import io.peregrine.api.Aggregations;
import io.peregrine.pipeline.DataStream;
import io.peregrine.api.Field;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.api.Source;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;

import static io.peregrine.demo.MarketData.ASK;
import static io.peregrine.demo.MarketData.BID;
import static io.peregrine.demo.MarketData.INGEST_NS;
import static io.peregrine.demo.MarketData.INSTRUMENT;
import static io.peregrine.demo.MarketData.KIND;
import static io.peregrine.demo.MarketData.PRICE;
import static io.peregrine.demo.MarketData.QTY;
import static io.peregrine.demo.MarketData.TS;

/**
 * The trading-analytics pipeline of the demo and the trading benchmark:
 * <pre>
 *   market data -+- trades -> keyBy instrument -> 1 s tumbling OHLC/VWAP bars -+-> bars sink
 *                |                                                               +-> all bars -> top-N most active per second
 *                |         -> keyBy instrument -> 5 s window sliding by 1 s: price range -> price-move alerts
 *                |         -> keyBy instrument -> running VWAP per trade (if a ticks sink is given)
 *                +- quotes -> keyBy instrument -> 1 s average spread
 * </pre>
 */
public final class TradingJob
{
    public static final Schema TRADE = Schema.builder("trade")
        .int64("instrument").ascii("symbol", 8).timestamp("ts").float64("price").int64("qty").float64("notional")
        .int64("ingest_ns").build();
    static final Field.Int64 T_INSTRUMENT = TRADE.int64("instrument");
    static final Field.Ascii T_SYMBOL = TRADE.ascii("symbol");
    static final Field.Timestamp T_TS = TRADE.timestamp("ts");
    static final Field.Float64 T_PRICE = TRADE.float64("price");
    static final Field.Int64 T_QTY = TRADE.int64("qty");
    static final Field.Float64 T_NOTIONAL = TRADE.float64("notional");
    static final Field.Int64 T_INGEST = TRADE.int64("ingest_ns");

    public static final Schema SPREAD = Schema.builder("spread")
        .int64("instrument").timestamp("ts").float64("spread").build();
    static final Field.Int64 S_INSTRUMENT = SPREAD.int64("instrument");
    static final Field.Timestamp S_TS = SPREAD.timestamp("ts");
    static final Field.Float64 S_SPREAD = SPREAD.float64("spread");

    public static final Schema BAR = Schema.builder("bar")
        .int64("instrument").ascii("symbol", 8).timestamp("window_start").timestamp("window_end")
        .float64("open").float64("high").float64("low").float64("close").int64("volume").float64("vwap").int64("trades")
        .int64("ingest_ns").build();
    public static final Field.Int64 B_INSTRUMENT = BAR.int64("instrument");
    public static final Field.Ascii B_SYMBOL = BAR.ascii("symbol");
    public static final Field.Int64 B_TRADES = BAR.int64("trades");
    public static final Field.Int64 B_INGEST = BAR.int64("ingest_ns");

    /** A price range over 5 s beyond this fraction of the low raises an alert. */
    public static final double ALERT_THRESHOLD = 0.04;

    /**
     * What the pipeline's sinks are.
     */
    public static final class Sinks
    {
        public Sink bars;
        public Sink top;
        public Sink alerts;
        public Sink spreads;
        /** Per-trade running VWAP of the instrument, one row per trade (optional). */
        public Sink ticks;
    }

    public static final Schema TICK = Schema.builder("tick")
        .int64("instrument").timestamp("ts").float64("price").float64("vwap").int64("trades").int64("ingest_ns").build();
    public static final Field.Int64 K_INSTRUMENT = TICK.int64("instrument");
    public static final Field.Timestamp K_TS = TICK.timestamp("ts");
    public static final Field.Float64 K_PRICE = TICK.float64("price");
    public static final Field.Float64 K_VWAP = TICK.float64("vwap");
    public static final Field.Int64 K_TRADES = TICK.int64("trades");
    public static final Field.Int64 K_INGEST = TICK.int64("ingest_ns");

    private TradingJob()
    {
    }

    /**
     * @param source the market data.
     * @param topN   instruments in the most-active ranking.
     * @param sinks  where results go.
     * @return the pipeline.
     */
    public static Pipeline build(final Source source, final int topN, final Sinks sinks)
    {
        final Pipeline p = Pipeline.create("trading");
        final DataStream md = p.source("market-data", source, WatermarkStrategy.boundedOutOfOrderness(TS, 50));

        final DataStream trades = md
            .filter("trades-only", row -> row.getInt(KIND) == MarketData.TRADE)
            .map("to-trade", TRADE, (in, out) ->
            {
                final double price = in.getDouble(PRICE);
                final long qty = in.getLong(QTY);
                out.putLong(T_INSTRUMENT, in.getLong(INSTRUMENT))
                    .putTimestamp(T_TS, in.getTimestamp(TS))
                    .putDouble(T_PRICE, price)
                    .putLong(T_QTY, qty)
                    .putDouble(T_NOTIONAL, price * qty)
                    .putLong(T_INGEST, in.getLong(INGEST_NS))
                    .copy(T_SYMBOL, in, MarketData.SYMBOL);
            });

        if (sinks.ticks != null)
        {
            // Tick to signal: every trade updates its instrument's running VWAP (state: notional, volume,
            // trades) and emits it at once. Its latency is the engine's per-event latency.
            trades.keyBy("by-instrument-ticks", T_INSTRUMENT)
                .process("running-vwap", TICK, 24, (in, ctx, out) ->
                {
                    final org.agrona.MutableDirectBuffer state = ctx.state();
                    final double notional = state.getDouble(0) + in.getDouble(T_NOTIONAL);
                    final long volume = state.getLong(8) + in.getLong(T_QTY);
                    final long count = state.getLong(16) + 1;
                    state.putDouble(0, notional);
                    state.putLong(8, volume);
                    state.putLong(16, count);
                    out.next()
                        .putLong(K_INSTRUMENT, ctx.key())
                        .putTimestamp(K_TS, in.getTimestamp(T_TS))
                        .putDouble(K_PRICE, in.getDouble(T_PRICE))
                        .putDouble(K_VWAP, notional / volume)
                        .putLong(K_TRADES, count)
                        .putLong(K_INGEST, in.getLong(T_INGEST));
                    out.emit();
                })
                .sink("ticks", sinks.ticks);
        }

        final DataStream rawBars = trades
            .keyBy("by-instrument", T_INSTRUMENT)
            .window(Windows.tumbling(1_000))
            .aggregate("ohlc-1s",
                Aggregations.keep(T_SYMBOL),
                Aggregations.first("open", T_PRICE),
                Aggregations.max("high", T_PRICE),
                Aggregations.min("low", T_PRICE),
                Aggregations.last("close", T_PRICE),
                Aggregations.sum("volume", T_QTY),
                Aggregations.sum("notional", T_NOTIONAL),
                Aggregations.count("trades"),
                Aggregations.max("ingest_ns", T_INGEST));
        final Schema raw = rawBars.schema();
        final Field.Int64 rKey = raw.int64("key");
        final Field.Ascii rSymbol = raw.ascii("symbol");
        final Field.Timestamp rStart = raw.timestamp("window_start");
        final Field.Timestamp rEnd = raw.timestamp("window_end");
        final Field.Float64 rOpen = raw.float64("open");
        final Field.Float64 rHigh = raw.float64("high");
        final Field.Float64 rLow = raw.float64("low");
        final Field.Float64 rClose = raw.float64("close");
        final Field.Int64 rVolume = raw.int64("volume");
        final Field.Float64 rNotional = raw.float64("notional");
        final Field.Int64 rTrades = raw.int64("trades");
        final Field.Int64 rIngest = raw.int64("ingest_ns");
        final Field.Timestamp bStart = BAR.timestamp("window_start");
        final Field.Timestamp bEnd = BAR.timestamp("window_end");
        final Field.Float64 bOpen = BAR.float64("open");
        final Field.Float64 bHigh = BAR.float64("high");
        final Field.Float64 bLow = BAR.float64("low");
        final Field.Float64 bClose = BAR.float64("close");
        final Field.Int64 bVolume = BAR.int64("volume");
        final Field.Float64 bVwap = BAR.float64("vwap");
        final DataStream bars = rawBars.map("vwap", BAR, (in, out) ->
        {
            final long volume = in.getLong(rVolume);
            out.putLong(B_INSTRUMENT, in.getLong(rKey))
                .putTimestamp(bStart, in.getTimestamp(rStart))
                .putTimestamp(bEnd, in.getTimestamp(rEnd))
                .putDouble(bOpen, in.getDouble(rOpen))
                .putDouble(bHigh, in.getDouble(rHigh))
                .putDouble(bLow, in.getDouble(rLow))
                .putDouble(bClose, in.getDouble(rClose))
                .putLong(bVolume, volume)
                .putDouble(bVwap, volume == 0 ? 0 : Math.round(in.getDouble(rNotional) / volume * 10_000) / 10_000.0)
                .putLong(B_TRADES, in.getLong(rTrades))
                .putLong(B_INGEST, in.getLong(rIngest))
                .copy(B_SYMBOL, in, rSymbol);
        });
        bars.sink("bars", sinks.bars);

        bars.windowAll("all-bars", Windows.tumbling(1_000))
            .topN("most-active", topN, B_TRADES)
            .sink("top", sinks.top);

        final DataStream ranges = trades
            .keyBy("by-instrument-5s", T_INSTRUMENT)
            .window(Windows.sliding(5_000, 1_000))
            .aggregate("range-5s",
                Aggregations.keep(T_SYMBOL),
                Aggregations.min("low", T_PRICE),
                Aggregations.max("high", T_PRICE),
                Aggregations.last("last", T_PRICE),
                Aggregations.count("trades"));
        final Field.Float64 low = ranges.schema().float64("low");
        final Field.Float64 high = ranges.schema().float64("high");
        final Field.Int64 rangeTrades = ranges.schema().int64("trades");
        ranges
            .filter("price-move", row -> row.getLong(rangeTrades) >= 5 &&
                row.getDouble(high) - row.getDouble(low) > ALERT_THRESHOLD * row.getDouble(low))
            .sink("alerts", sinks.alerts);

        md.filter("quotes-only", row -> row.getInt(KIND) == MarketData.QUOTE)
            .map("to-spread", SPREAD, (in, out) -> out
                .putLong(S_INSTRUMENT, in.getLong(INSTRUMENT))
                .putTimestamp(S_TS, in.getTimestamp(TS))
                .putDouble(S_SPREAD, in.getDouble(ASK) - in.getDouble(BID)))
            .keyBy("by-instrument-quotes", S_INSTRUMENT)
            .window(Windows.tumbling(1_000))
            .aggregate("spread-1s", Aggregations.avg("avg_spread", S_SPREAD), Aggregations.count("quotes"))
            .sink("spreads", sinks.spreads);
        return p;
    }
}
