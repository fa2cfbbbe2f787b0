package io.peregrine.bench.profile;

import io.peregrine.config.JobContext;

/**
 * What the harness measures around each timed engine run besides its rate: the heap bytes the job's shard threads
 * allocated per event ({@link ShardAllocationCounter}) and, when a {@link WorkloadProfiler} is given, a profile.
 * Call {@link #begin} before the clock starts and {@link #end} after it stops, once per run, from one thread:
 * <pre>{@code
 * final JobContext context = meter.begin("q5", shards, NexmarkRunner.context(shards));
 * final long start = System.nanoTime();
 * ... run the job on context and join it ...
 * rate = events * 1e9 / (System.nanoTime() - start);
 * bytesPerEvent = meter.end(events);
 * }</pre>
 */
public final class EngineRunMeter
{
    private final WorkloadProfiler profiler;
    private ShardAllocationCounter counter;
    private double lastCpuNanosPerEvent = Double.NaN;

    /**
     * Count allocation only.
     */
    public EngineRunMeter()
    {
        this(null);
    }

    /**
     * @param profiler profiles each run, or null for none.
     */
    public EngineRunMeter(final WorkloadProfiler profiler)
    {
        this.profiler = profiler;
    }

    /**
     * @param workload workload name, as in the throughput table.
     * @param shards   engine shard count.
     * @param context  the run's settings; its thread factory is replaced by the allocation counter.
     * @return {@code context}, to run the job with.
     */
    public JobContext begin(final String workload, final int shards, final JobContext context)
    {
        if (counter != null)
        {
            throw new IllegalStateException("begin() twice without end() (" + workload + " on " + shards + " shard(s))");
        }
        counter = new ShardAllocationCounter();
        if (profiler != null)
        {
            profiler.start(workload, shards);
        }
        return context.threadFactory(counter);
    }

    /**
     * @param events events the run processed.
     * @return heap bytes allocated on the job's shard threads per event, or NaN where the JVM does not count them.
     */
    public double end(final long events)
    {
        if (counter == null)
        {
            throw new IllegalStateException("end() without begin()");
        }
        if (profiler != null)
        {
            profiler.stop();
        }
        final ShardAllocationCounter ended = counter;
        counter = null;
        try
        {
            final long bytes = ended.awaitBytes();
            final long cpu = ended.cpuNanos();
            lastCpuNanosPerEvent = cpu < 0 || events <= 0 ? Double.NaN : (double)cpu / events;
            return bytes < 0 || events <= 0 ? Double.NaN : (double)bytes / events;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the shard threads to end", ex);
        }
    }

    /**
     * @return CPU time the shard threads of the last ended run used per event (all shards together), NaN if the
     * JVM could not measure it.
     */
    public double lastCpuNanosPerEvent()
    {
        return lastCpuNanosPerEvent;
    }

    /**
     * CPU time of the calling thread, for the baseline loops, which run on it.
     *
     * @return nanoseconds, or -1 if not supported.
     */
    public static long currentThreadCpuNanos()
    {
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
    }
}
