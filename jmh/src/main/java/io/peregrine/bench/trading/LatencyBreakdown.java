package io.peregrine.bench.trading;

import io.peregrine.api.Aggregations;
import io.peregrine.pipeline.DataStream;
import io.peregrine.api.Field;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Sink;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.connector.GeneratorSource;
import io.peregrine.demo.MarketData;
import io.peregrine.demo.TradingJob;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where the trading workload's tick latency goes: the tick path alone (trade -> keyBy -> running
 * VWAP -> sink) on one shard at a fixed rate, then with one window branch beside it on the same
 * shard, each event stamped with its intended send time. Run with
 * {@code java <flags> -cp jmh/target/benchmarks.jar io.peregrine.bench.trading.LatencyBreakdown [rate] [seconds]}.
 */
public final class LatencyBreakdown
{
    private LatencyBreakdown()
    {
    }

    /**
     * @param variant {@code ticks}, {@code ticks+bars} (a 1 s tumbling window per instrument) or
     *                {@code ticks+slide} (a 5 s window sliding by 1 s).
     * @param rate    events/s.
     * @param seconds length of the run (the first fifth is warm-up).
     * @return tick latency in ns.
     */
    public static Histogram run(final String variant, final double rate, final int seconds)
    {
        final long events = (long)(rate * seconds);
        final GeneratorSource[] source = new GeneratorSource[1];
        final MarketData data = new MarketData(10_000, 200_000, index -> source[0].intendedNs(index));
        source[0] = Sources.generator(MarketData.SCHEMA, events, rate, data);
        final long warmupEndTs = data.timestampOf(events / 5);
        final List<Histogram> histograms = Collections.synchronizedList(new ArrayList<>());
        final Sink latency = (shard, shards, schema) ->
        {
            final Histogram h = new Histogram(60_000_000_000L, 3);
            histograms.add(h);
            final Field.Int64 ingest = schema.int64("ingest_ns");
            final Field.Timestamp ts = schema.timestamp("ts");
            return row ->
            {
                if (row.getTimestamp(ts) >= warmupEndTs)
                {
                    h.recordValue(Math.max(0, System.nanoTime() - row.getLong(ingest)));
                }
            };
        };
        final Sink discard = (shard, shards, schema) -> row -> { };

        final Pipeline p = Pipeline.create("latency-breakdown");
        final DataStream trades = p
            .source("market-data", source[0], WatermarkStrategy.boundedOutOfOrderness(MarketData.TS, 50))
            .filter("trades-only", row -> row.getInt(MarketData.KIND) == MarketData.TRADE);
        trades.keyBy("by-instrument-ticks", MarketData.INSTRUMENT)
            .process("running-vwap", TradingJob.TICK, 24, (in, ctx, out) ->
            {
                final org.agrona.MutableDirectBuffer state = ctx.state();
                final double notional = state.getDouble(0) + in.getDouble(MarketData.PRICE) * in.getLong(MarketData.QTY);
                final long volume = state.getLong(8) + in.getLong(MarketData.QTY);
                state.putDouble(0, notional);
                state.putLong(8, volume);
                out.next()
                    .putLong(TradingJob.K_INSTRUMENT, ctx.key())
                    .putTimestamp(TradingJob.K_TS, in.getTimestamp(MarketData.TS))
                    .putDouble(TradingJob.K_VWAP, notional / volume)
                    .putLong(TradingJob.K_INGEST, in.getLong(MarketData.INGEST_NS));
                out.emit();
            })
            .sink("ticks", latency);
        if (variant.contains("bars"))
        {
            trades.keyBy("by-instrument-bars", MarketData.INSTRUMENT)
                .window(Windows.tumbling(1_000))
                .aggregate("bars", Aggregations.first("open", MarketData.PRICE), Aggregations.max("high", MarketData.PRICE),
                    Aggregations.min("low", MarketData.PRICE), Aggregations.last("close", MarketData.PRICE),
                    Aggregations.count("trades"))
                .sink("bars-out", discard);
        }
        if (variant.contains("slide"))
        {
            trades.keyBy("by-instrument-ranges", MarketData.INSTRUMENT)
                .window(Windows.sliding(5_000, 1_000))
                .aggregate("ranges", Aggregations.min("low", MarketData.PRICE), Aggregations.max("high", MarketData.PRICE),
                    Aggregations.count("trades"))
                .sink("ranges-out", discard);
        }
        p.execute(new JobContext().shards(1).idleStrategy(IdleStrategyKind.YIELD)).join();
        final Histogram all = new Histogram(60_000_000_000L, 3);
        for (final Histogram h : histograms)
        {
            all.add(h);
        }
        return all;
    }

    public static void main(final String[] args)
    {
        final double rate = args.length > 0 ? Double.parseDouble(args[0]) : 500_000;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        run("ticks+bars+slide", rate, seconds);
        System.out.printf("tick latency on 1 shard at %,.0f events/s (intended send time -> sink), us, after an " +
            "unreported warm-up run%n", rate);
        for (final String variant : new String[]{ "ticks", "ticks+bars", "ticks+slide" })
        {
            final Histogram h = run(variant, rate, seconds);
            System.out.printf("  %-12s p50 %8.1f  p99 %8.1f  p99.9 %8.1f  p99.99 %8.1f  max %8.1f%n", variant,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                h.getValueAtPercentile(99.99) / 1e3, h.getMaxValue() / 1e3);
        }
    }
}
