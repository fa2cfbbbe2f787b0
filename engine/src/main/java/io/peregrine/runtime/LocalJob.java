package io.peregrine.runtime;

import io.peregrine.config.StateFactory;

import io.peregrine.api.JobFailedException;
import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import io.peregrine.config.StateBackend;
import io.peregrine.plan.LogicalPlan;
import io.peregrine.checkpoint.CheckpointCoordinator;
import io.peregrine.checkpoint.CheckpointInfo;
import io.peregrine.checkpoint.CheckpointStore;
import io.peregrine.metrics.JobCounters;
import io.peregrine.metrics.Metric;
import io.peregrine.metrics.prometheus.PrometheusEndpoint;
import io.peregrine.plan.Node;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running pipeline: one {@link AgentRunner} thread per shard. A job over bounded sources ends by
 * itself once the final watermark has passed through every shard; any job ends on
 * {@link #cancel()} or on the first failure, which {@link #join()} rethrows naming the operator and
 * the record.
 * <p>
 * With a checkpoint directory ({@link JobContext#checkpointDir(java.nio.file.Path)}) the job restores the newest
 * whole checkpoint found there, takes one every {@link JobContext#checkpointIntervalMs()}, and ends with a final
 * checkpoint: when a bounded input is exhausted, or on {@link #stopWithSavepoint()}.
 */
public final class LocalJob implements Job
{
    private static final Logger LOG = LoggerFactory.getLogger(LocalJob.class);

    private CheckpointCoordinator coordinator;
    private AgentRunner coordinatorRunner;
    private CheckpointInfo restoredFrom;
    private final AtomicInteger shardsDone = new AtomicInteger();
    private final String name;
    private final JobContext context;
    private final JobCounters counters;
    private final AgentRunner[] runners;
    private final CountDownLatch finished;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Node> nodes;
    private volatile boolean stopping;
    private volatile boolean cancelled;
    private List<Planner.SplitInfo> splits;
    private boolean closed;
    private final long startNs;
    private MappedStateFactory mappedState;
    private PrometheusEndpoint metricsEndpoint;

    private LocalJob(final LogicalPlan pipeline, final JobContext context)
    {
        this.name = pipeline.name();
        this.context = context.conclude();
        this.nodes = pipeline.nodes();
        // Room for every node's counters on every shard, and as many again for the parts of a node that count on
        // their own (a window's local stage).
        this.counters = JobCounters.create(context.metricsDir(), name, context.shards(),
            JobCounters.capacity(context.shards(), 2 * nodes.size() + 4), context.epochClock().time());
        this.runners = new AgentRunner[context.shards()];
        this.finished = new CountDownLatch(context.shards());
        this.startNs = context.nanoClock().nanoTime();
    }

    /**
     * Plan the pipeline and start its shards.
     *
     * @param pipeline to run.
     * @param context  settings.
     * @return the running job.
     */
    public static LocalJob start(final LogicalPlan pipeline, final JobContext context)
    {
        final LocalJob job = new LocalJob(pipeline, context);
        try
        {
            job.startShards();
        }
        catch (final RuntimeException | Error e)
        {
            CloseHelper.quietCloseAll(job.metricsEndpoint, job.mappedState, job.counters);
            throw e;
        }
        return job;
    }

    private void startShards()
    {
        ResourceCheck.check(name, nodes, context, ResourceCheck.measure(context));
        StateFactory state = context.stateFactory();
        if (state == null)
        {
            if (context.stateBackend() == StateBackend.MAPPED)
            {
                mappedState = new MappedStateFactory(context, name);
                state = mappedState;
            }
            else
            {
                final int initial = context.stateInitialCapacity();
                final float loadFactor = context.stateLoadFactor();
                state = (operator, shard, valueLength) -> new io.peregrine.state.DirectSlotTable(
                    valueLength, initial, loadFactor, io.peregrine.state.SlotTable.hashSeed(operator));
            }
        }
        CheckpointStore restore = null;
        if (context.checkpointDir() != null)
        {
            restore = openCheckpoints();
        }
        final Planner planner = new Planner(name, nodes, context, counters, state,
            restore == null ? null : Planner.splitCounts(restore.parts()));
        splits = planner.splits;
        final ShardAgent[] agents = new ShardAgent[runners.length];
        for (int s = 0; s < agents.length; s++)
        {
            agents[s] = planner.shard(this, s, coordinator, restore);
        }
        if (context.metricsPort() >= 0)
        {
            metricsEndpoint = PrometheusEndpoint.start(context.metricsPort(), counters.reader(), name);
        }
        LOG.info("job '{}' counters in {} (peregrine stat {}){}", name, counters.directory(), counters.directory(),
            metricsEndpoint == null ? "" : ", Prometheus at http://localhost:" + metricsEndpoint.port() + "/metrics");
        final ErrorHandler errorHandler = t ->
        {
            if (!(t instanceof org.agrona.concurrent.AgentTerminationException))
            {
                failure.compareAndSet(null, t);
            }
        };
        for (int s = 0; s < agents.length; s++)
        {
            runners[s] = new AgentRunner(context.idleStrategy().newIdleStrategy(), errorHandler,
                counters.counter(s, Metric.ERRORS), agents[s]);
        }
        if (coordinator != null)
        {
            coordinatorRunner = new AgentRunner(new SleepingMillisIdleStrategy(1), errorHandler, null, coordinator);
            AgentRunner.startOnThread(coordinatorRunner);
        }
        final ThreadFactory threadFactory = context.threadFactory();
        for (final AgentRunner runner : runners)
        {
            if (threadFactory == null)
            {
                AgentRunner.startOnThread(runner);
            }
            else
            {
                AgentRunner.startOnThread(runner, threadFactory);
            }
        }
    }

    /**
     * Scan the checkpoint directory, choose what to restore, recover the exactly-once sinks to it and make the
     * coordinator.
     */
    private CheckpointStore openCheckpoints()
    {
        final java.nio.file.Path dir = context.checkpointDir();
        final CheckpointStore store = CheckpointStore.scan(dir);
        for (final String problem : store.problems())
        {
            LOG.warn("checkpoint journal: {}", problem);
        }
        restoredFrom = store.restorable();
        if (restoredFrom == null && !store.completed().isEmpty())
        {
            throw new IllegalStateException("job '" + name + "': checkpoints in " + dir + " are damaged and none can be " +
                "restored (" + String.join("; ", store.problems()) + "); move the directory away to start from the " +
                "beginning");
        }
        if (restoredFrom != null)
        {
            LOG.info("job '{}' restores {} from {}{}", name, restoredFrom, dir, restoredFrom.shards == context.shards() ? "" :
                " on " + context.shards() + " shard(s): state moves by key group");
        }
        final long restoredId = restoredFrom == null ? 0 : restoredFrom.id;
        for (final Node node : nodes)
        {
            if (node.kind == Node.Kind.SINK)
            {
                try
                {
                    node.sink.recover(restoredId);
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException("sink '" + node.name + "' could not recover to checkpoint " +
                        restoredId + ": " + e, e);
                }
            }
        }
        coordinator = new CheckpointCoordinator(dir, context.shards(), context.checkpointIntervalMs(),
            context.checkpointFullEvery(), store.nextId(), restoredId, context.epochClock(), context.nanoClock(),
            id -> finishAll());
        return restoredFrom == null ? null : store;
    }

    /**
     * @return the checkpoint this job was restored from, or null if it started from the beginning.
     */
    @Override
    public CheckpointInfo restoredFrom()
    {
        return restoredFrom;
    }

    /**
     * @return the job's checkpoint coordinator, or null without a checkpoint directory.
     */
    @Override
    public CheckpointCoordinator checkpoints()
    {
        return coordinator;
    }

    /**
     * Stop the job with a final checkpoint (a savepoint): once it is complete and every exactly-once sink has
     * committed its output, the job ends and {@link #join()} returns. A later job over the same checkpoint
     * directory resumes from it. Without a checkpoint directory this is {@link #cancel()}.
     */
    @Override
    public void stopWithSavepoint()
    {
        if (coordinator == null)
        {
            cancel();
            return;
        }
        coordinator.requestFinal();
    }

    private void finishAll()
    {
        while (finished.getCount() > 0)
        {
            finished.countDown();
        }
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public JobCounters counters()
    {
        return counters;
    }

    @Override
    public int metricsPort()
    {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    @Override
    public JobContext context()
    {
        return context;
    }

    boolean isStopping()
    {
        return stopping;
    }

    void onShardDone(final int shard)
    {
        if (coordinator == null)
        {
            finished.countDown();
        }
        else if (shardsDone.incrementAndGet() == runners.length)
        {
            coordinator.requestFinal(); // the job ends once its final checkpoint is committed
        }
    }

    void onShardFailed(final int shard, final Throwable t)
    {
        failure.compareAndSet(null, t);
        stopping = true;
        while (finished.getCount() > 0)
        {
            finished.countDown();
        }
    }

    /**
     * Stop the job (an unbounded job ends only this way). {@link #join()} then returns normally.
     */
    @Override
    public void cancel()
    {
        cancelled = true;
        stopping = true;
        while (finished.getCount() > 0)
        {
            finished.countDown();
        }
    }

    @Override
    public boolean isCancelled()
    {
        return cancelled;
    }

    /**
     * @return true when every shard finished, the job failed or was cancelled.
     */
    @Override
    public boolean isDone()
    {
        return finished.getCount() == 0;
    }

    /**
     * Wait for the job to end, stop its threads and close its operators and sinks.
     *
     * @throws JobFailedException if an operator failed.
     */
    @Override
    public void join()
    {
        try
        {
            finished.await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            cancel();
        }
        close();
    }

    /**
     * @param timeoutMs longest wait.
     * @return true if the job ended (and was closed), false on time-out (still running).
     */
    @Override
    public boolean join(final long timeoutMs)
    {
        try
        {
            if (!finished.await(timeoutMs, TimeUnit.MILLISECONDS))
            {
                return false;
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        close();
        return true;
    }

    /**
     * @return nanoseconds since the job started.
     */
    @Override
    public long elapsedNs()
    {
        return context.nanoClock().nanoTime() - startNs;
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        stopping = true;
        try
        {
            CloseHelper.closeAll(runners);
            CloseHelper.close(coordinatorRunner);
        }
        catch (final RuntimeException | InternalError e)
        {
            // A shard that could not close (a fault on a state file's page when the disk is full): the job's state
            // is removed all the same, and the failure reported.
            failure.compareAndSet(null, e);
        }
        try
        {
            CloseHelper.close(mappedState);
        }
        catch (final RuntimeException | InternalError e)
        {
            failure.compareAndSet(null, e);
        }
        CloseHelper.closeAll(metricsEndpoint, counters);
        for (final Node node : nodes)
        {
            if (node.kind == Node.Kind.SINK)
            {
                node.sink.onJobEnd();
            }
        }
        final Throwable t = failure.get();
        if (t != null)
        {
            throw new JobFailedException("job '" + name + "' failed: " + describe(t), t);
        }
    }

    private String describe(final Throwable t)
    {
        return describeFailure(t) + stateFault(t);
    }

    /**
     * A write to a page of a memory-mapped state file that the disk has no room for faults, and the JVM reports an
     * {@code InternalError} naming nothing: say where the state was. (A table checks the space before it grows; this
     * is what remains, e.g. when several tables share a disk that fills.)
     */
    private String stateFault(final Throwable t)
    {
        Throwable cause = t;
        while (cause != null && !(cause instanceof InternalError))
        {
            cause = cause.getCause();
        }
        if (cause == null || mappedState == null)
        {
            return "";
        }
        final java.nio.file.Path dir = mappedState.path().toAbsolutePath();
        String free;
        try
        {
            free = java.nio.file.Files.getFileStore(dir.getParent()).getUsableSpace() + " bytes free";
        }
        catch (final java.io.IOException | RuntimeException e)
        {
            free = "free space not known";
        }
        return "; a write to memory-mapped state in " + dir + " faulted: its disk is probably full (" + free + "); the job's state " +
            "is removed: free disk space or set " + io.peregrine.config.Settings.STATE_DIR.key() + " to a larger disk";
    }

    private String describeFailure(final Throwable t)
    {
        if (t instanceof OperatorException)
        {
            final OperatorException e = (OperatorException)t;
            return "operator '" + e.operator() + "'" + (e.shard() >= 0 ? " on shard " + e.shard() : "") +
                (e.record() == null ? " failed" : " failed on the record " + e.record()) + " at " +
                OperatorErrors.position(splits, e.sourceSplit(), e.sourcePosition()) + ": " + e.getCause();
        }
        return t.toString();
    }
}
