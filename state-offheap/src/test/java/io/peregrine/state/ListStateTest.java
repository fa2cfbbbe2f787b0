package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListStateTest
{
    private static final int KEYS = 48;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2, 3, 42, 1234 })
    void shouldMatchModelAndReplicaKeptByJournal(final long seed)
    {
        final Random random = new Random(seed);
        final Map<Long, List<byte[]>> model = new HashMap<>();
        final Set<Long> expectedChanged = new HashSet<>();
        boolean expectedCleared = true; // no mark yet: the first checkpoint is whole
        final UnsafeBuffer src = new UnsafeBuffer(new byte[2048]);
        final ExpandableArrayBuffer journal = new ExpandableArrayBuffer(1024);
        try (ListState state = new ListState(4, 256); ListState replica = new ListState())
        {
            for (int op = 0; op < 30_000; op++)
            {
                final long key = random.nextInt(KEYS) * 0x1_0000_0001L - 7;
                final int kind = random.nextInt(100);
                if (kind < 55)
                {
                    final int length = random.nextInt(10) == 0 ? random.nextInt(1500) : random.nextInt(24);
                    final int offset = random.nextInt(8);
                    final byte[] bytes = new byte[length];
                    random.nextBytes(bytes);
                    src.putBytes(offset, bytes);
                    state.add(key, src, offset, length);
                    model.computeIfAbsent(key, (k) -> new ArrayList<>()).add(bytes);
                    expectedChanged.add(key);
                }
                else if (kind < 62)
                {
                    final boolean present = model.remove(key) != null;
                    assertEquals(present, state.remove(key));
                    if (present)
                    {
                        expectedChanged.add(key);
                    }
                }
                else if (kind < 68)
                {
                    final int n = random.nextInt(4);
                    final List<byte[]> list = model.get(key);
                    final int expected = list == null ? 0 : Math.min(n, list.size());
                    assertEquals(expected, state.removeFirst(key, n));
                    if (expected > 0)
                    {
                        list.subList(0, expected).clear();
                        if (list.isEmpty())
                        {
                            model.remove(key);
                        }
                        expectedChanged.add(key);
                    }
                }
                else if (kind < 74)
                {
                    // keep entries whose length is not divisible by the divisor
                    final int divisor = 2 + random.nextInt(3);
                    final List<byte[]> list = model.get(key);
                    final int before = list == null ? 0 : list.size();
                    final int removed = state.retainIf(key, (e) -> e.capacity() % divisor != 0);
                    if (list != null)
                    {
                        list.removeIf((b) -> b.length % divisor == 0);
                        if (list.isEmpty())
                        {
                            model.remove(key);
                        }
                    }
                    final int after = model.containsKey(key) ? model.get(key).size() : 0;
                    assertEquals(before - after, removed);
                    if (removed > 0)
                    {
                        expectedChanged.add(key);
                    }
                }
                else if (kind < 98)
                {
                    assertList(model.get(key), state, key);
                }
                else if (random.nextInt(20) == 0)
                {
                    state.clear();
                    model.clear();
                    expectedChanged.clear();
                    expectedCleared = true;
                }
                if (random.nextInt(500) == 0)
                {
                    // checkpoint: journal the changed keys into the replica, then start a new interval
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
    void shouldAppendClaimedEntriesAndReorderThemInPlace()
    {
        try (ListState state = new ListState(4, 64, 8))
        {
            for (int i = 0; i < 40; i++) // grows the block several times
            {
                final org.agrona.MutableDirectBuffer entry = state.claim(5, 1 + i % 3);
                for (int b = 0; b < entry.capacity(); b++)
                {
                    entry.putByte(b, (byte)i);
                }
                assertEquals(i + 1, state.count());
                assertEquals(i + 1, state.size(5));
            }
            final org.agrona.MutableDirectBuffer block = state.block();
            assertEquals(40 * ListState.LENGTH_PREFIX + 13 * (1 + 2 + 3) + 1, block.capacity());
            assertEquals(state.bytesUsed(), block.capacity());
            // Swap the first two entries (lengths 1 and 2) in place, as a caller keeping its list sorted would.
            final byte[] first = new byte[ListState.LENGTH_PREFIX + 1];
            block.getBytes(0, first);
            block.putBytes(0, block, first.length, ListState.LENGTH_PREFIX + 2);
            block.putBytes(ListState.LENGTH_PREFIX + 2, first);
            final List<byte[]> seen = new ArrayList<>();
            state.forEach(5, (e) -> seen.add(copy(e)));
            assertEquals(40, seen.size());
            assertArrayEquals(new byte[]{ 1, 1 }, seen.get(0));
            assertArrayEquals(new byte[]{ 0 }, seen.get(1));
            assertArrayEquals(new byte[]{ 39 }, seen.get(39));
            assertThrows(IllegalArgumentException.class, () -> state.claim(5, -1));
        }
    }

    @Test
    void shouldRoundTripEncodedKeyAndRefuseMalformedContent()
    {
        final UnsafeBuffer src = new UnsafeBuffer(new byte[64]);
        final ExpandableArrayBuffer encoded = new ExpandableArrayBuffer(64);
        try (ListState state = new ListState(); ListState other = new ListState())
        {
            for (int i = 0; i < 5; i++)
            {
                src.putInt(0, i * 1000);
                state.add(9, src, 0, i);
            }
            final int length = state.writeKey(9, encoded, 3);
            assertEquals(state.encodedLength(9), length);
            assertEquals(5 * 4 + (0 + 1 + 2 + 3 + 4), length);
            other.restoreKey(9, encoded, 3, length);
            final List<byte[]> expected = new ArrayList<>();
            state.forEach(9, (e) -> expected.add(copy(e)));
            assertList(expected, other, 9);
            assertEquals(state.bytesUsed(), other.bytesUsed());

            other.add(9, src, 0, 7);
            other.restoreKey(9, encoded, 3, length);
            assertList(expected, other, 9);

            encoded.putInt(3, 100);
            assertThrows(IllegalArgumentException.class, () -> other.restoreKey(9, encoded, 3, length));
            assertThrows(IllegalArgumentException.class, () -> other.restoreKey(9, encoded, 3, 2));
            assertList(expected, other, 9);

            other.restoreKey(9, encoded, 0, 0);
            assertEquals(0, other.size(9));
            assertEquals(0, other.keyCount());
            assertEquals(0, other.encodedLength(9));
            assertEquals(0, other.writeKey(9, encoded, 0));
        }
    }

    @Test
    void shouldTrackChangedKeysOnceEachSinceMark()
    {
        final UnsafeBuffer src = new UnsafeBuffer(new byte[16]);
        try (ListState state = new ListState())
        {
            for (long key = 0; key < 10; key++)
            {
                state.add(key, src, 0, 4);
            }
            state.resetMark();
            assertFalse(state.clearedSinceMark());
            state.add(1, src, 0, 4);
            state.add(1, src, 0, 4);
            state.add(2, src, 0, 4);
            state.remove(3);
            state.remove(3);
            state.remove(100);
            state.removeFirst(4, 1);
            state.removeFirst(5, 0);
            state.retainIf(6, (e) -> true);
            state.retainIf(7, (e) -> false);
            state.add(3, src, 0, 1);
            final List<Long> visited = new ArrayList<>();
            state.forEachChangedKeySinceMark(visited::add);
            visited.sort(Long::compare);
            assertEquals(List.of(1L, 2L, 3L, 4L, 7L), visited);

            state.resetMark();
            state.clear();
            assertTrue(state.clearedSinceMark());
            state.add(8, src, 0, 4);
            visited.clear();
            state.forEachChangedKeySinceMark(visited::add);
            assertEquals(List.of(8L), visited);
            state.resetMark();
            assertFalse(state.clearedSinceMark());
        }
    }

    @Test
    void shouldReuseFreedBlocksAfterRemoves()
    {
        final UnsafeBuffer src = new UnsafeBuffer(new byte[256]);
        try (ListState state = new ListState(16, 4096))
        {
            for (int round = 0; round < 200; round++)
            {
                for (long key = 0; key < 64; key++)
                {
                    for (int i = 0; i < 1 + (int)(key % 5); i++)
                    {
                        state.add(key, src, 0, 40 + (int)key);
                    }
                }
                for (long key = 0; key < 64; key++)
                {
                    assertTrue(state.remove(key));
                }
                assertEquals(0, state.keyCount());
                assertEquals(0, state.bytesUsed());
            }
            assertTrue(state.arenaCapacity() <= 64 * 1024, "arena " + state.arenaCapacity());
        }
    }

    @Test
    void shouldNotAllocateOnAddForEachAndSizeAfterWarmUp()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final UnsafeBuffer src = new UnsafeBuffer(new byte[64]);
        final long[] sum = new long[1];
        final ListState.EntryVisitor visitor = (e) -> sum[0] += e.capacity() + e.getByte(0);
        final ListState.EntryPredicate keepAll = (e) -> true;
        final SlotTable.KeyConsumer changed = (k) -> sum[0] += k;
        final UnsafeBuffer journal = new UnsafeBuffer(new byte[64 * 1024]);
        try (ListState state = new ListState(1024, 8 << 20))
        {
            for (int round = 0; round < 3; round++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 50_000; i++)
                {
                    final long key = i & 511;
                    src.putInt(0, i);
                    state.add(key, src, 0, 8 + (i & 15));
                    sum[0] += state.size(key);
                    state.forEach(key, visitor);
                    state.retainIf(key, keepAll);
                    if ((i & 63) == 0)
                    {
                        state.removeFirst(key, 2);
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

    @Test
    void shouldWalkOneListWithTwoCursorsAtOnce()
    {
        final UnsafeBuffer src = new UnsafeBuffer(new byte[8]);
        try (ListState state = new ListState())
        {
            for (long v = 1; v <= 4; v++)
            {
                src.putLong(0, v * 10);
                state.add(7, src, 0, 8);
            }
            final ListState.Cursor outer = state.cursor();
            final ListState.Cursor inner = state.cursor();
            final List<String> pairs = new ArrayList<>();
            assertTrue(outer.reset(7));
            while (outer.next())
            {
                final long a = outer.entry().getLong(0);
                inner.reset(7);
                while (inner.next() && inner.index() < outer.index())
                {
                    pairs.add(a + ">" + inner.entry().getLong(0));
                }
                assertEquals(a, outer.entry().getLong(0), "the inner cursor leaves the outer one's entry alone");
            }
            assertEquals(List.of("20>10", "30>10", "30>20", "40>10", "40>20", "40>30"), pairs);
            assertFalse(outer.reset(8));
            assertFalse(outer.next());
        }
    }

    @Test
    void shouldChangeEntriesInPlaceAndMarkTheKeyChanged()
    {
        final UnsafeBuffer src = new UnsafeBuffer(new byte[12]);
        try (ListState state = new ListState())
        {
            src.putLong(0, 5);
            state.add(3, src, 0, 12);
            state.add(3, src, 0, 8);
            state.resetMark();
            assertEquals(2, state.update(3, (e) -> e.putLong(0, e.getLong(0) + e.capacity())));
            assertEquals(0, state.update(4, (e) -> e.putLong(0, 0)));
            final List<Long> values = new ArrayList<>();
            state.forEach(3, (e) -> values.add(e.getLong(0)));
            assertEquals(List.of(17L, 13L), values);
            final List<Long> changed = new ArrayList<>();
            state.forEachChangedKeySinceMark(changed::add);
            assertEquals(List.of(3L), changed);
        }
    }

    @Test
    void shouldKeepAHeaderPerKeyWithItsListAndJournalIt()
    {
        final UnsafeBuffer src = new UnsafeBuffer(new byte[16]);
        final ExpandableArrayBuffer journal = new ExpandableArrayBuffer(256);
        try (ListState state = new ListState(16, 4096, 12); ListState replica = new ListState(16, 4096, 12))
        {
            src.putLong(0, 42);
            assertEquals(1, state.add(9, src, 0, 8));
            assertEquals(0, state.header().getLong(0), "a new key's header is zeroed");
            state.header().putLong(0, 1000);
            state.header().putInt(8, 7);
            assertEquals(2, state.add(9, src, 0, 8));
            assertEquals(1000, state.header().getLong(0));
            state.add(3, src, 0, 4);
            assertEquals(7, state.headerOf(9).getInt(8));
            assertTrue(state.headerOf(4) == null);
            final int length = state.writeKey(9, journal, 0);
            assertEquals(12 + 2 * (4 + 8), length);
            assertEquals(length, state.encodedLength(9));
            replica.restoreKey(9, journal, 0, length);
            assertEquals(2, replica.size(9));
            assertEquals(1000, replica.headerOf(9).getLong(0));
            assertEquals(7, replica.headerOf(9).getInt(8));
            final List<Long> values = new ArrayList<>();
            replica.forEach(9, (e) -> values.add(e.getLong(0)));
            assertEquals(List.of(42L, 42L), values);
            assertThrows(IllegalArgumentException.class, () -> replica.restoreKey(5, journal, 0, 12));
            state.removeFirst(9, 2);
            assertTrue(state.headerOf(9) == null, "the header goes with the list");
            state.add(9, src, 0, 8);
            assertEquals(0, state.header().getLong(0));
        }
    }

    private static void assertAll(final Map<Long, List<byte[]>> model, final ListState state)
    {
        assertEquals(model.size(), state.keyCount());
        long bytes = 0;
        for (final Map.Entry<Long, List<byte[]>> e : model.entrySet())
        {
            assertList(e.getValue(), state, e.getKey());
            for (final byte[] b : e.getValue())
            {
                bytes += 4 + b.length;
            }
        }
        assertEquals(bytes, state.bytesUsed());
        final Set<Long> keys = new HashSet<>();
        state.forEachKey((k) -> assertTrue(keys.add(k)));
        assertEquals(model.keySet(), keys);
    }

    private static void assertList(final List<byte[]> expected, final ListState state, final long key)
    {
        final List<byte[]> actual = new ArrayList<>();
        final int visited = state.forEach(key, (e) -> actual.add(copy(e)));
        assertEquals(actual.size(), visited);
        final int size = expected == null ? 0 : expected.size();
        assertEquals(size, state.size(key));
        assertEquals(size, actual.size());
        for (int i = 0; i < size; i++)
        {
            assertArrayEquals(expected.get(i), actual.get(i), "key " + key + " entry " + i);
        }
    }

    private static byte[] copy(final DirectBuffer e)
    {
        final byte[] bytes = new byte[e.capacity()];
        e.getBytes(0, bytes);
        return bytes;
    }
}
