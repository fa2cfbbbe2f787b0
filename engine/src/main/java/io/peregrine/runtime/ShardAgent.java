package io.peregrine.runtime;

import io.peregrine.exchange.OutboundChannel;
import io.peregrine.metrics.JobCounters;
import io.peregrine.metrics.Metric;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One shard: one thread, one duty cycle. Each {@link #doWork()} moves held-back exchange messages
 * into their rings, reads the inbound rings (latest stage first), reads the sources up to a batch
 * per split unless an outbound ring is full (back-pressure), and fires processing-time timers.
 * <p>
 * Back-pressure rule, which keeps a DAG free of deadlock: a ring of exchange e is read only when no
 * exchange after e has messages held back, and sources are read only when nothing is held back.
 * The last exchange is always drained, so every earlier one eventually is.
 */
final class ShardAgent implements Agent
{
    private final Job job;
    private final int shard;
    private final EpochClock clock;
    private final SourceRunner[] sources;
    private final ExchangeInput[] inputs;
    private final OutboundChannel[][] outbound;
    private final Operator[] timed;
    private final Operator[] operators;
    private final int sourceBatch;
    private final int pollLimit;
    private final AtomicCounter backPressure;
    private final AtomicCounter exchanged;
    private final String roleName;
    private boolean done;

    ShardAgent(
        final Job job,
        final int shard,
        final JobContext context,
        final JobCounters counters,
        final SourceRunner[] sources,
        final ExchangeInput[] inputs,
        final OutboundChannel[][] outbound,
        final Operator[] timed,
        final Operator[] operators)
    {
        this.job = job;
        this.shard = shard;
        this.clock = context.epochClock();
        this.sources = sources;
        this.inputs = inputs;
        this.outbound = outbound;
        this.timed = timed;
        this.operators = operators;
        this.sourceBatch = context.sourceBatch();
        this.pollLimit = context.exchangePollLimit();
        this.backPressure = counters.counter(shard, Metric.BACK_PRESSURE);
        this.exchanged = counters.counter(shard, Metric.EXCHANGE_RECORDS);
        this.roleName = "peregrine-shard-" + shard;
    }

    public String roleName()
    {
        return roleName;
    }

    public int doWork()
    {
        if (done)
        {
            return 0;
        }
        if (job.isStopping())
        {
            throw new AgentTerminationException();
        }
        try
        {
            return duty();
        }
        catch (final Throwable t)
        {
            job.onShardFailed(shard, t);
            throw new AgentTerminationException(t);
        }
    }

    private int duty()
    {
        int work = 0;
        final long nowMs = clock.time();
        for (final OutboundChannel[] channels : outbound)
        {
            for (final OutboundChannel channel : channels)
            {
                if (channel != null && channel.hasPending())
                {
                    work += channel.flush();
                }
            }
        }

        for (int e = inputs.length - 1; e >= 0; e--)
        {
            if (!anyPending(e + 1))
            {
                work += inputs[e].poll(pollLimit);
            }
        }

        if (!anyPending(0))
        {
            for (final SourceRunner source : sources)
            {
                work += source.poll(sourceBatch, nowMs);
            }
        }

        for (final Operator op : timed)
        {
            work += op.onProcessingTime(nowMs);
        }

        // Records gathered for other shards leave at the end of every cycle: batching never delays a
        // record by more than one duty cycle.
        for (final OutboundChannel[] channels : outbound)
        {
            for (final OutboundChannel channel : channels)
            {
                if (channel != null)
                {
                    channel.flushBatch();
                }
            }
        }

        updateCounters();
        if (work == 0 && isComplete())
        {
            done = true;
            job.onShardDone(shard);
        }
        return work;
    }

    private boolean anyPending(final int fromEdge)
    {
        for (int e = fromEdge; e < outbound.length; e++)
        {
            for (final OutboundChannel channel : outbound[e])
            {
                if (channel != null && channel.hasPending())
                {
                    return true;
                }
            }
        }
        return false;
    }

    private void updateCounters()
    {
        long held = 0;
        long sent = 0;
        for (final OutboundChannel[] channels : outbound)
        {
            for (final OutboundChannel channel : channels)
            {
                if (channel != null)
                {
                    held += channel.backPressureEvents();
                    sent += channel.sent();
                }
            }
        }
        backPressure.setOrdered(held);
        exchanged.setOrdered(sent);
    }

    private boolean isComplete()
    {
        for (final SourceRunner source : sources)
        {
            if (!source.isFinished())
            {
                return false;
            }
        }
        for (final ExchangeInput input : inputs)
        {
            if (!input.isEnded())
            {
                return false;
            }
        }
        return !anyPending(0);
    }

    public void onClose()
    {
        RuntimeException failure = null;
        for (final SourceRunner source : sources)
        {
            source.close();
        }
        for (final Operator op : operators)
        {
            try
            {
                op.close();
            }
            catch (final RuntimeException e)
            {
                if (failure == null)
                {
                    failure = e;
                }
            }
        }
        updateCounters();
        if (failure != null)
        {
            job.onShardFailed(shard, failure);
        }
    }
}
