package io.peregrine.config;

import io.peregrine.state.StateDirectory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every setting of a job, each declared once as a {@link ConfigOption}: {@link JobContext} reads the system
 * properties, defaults and checks from here, {@link #markdownTable()} is the README's table of settings, and the
 * command line's options for settings take their help from here.
 * <p>
 * <b>Adding a setting</b>
 * <ol>
 *     <li>Declare it below, where it belongs (the order is the README's):
 * <pre>{@code
 * public static final ConfigOption<Integer> SOURCE_BATCH = declare(
 *     ConfigOption.intOption("sourceBatch", "peregrine.source.batch")
 *         .defaultValue(256)
 *         .atLeast(1)
 *         .description("records read from one split per duty cycle"));
 * }</pre>
 *     {@code intOption}, {@code longOption}, {@code floatOption}, {@code booleanOption}, {@code pathOption} and
 *     {@code enumOption} (an enum of {@code io.peregrine.config}; its constants are the values, written in lower case
 *     with {@code -}) give the type; {@code defaultValue(v)}, {@code defaultValue(supplier, text)} or
 *     {@code unset(text)} the default; {@code atLeast}, {@code range} or {@code check(predicate, text)} what is
 *     accepted. A check between two settings goes in {@link JobContext#conclude()}.</li>
 *     <li>Give {@link JobContext} a getter and a fluent setter named as the first argument, with the bodies
 *     {@code return get(Settings.SOURCE_BATCH);} and {@code return set(Settings.SOURCE_BATCH, records);}
 *     ({@code ConfigSettingsTest} fails until they exist).</li>
 *     <li>Regenerate the README's table ({@code ConfigReadmeTableTest} fails until it is, printing the command):
 *     {@value #README_COMMAND}.</li>
 *     <li>A command-line option for it, if any: {@code @Option(names = "--source-batch", descriptionKey =
 *     "peregrine.source.batch") String sourceBatch;} in a command whose {@code resourceBundle} is
 *     {@code io.peregrine.cli.SettingOptions}, which gives the option its help and applies it to the context.</li>
 * </ol>
 */
public final class Settings
{
    /** Regenerates the README's table of settings. */
    public static final String README_COMMAND = "mvn -q -B test -pl engine -am -Dtest=ConfigReadmeTableTest " +
        "-Dsurefire.failIfNoSpecifiedTests=false -Dperegrine.readme.update=true";

    private static final List<ConfigOption<?>> ALL = new ArrayList<>();

    public static final ConfigOption<Integer> SHARDS = declare(
        ConfigOption.intOption("shards", "peregrine.shards")
            .defaultValue(() -> Runtime.getRuntime().availableProcessors(), "available processors")
            .range(1, 1024)
            .description("shard threads"));

    public static final ConfigOption<IdleStrategyKind> IDLE_STRATEGY = declare(
        ConfigOption.enumOption("idleStrategy", "peregrine.idle.strategy", IdleStrategyKind.class)
            .defaultValue(IdleStrategyKind.BACKOFF)
            .description("how a shard thread waits when it has no work: `busy-spin` (lowest latency, one core per " +
                "shard), `yield`, `backoff`, `sleep` (shared machines)"));

    public static final ConfigOption<CpuSet> CPUS = declare(
        ConfigOption.cpuSetOption("cpus", "peregrine.cpus")
            .defaultValue(CpuSet.NONE)
            .description("CPUs to pin the shard threads to, as `taskset -c` takes them (`2-5`, `0,2,4`): shard i on the " +
                "i-th CPU of the list, round robin; `none` leaves them to the scheduler. Pair with `busy-spin` and CPUs " +
                "kept free of other work (`isolcpus`, see Tuning for latency in the README)"));

    public static final ConfigOption<Integer> RING_CAPACITY = declare(
        ConfigOption.intOption("ringCapacity", "peregrine.exchange.ring.capacity")
            .defaultValue(1024 * 1024)
            .check(bytes -> Integer.bitCount(bytes) == 1 && bytes >= 4096, "a power of two >= 4096")
            .description("bytes of each exchange ring (one per producer/consumer shard pair)"));

    public static final ConfigOption<Integer> SOURCE_BATCH = declare(
        ConfigOption.intOption("sourceBatch", "peregrine.source.batch")
            .defaultValue(256)
            .atLeast(1)
            .description("records read from one split per duty cycle"));

    public static final ConfigOption<Long> WATERMARK_INTERVAL_MS = declare(
        ConfigOption.longOption("watermarkIntervalMs", "peregrine.watermark.interval.ms")
            .defaultValue(1L)
            .atLeast(0L)
            .description("least processing time in ms between two watermarks of a shard's sources; 0 emits one " +
                "after every poll batch (which records are late does not depend on it: each is judged against its " +
                "split's watermark just before it)"));

    public static final ConfigOption<Integer> EXCHANGE_POLL_LIMIT = declare(
        ConfigOption.intOption("exchangePollLimit", "peregrine.exchange.poll.limit")
            .defaultValue(256)
            .atLeast(1)
            .description("records read from one exchange ring per duty cycle (whole messages, so up to one 16 KiB " +
                "batch more), so a burst from another shard is spread over duty cycles between polls of the sources " +
                "and timers"));

    public static final ConfigOption<Integer> MAX_ROW_LENGTH = declare(
        ConfigOption.intOption("maxRowLength", "peregrine.max.row.length")
            .defaultValue(16 * 1024)
            .check(bytes -> bytes >= 64, "an integer >= 64 and <= an eighth of peregrine.exchange.ring.capacity less 64")
            .description("largest row in bytes"));

    public static final ConfigOption<Integer> MAX_LINE_LENGTH = declare(
        ConfigOption.intOption("maxLineLength", "peregrine.source.max.line.length")
            .defaultValue(1024 * 1024)
            .range(64, 256 * 1024 * 1024)
            .description("longest line in bytes a CSV source reads (its maxLineLength overrides it): a longer one is dead-lettered " +
                "as too long, naming its line number and this setting; each reader holds two buffers of this size"));

    public static final ConfigOption<Integer> KEY_GROUPS = declare(
        ConfigOption.intOption("keyGroups", "peregrine.key.groups")
            .defaultValue(4096)
            .check(groups -> groups >= 1 && groups <= 1 << 20, "an integer in 1..1048576 and >= peregrine.shards")
            .description("key groups: the unit in which keyed state is spread over shards"));

    public static final ConfigOption<Path> DEAD_LETTER_DIR = declare(
        ConfigOption.pathOption("deadLetterDir", "peregrine.dead.letter.dir")
            .defaultValue(() -> Path.of(System.getProperty("java.io.tmpdir"), "peregrine-dead-letter"),
                "`${java.io.tmpdir}/peregrine-dead-letter`")
            .description("where malformed input is written, one file per source split, " +
                "`<job>-<source>-split-<n>.tsv`; a run never overwrites an earlier run's file: it writes the next free " +
                "`<job>-<source>-split-<n>.<run>.tsv` (2, 3, ...) and its warning names the file"));

    public static final ConfigOption<ErrorPolicy> ERROR_POLICY = declare(
        ConfigOption.enumOption("errorPolicy", "peregrine.error.policy", ErrorPolicy.class)
            .defaultValue(ErrorPolicy.FAIL)
            .description("what an operator does when its user function throws, unless the operator sets its own " +
                "(`onError`): `fail` the job naming the operator, shard and record, or `dead-letter` the record to " +
                "`<peregrine.dead.letter.dir>/<job>-<operator>-shard-<n>.tsv`, count it and go on"));

    public static final ConfigOption<Integer> WINDOW_FIRE_BATCH = declare(
        ConfigOption.intOption("windowFireBatch", "peregrine.window.fire.batch")
            .defaultValue(256)
            .atLeast(0)
            .description("window results emitted per duty cycle (beyond one per record received since the last " +
                "cycle) when the watermark closes tumbling or sliding windows, so a window of many keys does not " +
                "hold up the shard; 0 emits each window whole; windows with allowed lateness are emitted whole"));

    public static final ConfigOption<Integer> WINDOW_FIRE_SLICE_US = declare(
        ConfigOption.intOption("windowFireSliceUs", "peregrine.window.fire.slice.us")
            .defaultValue(20)
            .atLeast(0)
            .description("longest slice of window firing in microseconds (by the job's clock, looked at every 32 " +
                "results) before the shard reads records again, besides the count of `peregrine.window.fire.batch`; " +
                "a slice still emits one result per record received since the last and 32 more, so firing never falls " +
                "behind; 0: by count only"));

    public static final ConfigOption<Boolean> WINDOW_TWO_STAGE = declare(
        ConfigOption.booleanOption("windowTwoStage", "peregrine.window.two.stage")
            .defaultValue(true)
            .description("a tumbling- or sliding-window `aggregate` (no allowed lateness, no late output) is folded " +
                "on the shard that read each record into one accumulator per key and pane (a tumbling window of the " +
                "slide), and one partial per key and pane crosses to the key's shard instead of every record (Jet's " +
                "two-stage aggregation); with more than one shard, and for sliding windows on one shard too; results " +
                "are the same, late records included (each is judged against its own watermark in either plan)"));

    public static final ConfigOption<Integer> SESSION_CAPACITY = declare(
        ConfigOption.intOption("sessionCapacity", "peregrine.window.session.capacity")
            .defaultValue(16)
            .atLeast(1)
            .description("most open session windows per key"));

    public static final ConfigOption<Integer> CEP_MAX_PARTIAL_MATCHES = declare(
        ConfigOption.intOption("cepMaxPartialMatches", "peregrine.cep.max.partial.matches")
            .defaultValue(1000)
            .atLeast(1)
            .description("most partial matches a pattern keeps per key; past it the oldest are dropped and counted"));

    public static final ConfigOption<Integer> STATE_INITIAL_CAPACITY = declare(
        ConfigOption.intOption("stateInitialCapacity", "peregrine.state.initial.capacity")
            .defaultValue(1024)
            .atLeast(16)
            .description("initial slots of a keyed-state table"));

    public static final ConfigOption<StateBackend> STATE_BACKEND = declare(
        ConfigOption.enumOption("stateBackend", "peregrine.state.backend", StateBackend.class)
            .defaultValue(StateBackend.MAPPED)
            .description("`mapped`: keyed state in memory-mapped files under the state directory; `direct`: in " +
                "direct memory"));

    public static final ConfigOption<Path> STATE_DIR = declare(
        ConfigOption.pathOption("stateDir", StateDirectory.Context.DIR_PROP_NAME)
            .defaultValue(() -> Path.of(StateDirectory.Context.DIR_DEFAULT), "`${java.io.tmpdir}/peregrine-state`")
            .description("the node's state directory; each job uses a subdirectory, deleted when the job ends " +
                "(checkpoints, not these files, survive it)"));

    public static final ConfigOption<Float> STATE_LOAD_FACTOR = declare(
        ConfigOption.floatOption("stateLoadFactor", StateDirectory.Context.LOAD_FACTOR_PROP_NAME)
            .defaultValue(StateDirectory.Context.LOAD_FACTOR_DEFAULT)
            .check(fill -> fill > 0.1f && fill < 0.95f, "a number > 0.1 and < 0.95")
            .description("fill at which a keyed-state table starts growing"));

    public static final ConfigOption<Integer> STATE_GROWTH_STEP_SLOTS = declare(
        ConfigOption.intOption("stateGrowthStepSlots", StateDirectory.Context.GROWTH_STEP_SLOTS_PROP_NAME)
            .defaultValue(StateDirectory.Context.GROWTH_STEP_SLOTS_DEFAULT)
            .atLeast(4)
            .description("old slots each insert migrates while a mapped table grows"));

    public static final ConfigOption<Path> CHECKPOINT_DIR = declare(
        ConfigOption.pathOption("checkpointDir", "peregrine.checkpoint.dir")
            .unset("unset (no checkpoints)")
            .description("the job's checkpoint directory: checkpoints are taken into it and the newest whole one " +
                "restored from it at start"));

    public static final ConfigOption<Long> CHECKPOINT_INTERVAL_MS = declare(
        ConfigOption.longOption("checkpointIntervalMs", "peregrine.checkpoint.interval.ms")
            .defaultValue(1000L)
            .atLeast(0L)
            .description("processing time in ms between checkpoints; 0 takes only the final one (end of input, " +
                "stop with savepoint)"));

    public static final ConfigOption<Integer> CHECKPOINT_FULL_EVERY = declare(
        ConfigOption.intOption("checkpointFullEvery", "peregrine.checkpoint.full.every")
            .defaultValue(10)
            .atLeast(1)
            .description("one checkpoint in this many journals all state (the rest only what changed): recovery " +
                "replays at most this many"));

    public static final ConfigOption<Path> METRICS_DIR = declare(
        ConfigOption.pathOption("metricsDir", "peregrine.metrics.dir")
            .unset("the state directory")
            .description("where each job makes its metrics directory, peregrine-<job>-<pid>/counters.dat, which " +
                "`peregrine stat` reads; deleted when the job ends"));

    public static final ConfigOption<Integer> METRICS_PORT = declare(
        ConfigOption.intOption("metricsPort", "peregrine.metrics.port")
            .defaultValue(-1)
            .range(-1, 65535)
            .description("port of the job's Prometheus endpoint (/metrics, text format); 0 takes any free port, " +
                "-1 serves none"));

    public static final ConfigOption<Boolean> SHUTDOWN_HOOK = declare(
        ConfigOption.booleanOption("shutdownHook", "peregrine.shutdown.hook")
            .defaultValue(true)
            .description("stop a job still running when the JVM shuts down (SIGINT, SIGTERM, `System.exit`): with " +
                "checkpoints it ends with a final checkpoint, else it is cancelled; either way its working state and " +
                "metrics directory are removed"));

    public static final ConfigOption<Long> SHUTDOWN_TIMEOUT_MS = declare(
        ConfigOption.longOption("shutdownTimeoutMs", "peregrine.shutdown.timeout.ms")
            .defaultValue(30_000L)
            .atLeast(0L)
            .description("how long the shutdown hook waits for the final checkpoint before it cancels the job"));

    public static final ConfigOption<Path> CLUSTER_FILE = declare(
        ConfigOption.pathOption("clusterFile", "peregrine.cluster.file")
            .unset("unset (one node, embedded)")
            .description("the cluster file (a line per node: id, host:port, shards): the job runs on every node it " +
                "names, with key groups spread over the shards of all of them; " + "`peregrine.shards` is then their sum"));

    public static final ConfigOption<Integer> CLUSTER_NODE = declare(
        ConfigOption.intOption("clusterNode", "peregrine.cluster.node")
            .defaultValue(0)
            .range(0, 1023)
            .description("this process's node id in the cluster file; node 0 coordinates the job's start and end"));

    public static final ConfigOption<Long> CLUSTER_JOIN_TIMEOUT_MS = declare(
        ConfigOption.longOption("clusterJoinTimeoutMs", "peregrine.cluster.join.timeout.ms")
            .defaultValue(30_000L)
            .atLeast(1L)
            .description("how long node 0 waits for every node to join (and the others for node 0 to start the job) " +
                "before the job fails naming the missing node"));

    public static final ConfigOption<Long> CLUSTER_PEER_TIMEOUT_MS = declare(
        ConfigOption.longOption("clusterPeerTimeoutMs", "peregrine.cluster.peer.timeout.ms")
            .defaultValue(5_000L)
            .atLeast(100L)
            .description("a node not heard from for this long (no heartbeat) is lost: every " +
                "node fails the job naming it"));

    public static final ConfigOption<Path> AERON_DIR = declare(
        ConfigOption.pathOption("aeronDir", "peregrine.cluster.aeron.dir")
            .unset("unset (an embedded media driver per node, under /dev/shm where present)")
            .description("the `aeron.dir` of an external Aeron media driver for the cluster transport"));

    private static final Map<String, ConfigOption<?>> BY_KEY = new TreeMap<>();

    static
    {
        for (final ConfigOption<?> option : ALL)
        {
            if (BY_KEY.put(option.key(), option) != null)
            {
                throw new IllegalStateException("two settings have the key " + option.key());
            }
        }
    }

    private Settings()
    {
    }

    private static <T> ConfigOption<T> declare(final ConfigOption<T> option)
    {
        ALL.add(option);
        return option;
    }

    /**
     * @return every setting, in the order declared.
     */
    public static List<ConfigOption<?>> all()
    {
        return Collections.unmodifiableList(ALL);
    }

    /**
     * @param key a system property, e.g. {@code peregrine.shards}.
     * @return the setting.
     * @throws IllegalArgumentException if no setting has that key, listing those that do.
     */
    public static ConfigOption<?> byKey(final String key)
    {
        final ConfigOption<?> option = BY_KEY.get(key);
        if (option == null)
        {
            throw new IllegalArgumentException("no setting is called " + key + "; the settings are " + BY_KEY.keySet());
        }
        return option;
    }

    /**
     * @param key a system property.
     * @return whether it is a setting's.
     */
    public static boolean isKey(final String key)
    {
        return BY_KEY.containsKey(key);
    }

    /**
     * @return the README's table of settings, in Markdown: property, default, accepted values, setter, meaning.
     */
    public static String markdownTable()
    {
        final StringBuilder sb = new StringBuilder()
            .append("| property | default | accepted | `JobContext` setter | meaning |\n")
            .append("| --- | --- | --- | --- | --- |\n");
        for (final ConfigOption<?> option : ALL)
        {
            sb.append("| `").append(option.key()).append("` | ").append(cell(option.defaultText()))
                .append(" | ").append(cell(option.accepted()))
                .append(" | `").append(option.name()).append('(').append(javaType(option.type()).getSimpleName())
                .append(")` | ").append(cell(option.description())).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * @param type of a setting's value.
     * @return the type of its {@link JobContext} setter's parameter: the primitive for a boxed number or boolean.
     */
    public static Class<?> javaType(final Class<?> type)
    {
        return type == Integer.class ? int.class : type == Long.class ? long.class : type == Float.class ? float.class :
            type == Boolean.class ? boolean.class : type;
    }

    private static String cell(final String text)
    {
        return text.replace("|", "\\|");
    }
}
