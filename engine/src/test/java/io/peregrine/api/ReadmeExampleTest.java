package io.peregrine.api;

import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.config.JobContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The README's five-minute tour, as written there (paths made relative to a temporary folder).
 */
class ReadmeExampleTest
{
    @Test
    void shouldRunTheTourOfTheReadme(@TempDir final Path dir) throws Exception
    {
        Files.writeString(dir.resolve("trades.csv"), String.join("\n",
            "instrument,symbol,ts,price,qty",
            "1,EURUSD,1000,1.10,100",
            "1,EURUSD,1500,1.12,200",
            "1,EURUSD,1700,1.09,50",
            "2,GBPUSD,1200,1.30,300",
            "1,EURUSD,2100,1.11,100",
            ""));

        final Schema TRADE = Schema.builder("trade")
            .int64("instrument").ascii("symbol", 8).timestamp("ts").float64("price").int64("qty")
            .build();
        final Field.Int64 INSTRUMENT = TRADE.int64("instrument");
        final Field.Timestamp TS = TRADE.timestamp("ts");
        final Field.Float64 PRICE = TRADE.float64("price");
        final Field.Int64 QTY = TRADE.int64("qty");

        final Pipeline p = Pipeline.create("bars");
        final DataStream trades = p.source("trades",
            Sources.csv(TRADE, true, dir.resolve("trades.csv")),
            WatermarkStrategy.boundedOutOfOrderness(TS, 100));

        trades
            .filter("big", row -> row.getLong(QTY) >= 100)
            .keyBy("by-instrument", INSTRUMENT)
            .window(Windows.tumbling(1_000))
            .allowedLateness(500)
            .aggregate("ohlc",
                Aggregations.keep(TRADE.ascii("symbol")),
                Aggregations.first("open", PRICE), Aggregations.max("high", PRICE),
                Aggregations.min("low", PRICE), Aggregations.last("close", PRICE),
                Aggregations.sum("volume", QTY), Aggregations.count("trades"))
            .sink("out", Sinks.csv(dir.resolve("bars")));

        final Job job = p.execute(new JobContext().shards(2).stateDir(dir.resolve("state")));
        job.join();

        final List<String> lines = new java.util.ArrayList<>();
        for (final String part : List.of("part-0.csv", "part-1.csv"))
        {
            final List<String> file = Files.readAllLines(dir.resolve("bars").resolve(part));
            assertEquals("key,window_start,window_end,symbol,open,high,low,close,volume,trades", file.get(0));
            lines.addAll(file.subList(1, file.size()));
        }
        java.util.Collections.sort(lines);
        assertEquals(List.of(
            "1,1000,2000,EURUSD,1.1,1.12,1.1,1.12,300,2",
            "1,2000,3000,EURUSD,1.11,1.11,1.11,1.11,100,1",
            "2,1000,2000,GBPUSD,1.3,1.3,1.3,1.3,300,1"), lines);
    }
}
