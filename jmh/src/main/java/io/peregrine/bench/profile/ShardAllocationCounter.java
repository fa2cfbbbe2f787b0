package io.peregrine.bench.profile;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the heap bytes allocated by the shard threads of one job: pass it as the job's
 * {@link io.peregrine.config.JobContext#threadFactory(ThreadFactory) thread factory}. Each thread it makes runs the
 * shard and then, as its last act, adds the JVM's count of the bytes it allocated since it started
 * ({@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}); {@link #awaitBytes()} joins the threads
 * and returns the sum.
 * <p>
 * Why this way: a bounded job's shard threads exit inside {@code Job.join()}, and the JVM reports nothing for a
 * thread that has ended, so reading the counters by thread id after the run is impossible, and reading every live
 * thread before and after misses exactly the threads of interest. The shard threads are the only threads a job
 * starts (sources, operators, exchanges and sinks all run on them), so the sum is what the job allocated on its own
 * threads, from their start (operator set-up in {@code onStart}) to their end (sinks closed). Allocation by the
 * calling thread (planning the job) is not counted. Reading the counter is cheap: once per thread per run.
 */
public final class ShardAllocationCounter implements ThreadFactory
{
    private static final com.sun.management.ThreadMXBean THREADS = threadMXBean();

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();
    private final AtomicLong cpuUnmeasured = new AtomicLong();
    private final AtomicLong unmeasured = new AtomicLong();

    /**
     * @return true if this JVM counts the bytes each thread allocates (HotSpot does, unless disabled with
     * {@code ThreadMXBean.setThreadAllocatedMemoryEnabled(false)}).
     */
    public static boolean isSupported()
    {
        return THREADS != null && THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled();
    }

    /**
     * {@inheritDoc}
     */
    public synchronized Thread newThread(final Runnable shard)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                shard.run();
            }
            finally
            {
                final long cpu = THREADS != null && THREADS.isCurrentThreadCpuTimeSupported() ?
                    THREADS.getCurrentThreadCpuTime() : -1;
                if (cpu < 0)
                {
                    cpuUnmeasured.incrementAndGet();
                }
                else
                {
                    cpuNanos.addAndGet(cpu);
                }
                final long allocated = isSupported() ? THREADS.getCurrentThreadAllocatedBytes() : -1;
                if (allocated < 0)
                {
                    unmeasured.incrementAndGet();
                }
                else
                {
                    bytes.addAndGet(allocated);
                }
            }
        }, "peregrine-shard");
        threads.add(thread);
        return thread;
    }

    /**
     * @return how many threads this factory made.
     */
    public synchronized int threads()
    {
        return threads.size();
    }

    /**
     * Wait for every thread made so far to end (a joined job's have already ended) and sum their allocation.
     *
     * @return bytes allocated by those threads over their lives, or -1 if the JVM could not count a thread's bytes.
     * @throws InterruptedException if interrupted while waiting for a thread.
     */
    public long awaitBytes() throws InterruptedException
    {
        final List<Thread> made;
        synchronized (this)
        {
            made = new ArrayList<>(threads);
        }
        for (final Thread thread : made)
        {
            thread.join();
        }
        // Thread.join: each thread's last write (its count) happens-before this read.
        return unmeasured.get() > 0 ? -1 : bytes.get();
    }

    /**
     * CPU time the shard threads used over their lives; call after {@link #awaitBytes()}, which waits for them.
     *
     * @return nanoseconds, or -1 if the JVM could not measure a thread's CPU time.
     */
    public long cpuNanos()
    {
        return cpuUnmeasured.get() > 0 ? -1 : cpuNanos.get();
    }

    private static com.sun.management.ThreadMXBean threadMXBean()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        return bean instanceof com.sun.management.ThreadMXBean ? (com.sun.management.ThreadMXBean)bean : null;
    }
}
