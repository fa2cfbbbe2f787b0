package io.peregrine.metrics;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * The counters of one operator on one shard, each made when first asked for, so an operator has only the counters
 * that apply to it. Asked for while the job is planned; written by the shard's thread only.
 */
public final class OperatorCounters
{
    private final JobCounters job;
    private final int shard;
    private final String operator;
    private final AtomicCounter[] counters = new AtomicCounter[Metric.values().length];

    OperatorCounters(final JobCounters job, final int shard, final String operator)
    {
        this.job = job;
        this.shard = shard;
        this.operator = operator;
    }

    /**
     * @param metric a {@link Metric.Scope#OPERATOR} metric.
     * @return the operator's counter of it on this shard.
     */
    public synchronized AtomicCounter get(final Metric metric)
    {
        AtomicCounter counter = counters[metric.ordinal()];
        if (counter == null)
        {
            counter = job.allocateForOperator(shard, operator, metric);
            counters[metric.ordinal()] = counter;
        }
        return counter;
    }

    public int shard()
    {
        return shard;
    }

    public String operator()
    {
        return operator;
    }
}
