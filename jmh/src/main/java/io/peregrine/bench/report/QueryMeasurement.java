package io.peregrine.bench.report;

import org.HdrHistogram.Histogram;

import java.util.Arrays;

/**
 * What one benchmark run measured for one query at one shard count: the engine's and the baseline's throughput per
 * round (interleaved in the same process, see BENCHMARKING.md) and, optionally, the engine's latency histogram
 * recorded at a fixed rate with coordinated-omission correction.
 */
public final class QueryMeasurement
{
    private final String query;
    private final int shards;
    private final double[] engineEventsPerSecond;
    private final double[] baselineEventsPerSecond;
    private final Histogram latencyNanos;
    private final double[] engineBytesPerEvent;
    private double[] engineCpuNanosPerEvent = new double[0];
    private double[] baselineCpuNanosPerEvent = new double[0];
    private double achievedEventsPerSecond = Double.NaN;

    /**
     * @param query                   query name, e.g. {@code q5}.
     * @param shards                  engine shard count.
     * @param engineEventsPerSecond   engine throughput of each round.
     * @param baselineEventsPerSecond baseline throughput of each round (same rounds, interleaved), may be empty.
     * @param latencyNanos            latency histogram in nanoseconds, or null if latency was not measured.
     */
    public QueryMeasurement(
        final String query,
        final int shards,
        final double[] engineEventsPerSecond,
        final double[] baselineEventsPerSecond,
        final Histogram latencyNanos)
    {
        this(query, shards, engineEventsPerSecond, baselineEventsPerSecond, latencyNanos, new double[0]);
    }

    /**
     * @param query                   query name, e.g. {@code q5}.
     * @param shards                  engine shard count.
     * @param engineEventsPerSecond   engine throughput of each round.
     * @param baselineEventsPerSecond baseline throughput of each round (same rounds, interleaved), may be empty.
     * @param latencyNanos            latency histogram in nanoseconds, or null if latency was not measured.
     * @param engineBytesPerEvent     heap bytes the engine's shard threads allocated per event, each round; may be
     *                                empty (not measured) or hold NaN (the JVM could not count).
     */
    public QueryMeasurement(
        final String query,
        final int shards,
        final double[] engineEventsPerSecond,
        final double[] baselineEventsPerSecond,
        final Histogram latencyNanos,
        final double[] engineBytesPerEvent)
    {
        if (engineEventsPerSecond.length == 0)
        {
            throw new IllegalArgumentException("no engine rounds for " + query);
        }
        this.query = query;
        this.shards = shards;
        this.engineEventsPerSecond = engineEventsPerSecond.clone();
        this.baselineEventsPerSecond = baselineEventsPerSecond.clone();
        this.latencyNanos = latencyNanos;
        this.engineBytesPerEvent = engineBytesPerEvent.clone();
    }

    /**
     * @return query name.
     */
    public String query()
    {
        return query;
    }

    /**
     * @return engine shard count.
     */
    public int shards()
    {
        return shards;
    }

    /**
     * @return engine throughput per round (a copy).
     */
    public double[] engineEventsPerSecond()
    {
        return engineEventsPerSecond.clone();
    }

    /**
     * @return baseline throughput per round (a copy, may be empty).
     */
    public double[] baselineEventsPerSecond()
    {
        return baselineEventsPerSecond.clone();
    }

    /**
     * @return latency histogram in nanoseconds, or null.
     */
    public Histogram latencyNanos()
    {
        return latencyNanos;
    }

    /**
     * @return heap bytes allocated per event on the engine's shard threads, per round (a copy; empty if not measured,
     * NaN where the JVM could not count).
     */
    /**
     * Attach CPU time per event, each round: a measure that a machine shared with other work disturbs less than
     * wall-clock throughput.
     *
     * @param engine   CPU nanoseconds of all the engine's shard threads per input event; NaN where not measured.
     * @param baseline CPU nanoseconds of the baseline loop's thread per input event; NaN where not measured.
     * @return this.
     */
    public QueryMeasurement cpu(final double[] engine, final double[] baseline)
    {
        this.engineCpuNanosPerEvent = engine.clone();
        this.baselineCpuNanosPerEvent = baseline.clone();
        return this;
    }

    /**
     * For a run at a fixed rate: the input rate the run achieved (events over the run's wall time), against the
     * scheduled rate in {@link #engineEventsPerSecond()}: a run that kept up achieves its schedule.
     *
     * @param eventsPerSecond achieved input rate.
     * @return this.
     */
    public QueryMeasurement achieved(final double eventsPerSecond)
    {
        this.achievedEventsPerSecond = eventsPerSecond;
        return this;
    }

    /**
     * @return the achieved input rate of a fixed-rate run, NaN if not recorded.
     */
    public double achievedEventsPerSecond()
    {
        return achievedEventsPerSecond;
    }

    /**
     * @return engine shard threads' CPU nanoseconds per event, each round; empty if not measured.
     */
    public double[] engineCpuNanosPerEvent()
    {
        return engineCpuNanosPerEvent.clone();
    }

    /**
     * @return baseline thread's CPU nanoseconds per event, each round; empty if not measured.
     */
    public double[] baselineCpuNanosPerEvent()
    {
        return baselineCpuNanosPerEvent.clone();
    }

    /**
     * @return per round, baseline CPU per event / engine CPU per event (1.0: the engine spends as much CPU as the
     * hand-written loop); empty if either was not measured.
     */
    public double[] cpuRatios()
    {
        final int n = Math.min(engineCpuNanosPerEvent.length, baselineCpuNanosPerEvent.length);
        final double[] ratios = new double[n];
        for (int i = 0; i < n; i++)
        {
            ratios[i] = baselineCpuNanosPerEvent[i] / engineCpuNanosPerEvent[i];
        }
        return ratios;
    }

    public double[] engineBytesPerEvent()
    {
        return engineBytesPerEvent.clone();
    }

    /**
     * @return engine/baseline ratio per round when both have the same rounds, else the single ratio of the medians;
     * empty without a baseline.
     */
    public double[] ratios()
    {
        if (baselineEventsPerSecond.length == 0)
        {
            return new double[0];
        }
        if (baselineEventsPerSecond.length == engineEventsPerSecond.length)
        {
            final double[] ratios = new double[engineEventsPerSecond.length];
            for (int i = 0; i < ratios.length; i++)
            {
                ratios[i] = engineEventsPerSecond[i] / baselineEventsPerSecond[i];
            }
            return ratios;
        }
        return new double[]{ median(engineEventsPerSecond) / median(baselineEventsPerSecond) };
    }

    /**
     * @param values non-empty sample.
     * @return the median (mean of the middle two for an even count).
     */
    public static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
