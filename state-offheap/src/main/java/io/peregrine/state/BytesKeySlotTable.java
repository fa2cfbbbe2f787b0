package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Open-addressing table from a composite fixed-size key of {@code keyLength} bytes (read from any
 * {@link DirectBuffer}) to a fixed-size value slot, in direct memory. Linear probing, backward-shift
 * deletion, doubling at the load factor; the same single-writer flyweight contract as
 * {@link SlotTable}. Used for the (time, key) dedup of a {@link TimerQueue}.
 * <pre>
 *   slot i, at i * slotLength:
 *   0                   8                                   8 + keyLength (pad 8)
 *   +-------------------+-----------------------------------+-----------------------------+
 *   |  state (long)     |  key (keyLength, pad to 8)         |  value (valueLength, pad 8) |
 *   +-------------------+-----------------------------------+-----------------------------+
 *   state: 0 = empty, else 1 + (hash & 0x7fffffff): a cheap filter before comparing the key
 * </pre>
 */
public final class BytesKeySlotTable implements AutoCloseable
{
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final int STATE_OFFSET = 0;
    private static final int KEY_OFFSET = 8;

    private final int keyLength;
    private final int valueLength;
    private final int valueOffset;
    private final int slotLength;
    private final float loadFactor;
    private final UnsafeBuffer key = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer value = new UnsafeBuffer(0, 0);
    private long allocation;
    private long base;
    private int capacity;
    private int mask;
    private int shift;
    private int resizeThreshold;
    private int size;

    /**
     * Receives entries during iteration.
     */
    @FunctionalInterface
    public interface EntryConsumer
    {
        /**
         * @param key flyweight over the key bytes at offset 0; {@link #value()} is positioned too.
         */
        void accept(DirectBuffer key);
    }

    /**
     * @param keyLength       bytes per key, at least 1.
     * @param valueLength     bytes per value slot, at least 0.
     * @param initialCapacity slots to start with (rounded up to a power of two).
     * @param loadFactor      fraction of used slots that triggers a doubling.
     */
    public BytesKeySlotTable(final int keyLength, final int valueLength, final int initialCapacity, final float loadFactor)
    {
        if (keyLength < 1 || valueLength < 0)
        {
            throw new IllegalArgumentException("keyLength must be >= 1 and valueLength >= 0: " + keyLength + ", " +
                valueLength);
        }
        if (loadFactor <= 0.1f || loadFactor >= 0.95f)
        {
            throw new IllegalArgumentException("loadFactor must be in (0.1, 0.95): " + loadFactor);
        }
        this.keyLength = keyLength;
        this.valueLength = valueLength;
        this.valueOffset = KEY_OFFSET + ((keyLength + 7) & ~7);
        this.slotLength = valueOffset + ((valueLength + 7) & ~7);
        this.loadFactor = loadFactor;
        allocate(Integer.highestOneBit(Math.max(16, initialCapacity - 1)) << 1);
    }

    private void allocate(final int newCapacity)
    {
        final long bytes = (long)newCapacity * slotLength;
        if (bytes > Integer.MAX_VALUE)
        {
            throw new IllegalStateException("BytesKeySlotTable cannot exceed 2 GiB: " + newCapacity + " slots of " +
                slotLength + " bytes");
        }
        allocation = AlignedMemory.allocateZeroed(bytes);
        base = AlignedMemory.base(allocation);
        capacity = newCapacity;
        mask = newCapacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(newCapacity);
        resizeThreshold = (int)(newCapacity * loadFactor);
    }

    /**
     * @return bytes per key.
     */
    public int keyLength()
    {
        return keyLength;
    }

    /**
     * @return bytes per value slot.
     */
    public int valueLength()
    {
        return valueLength;
    }

    /**
     * @return number of entries.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return slots allocated.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return flyweight over the value slot positioned by the last find or iteration step.
     */
    public MutableDirectBuffer value()
    {
        return value;
    }

    /**
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @return true if present; {@link #value()} is then positioned over its slot.
     */
    public boolean find(final DirectBuffer buffer, final int offset)
    {
        final long address = probe(buffer, offset, hash(buffer, offset));
        if (address < 0)
        {
            return false;
        }
        value.wrap(address + valueOffset, valueLength);
        return true;
    }

    /**
     * Position {@link #value()} over the slot of the key, inserting a zeroed slot when absent.
     *
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @return true if inserted by this call.
     */
    public boolean findOrInsert(final DirectBuffer buffer, final int offset)
    {
        final long hash = hash(buffer, offset);
        long address = probe(buffer, offset, hash);
        if (address >= 0)
        {
            value.wrap(address + valueOffset, valueLength);
            return false;
        }
        if (size >= resizeThreshold)
        {
            grow();
            address = probe(buffer, offset, hash);
        }
        address = ~address;
        UnsafeApi.putLong(address + STATE_OFFSET, state(hash));
        for (int i = 0; i < keyLength; i++)
        {
            UnsafeApi.putByte(address + KEY_OFFSET + i, buffer.getByte(offset + i));
        }
        size++;
        value.wrap(address + valueOffset, valueLength);
        return true;
    }

    /**
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @return true if it was present.
     */
    public boolean remove(final DirectBuffer buffer, final int offset)
    {
        final long address = probe(buffer, offset, hash(buffer, offset));
        if (address < 0)
        {
            return false;
        }
        shiftBack((int)((address - base) / slotLength));
        size--;
        return true;
    }

    /**
     * Linear probe from the key's home slot.
     *
     * @return the address of the key's slot, or the complement ({@code ~}) of the empty slot that ends
     * its probe chain, where it would be inserted.
     */
    private long probe(final DirectBuffer buffer, final int offset, final long hash)
    {
        final long state = state(hash);
        int index = (int)((hash * GOLDEN) >>> shift);
        while (true)
        {
            final long address = base + (long)index * slotLength;
            final long slotState = UnsafeApi.getLong(address + STATE_OFFSET);
            if (slotState == 0)
            {
                return ~address;
            }
            if (slotState == state && keyEquals(address, buffer, offset))
            {
                return address;
            }
            index = (index + 1) & mask;
        }
    }

    /**
     * Visit every entry. The consumer must not insert or remove.
     *
     * @param consumer called with a flyweight over each key; {@link #value()} is positioned.
     */
    public void forEach(final EntryConsumer consumer)
    {
        for (int i = 0; i < capacity; i++)
        {
            final long address = base + (long)i * slotLength;
            if (UnsafeApi.getLong(address + STATE_OFFSET) != 0)
            {
                key.wrap(address + KEY_OFFSET, keyLength);
                value.wrap(address + valueOffset, valueLength);
                consumer.accept(key);
            }
        }
    }

    /**
     * Remove every entry, keeping the memory.
     */
    public void clear()
    {
        if (size > 0)
        {
            UnsafeApi.setMemory(base, (long)capacity * slotLength, (byte)0);
            size = 0;
        }
    }

    /**
     * Free the memory.
     */
    public void close()
    {
        if (allocation != 0)
        {
            UnsafeApi.freeMemory(allocation);
            allocation = 0;
            base = 0;
        }
    }

    private long hash(final DirectBuffer buffer, final int offset)
    {
        long h = keyLength;
        int i = 0;
        for (; i + 8 <= keyLength; i += 8)
        {
            h = Long.rotateLeft(h ^ (buffer.getLong(offset + i) * 0xC2B2AE3D27D4EB4FL), 31) * GOLDEN;
        }
        for (; i < keyLength; i++)
        {
            h = (h ^ (buffer.getByte(offset + i) & 0xFF)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }

    private static long state(final long hash)
    {
        return 1 + (hash & 0x7FFF_FFFFL);
    }

    private boolean keyEquals(final long address, final DirectBuffer buffer, final int offset)
    {
        int i = 0;
        for (; i + 8 <= keyLength; i += 8)
        {
            if (UnsafeApi.getLong(address + KEY_OFFSET + i) != buffer.getLong(offset + i))
            {
                return false;
            }
        }
        for (; i < keyLength; i++)
        {
            if (UnsafeApi.getByte(address + KEY_OFFSET + i) != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private int home(final long address)
    {
        key.wrap(address + KEY_OFFSET, keyLength);
        return (int)((hash(key, 0) * GOLDEN) >>> shift);
    }

    private void shiftBack(final int deleteIndex)
    {
        int hole = deleteIndex;
        int index = (hole + 1) & mask;
        while (true)
        {
            final long address = base + (long)index * slotLength;
            if (UnsafeApi.getLong(address + STATE_OFFSET) == 0)
            {
                break;
            }
            final int home = home(address);
            if ((hole < index && (home <= hole || home > index)) || (hole > index && (home <= hole && home > index)))
            {
                UnsafeApi.copyMemory(address, base + (long)hole * slotLength, slotLength);
                hole = index;
            }
            index = (index + 1) & mask;
        }
        UnsafeApi.setMemory(base + (long)hole * slotLength, slotLength, (byte)0);
    }

    private void grow()
    {
        final long oldAllocation = allocation;
        final long oldBase = base;
        final int oldCapacity = capacity;
        allocate(oldCapacity << 1);
        for (int i = 0; i < oldCapacity; i++)
        {
            final long oldAddress = oldBase + (long)i * slotLength;
            if (UnsafeApi.getLong(oldAddress + STATE_OFFSET) != 0)
            {
                int index = home(oldAddress);
                while (UnsafeApi.getLong(base + (long)index * slotLength + STATE_OFFSET) != 0)
                {
                    index = (index + 1) & mask;
                }
                UnsafeApi.copyMemory(oldAddress, base + (long)index * slotLength, slotLength);
            }
        }
        UnsafeApi.freeMemory(oldAllocation);
    }
}
