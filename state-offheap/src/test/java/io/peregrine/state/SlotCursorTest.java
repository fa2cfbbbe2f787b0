package io.peregrine.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SlotCursorTest
{
    private static void assertCursorVisitsEveryEntryOnce(final SlotTable table, final Set<Long> keys, final int step)
    {
        final Set<Long> seen = new HashSet<>();
        final long[] values = new long[1];
        long position = 0;
        int calls = 0;
        while (position >= 0)
        {
            position = table.forEach(k ->
            {
                if (!seen.add(k))
                {
                    throw new AssertionError("key " + k + " visited twice");
                }
                values[0] += table.value().getLong(0);
            }, position, step);
            calls++;
        }
        assertEquals(keys, seen);
        assertEquals(keys.stream().mapToLong(k -> k * 3).sum(), values[0], "the value flyweight follows the cursor");
        assertEquals(true, calls >= keys.size() / step, "at most " + step + " entries per call");
    }

    private static Set<Long> fill(final SlotTable table, final int n, final long seed)
    {
        final Random random = new Random(seed);
        final Set<Long> keys = new HashSet<>();
        while (keys.size() < n)
        {
            final long k = random.nextLong();
            keys.add(k);
            table.findOrInsert(k);
            table.value().putLong(0, k * 3);
        }
        return keys;
    }

    @Test
    void shouldVisitEveryEntryOfADirectTableOnceAcrossCalls()
    {
        try (SlotTable table = new DirectSlotTable(8, 16, 0.7f))
        {
            final Set<Long> keys = fill(table, 5_000, 1);
            assertCursorVisitsEveryEntryOnce(table, keys, 7);
            assertCursorVisitsEveryEntryOnce(table, keys, 1);
            assertCursorVisitsEveryEntryOnce(table, keys, 10_000);
        }
    }

    @Test
    void shouldVisitEveryEntryOfAMappedTableOnceEvenWhileItGrows(@TempDir final Path dir)
    {
        try (MappedSlotTable table = MappedSlotTable.create(dir, "cursor", 8, 16, 0.7f, 4))
        {
            // 4 slots migrated per insert: the last growth (4,096 -> 8,192 slots at 2,867 entries) is still in progress.
            final Set<Long> keys = fill(table, 3_000, 2);
            assertCursorVisitsEveryEntryOnce(table, keys, 7);
            assertCursorVisitsEveryEntryOnce(table, keys, 1);
        }
    }

    @Test
    void shouldEndAtOnceOnAnEmptyTable()
    {
        try (SlotTable table = new DirectSlotTable(8))
        {
            assertEquals(-1, table.forEach(k -> { throw new AssertionError(); }, 0, 10));
        }
    }
}
