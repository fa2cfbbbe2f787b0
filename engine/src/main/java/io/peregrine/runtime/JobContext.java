package io.peregrine.runtime;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import io.peregrine.state.StateDirectory;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ThreadFactory;

/**
 * Settings of a job, in Aeron's {@code Context} pattern: every setting has a system property, a
 * documented default and a fluent setter; {@link #conclude()} validates them once before the job
 * starts. Clocks arrive here too so tests can drive time by hand.
 */
public final class JobContext
{
    /** Number of shards (threads). Default: available processors. */
    public static final String SHARDS_PROP = "peregrine.shards";

    /** Idle strategy of the shard loops: busy-spin, yield, backoff or sleep. Default: {@value}. */
    public static final String IDLE_STRATEGY_DEFAULT = "backoff";
    public static final String IDLE_STRATEGY_PROP = "peregrine.idle.strategy";

    /** Bytes of each exchange ring (one per producer/consumer shard pair), a power of two. Default 1 MiB. */
    public static final String RING_CAPACITY_PROP = "peregrine.exchange.ring.capacity";
    public static final int RING_CAPACITY_DEFAULT = 1024 * 1024;

    /** Records a shard reads from one source split per duty cycle. Default: {@value}. */
    public static final String SOURCE_BATCH_PROP = "peregrine.source.batch";
    public static final int SOURCE_BATCH_DEFAULT = 256;

    /** Records a shard reads from one exchange ring per duty cycle (whole messages, so up to one batch of at most
     * 16 KiB more): a burst from another shard is spread over duty cycles between polls of the sources and timers.
     * Default: {@value}. */
    public static final String EXCHANGE_POLL_LIMIT_PROP = "peregrine.exchange.poll.limit";
    public static final int EXCHANGE_POLL_LIMIT_DEFAULT = 256;

    /** Least processing time between two watermarks of a shard's source, in ms; 0 emits one after every
     * poll batch. Default: {@value}. */
    public static final String WATERMARK_INTERVAL_MS_PROP = "peregrine.watermark.interval.ms";
    public static final long WATERMARK_INTERVAL_MS_DEFAULT = 1;

    /** Largest row in bytes. Default: {@value}. */
    public static final String MAX_ROW_LENGTH_PROP = "peregrine.max.row.length";
    public static final int MAX_ROW_LENGTH_DEFAULT = 16 * 1024;

    /** Key groups: the unit in which keyed state is spread over shards. Default: {@value}. */
    public static final String KEY_GROUPS_PROP = "peregrine.key.groups";
    public static final int KEY_GROUPS_DEFAULT = 4096;

    /** Where malformed records are written. Default: {@value}. */
    public static final String DEAD_LETTER_DIR_PROP = "peregrine.dead.letter.dir";
    public static final String DEAD_LETTER_DIR_DEFAULT = "peregrine-data/dead-letter";

    /** Most concurrently open session windows per key. Default: {@value}. */
    public static final String SESSION_CAPACITY_PROP = "peregrine.window.session.capacity";
    public static final int SESSION_CAPACITY_DEFAULT = 16;

    /** Where keyed state lives: {@code mapped} (memory-mapped files in the state directory) or {@code direct}
     * (direct memory). Default: {@value}. */
    public static final String STATE_BACKEND_PROP = "peregrine.state.backend";
    public static final String STATE_BACKEND_DEFAULT = "mapped";

    /** Node state directory; each job gets a subdirectory, deleted when it ends. */
    public static final String STATE_DIR_PROP = StateDirectory.Context.DIR_PROP_NAME;

    /** Window results a tumbling or sliding window operator emits per duty cycle, beyond one per
     * record it received since the last cycle, when the watermark closes windows; the rest follow in
     * later cycles, between polls of the inputs. 0 emits a window whole. Windows with allowed
     * lateness are always emitted whole. Default: {@value}. */
    public static final String WINDOW_FIRE_BATCH_PROP = "peregrine.window.fire.batch";
    public static final int WINDOW_FIRE_BATCH_DEFAULT = 256;

    /** Two-stage window aggregation: a tumbling- or sliding-window {@code aggregate} (no allowed lateness, no late
     * output) is first folded on the shard that read each record, into one accumulator per key and pane (a tumbling
     * window of the slide), and only one partial per key and pane crosses to the key's shard, where partials are
     * merged into the windows (Jet's two-stage aggregation, Flink's local-global aggregation and window slicing).
     * Applies with more than one shard, and to sliding windows on one shard too (a record is folded once, not once
     * per window). Results are the same, late records included: each is judged against its own watermark
     * ({@link io.peregrine.api.Row#recordWatermark()}) in either plan. Default: {@value}. */
    public static final String WINDOW_TWO_STAGE_PROP = "peregrine.window.two.stage";
    public static final boolean WINDOW_TWO_STAGE_DEFAULT = true;

    /** Initial slots of each keyed-state table. Default: {@value}. */
    public static final String STATE_INITIAL_CAPACITY_PROP = "peregrine.state.initial.capacity";
    public static final int STATE_INITIAL_CAPACITY_DEFAULT = 1024;

    /** The job's checkpoint directory; unset (the default) takes no checkpoints. */
    public static final String CHECKPOINT_DIR_PROP = "peregrine.checkpoint.dir";

    /** Processing time between two checkpoints, in ms, when a checkpoint directory is set; 0 takes only the final
     * checkpoint (end of input, stop with savepoint). Default: {@value}. */
    public static final String CHECKPOINT_INTERVAL_MS_PROP = "peregrine.checkpoint.interval.ms";
    public static final long CHECKPOINT_INTERVAL_MS_DEFAULT = 1000;

    /** Every this many checkpoints one journals all state, the others only what changed: recovery replays at most
     * this many. Default: {@value}. */
    public static final String CHECKPOINT_FULL_EVERY_PROP = "peregrine.checkpoint.full.every";
    public static final int CHECKPOINT_FULL_EVERY_DEFAULT = 10;

    private Path checkpointDir = System.getProperty(CHECKPOINT_DIR_PROP) == null ? null :
        Paths.get(System.getProperty(CHECKPOINT_DIR_PROP));
    private long checkpointIntervalMs = Long.getLong(CHECKPOINT_INTERVAL_MS_PROP, CHECKPOINT_INTERVAL_MS_DEFAULT);
    private int checkpointFullEvery = Integer.getInteger(CHECKPOINT_FULL_EVERY_PROP, CHECKPOINT_FULL_EVERY_DEFAULT);
    private int shards = Integer.getInteger(SHARDS_PROP, Runtime.getRuntime().availableProcessors());
    private String idleStrategyName = System.getProperty(IDLE_STRATEGY_PROP, IDLE_STRATEGY_DEFAULT);
    private int ringCapacity = Integer.getInteger(RING_CAPACITY_PROP, RING_CAPACITY_DEFAULT);
    private int sourceBatch = Integer.getInteger(SOURCE_BATCH_PROP, SOURCE_BATCH_DEFAULT);
    private int exchangePollLimit = Integer.getInteger(EXCHANGE_POLL_LIMIT_PROP, EXCHANGE_POLL_LIMIT_DEFAULT);
    private long watermarkIntervalMs = Long.getLong(WATERMARK_INTERVAL_MS_PROP, WATERMARK_INTERVAL_MS_DEFAULT);
    private int maxRowLength = Integer.getInteger(MAX_ROW_LENGTH_PROP, MAX_ROW_LENGTH_DEFAULT);
    private int keyGroups = Integer.getInteger(KEY_GROUPS_PROP, KEY_GROUPS_DEFAULT);
    private Path deadLetterDir = Paths.get(System.getProperty(DEAD_LETTER_DIR_PROP, DEAD_LETTER_DIR_DEFAULT));
    private int windowFireBatch = Integer.getInteger(WINDOW_FIRE_BATCH_PROP, WINDOW_FIRE_BATCH_DEFAULT);
    private boolean windowTwoStage = Boolean.parseBoolean(
        System.getProperty(WINDOW_TWO_STAGE_PROP, Boolean.toString(WINDOW_TWO_STAGE_DEFAULT)));
    private int sessionCapacity = Integer.getInteger(SESSION_CAPACITY_PROP, SESSION_CAPACITY_DEFAULT);
    private int stateInitialCapacity = Integer.getInteger(STATE_INITIAL_CAPACITY_PROP, STATE_INITIAL_CAPACITY_DEFAULT);
    private StateFactory stateFactory;
    private String stateBackend = System.getProperty(STATE_BACKEND_PROP, STATE_BACKEND_DEFAULT);
    private Path stateDir = Paths.get(System.getProperty(STATE_DIR_PROP, StateDirectory.Context.DIR_DEFAULT));
    private EpochClock epochClock = SystemEpochClock.INSTANCE;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private ThreadFactory threadFactory;
    private boolean concluded;

    /**
     * Validate the settings.
     *
     * @return this.
     * @throws IllegalArgumentException naming the setting, its property and what is allowed.
     */
    public JobContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        check(shards >= 1 && shards <= 1024, SHARDS_PROP, shards, "1..1024");
        idleStrategy(idleStrategyName);
        check(Integer.bitCount(ringCapacity) == 1 && ringCapacity >= 4096, RING_CAPACITY_PROP, ringCapacity,
            "a power of two >= 4096");
        check(sourceBatch >= 1, SOURCE_BATCH_PROP, sourceBatch, ">= 1");
        check(exchangePollLimit >= 1, EXCHANGE_POLL_LIMIT_PROP, exchangePollLimit, ">= 1");
        check(watermarkIntervalMs >= 0, WATERMARK_INTERVAL_MS_PROP, watermarkIntervalMs, ">= 0");
        check(maxRowLength >= 64, MAX_ROW_LENGTH_PROP, maxRowLength, ">= 64");
        check(maxRowLength + 64 <= ringCapacity / 8, MAX_ROW_LENGTH_PROP, maxRowLength,
            "at most an eighth of " + RING_CAPACITY_PROP + " less 64 (" + (ringCapacity / 8 - 64) + ")");
        check(keyGroups >= shards && keyGroups <= 1 << 20, KEY_GROUPS_PROP, keyGroups, ">= shards and <= 2^20");
        check(windowFireBatch >= 0, WINDOW_FIRE_BATCH_PROP, windowFireBatch, ">= 0");
        final String twoStage = System.getProperty(WINDOW_TWO_STAGE_PROP);
        check(twoStage == null || "true".equalsIgnoreCase(twoStage) || "false".equalsIgnoreCase(twoStage),
            WINDOW_TWO_STAGE_PROP, twoStage, "true or false");
        check(sessionCapacity >= 1, SESSION_CAPACITY_PROP, sessionCapacity, ">= 1");
        check(stateInitialCapacity >= 16, STATE_INITIAL_CAPACITY_PROP, stateInitialCapacity, ">= 16");
        check("mapped".equals(stateBackend) || "direct".equals(stateBackend), STATE_BACKEND_PROP, stateBackend,
            "mapped or direct");
        check(checkpointIntervalMs >= 0, CHECKPOINT_INTERVAL_MS_PROP, checkpointIntervalMs, ">= 0");
        check(checkpointFullEvery >= 1, CHECKPOINT_FULL_EVERY_PROP, checkpointFullEvery, ">= 1");
        concluded = true;
        return this;
    }

    private static void check(final boolean ok, final String prop, final Object value, final String allowed)
    {
        if (!ok)
        {
            throw new IllegalArgumentException(prop + "=" + value + " is invalid: must be " + allowed);
        }
    }

    /**
     * @param name busy-spin, yield, backoff or sleep.
     * @return a new idle strategy of that kind.
     */
    public static IdleStrategy idleStrategy(final String name)
    {
        switch (name)
        {
            case "busy-spin": return new BusySpinIdleStrategy();
            case "yield": return new YieldingIdleStrategy();
            case "backoff": return new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
            case "sleep": return new SleepingMillisIdleStrategy(1);
            default:
                throw new IllegalArgumentException(IDLE_STRATEGY_PROP + "=" + name +
                    " is invalid: must be busy-spin, yield, backoff or sleep");
        }
    }

    public int shards()
    {
        return shards;
    }

    public JobContext shards(final int shards)
    {
        this.shards = shards;
        return this;
    }

    public String idleStrategyName()
    {
        return idleStrategyName;
    }

    public JobContext idleStrategyName(final String name)
    {
        this.idleStrategyName = name;
        return this;
    }

    public int ringCapacity()
    {
        return ringCapacity;
    }

    public JobContext ringCapacity(final int bytes)
    {
        this.ringCapacity = bytes;
        return this;
    }

    /**
     * @return bytes to allocate per ring: capacity plus Agrona's trailer.
     */
    int ringLength()
    {
        return ringCapacity + RingBufferDescriptor.TRAILER_LENGTH;
    }

    public int sourceBatch()
    {
        return sourceBatch;
    }

    public JobContext sourceBatch(final int records)
    {
        this.sourceBatch = records;
        return this;
    }

    public int exchangePollLimit()
    {
        return exchangePollLimit;
    }

    public JobContext exchangePollLimit(final int messages)
    {
        this.exchangePollLimit = messages;
        return this;
    }

    public long watermarkIntervalMs()
    {
        return watermarkIntervalMs;
    }

    /**
     * @param ms least processing time between two source watermarks; 0 for one after every batch.
     * @return this.
     */
    public JobContext watermarkIntervalMs(final long ms)
    {
        this.watermarkIntervalMs = ms;
        return this;
    }

    public int maxRowLength()
    {
        return maxRowLength;
    }

    public JobContext maxRowLength(final int bytes)
    {
        this.maxRowLength = bytes;
        return this;
    }

    public int keyGroups()
    {
        return keyGroups;
    }

    public JobContext keyGroups(final int keyGroups)
    {
        this.keyGroups = keyGroups;
        return this;
    }

    public Path deadLetterDir()
    {
        return deadLetterDir;
    }

    public JobContext deadLetterDir(final Path dir)
    {
        this.deadLetterDir = dir;
        return this;
    }

    public int windowFireBatch()
    {
        return windowFireBatch;
    }

    /**
     * @param results window results emitted per duty cycle; 0 to emit each window whole.
     * @return this.
     */
    public JobContext windowFireBatch(final int results)
    {
        this.windowFireBatch = results;
        return this;
    }

    public boolean windowTwoStage()
    {
        return windowTwoStage;
    }

    /**
     * @param twoStage pre-aggregate tumbling windows per shard before the exchange (see {@link #WINDOW_TWO_STAGE_PROP}).
     * @return this.
     */
    public JobContext windowTwoStage(final boolean twoStage)
    {
        this.windowTwoStage = twoStage;
        return this;
    }

    public int sessionCapacity()
    {
        return sessionCapacity;
    }

    public JobContext sessionCapacity(final int sessions)
    {
        this.sessionCapacity = sessions;
        return this;
    }

    public int stateInitialCapacity()
    {
        return stateInitialCapacity;
    }

    public JobContext stateInitialCapacity(final int slots)
    {
        this.stateInitialCapacity = slots;
        return this;
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

    public String stateBackend()
    {
        return stateBackend;
    }

    /**
     * @param backend {@code mapped} or {@code direct}.
     * @return this.
     */
    public JobContext stateBackend(final String backend)
    {
        this.stateBackend = backend;
        return this;
    }

    public Path stateDir()
    {
        return stateDir;
    }

    /**
     * @param dir the node's state directory; each job uses a subdirectory of it.
     * @return this.
     */
    public JobContext stateDir(final Path dir)
    {
        this.stateDir = dir;
        return this;
    }

    /**
     * @return the job's checkpoint directory, or null when the job takes no checkpoints.
     */
    public Path checkpointDir()
    {
        return checkpointDir;
    }

    /**
     * Take checkpoints into {@code dir}, and restore the newest whole one found there when the job starts.
     *
     * @param dir the job's checkpoint directory; null takes no checkpoints.
     * @return this.
     */
    public JobContext checkpointDir(final Path dir)
    {
        this.checkpointDir = dir;
        return this;
    }

    public long checkpointIntervalMs()
    {
        return checkpointIntervalMs;
    }

    /**
     * @param intervalMs processing time between checkpoints; 0 takes only the final one.
     * @return this.
     */
    public JobContext checkpointIntervalMs(final long intervalMs)
    {
        this.checkpointIntervalMs = intervalMs;
        return this;
    }

    public int checkpointFullEvery()
    {
        return checkpointFullEvery;
    }

    /**
     * @param every one checkpoint in this many journals all state.
     * @return this.
     */
    public JobContext checkpointFullEvery(final int every)
    {
        this.checkpointFullEvery = every;
        return this;
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

    public String toString()
    {
        return "shards=" + shards + " idle=" + idleStrategyName + " ring=" + ringCapacity + " sourceBatch=" + sourceBatch +
            " exchangePollLimit=" + exchangePollLimit + " maxRowLength=" + maxRowLength + " keyGroups=" + keyGroups +
            " deadLetterDir=" + deadLetterDir + " sessionCapacity=" + sessionCapacity + " windowFireBatch=" + windowFireBatch +
            " windowTwoStage=" + windowTwoStage + " state=" + stateBackend +
            (stateBackend.equals("mapped") ? " stateDir=" + stateDir : "") +
            (checkpointDir == null ? "" : " checkpointDir=" + checkpointDir + " checkpointIntervalMs=" +
            checkpointIntervalMs + " checkpointFullEvery=" + checkpointFullEvery);
    }
}
