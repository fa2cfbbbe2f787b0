package io.peregrine.bench.trading;

import io.peregrine.demo.MarketData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TradingBenchmarkTest
{
    @Test
    void shouldAgreeWithTheHandWrittenBaselineOnOneAndTwoShards()
    {
        final TradingBenchmark.Settings settings = new TradingBenchmark.Settings();
        settings.events = 300_000;
        settings.instruments = 200;
        settings.eventTimeRate = 5_000;
        settings.maxShards = 2;
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        new TradingBenchmark(settings, new PrintStream(text, true)).check();
        assertTrue(text.toString().contains("agrees with the baseline over 300,000 events"), text.toString());
    }

    @Test
    void shouldRaiseAlertsAndRankInTheBaselineItself()
    {
        final TradingBaseline.Result result = TradingBaseline.run(new MarketData(200, 5_000, MarketData.IngestStamp.NONE), 300_000, 5);
        assertFalse(result.alerts.isEmpty(), "the data moves enough for alerts");
        assertTrue(result.top.size() == 60 * 5, "five ranked per event second: " + result.top.size());
        assertTrue(result.top.get(0).contains(",1,0,XA,"), "instrument 0 is the most active: " + result.top.get(0));
    }
}
