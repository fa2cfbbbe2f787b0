package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BlobStateTest
{
    private static final int KEYS = 50;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2, 3, 42, 1234 })
    void shouldMatchModelAndReplicaKeptByJournal(final long seed)
    {
        final Random random = new Random(seed);
        final Map<Long, byte[]> model = new HashMap<>();
        final Set<Long> expectedChanged = new HashSet<>();
        boolean expectedCleared = true; // no mark yet: the first checkpoint is whole
        final UnsafeBuffer src = new UnsafeBuffer(new byte[8192]);
        final ExpandableArrayBuffer journal = new ExpandableArrayBuffer(1024);
        try (BlobState state = new BlobState(4, 64); BlobState replica = new BlobState())
        {
            for (int op = 0; op < 40_000; op++)
            {
                final long key = random.nextInt(KEYS) * 0x1_0000_0001L - 7;
                final int kind = random.nextInt(100);
                if (kind < 35)
                {
                    // lengths that stay in a block, shrink it a little or a lot, or grow it
                    final int length = random.nextInt(10) == 0 ? random.nextInt(5000) : random.nextInt(64);
                    final byte[] value = new byte[length];
                    random.nextBytes(value);
                    final int offset = random.nextInt(16);
                    src.putBytes(offset, value);
                    state.put(key, src, offset, length);
                    if (length == 0)
                    {
                        if (model.remove(key) != null)
                        {
                            expectedChanged.add(key);
                        }
                    }
                    else
                    {
                        model.put(key, value);
                        expectedChanged.add(key);
                    }
                }
                else if (kind < 55)
                {
                    // claim keeps the old bytes as far as the new length reaches: rewrite only a tail
                    final byte[] old = model.get(key);
                    final int length = 1 + random.nextInt(random.nextInt(8) == 0 ? 3000 : 80);
                    final byte[] value = old == null ? new byte[length] : Arrays.copyOf(old, length);
                    final int from = old == null ? 0 : Math.min(old.length, length);
                    final byte[] tail = new byte[length - from];
                    random.nextBytes(tail);
                    System.arraycopy(tail, 0, value, from, tail.length);
                    final MutableDirectBuffer blob = state.claim(key, length);
                    assertEquals(length, blob.capacity());
                    if (old == null)
                    {
                        blob.putBytes(0, value);
                    }
                    else
                    {
                        blob.putBytes(from, tail);
                    }
                    model.put(key, value);
                    expectedChanged.add(key);
                }
                else if (kind < 65)
                {
                    final boolean present = model.remove(key) != null;
                    assertEquals(present, state.remove(key));
                    if (present)
                    {
                        expectedChanged.add(key);
                    }
                }
                else if (kind < 99)
                {
                    assertBlob(model.get(key), state, key);
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
    void shouldRefuseBadLengths()
    {
        try (BlobState state = new BlobState())
        {
            assertThrows(IllegalArgumentException.class, () -> state.claim(1, 0));
            assertThrows(IllegalArgumentException.class, () -> state.claim(1, -1));
            assertThrows(IllegalArgumentException.class, () -> state.restoreKey(1, new UnsafeBuffer(new byte[4]), 0, -1));
            assertNull(state.get(1));
            assertEquals(0, state.keyCount());
        }
    }

    private static void assertAll(final Map<Long, byte[]> model, final BlobState state)
    {
        assertEquals(model.size(), state.keyCount());
        long bytes = 0;
        for (final Map.Entry<Long, byte[]> e : model.entrySet())
        {
            assertBlob(e.getValue(), state, e.getKey());
            bytes += e.getValue().length;
        }
        assertEquals(bytes, state.bytesUsed());
        final Set<Long> keys = new HashSet<>();
        state.forEachKey(keys::add);
        assertEquals(model.keySet(), keys);
    }

    private static void assertBlob(final byte[] expected, final BlobState state, final long key)
    {
        final DirectBuffer actual = state.get(key);
        if (expected == null)
        {
            assertNull(actual);
            assertEquals(0, state.encodedLength(key));
            return;
        }
        final byte[] bytes = new byte[actual.capacity()];
        actual.getBytes(0, bytes);
        assertArrayEquals(expected, bytes);
        assertEquals(expected.length, state.encodedLength(key));
    }
}
