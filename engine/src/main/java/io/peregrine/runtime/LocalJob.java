package io.peregrine.runtime;

import io.peregrine.config.StateFactory;

import io.peregrine.api.JobFailedException;
import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import io.peregrine.config.Settings;
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
    /** Stepped by hand ({@link #startStepped}): no threads; the caller runs each duty cycle. */
    private final boolean stepped;
    private ShardAgent[] agents;
    private boolean[] agentEnded;
    private boolean coordinatorStarted;
    private Thread shutdownHook;
    private volatile boolean stoppedByShutdown;

    private LocalJob(final LogicalPlan pipeline, final JobContext context, final boolean stepped)
    {
        this.stepped = stepped;
        this.name = pipeline.name();
        this.context = context.conclude();
        PinnedAgent.check(this.context.cpus()); // before anything is made
        this.nodes = pipeline.nodes();
        JobCounters.removeAbandoned(context.metricsDir()).forEach((dir, pid) -> LOG.warn(
            "removed the metrics directory {} left by process {}, which is no longer running", dir, pid));
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
        return start(pipeline, context, false);
    }

    /**
     * Plan the pipeline but start no thread: the caller runs each shard's duty cycle with {@link #step(int)} (and
     * the checkpoint coordinator's with {@link #stepCoordinator()}), as Aeron's invoker threading mode lets a test
     * drive its agents. With a hand-advanced clock in the context ({@link JobContext#epochClock}) nothing in such a
     * job depends on thread timing: what a test observes after a step is exactly what that step did.
     *
     * @param pipeline to run.
     * @param context  settings.
     * @return the job, whose shards have not run yet.
     */
    public static LocalJob startStepped(final LogicalPlan pipeline, final JobContext context)
    {
        return start(pipeline, context, true);
    }

    private static LocalJob start(final LogicalPlan pipeline, final JobContext context, final boolean stepped)
    {
        final LocalJob job = new LocalJob(pipeline, context, stepped);
        try
        {
            job.startShards();
            if (!stepped && job.context.shutdownHook())
            {
                job.shutdownHook = new Thread(job::onJvmShutdown, "peregrine-shutdown-" + job.name);
                Runtime.getRuntime().addShutdownHook(job.shutdownHook);
            }
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
        if (stepped)
        {
            this.agents = agents;
            this.agentEnded = new boolean[agents.length];
            return;
        }
        final io.peregrine.config.CpuSet cpus = context.cpus();
        for (int s = 0; s < agents.length; s++)
        {
            runners[s] = new AgentRunner(context.idleStrategy().newIdleStrategy(), errorHandler,
                counters.counter(s, Metric.ERRORS), cpus.isEmpty() ? agents[s] : new PinnedAgent(agents[s], cpus.cpuOf(s)));
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
     * Run one duty cycle of a shard of a job made by {@link #startStepped}, on the calling thread.
     *
     * @param shard to step.
     * @return the work the cycle did (0 when idle, or once the shard has stopped).
     * @throws IllegalStateException if the job runs on its own threads.
     */
    public int step(final int shard)
    {
        if (!stepped)
        {
            throw new IllegalStateException("job '" + name + "' runs its shards on threads: only a job made by " +
                "LocalJob.startStepped is stepped by hand");
        }
        if (closed || agentEnded[shard])
        {
            return 0;
        }
        try
        {
            return agents[shard].step();
        }
        catch (final org.agrona.concurrent.AgentTerminationException e)
        {
            agentEnded[shard] = true;
            return 0;
        }
    }

    /**
     * One duty cycle of every shard, in shard order, and of the checkpoint coordinator if there is one.
     *
     * @return the work done.
     */
    public int stepAll()
    {
        int work = stepCoordinator();
        for (int s = 0; s < runners.length; s++)
        {
            work += step(s);
        }
        return work;
    }

    /**
     * Step every shard (and the coordinator) until a condition holds.
     *
     * @param condition to reach.
     * @param maxCycles most rounds of {@link #stepAll()} before giving up.
     * @return the rounds it took.
     * @throws IllegalStateException if the condition did not hold after {@code maxCycles} rounds, or the job ended
     *                               first.
     */
    public int stepUntil(final java.util.function.BooleanSupplier condition, final int maxCycles)
    {
        for (int round = 0; round < maxCycles; round++)
        {
            if (condition.getAsBoolean())
            {
                return round;
            }
            if (isDone())
            {
                break;
            }
            stepAll();
        }
        if (condition.getAsBoolean())
        {
            return maxCycles;
        }
        throw new IllegalStateException("job '" + name + "': condition not reached after " + maxCycles + " rounds of " +
            "duty cycles" + (isDone() ? " (the job ended)" : "") + (failure.get() == null ? "" : ": " + failure.get()));
    }

    /**
     * One duty cycle of the checkpoint coordinator of a job made by {@link #startStepped}.
     *
     * @return the work done, 0 without checkpoints.
     */
    public int stepCoordinator()
    {
        if (!stepped)
        {
            throw new IllegalStateException("job '" + name + "' runs on threads: only a stepped job is stepped by hand");
        }
        if (coordinator == null || closed)
        {
            return 0;
        }
        if (!coordinatorStarted)
        {
            coordinatorStarted = true;
            coordinator.onStart();
        }
        try
        {
            return coordinator.doWork();
        }
        catch (final Exception e)
        {
            failure.compareAndSet(null, e);
            return 0;
        }
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
        if (shutdownHook != null && Thread.currentThread() != shutdownHook)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
            catch (final IllegalStateException e)
            {
                // the JVM is shutting down: the hook runs, and finds the job closed
            }
        }
        try
        {
            CloseHelper.closeAll(runners);
            CloseHelper.close(coordinatorRunner);
            if (stepped)
            {
                closeStepped();
            }
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

    /**
     * The JVM is shutting down (SIGINT, SIGTERM, {@code System.exit}) while the job may still run: end it with a
     * final checkpoint if it takes checkpoints, else cancel it; closing it removes its working state and metrics.
     */
    private void onJvmShutdown()
    {
        if (!isDone())
        {
            stoppedByShutdown = true;
            if (coordinator != null)
            {
                LOG.info("job '{}': the JVM is shutting down; stopping with a final checkpoint in {}", name,
                    context.checkpointDir());
                stopWithSavepoint();
                boolean ended = false;
                try
                {
                    ended = finished.await(context.shutdownTimeoutMs(), TimeUnit.MILLISECONDS);
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
                if (!ended)
                {
                    LOG.warn("job '{}': no final checkpoint within {} ms ({}): cancelled; the next run restores " +
                        "checkpoint {}", name, context.shutdownTimeoutMs(), Settings.SHUTDOWN_TIMEOUT_MS.key(),
                        coordinator.completed());
                }
            }
            else
            {
                LOG.info("job '{}': the JVM is shutting down; cancelling it and removing its working state", name);
            }
            cancel();
        }
        try
        {
            close();
        }
        catch (final RuntimeException e)
        {
            LOG.warn("job '{}' at JVM shutdown: {}", name, e.getMessage());
        }
    }

    /**
     * @return true if the JVM's shutdown (a signal, {@code System.exit}) stopped the job before it ended by itself.
     */
    public boolean stoppedByShutdown()
    {
        return stoppedByShutdown;
    }

    private void closeStepped()
    {
        if (agents != null)
        {
            for (final ShardAgent agent : agents)
            {
                agent.onClose();
            }
        }
        if (coordinator != null)
        {
            if (coordinatorStarted)
            {
                coordinator.onClose();
            }
            else
            {
                CloseHelper.quietClose(coordinator);
            }
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
