package io.peregrine.cli;

import io.peregrine.demo.TradingJob;
import io.peregrine.metrics.JobCounters;
import io.peregrine.metrics.Metric;

/**
 * The figures of one progress line of the demo, read from the job's counters: every figure is one operator's own
 * counter (the bars and alerts sinks', the market-data source's) summed over shards, so none goes backwards.
 */
final class DemoProgress
{
    final long events;
    final long bars;
    final long alerts;
    final long backPressure;
    /** Source watermark minus the lowest sink watermark, ms; -1 until both have one. */
    final long watermarkLagMs;

    private DemoProgress(final JobCounters c)
    {
        events = c.total(Metric.SOURCE_RECORDS, TradingJob.SOURCE);
        bars = c.total(Metric.SINK_RECORDS, TradingJob.BARS);
        alerts = c.total(Metric.SINK_RECORDS, TradingJob.ALERTS);
        backPressure = c.total(Metric.BACK_PRESSURE);
        final long sourceWatermark = c.min(Metric.SOURCE_WATERMARK);
        final long sinkWatermark = c.min(Metric.WATERMARK);
        watermarkLagMs = sinkWatermark <= 0 || sourceWatermark <= 0 || sourceWatermark == Long.MAX_VALUE ? -1 :
            Math.max(0, sourceWatermark - sinkWatermark);
    }

    /**
     * @param counters the demo job's counters.
     * @return what they say now.
     */
    static DemoProgress of(final JobCounters counters)
    {
        return new DemoProgress(counters);
    }

    /**
     * @param seconds      since the demo started.
     * @param eventsPerSec events per second since the previous line.
     * @return the progress line.
     */
    String line(final double seconds, final double eventsPerSec)
    {
        return String.format("[%5.1f s] events %,d | %,.0f events/s | watermark lag %s | bars %,d | alerts %,d | " +
            "back-pressure %,d", seconds, events, eventsPerSec, watermarkLagMs < 0 ? "-" : watermarkLagMs + " ms", bars,
            alerts, backPressure);
    }
}
