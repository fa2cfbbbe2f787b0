package io.peregrine.bench.checkpoint;

import io.peregrine.bench.trading.TradingBenchmark;
import io.peregrine.config.JobContext;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code ./peregrine bench checkpoint}: {@link CheckpointBench} at scale, then the trading workload with a checkpoint
 * every interval against none, in interleaved rounds of one run (a ratio, as the machine is shared), and the report.
 */
public final class CheckpointReport
{
    private final CheckpointBench.Settings settings;
    private final long tradingEvents;
    private final int rounds;
    private final int shards;
    private final long intervalMs;
    private final PrintStream out;
    private CheckpointBench.Result state;
    private double[] without;
    private double[] with;
    private long[] checkpointsTaken;
    private long[] lastBytes;

    public CheckpointReport(
        final CheckpointBench.Settings settings, final long tradingEvents, final int rounds, final int shards,
        final long intervalMs, final PrintStream out)
    {
        this.settings = settings;
        this.tradingEvents = tradingEvents;
        this.rounds = rounds;
        this.shards = shards;
        this.intervalMs = intervalMs;
        this.out = out;
    }

    public void run() throws Exception
    {
        state = new CheckpointBench(settings, out).run();
        final TradingBenchmark.Settings trading = new TradingBenchmark.Settings();
        trading.events = tradingEvents;
        final TradingBenchmark bench = new TradingBenchmark(trading, out);
        without = new double[rounds];
        with = new double[rounds];
        checkpointsTaken = new long[rounds];
        lastBytes = new long[rounds];
        bench.engineThroughput(bench.context(shards)); // warm-up
        for (int round = 0; round < rounds; round++)
        {
            without[round] = bench.engineThroughput(bench.context(shards));
            final Path dir = Files.createTempDirectory("peregrine-trading-checkpoints");
            final JobContext context = bench.context(shards).checkpointDir(dir).checkpointIntervalMs(intervalMs);
            with[round] = bench.engineThroughput(context);
            final io.peregrine.checkpoint.CheckpointStore store = io.peregrine.checkpoint.CheckpointStore.scan(dir);
            checkpointsTaken[round] = store.completed().size();
            lastBytes[round] = store.completed().isEmpty() ? 0 : store.completed().get(store.completed().size() - 1).bytes;
            CheckpointBench.deleteRecursively(dir);
            out.printf("trading round %d: %,.0f events/s without checkpoints, %,.0f with one every %d ms (%d taken): %.2f%n",
                round, without[round], with[round], intervalMs, checkpointsTaken[round], with[round] / without[round]);
        }
    }

    public Path write(final Path folder, final String command) throws Exception
    {
        final StringBuilder sb = new StringBuilder(4096);
        final double[] ratios = new double[rounds];
        for (int i = 0; i < rounds; i++)
        {
            ratios[i] = with[i] / without[i];
        }
        final double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        final double median = sorted[rounds / 2];
        sb.append("# Checkpoints: incremental journaling, shard pause, restore, throughput cost\n\n");
        sb.append("Command: `").append(command).append("`. Machine, JVM and settings: [environment.md](environment.md).\n\n");
        sb.append("## One shard's keyed state at scale\n\n");
        sb.append(String.format(Locale.ROOT, "A memory-mapped table of %,d keys (%d-byte values, %,d bytes of keys and " +
            "values); %,d random entries updated between checkpoints; one full checkpoint, then %d incremental ones, " +
            "journaled by the engine's `ShardJournal` and appended to Chronicle Queue by the coordinator on its own " +
            "thread, as in a job. This thread plays the shard: its pause is what it does holding the barrier (for an " +
            "incremental checkpoint of a mapped table, starting a new change interval: the changed entries are " +
            "copied afterwards, asynchronously, each before it next changes), timed apart from that copy.%n%n",
            settings.keys, settings.valueLength, state.stateBytes,
            settings.changed, settings.incrementals));
        sb.append("| what | figure | target |\n| --- | --- | --- |\n");
        final long p50Bytes = state.incrementalBytes.getValueAtPercentile(50);
        sb.append(String.format(Locale.ROOT, "| bytes journaled per incremental checkpoint (p50) | %,d = %.2fx the %,d bytes " +
            "changed (keys + values), %.1f%% of the full checkpoint's %,d | within 2x of the changed bytes: **%s** |%n",
            p50Bytes, (double)p50Bytes / state.changedBytes, state.changedBytes, 100.0 * p50Bytes / state.fullBytes,
            state.fullBytes, p50Bytes <= 2 * state.changedBytes ? "met" : "missed"));
        sb.append(String.format(Locale.ROOT, "| shard pause per incremental checkpoint, %,d changed entries | p50 %.3f ms, " +
            "p99 %.3f ms, max %.3f ms | p99 under 1 ms: **%s** |%n", settings.changed,
            state.pauseNs.getValueAtPercentile(50) / 1e6, state.pauseNs.getValueAtPercentile(99) / 1e6,
            state.pauseNs.getMaxValue() / 1e6, state.pauseNs.getValueAtPercentile(99) < 1_000_000 ? "met" : "missed"));
        sb.append(String.format(Locale.ROOT, "| asynchronous copy of the %,d changed entries after the pause (the shard " +
            "between polls of its inputs, an entry about to change first) | p50 %.1f ms, p99 %.1f ms | |%n",
            settings.changed, state.asyncCopyNs.getValueAtPercentile(50) / 1e6,
            state.asyncCopyNs.getValueAtPercentile(99) / 1e6));
        sb.append(String.format(Locale.ROOT, "| shard pause of the full checkpoint | %.1f ms | |%n", state.fullPauseNs / 1e6));
        sb.append(String.format(Locale.ROOT, "| restore of %,d keys from the chain (1 full + %d incremental) | %.2f s, of " +
            "which %.2f s checking every document (magic, version, CRC32C, completeness) before any is applied | " +
            "one shard: **%s** |%n", state.restoredEntries, settings.incrementals, state.chainRestoreNs / 1e9,
            state.chainScanNs / 1e9, state.chainRestoreNs < 2_000_000_000L ? "met" : "missed"));
        sb.append(String.format(Locale.ROOT, "| restore of the same state from one full checkpoint | %.2f s (chain / full " +
            "= %.2f) | |%n", state.fullRestoreNs / 1e9, (double)state.chainRestoreNs / state.fullRestoreNs));
        sb.append(String.format(Locale.ROOT, "| restore of %,d keys on 2 shards (%,d each, one full checkpoint, both " +
            "restored at once as a job's shards do) | %.2f s | under 2 s: **%s** |%n", settings.keys, settings.keys / 2,
            state.twoShardRestoreNs / 1e9, state.twoShardRestoreNs < 2_000_000_000L ? "met" : "missed"));
        sb.append("\n## Trading workload with checkpoints against none\n\n");
        sb.append(String.format(Locale.ROOT, "The demo's pipeline over %,d events on %d shard(s), as fast as possible, a " +
            "checkpoint every %d ms into a fresh directory against no checkpoint directory, interleaved (round by round, " +
            "after one warm-up run).%n%n", tradingEvents, shards, intervalMs));
        sb.append("| round | events/s without | events/s with | checkpoints taken | bytes of the last | ratio |\n");
        sb.append("| --- | --- | --- | --- | --- | --- |\n");
        for (int i = 0; i < rounds; i++)
        {
            sb.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %d | %,d | %.3f |%n", i, without[i], with[i],
                checkpointsTaken[i], lastBytes[i], ratios[i]));
        }
        sb.append(String.format(Locale.ROOT, "%nMedian ratio %.3f (target at least 0.90: **%s**).%n", median,
            median >= 0.9 ? "met" : "missed"));
        Files.createDirectories(folder);
        final Path readme = folder.resolve("README.md");
        Files.writeString(readme, sb.toString(), StandardCharsets.UTF_8);
        return readme;
    }

}
