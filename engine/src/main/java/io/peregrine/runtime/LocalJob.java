package io.peregrine.runtime;

import io.peregrine.config.StateFactory;

import io.peregrine.api.JobFailedException;
import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import io.peregrine.config.Settings;
import io.peregrine.config.StateBackend;
import io.peregrine.exchange.ClusterLayout;
import io.peregrine.exchange.ClusterLink;
import io.peregrine.exchange.ClusterSpec;
import io.peregrine.exchange.ClusterTransport;
import io.peregrine.exchange.ExchangeFrame;
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
import java.util.ServiceLoader;
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
    /** The cluster, or null for one embedded node. */
    private final ClusterLayout layout;
    /** The first shard of this node among all shards of the cluster (0 on one node). */
    private final int firstShard;
    private ClusterLink link;

    private LocalJob(final LogicalPlan pipeline, final JobContext context, final boolean stepped)
    {
        this.stepped = stepped;
        this.name = pipeline.name();
        if (context.clusterFile() != null)
        {
            layout = ClusterLayout.read(context.clusterFile());
            final ClusterLayout.Member self = layout.member(context.clusterNode());
            firstShard = self.firstShard;
            context.shards(layout.totalShards()); // every node plans every shard of the cluster, and runs its own
        }
        else
        {
            layout = null;
            firstShard = 0;
        }
        this.context = context.conclude();
        PinnedAgent.check(this.context.cpus()); // before anything is made
        this.nodes = pipeline.nodes();
        JobCounters.removeAbandoned(context.metricsDir()).forEach((dir, pid) -> LOG.warn(
            "removed the metrics directory {} left by process {}, which is no longer running", dir, pid));
        // Room for every node's counters on every shard, and as many again for the parts of a node that count on
        // their own (a window's local stage).
        this.counters = JobCounters.create(context.metricsDir(), name, context.shards(),
            JobCounters.capacity(context.shards(), 2 * nodes.size() + 4), context.epochClock().time());
        final int localShards = layout == null ? context.shards() : layout.member(context.clusterNode()).shards;
        this.runners = new AgentRunner[localShards];
        // On a cluster the job also waits for the link's end: every node's shards done.
        this.finished = new CountDownLatch(localShards + (layout == null ? 0 : 1));
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
            CloseHelper.quietCloseAll(job.link, job.metricsEndpoint, job.mappedState, job.counters);
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
        if (layout != null && context.checkpointDir() != null)
        {
            throw new IllegalStateException("job '" + name + "': checkpoints of a job spread over a cluster are not " +
                "supported yet: run it without " + Settings.CHECKPOINT_DIR.key() + " or on one node");
        }
        if (context.checkpointDir() != null)
        {
            restore = openCheckpoints();
        }
        boolean[] local = null;
        if (layout != null)
        {
            local = new boolean[context.shards()];
            for (int s = 0; s < runners.length; s++)
            {
                local[firstShard + s] = true;
            }
        }
        final Planner planner = new Planner(name, nodes, context, counters, state,
            restore == null ? null : Planner.splitCounts(restore.parts()), local);
        splits = planner.splits;
        final ShardAgent[] agents = new ShardAgent[runners.length];
        for (int s = 0; s < agents.length; s++)
        {
            agents[s] = planner.shard(this, firstShard + s, coordinator, restore);
        }
        if (layout != null)
        {
            link = openLink(planner);
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
     * Join the cluster: open this node's transport and wait for the handshake (node 0 starts the job once every node
     * has joined with the same job).
     */
    private ClusterLink openLink(final Planner planner)
    {
        final ClusterTransport transport = ServiceLoader.load(ClusterTransport.class).findFirst().orElseThrow(
            () -> new IllegalStateException("job '" + name + "' has a cluster file (" + context.clusterFile() + ") " +
                "but no cluster transport is on the class path: add the peregrine-transport-aeron module"));
        final ClusterLink.Listener listener = new ClusterLink.Listener()
        {
            public void onEnd()
            {
                finished.countDown();
            }

            public void onFailure(final String message)
            {
                failure.compareAndSet(null, new IllegalStateException(message));
                stopping = true;
                finishAll();
            }
        };
        final ClusterSpec spec = new ClusterSpec(layout, context.clusterNode(), name, fingerprint(planner),
            planner.exchanges(), planner::ring, context.clusterJoinTimeoutMs(), context.clusterPeerTimeoutMs(),
            context.aeronDir(), listener);
        LOG.info("job '{}' joins the cluster as node {} of {} ({}), shards {}-{} of {}", name, context.clusterNode(),
            layout.nodes(), layout.describe(), firstShard, firstShard + runners.length - 1, context.shards());
        final ClusterLink opened = transport.open(spec);
        try
        {
            opened.awaitStart();
        }
        catch (final RuntimeException e)
        {
            opened.close();
            throw e;
        }
        return opened;
    }

    /**
     * @return what every node of a cluster must agree on: the job's graph, the settings that shape its plan, the
     * frame version and the cluster.
     */
    private String fingerprint(final Planner planner)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Node node : nodes)
        {
            sb.append(node).append(';');
        }
        sb.append(" exchanges=").append(planner.exchanges())
            .append(" keyGroups=").append(context.keyGroups())
            .append(" twoStage=").append(context.windowTwoStage())
            .append(" frame=").append(ExchangeFrame.VERSION)
            .append(" cluster=").append(layout.describe());
        return sb.toString();
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
            if (link != null && shardsDone.incrementAndGet() == runners.length)
            {
                link.localShardsDone(); // the job ends when node 0 has heard that from every node
            }
        }
        else if (shardsDone.incrementAndGet() == runners.length)
        {
            coordinator.requestFinal(); // the job ends once its final checkpoint is committed
        }
    }

    void onShardFailed(final int shard, final Throwable t)
    {
        if (failure.compareAndSet(null, t) && link != null)
        {
            link.fail("node " + context.clusterNode() + " failed: " + describe(t));
        }
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
        if (link != null)
        {
            if (failure.get() == null && cancelled)
            {
                link.fail("node " + context.clusterNode() + " cancelled the job");
            }
            LOG.info("job '{}' node {}: {} transport back-pressure events, {} frames rejected", name,
                context.clusterNode(), link.backPressureEvents(), link.rejectedFrames());
            CloseHelper.close(link);
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
