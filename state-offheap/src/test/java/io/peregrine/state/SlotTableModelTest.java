package io.peregrine.state;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random operation sequences against a {@link HashMap} model, many fixed seeds, small initial
 * capacities so that every run grows several times and removes while growing.
 */
class SlotTableModelTest
{
    private static final int VALUE_LENGTH = 20;

    @TempDir
    Path dir;

    static Stream<Arguments> seeds()
    {
        return LongStream.range(0, 24).boxed().flatMap(
            (seed) -> Stream.of(Arguments.of("direct", seed), Arguments.of("mapped", seed)));
    }

    private SlotTable newTable(final String kind, final long seed)
    {
        if ("direct".equals(kind))
        {
            return new DirectSlotTable(VALUE_LENGTH, 16, 0.7f);
        }
        return MappedSlotTable.create(dir, "model-" + seed, VALUE_LENGTH, 16, 0.7f, 4 + (int)(seed % 5) * 4);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("seeds")
    void shouldMatchHashMapModelUnderRandomOperations(final String kind, final long seed)
    {
        final Random random = new Random(seed);
        final Map<Long, Long> model = new HashMap<>();
        // A small key range makes hits, misses, collisions and removes frequent; a few huge keys check sign bits.
        final int keyRange = 200 + random.nextInt(4000);
        final int operations = 30_000;
        try (SlotTable table = newTable(kind, seed))
        {
            for (int i = 0; i < operations; i++)
            {
                final long key = randomKey(random, keyRange);
                final int op = random.nextInt(10);
                if (op < 4)
                {
                    final long v = random.nextLong();
                    final boolean inserted = table.findOrInsert(key);
                    assertEquals(!model.containsKey(key), inserted, "insert flag of " + key);
                    if (inserted)
                    {
                        assertEquals(0L, table.value().getLong(0));
                        assertEquals(0L, table.value().getLong(8));
                        assertEquals(0, table.value().getInt(16));
                    }
                    writeValue(table, v);
                    model.put(key, v);
                }
                else if (op < 6)
                {
                    // update in place through the flyweight
                    if (table.findOrInsert(key))
                    {
                        writeValue(table, 1);
                        model.put(key, 1L);
                    }
                    else
                    {
                        final long v = table.value().getLong(0) + 1;
                        writeValue(table, v);
                        model.put(key, v);
                    }
                }
                else if (op < 8)
                {
                    assertEquals(model.remove(key) != null, table.remove(key), "remove of " + key);
                }
                else
                {
                    final Long expected = model.get(key);
                    assertEquals(expected != null, table.find(key), "find of " + key);
                    if (expected != null)
                    {
                        assertValue(table, expected);
                    }
                }
                assertEquals(model.size(), table.size());
                if (i % 5000 == 4999)
                {
                    assertSameContent(model, table);
                }
            }
            assertSameContent(model, table);
            for (final Long key : new HashSet<>(model.keySet()))
            {
                assertTrue(table.remove(key));
            }
            assertEquals(0, table.size());
            table.forEach((key) -> assertTrue(false, "left over " + key));
        }
    }

    static long randomKey(final Random random, final int keyRange)
    {
        final int r = random.nextInt(keyRange + 3);
        if (r == keyRange)
        {
            return Long.MIN_VALUE;
        }
        if (r == keyRange + 1)
        {
            return Long.MAX_VALUE;
        }
        if (r == keyRange + 2)
        {
            return 0;
        }
        return (r - keyRange / 2) * 1_000_003L;
    }

    static void writeValue(final SlotTable table, final long v)
    {
        table.value().putLong(0, v);
        table.value().putLong(8, ~v);
        table.value().putInt(16, (int)v);
    }

    static void assertValue(final SlotTable table, final long expected)
    {
        assertEquals(expected, table.value().getLong(0));
        assertEquals(~expected, table.value().getLong(8));
        assertEquals((int)expected, table.value().getInt(16));
    }

    static void assertSameContent(final Map<Long, Long> model, final SlotTable table)
    {
        final Set<Long> seen = new HashSet<>();
        table.forEach(
            (key) ->
            {
                assertTrue(seen.add(key), "visited twice " + key);
                final Long expected = model.get(key);
                assertTrue(expected != null, "not in model " + key);
                assertValue(table, expected);
            });
        assertEquals(model.keySet(), seen);
        for (final Map.Entry<Long, Long> e : model.entrySet())
        {
            assertTrue(table.find(e.getKey()));
            assertValue(table, e.getValue());
        }
        assertFalse(table.find(123_456_789_123L));
    }
}
