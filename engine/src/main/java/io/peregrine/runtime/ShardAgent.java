package io.peregrine.runtime;

import io.peregrine.api.OperatorThread;
import io.peregrine.config.JobContext;
import io.peregrine.checkpoint.CheckpointCoordinator;
import io.peregrine.checkpoint.CheckpointStore;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.ShardJournal;
import io.peregrine.exchange.OutboundChannel;
import io.peregrine.metrics.JobCounters;
import io.peregrine.metrics.Metric;
import io.peregrine.metrics.OperatorCounters;
import io.peregrine.metrics.ShardDutyCycle;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One shard: one thread, one duty cycle. Each {@link #doWork()} moves held-back exchange messages
 * into their rings, reads the inbound rings (latest stage first), reads the sources up to a batch
 * per split unless an outbound ring is full (back-pressure), and fires processing-time timers.
 * <p>
 * Back-pressure rule, which keeps a DAG free of deadlock: a ring of exchange e is read only when no
 * exchange after e has messages held back, and sources are read only when nothing is held back.
 * The last exchange is always drained, so every earlier one eventually is.
 * <p>
 * Checkpoints (aligned, as in Flink): when the coordinator requests checkpoint N the shard injects barrier N at its
 * sources and stops reading them; an exchange ring that delivers barrier N is not read again; once every ring has
 * delivered it, nothing after the barrier has entered the shard and nothing before it is left, so the shard
 * snapshots its parts and reads everything again; the entries of tables snapshotted asynchronously are copied over
 * the next duty cycles ({@link #FLUSH_BUDGET} a cycle, or by the table just before one changes), and then the part
 * is closed and the journal writer acknowledges it. Processing-time timers wait while the shard aligns, so no
 * output that follows the barrier changes the state it journals. A shard whose input has ended keeps running
 * (idle) to take part in checkpoints until the job's final checkpoint is committed.
 */
final class ShardAgent implements Agent
{
    private final LocalJob job;
    private final int shard;
    private final EpochClock clock;
    private final SourceRunner[] sources;
    private final ExchangeInput[] inputs;
    private final OutboundChannel[][] outbound;
    private final Operator[] timed;
    private final Operator[] operators;
    private final int sourceBatch;
    private final int pollLimit;
    /** Per exchange: the keyBy's back-pressure events and records sent to other shards. */
    private final AtomicCounter[] backPressure;
    private final AtomicCounter[] exchanged;
    private final StateGauge[] stateGauges;
    private final ShardDutyCycle dutyCycle;
    private long lastGaugeMs = Long.MIN_VALUE;
    private final String roleName;
    private boolean done;
    private final CheckpointCoordinator coordinator;
    private final ShardJournal journal;
    private final Checkpointed[] parts;
    private final java.util.List<String> partNames;
    private final CheckpointStore restoreFrom;
    private final NanoClock nanoClock;
    private boolean restored;
    private final int keyGroups;
    private final int shardCount;
    private boolean inputEnded;
    private long barrier;
    private long lastBarrier;
    private long committed;
    private boolean flushing;
    private long flushPauseNs;
    /** Entries of an asynchronous checkpoint copied per duty cycle, between polls of the inputs. */
    private static final int FLUSH_BUDGET = 4096;
    private final AtomicCounter checkpointPause;

    ShardAgent(
        final LocalJob job,
        final int shard,
        final JobContext context,
        final JobCounters counters,
        final SourceRunner[] sources,
        final ExchangeInput[] inputs,
        final OutboundChannel[][] outbound,
        final OperatorCounters[] exchangeCounters,
        final Operator[] timed,
        final Operator[] operators,
        final StateGauge[] stateGauges,
        final CheckpointCoordinator coordinator,
        final Checkpointed[] parts,
        final java.util.List<String> partNames,
        final CheckpointStore restoreFrom)
    {
        this.coordinator = coordinator;
        this.parts = parts;
        this.partNames = partNames;
        this.restoreFrom = restoreFrom;
        this.journal = coordinator == null ? null : new ShardJournal(coordinator.journalWriter(), shard);
        this.nanoClock = context.nanoClock();
        this.keyGroups = context.keyGroups();
        this.shardCount = context.shards();
        this.checkpointPause = counters.counter(shard, Metric.CHECKPOINT_PAUSE_NS);
        if (restoreFrom != null)
        {
            lastBarrier = restoreFrom.restorable().id;
            committed = lastBarrier;
        }
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
        this.backPressure = new AtomicCounter[exchangeCounters.length];
        this.exchanged = new AtomicCounter[exchangeCounters.length];
        for (int e = 0; e < exchangeCounters.length; e++)
        {
            backPressure[e] = exchangeCounters[e].get(Metric.BACK_PRESSURE);
            exchanged[e] = exchangeCounters[e].get(Metric.EXCHANGE_RECORDS);
        }
        this.stateGauges = stateGauges;
        this.dutyCycle = new ShardDutyCycle(counters, shard);
        this.roleName = "peregrine-shard-" + shard;
    }

    public String roleName()
    {
        return roleName;
    }

    /**
     * One duty cycle on the calling thread, marked as an operator thread for its duration (a stepped job).
     */
    int step()
    {
        OperatorThread.enter(roleName);
        try
        {
            return doWork();
        }
        finally
        {
            OperatorThread.exit();
        }
    }

    public int doWork()
    {
        final long startNs = nanoClock.nanoTime();
        final int work = work();
        dutyCycle.cycle(startNs, nanoClock.nanoTime(), work);
        return work;
    }

    private int work()
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
            if (!restored)
            {
                restored = true;
                if (restoreFrom != null)
                {
                    final io.peregrine.exchange.KeyGroupRouter now =
                        new io.peregrine.exchange.KeyGroupRouter(keyGroups, shardCount);
                    final io.peregrine.exchange.KeyGroupRouter then =
                        new io.peregrine.exchange.KeyGroupRouter(keyGroups, restoreFrom.restorable().shards);
                    restoreFrom.restore(shard, shardCount, k -> now.shard(k) == shard, then::shard, parts, partNames);
                }
            }
            return duty();
        }
        catch (final Throwable t)
        {
            if (t instanceof OperatorException)
            {
                ((OperatorException)t).shard(shard);
            }
            job.onShardFailed(shard, t);
            throw new AgentTerminationException(t);
        }
    }

    private int duty()
    {
        int work = 0;
        final long nowMs = clock.time();
        if (coordinator != null)
        {
            work += checkpoints();
        }
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

        if (barrier == 0)
        {
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

        if (barrier != 0 && isAligned())
        {
            takeCheckpoint();
            work++;
        }
        else if (flushing)
        {
            work += journal.flushPending(FLUSH_BUDGET);
            if (!journal.hasPending())
            {
                flushing = false;
                journal.end(flushPauseNs, partNames);
            }
        }

        updateCounters();
        if (nowMs != lastGaugeMs)
        {
            lastGaugeMs = nowMs; // state sizes at most once a millisecond: a pass over the operators' tables
            updateStateGauges();
        }
        if (!inputEnded && work == 0 && barrier == 0 && isComplete())
        {
            inputEnded = true;
            updateStateGauges(); // what the state holds once the input is done
            done = coordinator == null;
            job.onShardDone(shard);
        }
        return work;
    }

    /**
     * Commit what a completed checkpoint holds; inject the barrier of a newly requested one.
     */
    private int checkpoints()
    {
        int work = 0;
        final long completed = coordinator.completed();
        if (completed > committed)
        {
            for (final Operator op : operators)
            {
                op.onCheckpointComplete(completed);
            }
            committed = completed;
            coordinator.committed(shard, completed);
            work++;
        }
        if (barrier == 0)
        {
            final long requested = coordinator.requested();
            if (requested > lastBarrier)
            {
                barrier = requested;
                lastBarrier = requested;
                for (final SourceRunner source : sources)
                {
                    source.injectBarrier(requested);
                }
                work++;
            }
        }
        return work;
    }

    private boolean isAligned()
    {
        for (final ExchangeInput input : inputs)
        {
            if (!input.isAligned(barrier))
            {
                return false;
            }
        }
        return true;
    }

    private void takeCheckpoint()
    {
        final long startNs = nanoClock.nanoTime();
        journal.begin(barrier, coordinator.requestedFull());
        for (int i = 0; i < parts.length; i++)
        {
            parts[i].snapshot(i, journal);
        }
        final long pauseNs = nanoClock.nanoTime() - startNs;
        checkpointPause.setOrdered(pauseNs);
        if (journal.hasPending())
        {
            // Tables snapshotted asynchronously are copied over the next duty cycles (and an entry before it changes);
            // the part ends, and the journal writer acknowledges it, once they are.
            flushing = true;
            flushPauseNs = pauseNs;
        }
        else
        {
            journal.end(pauseNs, partNames); // the journal writer acknowledges once the part is in the journal
        }
        for (final ExchangeInput input : inputs)
        {
            input.resume();
        }
        barrier = 0;
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
        for (int e = 0; e < outbound.length; e++)
        {
            long held = 0;
            long sent = 0;
            for (final OutboundChannel channel : outbound[e])
            {
                if (channel != null)
                {
                    held += channel.backPressureEvents();
                    sent += channel.sent();
                }
            }
            backPressure[e].setRelease(held);
            exchanged[e].setRelease(sent);
        }
    }

    private void updateStateGauges()
    {
        for (final StateGauge gauge : stateGauges)
        {
            gauge.update();
        }
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

    public void onStart()
    {
        OperatorThread.enter(roleName);
    }

    public void onClose()
    {
        OperatorThread.exit();
        Throwable failure = null;
        for (final SourceRunner source : sources)
        {
            source.close();
        }
        for (final Operator op : operators)
        {
            try
            {
                op.close();
                if (op.errors() != null)
                {
                    op.errors().close();
                }
            }
            catch (final RuntimeException | InternalError e)
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
