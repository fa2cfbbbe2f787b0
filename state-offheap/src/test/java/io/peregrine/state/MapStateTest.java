package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapStateTest
{
    private static final int KEYS = 40;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2, 3, 42, 1234 })
    void shouldMatchModelAndReplicaKeptByJournal(final long seed)
    {
        final Random random = new Random(seed);
        final Map<Long, Map<ByteBuffer, byte[]>> model = new HashMap<>();
        final Set<Long> expectedChanged = new HashSet<>();
        boolean expectedCleared = true; // no mark yet: the first checkpoint is whole
        final UnsafeBuffer src = new UnsafeBuffer(new byte[4096]);
        final ExpandableArrayBuffer journal = new ExpandableArrayBuffer(1024);
        try (MapState state = new MapState(4, 16, 256); MapState replica = new MapState())
        {
            for (int op = 0; op < 40_000; op++)
            {
                final long key = random.nextInt(KEYS) * 0x1_0000_0001L - 3;
                // user keys: few distinct ones (many hits), of lengths 0 to 19, colliding prefixes
                final int ukLength = random.nextInt(20);
                final byte[] uk = new byte[ukLength];
                for (int i = 0; i < ukLength; i++)
                {
                    uk[i] = (byte)(random.nextInt(4) == 0 ? random.nextInt(3) : i);
                }
                final ByteBuffer modelKey = ByteBuffer.wrap(uk);
                final int ukOffset = random.nextInt(8);
                src.putBytes(ukOffset, uk);
                final int kind = random.nextInt(100);
                if (kind < 50)
                {
                    final int vLength = random.nextInt(10) == 0 ? random.nextInt(1200) : random.nextInt(16);
                    final byte[] value = new byte[vLength];
                    random.nextBytes(value);
                    final int vOffset = ukOffset + ukLength + random.nextInt(8);
                    src.putBytes(vOffset, value);
                    final Map<ByteBuffer, byte[]> map = model.computeIfAbsent(key, (k) -> new HashMap<>());
                    assertEquals(map.put(modelKey, value) == null,
                        state.put(key, src, ukOffset, ukLength, src, vOffset, vLength));
                    expectedChanged.add(key);
                }
                else if (kind < 68)
                {
                    final Map<ByteBuffer, byte[]> map = model.get(key);
                    final boolean present = map != null && map.remove(modelKey) != null;
                    assertEquals(present, state.remove(key, src, ukOffset, ukLength));
                    if (present)
                    {
                        if (map.isEmpty())
                        {
                            model.remove(key);
                        }
                        expectedChanged.add(key);
                    }
                }
                else if (kind < 71)
                {
                    final boolean present = model.remove(key) != null;
                    assertEquals(present, state.remove(key));
                    if (present)
                    {
                        expectedChanged.add(key);
                    }
                }
                else if (kind < 90)
                {
                    final Map<ByteBuffer, byte[]> map = model.get(key);
                    final byte[] expected = map == null ? null : map.get(modelKey);
                    final DirectBuffer actual = state.get(key, src, ukOffset, ukLength);
                    assertEquals(expected != null, actual != null);
                    assertEquals(expected != null, state.contains(key, src, ukOffset, ukLength));
                    if (expected != null)
                    {
                        assertArrayEquals(expected, copy(state.get(key, src, ukOffset, ukLength)));
                    }
                }
                else if (kind < 99)
                {
                    assertMap(model.get(key), state, key);
                }
                else if (random.nextInt(10) == 0)
                {
                    state.clear();
                    model.clear();
                    expectedChanged.clear();
                    expectedCleared = true;
                }
                if (random.nextInt(500) == 0)
                {
                    ReplicaJournal.checkpoint(state, replica, replica::clear, journal,
                        expectedCleared ? new HashSet<>(model.keySet()) : expectedChanged, expectedCleared);
                    expectedChanged.clear();
                    expectedCleared = false;
                    assertAll(model, replica);
                }
            }
            assertAll(model, state);
        }
    }

    @Test
    void shouldGrowEntryTableAndRecordsThenReuseThemAfterRemoves()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        try (MapState state = new MapState(4, 4, 256))
        {
            for (int round = 0; round < 20; round++)
            {
                for (long key = 0; key < 50; key++)
                {
                    for (int i = 0; i < 100; i++)
                    {
                        buffer.putLong(0, key * 1000 + i);
                        buffer.putInt(8, round);
                        assertTrue(state.put(key, buffer, 0, 8, buffer, 0, 12 + (i % 7)));
                    }
                }
                assertEquals(5000, state.entryCount());
                for (long key = 0; key < 50; key++)
                {
                    for (int i = 0; i < 100; i += 2)
                    {
                        buffer.putLong(0, key * 1000 + i);
                        assertTrue(state.remove(key, buffer, 0, 8));
                    }
                    assertEquals(50, state.size(key));
                    for (int i = 1; i < 100; i += 2)
                    {
                        buffer.putLong(0, key * 1000 + i);
                        final DirectBuffer value = state.get(key, buffer, 0, 8);
                        assertNotNull(value);
                        assertEquals(12 + (i % 7), value.capacity());
                        assertEquals(key * 1000 + i, value.getLong(0));
                        assertEquals(round, value.getInt(8));
                    }
                    assertTrue(state.remove(key));
                }
                assertEquals(0, state.keyCount());
                assertEquals(0, state.entryCount());
                assertEquals(0, state.bytesUsed());
            }
            assertTrue(state.arenaCapacity() <= 1 << 20, "arena " + state.arenaCapacity());
        }
    }

    @Test
    void shouldRoundTripEncodedKeyAndRefuseMalformedContent()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final ExpandableArrayBuffer encoded = new ExpandableArrayBuffer(64);
        try (MapState state = new MapState(); MapState other = new MapState())
        {
            for (int i = 0; i < 20; i++)
            {
                buffer.putInt(0, i);
                state.put(5, buffer, 0, 1 + i % 4, buffer, 0, i % 9);
            }
            buffer.putInt(0, 3);
            state.remove(5, buffer, 0, 4);
            buffer.putInt(0, 2);
            state.put(5, buffer, 0, 3, buffer, 0, 30);
            final int length = state.writeKey(5, encoded, 1);
            assertEquals(state.encodedLength(5), length);
            assertEquals(state.bytesUsed(), length);
            other.restoreKey(5, encoded, 1, length);
            assertEquals(state.size(5), other.size(5));
            assertSameMaps(state, other, 5);

            encoded.putInt(1 + 4, 1 << 20);
            assertThrows(IllegalArgumentException.class, () -> other.restoreKey(5, encoded, 1, length));
            assertThrows(IllegalArgumentException.class, () -> other.restoreKey(5, encoded, 1, 5));
            assertSameMaps(state, other, 5);

            other.restoreKey(5, encoded, 0, 0);
            assertEquals(0, other.keyCount());
            assertEquals(0, other.entryCount());
            assertNull(other.get(5, buffer, 0, 3));
            assertEquals(0, other.writeKey(5, encoded, 0));
        }
    }

    @Test
    void shouldTrackChangedKeysOnceEachSinceMark()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        try (MapState state = new MapState())
        {
            for (long key = 0; key < 10; key++)
            {
                buffer.putLong(0, key);
                state.put(key, buffer, 0, 8, buffer, 0, 8);
            }
            state.resetMark();
            buffer.putLong(0, 1);
            state.put(1, buffer, 0, 8, buffer, 0, 4);
            state.put(1, buffer, 0, 8, buffer, 0, 4);
            buffer.putLong(0, 77);
            state.put(2, buffer, 0, 8, buffer, 0, 4);
            state.remove(3, buffer, 0, 8);
            buffer.putLong(0, 4);
            state.remove(4, buffer, 0, 8);
            state.remove(5);
            state.remove(100);
            state.get(6, buffer, 0, 8);
            state.forEach(7, (k, v) -> { });
            final List<Long> visited = new ArrayList<>();
            state.forEachChangedKeySinceMark(visited::add);
            visited.sort(Long::compare);
            assertEquals(List.of(1L, 2L, 4L, 5L), visited);
            assertEquals(0, state.size(4));

            state.resetMark();
            state.clear();
            assertTrue(state.clearedSinceMark());
            state.put(8, buffer, 0, 8, buffer, 0, 8);
            visited.clear();
            state.forEachChangedKeySinceMark(visited::add);
            assertEquals(List.of(8L), visited);
            state.resetMark();
            assertFalse(state.clearedSinceMark());
        }
    }

    @Test
    void shouldNotAllocateOnPutGetRemoveAndForEachAfterWarmUp()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final long[] sum = new long[1];
        final MapState.EntryVisitor visitor = (k, v) -> sum[0] += k.capacity() + v.capacity();
        final SlotTable.KeyConsumer changed = (k) -> sum[0] += k;
        final UnsafeBuffer journal = new UnsafeBuffer(new byte[64 * 1024]);
        try (MapState state = new MapState(1024, 64 * 1024, 16 << 20))
        {
            for (int round = 0; round < 3; round++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 50_000; i++)
                {
                    final long key = i & 255;
                    buffer.putInt(0, i % 97);
                    state.put(key, buffer, 0, 4 + (i & 3), buffer, 8, 8 + (i % 13));
                    final DirectBuffer value = state.get(key, buffer, 0, 4 + (i & 3));
                    sum[0] += value.capacity();
                    state.forEach(key, visitor);
                    if ((i & 3) == 0)
                    {
                        state.remove(key, buffer, 0, 5);
                        state.writeKey(key, journal, 0);
                    }
                    if ((i & 4095) == 0)
                    {
                        state.remove(key);
                        state.forEachChangedKeySinceMark(changed);
                        state.resetMark();
                    }
                }
                final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                if (round == 2)
                {
                    assertTrue(allocated < 256, "allocated " + allocated + " bytes");
                }
                state.clear();
            }
        }
        assertTrue(sum[0] != 0);
    }

    private static void assertAll(final Map<Long, Map<ByteBuffer, byte[]>> model, final MapState state)
    {
        assertEquals(model.size(), state.keyCount());
        long bytes = 0;
        long entries = 0;
        for (final Map.Entry<Long, Map<ByteBuffer, byte[]>> e : model.entrySet())
        {
            assertMap(e.getValue(), state, e.getKey());
            for (final Map.Entry<ByteBuffer, byte[]> entry : e.getValue().entrySet())
            {
                bytes += 8 + entry.getKey().capacity() + entry.getValue().length;
                entries++;
            }
        }
        assertEquals(bytes, state.bytesUsed());
        assertEquals(entries, state.entryCount());
        final Set<Long> keys = new HashSet<>();
        state.forEachKey((k) -> assertTrue(keys.add(k)));
        assertEquals(model.keySet(), keys);
    }

    private static void assertMap(final Map<ByteBuffer, byte[]> expected, final MapState state, final long key)
    {
        final Map<ByteBuffer, byte[]> actual = toMap(state, key);
        final Map<ByteBuffer, byte[]> wanted = expected == null ? Map.of() : expected;
        assertEquals(wanted.size(), state.size(key));
        assertEquals(wanted.keySet(), actual.keySet());
        for (final Map.Entry<ByteBuffer, byte[]> e : wanted.entrySet())
        {
            assertArrayEquals(e.getValue(), actual.get(e.getKey()));
        }
    }

    private static void assertSameMaps(final MapState expected, final MapState actual, final long key)
    {
        assertMap(toMap(expected, key), actual, key);
    }

    private static Map<ByteBuffer, byte[]> toMap(final MapState state, final long key)
    {
        final Map<ByteBuffer, byte[]> map = new HashMap<>();
        final int visited = state.forEach(key, (k, v) -> assertNull(map.put(ByteBuffer.wrap(copy(k)), copy(v))));
        assertEquals(map.size(), visited);
        return map;
    }

    private static byte[] copy(final DirectBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.capacity()];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
