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
    /** The cluster, or null for one embedded node. */
    private final ClusterLayout layout;
    /** The first shard of this node among all shards of the cluster (0 on one node). */
    private final int firstShard;
    private ClusterLink link;

    private LocalJob(final LogicalPlan pipeline, final JobContext context)
    {
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
        this.nodes = pipeline.nodes();
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
        final LocalJob job = new LocalJob(pipeline, context);
        try
        {
            job.startShards();
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
        CloseHelper.closeAll(runners);
        CloseHelper.close(coordinatorRunner);
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
        CloseHelper.close(mappedState);
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
        if (t instanceof OperatorException)
        {
            final OperatorException e = (OperatorException)t;
            final String where = e.sourceSplit() >= 0 && e.sourceSplit() < splits.size() ?
                splits.get(e.sourceSplit()).toString() : "split " + e.sourceSplit();
            return "operator '" + e.operator() + "' failed on the record at " + where + ", position " +
                e.sourcePosition() + ": " + e.getCause();
        }
        return t.toString();
    }
}
