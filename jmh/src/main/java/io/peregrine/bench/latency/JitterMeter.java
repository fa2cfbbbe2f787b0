package io.peregrine.bench.latency;

import io.peregrine.config.CpuSet;
import net.openhft.affinity.Affinity;
import org.HdrHistogram.Histogram;

/**
 * The machine's own floor, measured as jHiccup and sysjitter do: a thread (pinned like a shard when CPUs are given)
 * spins reading the clock, and every stall of its loop (a descheduling, an interrupt, a safepoint) is what a record
 * arriving during the stall would have waited. Records are taken to arrive every {@code intervalNs} (the engine run's
 * input rate): a gap of {@code g} records {@code g}, {@code g - interval}, ... as HdrHistogram's coordinated-omission
 * correction does, and a gap shorter than the interval records once per interval of loop time, so the histogram
 * holds about one value per would-be record, as the engine's does.
 */
public final class JitterMeter
{
    private JitterMeter()
    {
    }

    /**
     * @param seconds    how long to measure.
     * @param intervalNs time between would-be records.
     * @param cpus       CPUs of the shards (the meter runs on the first), or {@link CpuSet#NONE}.
     * @return waits in nanoseconds.
     * @throws InterruptedException if interrupted while waiting for the meter.
     */
    public static Histogram measure(final double seconds, final long intervalNs, final CpuSet cpus)
        throws InterruptedException
    {
        final Histogram histogram = new Histogram(60_000_000_000L, 3);
        final Thread meter = new Thread(() ->
        {
            if (!cpus.isEmpty())
            {
                Affinity.setAffinity(cpus.cpuOf(0));
            }
            final long end = System.nanoTime() + (long)(seconds * 1e9);
            long last = System.nanoTime();
            long owed = 0;
            while (last < end)
            {
                final long now = System.nanoTime();
                final long gap = now - last;
                if (gap >= intervalNs)
                {
                    histogram.recordValueWithExpectedInterval(gap, intervalNs);
                    owed = 0;
                }
                else
                {
                    owed += gap;
                    if (owed >= intervalNs)
                    {
                        histogram.recordValue(gap);
                        owed -= intervalNs;
                    }
                }
                last = now;
            }
        }, "peregrine-jitter-meter");
        meter.start();
        meter.join();
        return histogram;
    }
}
