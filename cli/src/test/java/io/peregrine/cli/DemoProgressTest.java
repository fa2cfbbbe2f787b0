package io.peregrine.cli;

import io.peregrine.api.Job;
import io.peregrine.api.Sink;
import io.peregrine.config.JobContext;
import io.peregrine.demo.MarketData;
import io.peregrine.demo.TradingJob;
import io.peregrine.pipeline.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoProgressTest
{
    private static Sink counting(final AtomicLong count)
    {
        return (shard, shards, schema) -> row -> count.incrementAndGet();
    }

    @Test
    void shouldCountBarsAndAlertsOfTheirOwnSinksAndNeverGoBackwards(@TempDir final Path dir)
    {
        final AtomicLong bars = new AtomicLong();
        final AtomicLong alerts = new AtomicLong();
        final AtomicLong other = new AtomicLong();
        final TradingJob.Sinks sinks = new TradingJob.Sinks();
        sinks.bars = counting(bars);
        sinks.alerts = counting(alerts);
        sinks.top = counting(other);
        sinks.spreads = counting(other);
        sinks.ticks = counting(other);
        final long events = 400_000;
        final Job job = TradingJob.build(Sources.generator(MarketData.SCHEMA, events, new MarketData(200, 40_000)), 5, sinks)
            .execute(new JobContext().shards(2).metricsDir(dir));
        DemoProgress last = DemoProgress.of(job.counters());
        int samples = 0;
        while (!job.isDone())
        {
            final DemoProgress now = DemoProgress.of(job.counters());
            assertTrue(now.events >= last.events, "events went back from " + last.events + " to " + now.events);
            assertTrue(now.bars >= last.bars, "bars went back from " + last.bars + " to " + now.bars);
            assertTrue(now.alerts >= last.alerts, "alerts went back from " + last.alerts + " to " + now.alerts);
            last = now;
            samples++;
            LockSupport.parkNanos(1_000_000);
        }
        job.join();
        final DemoProgress end = DemoProgress.of(job.counters());
        assertEquals(events, end.events);
        assertEquals(bars.get(), end.bars, "the bars sink's own count, not another sink's");
        assertEquals(alerts.get(), end.alerts);
        assertTrue(end.bars > 0, "bars");
        assertTrue(end.alerts > 0, "alerts");
        assertTrue(other.get() > end.bars, "the other sinks wrote more than the bars (" + samples + " samples)");
        assertTrue(end.line(1, 2).contains("bars " + String.format("%,d", bars.get()) + " | alerts " +
            String.format("%,d", alerts.get())), end.line(1, 2));
    }
}
