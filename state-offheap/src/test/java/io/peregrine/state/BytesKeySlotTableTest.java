package io.peregrine.state;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BytesKeySlotTableTest
{
    @ParameterizedTest(name = "key length {0}")
    @ValueSource(ints = { 1, 5, 8, 12, 16, 23, 32 })
    void shouldMatchHashMapModelUnderRandomOperations(final int keyLength)
    {
        final Random random = new Random(keyLength);
        final Map<ByteBuffer, Long> model = new HashMap<>();
        final UnsafeBuffer key = new UnsafeBuffer(new byte[keyLength + 3]);
        final int offset = 3;
        try (BytesKeySlotTable table = new BytesKeySlotTable(keyLength, 8, 16, 0.7f))
        {
            for (int i = 0; i < 40_000; i++)
            {
                // few distinct keys: many hits and removes; bytes differ anywhere in the key
                for (int b = 0; b < keyLength; b++)
                {
                    key.putByte(offset + b, (byte)(random.nextInt(3) == 0 ? random.nextInt(7) : b));
                }
                final byte[] copy = new byte[keyLength];
                key.getBytes(offset, copy);
                final ByteBuffer modelKey = ByteBuffer.wrap(copy);
                final int op = random.nextInt(3);
                if (op == 0)
                {
                    assertEquals(!model.containsKey(modelKey), table.findOrInsert(key, offset));
                    table.value().putLong(0, i);
                    model.put(modelKey, (long)i);
                }
                else if (op == 1)
                {
                    assertEquals(model.remove(modelKey) != null, table.remove(key, offset));
                }
                else
                {
                    final Long expected = model.get(modelKey);
                    assertEquals(expected != null, table.find(key, offset));
                    if (expected != null)
                    {
                        assertEquals(expected.longValue(), table.value().getLong(0));
                    }
                }
                assertEquals(model.size(), table.size());
            }
            final Set<ByteBuffer> seen = new HashSet<>();
            table.forEach(
                (k) ->
                {
                    final byte[] bytes = new byte[keyLength];
                    k.getBytes(0, bytes);
                    final ByteBuffer modelKey = ByteBuffer.wrap(bytes);
                    assertTrue(seen.add(modelKey));
                    assertEquals(model.get(modelKey).longValue(), table.value().getLong(0));
                });
            assertEquals(model.keySet(), seen);
        }
    }
}
