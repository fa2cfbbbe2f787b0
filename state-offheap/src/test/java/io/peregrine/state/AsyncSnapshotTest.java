package io.peregrine.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An asynchronous snapshot of a mapped table ({@link MappedSlotTable#beginSnapshot}) hands over exactly the state at
 * its start, however the table changes before the copy is done: updates, inserts, removes (which shift entries back),
 * growth and clears, interleaved with partial copies. A replica that applies each snapshot (removed keys, then the
 * copied entries) always equals the table as it was when that snapshot began.
 */
class AsyncSnapshotTest
{
    @TempDir
    Path dir;

    @Test
    void shouldHandOverTheStateAsOfTheStartWhateverHappensBeforeTheCopyIsDone()
    {
        for (long seed = 1; seed <= 5; seed++)
        {
            run(seed);
        }
    }

    private void run(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final Map<Long, Long> model = new HashMap<>();
        final Map<Long, Long> replica = new HashMap<>();
        try (MappedSlotTable table = MappedSlotTable.create(dir, "async-" + seed, 16, 64, 0.7f, 4))
        {
            final SlotTable.KeyConsumer copier = key -> replica.put(key, table.value().getLong(0));
            for (int round = 0; round < 200; round++)
            {
                // An interval of changes.
                mutate(table, model, random, random.nextInt(1, 400));
                // The snapshot: removed keys and a clear now, the changed entries asynchronously.
                if (table.clearedSinceMark())
                {
                    replica.clear();
                    table.forEach(key -> replica.put(key, table.value().getLong(0)));
                    table.resetMark();
                    assertEquals(model, replica, "seed " + seed + " round " + round + " (whole)");
                    continue;
                }
                table.forEachRemovedSinceMark(replica::remove);
                final Map<Long, Long> expected = new HashMap<>(model);
                table.beginSnapshot(copier);
                // Changes while the copy goes on, between partial copies.
                while (table.hasPendingSnapshot())
                {
                    table.copyPending(random.nextInt(1, 50));
                    if (random.nextInt(4) == 0)
                    {
                        mutate(table, model, random, random.nextInt(1, 100));
                    }
                    if (random.nextInt(50) == 0)
                    {
                        break; // the last changes copy the rest (copy on write), or the next snapshot does
                    }
                }
                while (table.hasPendingSnapshot())
                {
                    table.copyPending(Integer.MAX_VALUE);
                }
                assertEquals(expected, replica, "seed " + seed + " round " + round);
            }
            assertFalse(table.hasPendingSnapshot());
        }
    }

    private static void mutate(
        final MappedSlotTable table, final Map<Long, Long> model, final SplittableRandom random, final int operations)
    {
        for (int i = 0; i < operations; i++)
        {
            final long key = random.nextLong(2_000);
            final int op = random.nextInt(100);
            if (op < 60)
            {
                final long value = random.nextLong();
                table.findOrInsert(key);
                table.value().putLong(0, value);
                model.put(key, value);
            }
            else if (op < 99)
            {
                table.remove(key);
                model.remove(key);
            }
            else
            {
                table.clear();
                model.clear();
            }
        }
    }
}
