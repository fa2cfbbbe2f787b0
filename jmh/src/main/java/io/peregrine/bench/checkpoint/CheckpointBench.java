package io.peregrine.bench.checkpoint;

import io.peregrine.checkpoint.CheckpointCoordinator;
import io.peregrine.checkpoint.CheckpointStore;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.ShardJournal;
import io.peregrine.checkpoint.SnapshotWriter;
import io.peregrine.state.MappedSlotTable;
import io.peregrine.state.SlotTable;
import io.peregrine.state.StateDirectory;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Incremental checkpoints of one shard's keyed state at scale: a mapped table of {@code keys} entries, of which
 * {@code changed} are updated between checkpoints; what each checkpoint journals against what changed, how long the
 * shard pauses to journal it, and how long a shard takes to restore the chain (one full checkpoint and the
 * incremental ones after it) against restoring one full checkpoint of the same state. The coordinator (on its own
 * thread, appending to Chronicle Queue) and the shard's journal are the engine's own; this thread plays the shard:
 * the pause is what the shard does while it holds the barrier (an incremental checkpoint of a mapped table only
 * starts a new change interval there), and the asynchronous copy of the changed entries, which a shard does between
 * polls of its inputs after the pause, is timed apart.
 */
public final class CheckpointBench
{
    /** Settings of a run. */
    public static final class Settings
    {
        public long keys = 10_000_000;
        public int changed = 100_000;
        public int valueLength = 32;
        public int incrementals = 20;
        public Path dir = Path.of(System.getProperty("java.io.tmpdir"), "peregrine-checkpoint-bench");
    }

    /** What was measured. */
    public static final class Result
    {
        public long fullBytes;
        public long fullPauseNs;
        public long stateBytes;
        public long changedBytes;
        public final Histogram incrementalBytes = new Histogram(3);
        public final Histogram pauseNs = new Histogram(3);
        public final Histogram asyncCopyNs = new Histogram(3);
        public long chainRestoreNs;
        public long twoShardRestoreNs;
        public long chainScanNs;
        public long fullScanNs;
        long lastScanNs;
        public long fullRestoreNs;
        public long restoredEntries;
        public int chainLength;
    }

    private static final class TablePart implements Checkpointed
    {
        final SlotTable table;

        TablePart(final SlotTable table)
        {
            this.table = table;
        }

        public void snapshot(final int op, final SnapshotWriter writer)
        {
            writer.table(op, 0, table);
        }

        public SlotTable restoreTable(final long tag, final boolean reset)
        {
            if (reset)
            {
                table.clear();
            }
            return table;
        }
    }

    private final Settings settings;
    private final PrintStream out;

    public CheckpointBench(final Settings settings, final PrintStream out)
    {
        this.settings = settings;
        this.out = out;
    }

    public Result run() throws Exception
    {
        final Result result = new Result();
        final Path root = settings.dir;
        deleteRecursively(root);
        final StateDirectory state = StateDirectory.open(new StateDirectory.Context().dir(root.resolve("state"))
            .initialCapacity((long)(settings.keys / 0.6)).deleteOnStart(true));
        final MappedSlotTable table = state.openOrCreate("bench", settings.valueLength);
        out.printf("filling %,d keys of %d bytes ...%n", settings.keys, settings.valueLength);
        for (long k = 0; k < settings.keys; k++)
        {
            table.findOrInsert(k);
            table.value().putLong(0, k);
        }
        result.stateBytes = settings.keys * (8L + settings.valueLength);
        result.changedBytes = settings.changed * (8L + settings.valueLength);

        final Path chainDir = root.resolve("chain");
        final Checkpointed[] parts = {new TablePart(table)};
        final List<String> names = List.of("bench");
        final CachedEpochClock clock = new CachedEpochClock();
        final CheckpointCoordinator coordinator = new CheckpointCoordinator(chainDir, 1, 1, 1_000_000, 1, 0, clock,
            SystemNanoClock.INSTANCE, id -> { });
        final ShardJournal journal = new ShardJournal(coordinator.journalWriter(), 0);
        final AgentRunner runner = new AgentRunner(new YieldingIdleStrategy(), Throwable::printStackTrace, null, coordinator);
        AgentRunner.startOnThread(runner);
        final SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round <= settings.incrementals; round++)
        {
            if (round > 0)
            {
                for (int i = 0; i < settings.changed; i++)
                {
                    final long k = random.nextLong(settings.keys);
                    table.findOrInsert(k);
                    table.value().putLong(8, round);
                }
            }
            final long bytes = checkpoint(coordinator, clock, journal, parts, names, result, round == 0);
            if (round == 0)
            {
                out.printf("full checkpoint: %,d bytes, pause %.1f ms%n", bytes, result.fullPauseNs / 1e6);
            }
        }
        runner.close();
        result.chainLength = settings.incrementals + 1;
        out.printf("%d incremental checkpoints of %,d changed entries: bytes p50 %,d, pause p50 %.3f ms p99 %.3f ms, " +
            "asynchronous copy p50 %.1f ms%n", settings.incrementals, settings.changed,
            result.incrementalBytes.getValueAtPercentile(50), result.pauseNs.getValueAtPercentile(50) / 1e6,
            result.pauseNs.getValueAtPercentile(99) / 1e6, result.asyncCopyNs.getValueAtPercentile(50) / 1e6);

        // The same final state as one full checkpoint, for the restore comparison.
        final Path fullDir = root.resolve("full");
        final CheckpointCoordinator fullCoordinator = new CheckpointCoordinator(fullDir, 1, 1, 1, 1, 0, clock,
            SystemNanoClock.INSTANCE, id -> { });
        final ShardJournal fullJournal = new ShardJournal(fullCoordinator.journalWriter(), 0);
        final AgentRunner fullRunner = new AgentRunner(new YieldingIdleStrategy(), Throwable::printStackTrace, null,
            fullCoordinator);
        AgentRunner.startOnThread(fullRunner);
        checkpoint(fullCoordinator, clock, fullJournal, parts, names, new Result(), true);
        fullRunner.close();
        table.close();
        state.close();

        result.chainRestoreNs = restore(chainDir, root.resolve("restore-chain"), result);
        result.chainScanNs = result.lastScanNs;
        result.fullRestoreNs = restore(fullDir, root.resolve("restore-full"), result);
        result.fullScanNs = result.lastScanNs;
        out.printf("restore %,d keys: chain of %d checkpoints %.2f s (scan %.2f s), one full checkpoint %.2f s (scan %.2f s)%n",
            result.restoredEntries, result.chainLength, result.chainRestoreNs / 1e9, result.chainScanNs / 1e9,
            result.fullRestoreNs / 1e9, result.fullScanNs / 1e9);
        result.twoShardRestoreNs = twoShardRestore(root.resolve("two-shards"));
        out.printf("restore %,d keys on 2 shards (in parallel, as a job's shards do): %.2f s%n", settings.keys,
            result.twoShardRestoreNs / 1e9);
        deleteRecursively(root);
        return result;
    }

    /**
     * The same number of keys spread over two shards by key, one full checkpoint, restored by two threads at once as
     * a job's two shards restore their parts.
     */
    private long twoShardRestore(final Path root) throws Exception
    {
        final int shards = 2;
        final Path dir = root.resolve("checkpoints");
        final CachedEpochClock clock = new CachedEpochClock();
        final CheckpointCoordinator coordinator = new CheckpointCoordinator(dir, shards, 1, 1, 1, 0, clock,
            SystemNanoClock.INSTANCE, id -> { });
        final AgentRunner runner = new AgentRunner(new YieldingIdleStrategy(), Throwable::printStackTrace, null, coordinator);
        AgentRunner.startOnThread(runner);
        clock.advance(1);
        while (coordinator.requested() == 0)
        {
            Thread.onSpinWait();
        }
        final long id = coordinator.requested();
        for (int s = 0; s < shards; s++)
        {
            final StateDirectory state = StateDirectory.open(new StateDirectory.Context().dir(root.resolve("state-" + s))
                .initialCapacity((long)(settings.keys / shards / 0.6)).deleteOnStart(true));
            final MappedSlotTable table = state.openOrCreate("bench", settings.valueLength);
            for (long k = s; k < settings.keys; k += shards)
            {
                table.findOrInsert(k);
                table.value().putLong(0, k);
            }
            final ShardJournal journal = new ShardJournal(coordinator.journalWriter(), s);
            journal.begin(id, coordinator.requestedFull());
            new TablePart(table).snapshot(0, journal);
            journal.end(0, List.of("bench"));
            table.close();
            state.close();
        }
        while (coordinator.completed() != id)
        {
            Thread.onSpinWait();
        }
        runner.close();

        final CheckpointStore store = CheckpointStore.scan(dir);
        final Thread[] threads = new Thread[shards];
        final long[] restored = new long[shards];
        final long start = System.nanoTime();
        for (int s = 0; s < shards; s++)
        {
            final int shard = s;
            threads[s] = new Thread(() ->
            {
                final StateDirectory state = StateDirectory.open(new StateDirectory.Context()
                    .dir(root.resolve("restore-" + shard)).initialCapacity((long)(settings.keys / shards / 0.6))
                    .deleteOnStart(true));
                final MappedSlotTable table = state.openOrCreate("bench", settings.valueLength);
                store.restore(shard, shards, k -> (k & 1) == shard, k -> (int)(k & 1), new Checkpointed[]{new TablePart(table)},
                    List.of("bench"));
                restored[shard] = table.size();
                table.close();
                state.close();
            }, "restore-" + s);
            threads[s].start();
        }
        for (final Thread t : threads)
        {
            t.join();
        }
        final long ns = System.nanoTime() - start;
        if (restored[0] + restored[1] != settings.keys)
        {
            throw new IllegalStateException("restored " + (restored[0] + restored[1]) + " keys of " + settings.keys);
        }
        return ns;
    }

    private static long checkpoint(
        final CheckpointCoordinator coordinator, final CachedEpochClock clock, final ShardJournal journal,
        final Checkpointed[] parts, final List<String> names, final Result result, final boolean full)
    {
        final long previous = coordinator.requested();
        clock.advance(1);
        while (coordinator.requested() == previous)
        {
            Thread.onSpinWait(); // the coordinator's thread triggers the next checkpoint
        }
        final long id = coordinator.requested();
        final long start = System.nanoTime();
        journal.begin(id, coordinator.requestedFull());
        for (int i = 0; i < parts.length; i++)
        {
            parts[i].snapshot(i, journal);
        }
        final long pauseNs = System.nanoTime() - start;
        // The asynchronous phase: in a job the shard copies these between polls of its inputs, FLUSH_BUDGET entries
        // a duty cycle, while it goes on with the records (an entry about to change is copied first).
        final long copyStart = System.nanoTime();
        while (journal.hasPending())
        {
            journal.flushPending(4096);
        }
        final long copyNs = System.nanoTime() - copyStart;
        final long bytes = journal.end(pauseNs, names);
        while (coordinator.completed() != id)
        {
            Thread.onSpinWait(); // the coordinator's thread appends the documents, then completes
        }
        if (full)
        {
            result.fullBytes = bytes;
            result.fullPauseNs = pauseNs;
        }
        else
        {
            result.incrementalBytes.recordValue(bytes);
            result.pauseNs.recordValue(pauseNs);
            result.asyncCopyNs.recordValue(copyNs);
        }
        return bytes;
    }

    private long restore(final Path checkpoints, final Path stateDir, final Result result)
    {
        final StateDirectory state = StateDirectory.open(new StateDirectory.Context().dir(stateDir)
            .initialCapacity((long)(settings.keys / 0.6)).deleteOnStart(true));
        final MappedSlotTable table = state.openOrCreate("bench", settings.valueLength);
        final long start = System.nanoTime();
        final CheckpointStore store = CheckpointStore.scan(checkpoints);
        result.lastScanNs = System.nanoTime() - start;
        store.restore(0, 1, k -> true, k -> 0, new Checkpointed[]{new TablePart(table)}, List.of("bench"));
        final long ns = System.nanoTime() - start;
        result.restoredEntries = table.size();
        if (table.size() != settings.keys)
        {
            throw new IllegalStateException("restored " + table.size() + " keys of " + settings.keys);
        }
        table.close();
        state.close();
        return ns;
    }

    static void deleteRecursively(final Path dir) throws java.io.IOException
    {
        if (java.nio.file.Files.exists(dir))
        {
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir))
            {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
