package io.peregrine.metrics;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * A shard's duty-cycle figures: cycles, time busy (in cycles that did work), time idle (in cycles that found nothing
 * and in the idle strategy between cycles) and the longest single cycle. Busy plus idle is the time since the shard's
 * first cycle. Fed by the shard's thread twice a cycle with its clock; no allocation, ordered stores only.
 */
public final class ShardDutyCycle
{
    private final AtomicCounter cyclesCounter;
    private final AtomicCounter busyCounter;
    private final AtomicCounter idleCounter;
    private final AtomicCounter maxCounter;
    private long cycles;
    private long busyNs;
    private long idleNs;
    private long maxNs;
    private long lastEndNs;
    private boolean started;

    /**
     * @param counters the job's counters.
     * @param shard    whose duty cycle this is.
     */
    public ShardDutyCycle(final JobCounters counters, final int shard)
    {
        this.cyclesCounter = counters.counter(shard, Metric.DUTY_CYCLES);
        this.busyCounter = counters.counter(shard, Metric.BUSY_NS);
        this.idleCounter = counters.counter(shard, Metric.IDLE_NS);
        this.maxCounter = counters.counter(shard, Metric.MAX_CYCLE_NS);
    }

    /**
     * @param startNs when the cycle started.
     * @param endNs   when it ended.
     * @param work    what the cycle did: 0 if nothing.
     */
    public void cycle(final long startNs, final long endNs, final int work)
    {
        final long took = endNs - startNs;
        if (started)
        {
            idleNs += startNs - lastEndNs;
        }
        started = true;
        lastEndNs = endNs;
        if (work > 0)
        {
            busyNs += took;
            busyCounter.setOrdered(busyNs);
        }
        else
        {
            idleNs += took;
        }
        idleCounter.setOrdered(idleNs);
        if (took > maxNs)
        {
            maxNs = took;
            maxCounter.setOrdered(took);
        }
        cyclesCounter.setOrdered(++cycles);
    }
}
