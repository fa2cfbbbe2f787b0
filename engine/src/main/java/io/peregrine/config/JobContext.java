package io.peregrine.config;

import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadFactory;

/**
 * Settings of a job, in Aeron's {@code Context} pattern: a fluent setter per setting, and {@link #conclude()} to
 * validate them once before the job starts. The settings themselves (system property, type, default, accepted values,
 * meaning) are declared once, in {@link Settings}; each getter here gives the value set with its setter, else the
 * system property's as it was when the context was made, else the default. Clocks, the state factory and the thread
 * factory, which are objects rather than settings, are set here too, so tests can drive time by hand.
 */
public final class JobContext
{
    private final Map<ConfigOption<?>, Object> values = new HashMap<>();
    private final Map<ConfigOption<?>, String> texts = new HashMap<>();
    private StateFactory stateFactory;
    private EpochClock epochClock = SystemEpochClock.INSTANCE;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private ThreadFactory threadFactory;

    /**
     * A context that reads the settings' system properties.
     */
    public JobContext()
    {
        this(System.getProperties());
    }

    /**
     * @param properties read for the settings' keys (their text is parsed by the getters and {@link #conclude()}).
     */
    public JobContext(final Properties properties)
    {
        for (final ConfigOption<?> option : Settings.all())
        {
            final String text = properties.getProperty(option.key());
            if (text != null)
            {
                texts.put(option, text);
            }
        }
    }

    /**
     * Validate the settings.
     *
     * @return this.
     * @throws ConfigException naming the first setting with a value it does not accept, that value and what it
     * accepts.
     */
    public JobContext conclude()
    {
        for (final ConfigOption<?> option : Settings.all())
        {
            validate(option);
        }
        final int ringCapacity = ringCapacity();
        final int maxRowLength = maxRowLength();
        if (maxRowLength + 64 > ringCapacity / 8)
        {
            throw Settings.MAX_ROW_LENGTH.invalid(maxRowLength, "at most an eighth of " + Settings.RING_CAPACITY.key() +
                " less 64 (" + (ringCapacity / 8 - 64) + ")");
        }
        final int shards = shards();
        if (keyGroups() < shards)
        {
            throw Settings.KEY_GROUPS.invalid(keyGroups(), ">= " + Settings.SHARDS.key() + " (" + shards + ")");
        }
        return this;
    }

    private <T> void validate(final ConfigOption<T> option)
    {
        option.validate(get(option));
    }

    /**
     * @param option a setting.
     * @param <T>    its type.
     * @return its value: as set, else its system property's, else its default.
     * @throws ConfigException if the value is its system property's, and not valid.
     */
    public <T> T get(final ConfigOption<T> option)
    {
        if (values.containsKey(option))
        {
            return option.type().cast(values.get(option));
        }
        final String text = texts.get(option);
        return text == null ? option.defaultValue() : option.parse(text);
    }

    /**
     * @param option a setting.
     * @param value  its value, checked by {@link #conclude()}.
     * @param <T>    its type.
     * @return this.
     */
    public <T> JobContext set(final ConfigOption<T> option, final T value)
    {
        values.put(option, value);
        return this;
    }

    /**
     * Set a setting from text, as its system property would.
     *
     * @param key   the setting's system property, e.g. {@code peregrine.idle.strategy}.
     * @param value its text, parsed by the getter and {@link #conclude()}.
     * @return this.
     * @throws IllegalArgumentException if no setting has that key.
     */
    public JobContext set(final String key, final String value)
    {
        final ConfigOption<?> option = Settings.byKey(key);
        values.remove(option);
        texts.put(option, value);
        return this;
    }

    public int shards()
    {
        return get(Settings.SHARDS);
    }

    public JobContext shards(final int shards)
    {
        return set(Settings.SHARDS, shards);
    }

    public IdleStrategyKind idleStrategy()
    {
        return get(Settings.IDLE_STRATEGY);
    }

    public JobContext idleStrategy(final IdleStrategyKind kind)
    {
        return set(Settings.IDLE_STRATEGY, kind);
    }

    /**
     * @return the idle strategy's name, e.g. {@code busy-spin}.
     */
    public String idleStrategyName()
    {
        return Settings.IDLE_STRATEGY.format(idleStrategy());
    }

    /**
     * @param name of an idle strategy, as {@code peregrine.idle.strategy} takes it; one that is not is refused by
     *             {@link #conclude()}.
     * @return this.
     */
    public JobContext idleStrategyName(final String name)
    {
        return set(Settings.IDLE_STRATEGY.key(), name);
    }

    public int ringCapacity()
    {
        return get(Settings.RING_CAPACITY);
    }

    public JobContext ringCapacity(final int bytes)
    {
        return set(Settings.RING_CAPACITY, bytes);
    }

    /**
     * @return bytes to allocate per ring: capacity plus Agrona's trailer.
     */
    public int ringLength()
    {
        return ringCapacity() + RingBufferDescriptor.TRAILER_LENGTH;
    }

    public CpuSet cpus()
    {
        return get(Settings.CPUS);
    }

    public JobContext cpus(final CpuSet cpus)
    {
        return set(Settings.CPUS, cpus);
    }

    public int sourceBatch()
    {
        return get(Settings.SOURCE_BATCH);
    }

    public JobContext sourceBatch(final int records)
    {
        return set(Settings.SOURCE_BATCH, records);
    }

    public int exchangePollLimit()
    {
        return get(Settings.EXCHANGE_POLL_LIMIT);
    }

    public JobContext exchangePollLimit(final int messages)
    {
        return set(Settings.EXCHANGE_POLL_LIMIT, messages);
    }

    public long watermarkIntervalMs()
    {
        return get(Settings.WATERMARK_INTERVAL_MS);
    }

    public JobContext watermarkIntervalMs(final long ms)
    {
        return set(Settings.WATERMARK_INTERVAL_MS, ms);
    }

    public int maxRowLength()
    {
        return get(Settings.MAX_ROW_LENGTH);
    }

    public JobContext maxRowLength(final int bytes)
    {
        return set(Settings.MAX_ROW_LENGTH, bytes);
    }

    public int keyGroups()
    {
        return get(Settings.KEY_GROUPS);
    }

    public JobContext keyGroups(final int keyGroups)
    {
        return set(Settings.KEY_GROUPS, keyGroups);
    }

    public Path deadLetterDir()
    {
        return get(Settings.DEAD_LETTER_DIR);
    }

    public JobContext deadLetterDir(final Path dir)
    {
        return set(Settings.DEAD_LETTER_DIR, dir);
    }

    public int windowFireSliceUs()
    {
        return get(Settings.WINDOW_FIRE_SLICE_US);
    }

    public JobContext windowFireSliceUs(final int micros)
    {
        return set(Settings.WINDOW_FIRE_SLICE_US, micros);
    }

    public int maxLineLength()
    {
        return get(Settings.MAX_LINE_LENGTH);
    }

    public JobContext maxLineLength(final int bytes)
    {
        return set(Settings.MAX_LINE_LENGTH, bytes);
    }

    public ErrorPolicy errorPolicy()
    {
        return get(Settings.ERROR_POLICY);
    }

    /**
     * @param policy what an operator without a policy of its own does when its user function throws.
     * @return this.
     */
    public JobContext errorPolicy(final ErrorPolicy policy)
    {
        return set(Settings.ERROR_POLICY, policy);
    }

    public int windowFireBatch()
    {
        return get(Settings.WINDOW_FIRE_BATCH);
    }

    public JobContext windowFireBatch(final int results)
    {
        return set(Settings.WINDOW_FIRE_BATCH, results);
    }

    public boolean windowTwoStage()
    {
        return get(Settings.WINDOW_TWO_STAGE);
    }

    public JobContext windowTwoStage(final boolean twoStage)
    {
        return set(Settings.WINDOW_TWO_STAGE, twoStage);
    }

    public int sessionCapacity()
    {
        return get(Settings.SESSION_CAPACITY);
    }

    public JobContext sessionCapacity(final int sessions)
    {
        return set(Settings.SESSION_CAPACITY, sessions);
    }

    public int cepMaxPartialMatches()
    {
        return get(Settings.CEP_MAX_PARTIAL_MATCHES);
    }

    /**
     * @param max most partial matches a pattern keeps per key (the oldest beyond it are dropped and counted).
     * @return this.
     */
    public JobContext cepMaxPartialMatches(final int max)
    {
        return set(Settings.CEP_MAX_PARTIAL_MATCHES, max);
    }

    public int stateInitialCapacity()
    {
        return get(Settings.STATE_INITIAL_CAPACITY);
    }

    public JobContext stateInitialCapacity(final int slots)
    {
        return set(Settings.STATE_INITIAL_CAPACITY, slots);
    }

    /**
     * @return the keyed-state factory set with {@link #stateFactory(StateFactory)}, or null for the
     * backend named by {@link #stateBackend()}.
     */
    public StateFactory stateFactory()
    {
        return stateFactory;
    }

    /**
     * @param factory makes keyed-state tables; overrides {@link #stateBackend()}.
     * @return this.
     */
    public JobContext stateFactory(final StateFactory factory)
    {
        this.stateFactory = factory;
        return this;
    }

    public StateBackend stateBackend()
    {
        return get(Settings.STATE_BACKEND);
    }

    public JobContext stateBackend(final StateBackend backend)
    {
        return set(Settings.STATE_BACKEND, backend);
    }

    public Path stateDir()
    {
        return get(Settings.STATE_DIR);
    }

    public JobContext stateDir(final Path dir)
    {
        return set(Settings.STATE_DIR, dir);
    }

    public float stateLoadFactor()
    {
        return get(Settings.STATE_LOAD_FACTOR);
    }

    public JobContext stateLoadFactor(final float fill)
    {
        return set(Settings.STATE_LOAD_FACTOR, fill);
    }

    public int stateGrowthStepSlots()
    {
        return get(Settings.STATE_GROWTH_STEP_SLOTS);
    }

    public JobContext stateGrowthStepSlots(final int slots)
    {
        return set(Settings.STATE_GROWTH_STEP_SLOTS, slots);
    }

    /**
     * @return the job's checkpoint directory, or null when the job takes no checkpoints.
     */
    public Path checkpointDir()
    {
        return get(Settings.CHECKPOINT_DIR);
    }

    /**
     * Take checkpoints into {@code dir}, and restore the newest whole one found there when the job starts.
     *
     * @param dir the job's checkpoint directory; null takes no checkpoints.
     * @return this.
     */
    public JobContext checkpointDir(final Path dir)
    {
        return set(Settings.CHECKPOINT_DIR, dir);
    }

    public long checkpointIntervalMs()
    {
        return get(Settings.CHECKPOINT_INTERVAL_MS);
    }

    public JobContext checkpointIntervalMs(final long intervalMs)
    {
        return set(Settings.CHECKPOINT_INTERVAL_MS, intervalMs);
    }

    public int checkpointFullEvery()
    {
        return get(Settings.CHECKPOINT_FULL_EVERY);
    }

    public JobContext checkpointFullEvery(final int every)
    {
        return set(Settings.CHECKPOINT_FULL_EVERY, every);
    }

    /**
     * @return where each job makes its metrics directory: {@code peregrine.metrics.dir}, else the state directory.
     */
    public Path metricsDir()
    {
        final Path dir = get(Settings.METRICS_DIR);
        return dir != null ? dir : stateDir();
    }

    /**
     * @param dir where each job makes its metrics directory ({@code peregrine-<job>-<pid>/counters.dat}); null for
     *            the state directory.
     * @return this.
     */
    public JobContext metricsDir(final Path dir)
    {
        return set(Settings.METRICS_DIR, dir);
    }

    public boolean shutdownHook()
    {
        return get(Settings.SHUTDOWN_HOOK);
    }

    /**
     * @param hook true (the default) to stop a running job when the JVM shuts down (SIGINT, SIGTERM): with
     *             checkpoints with a final checkpoint, else by cancelling it; its working state is removed either way.
     * @return this.
     */
    public JobContext shutdownHook(final boolean hook)
    {
        return set(Settings.SHUTDOWN_HOOK, hook);
    }

    public long shutdownTimeoutMs()
    {
        return get(Settings.SHUTDOWN_TIMEOUT_MS);
    }

    public JobContext shutdownTimeoutMs(final long timeoutMs)
    {
        return set(Settings.SHUTDOWN_TIMEOUT_MS, timeoutMs);
    }

    public int metricsPort()
    {
        return get(Settings.METRICS_PORT);
    }

    /**
     * @param port of the job's Prometheus endpoint; 0 for any free port ({@code Job.metricsPort()} tells which), -1
     *             for none.
     * @return this.
     */
    public JobContext metricsPort(final int port)
    {
        return set(Settings.METRICS_PORT, port);
    }

    /**
     * @return the cluster file, or null for one embedded node.
     */
    public Path clusterFile()
    {
        return get(Settings.CLUSTER_FILE);
    }

    /**
     * @param file the cluster file (a line per node: id, host:port, shards); null for one embedded node.
     * @return this.
     */
    public JobContext clusterFile(final Path file)
    {
        return set(Settings.CLUSTER_FILE, file);
    }

    public int clusterNode()
    {
        return get(Settings.CLUSTER_NODE);
    }

    /**
     * @param node this process's id in the cluster file.
     * @return this.
     */
    public JobContext clusterNode(final int node)
    {
        return set(Settings.CLUSTER_NODE, node);
    }

    public long clusterJoinTimeoutMs()
    {
        return get(Settings.CLUSTER_JOIN_TIMEOUT_MS);
    }

    public JobContext clusterJoinTimeoutMs(final long ms)
    {
        return set(Settings.CLUSTER_JOIN_TIMEOUT_MS, ms);
    }

    public long clusterPeerTimeoutMs()
    {
        return get(Settings.CLUSTER_PEER_TIMEOUT_MS);
    }

    public JobContext clusterPeerTimeoutMs(final long ms)
    {
        return set(Settings.CLUSTER_PEER_TIMEOUT_MS, ms);
    }

    /**
     * @return the directory of an external Aeron media driver, or null for an embedded one per node.
     */
    public Path aeronDir()
    {
        return get(Settings.AERON_DIR);
    }

    public JobContext aeronDir(final Path dir)
    {
        return set(Settings.AERON_DIR, dir);
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    public JobContext epochClock(final EpochClock clock)
    {
        this.epochClock = clock;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    public JobContext nanoClock(final NanoClock clock)
    {
        this.nanoClock = clock;
        return this;
    }

    /**
     * @return the factory that makes the shard threads, or null (the default) for Agrona's: a new platform thread per
     * shard.
     */
    public ThreadFactory threadFactory()
    {
        return threadFactory;
    }

    /**
     * Make the shard threads with this factory, e.g. to pin them or to measure them (the benchmarks count the bytes
     * each shard thread allocates). Whatever the factory names a thread, it is renamed after its shard
     * ({@code peregrine-shard-<n>}) before it starts. Default: null, a new platform thread per shard.
     *
     * @param factory makes one thread per shard for {@code Runnable}s the job hands it; null for the default.
     * @return this.
     */
    public JobContext threadFactory(final ThreadFactory factory)
    {
        this.threadFactory = factory;
        return this;
    }

    /**
     * @return every setting, {@code key=value}; the text of one whose system property is not valid.
     */
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        for (final ConfigOption<?> option : Settings.all())
        {
            sb.append(sb.length() == 0 ? "" : " ").append(option.key()).append('=').append(text(option));
        }
        return sb.toString();
    }

    private <T> String text(final ConfigOption<T> option)
    {
        try
        {
            return option.format(get(option));
        }
        catch (final ConfigException e)
        {
            return texts.get(option);
        }
    }
}
