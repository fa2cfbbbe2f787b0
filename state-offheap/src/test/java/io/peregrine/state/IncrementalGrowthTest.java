package io.peregrine.state;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A table growing from 1,000 to 10,000,000 keys never moves more than {@link DirectSlotTable#MIGRATE_PER_OPERATION}
 * slots in one operation (no operation pauses for a whole rehash), loses nothing, and finds, updates and removes keys
 * whether or not they have moved yet.
 */
class IncrementalGrowthTest
{
    @Test
    void shouldGrowFromAThousandToTenMillionKeysMovingABoundedNumberOfSlotsPerOperation()
    {
        final int keys = 10_000_000;
        try (DirectSlotTable table = new DirectSlotTable(8, 1_024, 0.7f))
        {
            final int startCapacity = table.capacity();
            int migrations = 0;
            boolean wasMigrating = false;
            for (int i = 0; i < keys; i++)
            {
                final long key = i * 0x9E3779B97F4A7C15L;
                assertTrue(table.findOrInsert(key));
                table.value().putLong(0, i);
                if (table.isMigrating() && !wasMigrating)
                {
                    migrations++;
                    // While a migration is under way, a key inserted before it (not moved yet, or moved) is found.
                    final int earlier = i / 2;
                    assertTrue(table.find(earlier * 0x9E3779B97F4A7C15L), "key " + earlier + " during a migration");
                    assertEquals(earlier, table.value().getLong(0));
                }
                wasMigrating = table.isMigrating();
            }
            assertEquals(keys, table.size());
            assertTrue(table.capacity() >= keys / 0.7f && startCapacity <= 2_048, "grew " + startCapacity + " -> " +
                table.capacity());
            assertTrue(migrations >= 13, "migrations: " + migrations);
            assertTrue(table.mostMovedInOneOperation() <= DirectSlotTable.MIGRATE_PER_OPERATION,
                "an operation moved " + table.mostMovedInOneOperation() + " slots");
            assertTrue(table.slotsMoved() > keys, "slots moved by growth: " + table.slotsMoved());
            for (int i = 0; i < keys; i += 7)
            {
                assertTrue(table.find(i * 0x9E3779B97F4A7C15L));
                assertEquals(i, table.value().getLong(0));
            }
        }
    }

    @Test
    void shouldUpdateAndRemoveKeysNotYetMovedWhileGrowing()
    {
        final Random random = new Random(7);
        try (DirectSlotTable table = new DirectSlotTable(8, 16, 0.7f))
        {
            final java.util.Map<Long, Long> model = new java.util.HashMap<>();
            int checkedDuringMigration = 0;
            for (int i = 0; i < 400_000; i++)
            {
                final long key = random.nextInt(50_000) * 1_000_003L;
                final int op = random.nextInt(10);
                if (op < 6)
                {
                    table.findOrInsert(key);
                    table.value().putLong(0, i);
                    model.put(key, (long)i);
                }
                else if (op < 8)
                {
                    assertEquals(model.remove(key) != null, table.remove(key), "remove " + key);
                }
                else
                {
                    final Long expected = model.get(key);
                    assertEquals(expected != null, table.find(key), "find " + key);
                    if (expected != null)
                    {
                        assertEquals((long)expected, table.value().getLong(0));
                    }
                }
                if (table.isMigrating())
                {
                    checkedDuringMigration++;
                }
                assertEquals(model.size(), table.size());
            }
            assertTrue(checkedDuringMigration > 1_000, "operations during migrations: " + checkedDuringMigration);
            for (final java.util.Map.Entry<Long, Long> e : model.entrySet())
            {
                assertTrue(table.find(e.getKey()));
                assertEquals((long)e.getValue(), table.value().getLong(0));
            }
            final long[] seen = { 0 };
            table.forEach(k -> seen[0]++);
            assertEquals(model.size(), seen[0]);
            assertFalse(table.isMigrating(), "a visit of every entry finishes the migration");
        }
    }
}
