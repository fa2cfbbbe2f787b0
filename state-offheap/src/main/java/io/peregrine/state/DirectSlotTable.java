package io.peregrine.state;

import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link SlotTable} in direct (off-heap, not file-backed) memory: linear probing with Fibonacci
 * hashing over one cache-line-aligned block of interleaved slots addressed by raw address,
 * backward-shift deletion (no tombstones, so many removes never slow it down), doubling (a full
 * rehash) when the load factor is reached.
 * <pre>
 *   slot i, at i * slotLength:
 *   0                   8                   16
 *   +-------------------+-------------------+---------------------------+
 *   |      key (long)   |  state (long)     |  value (valueLength, pad8) |
 *   +-------------------+-------------------+---------------------------+
 *   state: 0 = empty, 1 = used
 * </pre>
 * Used for keyed state with the engine's {@code direct} state backend and as the index of
 * {@link ListState} and {@link MapState}; the file-backed, larger-than-heap table is
 * {@code MappedSlotTable}.
 */
public final class DirectSlotTable implements SlotTable
{
    static final int KEY_OFFSET = 0;
    static final int STATE_OFFSET = 8;
    static final int VALUE_OFFSET = 16;
    static final long USED = 1;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final int valueLength;
    private final int slotLength;
    private final float loadFactor;
    private final UnsafeBuffer value = new UnsafeBuffer(0, 0);
    private long allocation;
    private long base;
    private int capacity;
    private int mask;
    private final long seed;
    private int shift;
    private int resizeThreshold;
    private long size;

    /**
     * @param valueLength     bytes per value slot.
     * @param initialCapacity slots to start with (rounded up to a power of two).
     * @param loadFactor      fraction of used slots that triggers a doubling.
     */
    public DirectSlotTable(final int valueLength, final int initialCapacity, final float loadFactor)
    {
        this(valueLength, initialCapacity, loadFactor, 0);
    }

    /**
     * @param valueLength     bytes per value slot.
     * @param initialCapacity slots to start with (rounded up to a power of two).
     * @param loadFactor      fraction of used slots that triggers a doubling.
     * @param seed            mixed into every key's hash, so that tables with different seeds order their slots
     *                        differently ({@link SlotTable#hashSeed(CharSequence)}).
     */
    public DirectSlotTable(final int valueLength, final int initialCapacity, final float loadFactor, final long seed)
    {
        this.seed = seed;
        if (valueLength < 0)
        {
            throw new IllegalArgumentException("valueLength must be >= 0: " + valueLength);
        }
        if (loadFactor <= 0.1f || loadFactor >= 0.95f)
        {
            throw new IllegalArgumentException("loadFactor must be in (0.1, 0.95): " + loadFactor);
        }
        this.valueLength = valueLength;
        this.slotLength = VALUE_OFFSET + BitUtil.align(valueLength, 8);
        this.loadFactor = loadFactor;
        allocate(BitUtil.findNextPositivePowerOfTwo(Math.max(16, initialCapacity)));
    }

    public DirectSlotTable(final int valueLength)
    {
        this(valueLength, 1024, 0.7f);
    }

    private void allocate(final int newCapacity)
    {
        final long bytes = (long)newCapacity * slotLength;
        if (bytes > Integer.MAX_VALUE - 8)
        {
            throw new IllegalStateException("DirectSlotTable cannot exceed 2 GiB (" + newCapacity +
                " slots of " + slotLength + " bytes): use MappedSlotTable for larger state");
        }
        allocation = AlignedMemory.allocateZeroed(bytes);
        base = AlignedMemory.base(allocation);
        capacity = newCapacity;
        mask = newCapacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(newCapacity);
        resizeThreshold = (int)(newCapacity * loadFactor);
    }

    public int valueLength()
    {
        return valueLength;
    }

    public long size()
    {
        return size;
    }

    public long memoryBytes()
    {
        return (long)capacity * slotLength;
    }

    public int capacity()
    {
        return capacity;
    }

    /**
     * Home slot of a key: the top bits of a Fibonacci hash (cheap, and spreads sequential keys).
     */
    private int home(final long key)
    {
        return (int)(((key ^ seed) * GOLDEN) >>> shift);
    }

    public boolean find(final long key)
    {
        final long base = this.base;
        final int slotLength = this.slotLength;
        final int mask = this.mask;
        int index = home(key);
        while (true)
        {
            final long address = base + (long)index * slotLength;
            if (UnsafeApi.getLong(address + KEY_OFFSET) == key && UnsafeApi.getLong(address + STATE_OFFSET) != 0)
            {
                value.wrap(address + VALUE_OFFSET, valueLength);
                return true;
            }
            if (UnsafeApi.getLong(address + STATE_OFFSET) == 0)
            {
                return false;
            }
            index = (index + 1) & mask;
        }
    }

    public boolean findOrInsert(final long key)
    {
        final long base = this.base;
        final int slotLength = this.slotLength;
        final int mask = this.mask;
        int index = home(key);
        while (true)
        {
            final long address = base + (long)index * slotLength;
            final long state = UnsafeApi.getLong(address + STATE_OFFSET);
            if (state == 0)
            {
                if (size >= resizeThreshold)
                {
                    grow();
                    return findOrInsert(key);
                }
                UnsafeApi.putLong(address + KEY_OFFSET, key);
                UnsafeApi.putLong(address + STATE_OFFSET, USED);
                size++;
                value.wrap(address + VALUE_OFFSET, valueLength);
                return true;
            }
            if (UnsafeApi.getLong(address + KEY_OFFSET) == key)
            {
                value.wrap(address + VALUE_OFFSET, valueLength);
                return false;
            }
            index = (index + 1) & mask;
        }
    }

    public boolean remove(final long key)
    {
        final long base = this.base;
        final int slotLength = this.slotLength;
        int index = home(key);
        while (true)
        {
            final long address = base + (long)index * slotLength;
            if (UnsafeApi.getLong(address + STATE_OFFSET) == 0)
            {
                return false;
            }
            if (UnsafeApi.getLong(address + KEY_OFFSET) == key)
            {
                shiftBack(index);
                size--;
                return true;
            }
            index = (index + 1) & mask;
        }
    }

    /**
     * Backward-shift deletion: move later members of the probe chain into the hole so lookups
     * never need tombstones.
     */
    private void shiftBack(final int deleteIndex)
    {
        final long base = this.base;
        final int slotLength = this.slotLength;
        int hole = deleteIndex;
        int index = (hole + 1) & mask;
        while (true)
        {
            final long address = base + (long)index * slotLength;
            if (UnsafeApi.getLong(address + STATE_OFFSET) == 0)
            {
                break;
            }
            final int home = home(UnsafeApi.getLong(address + KEY_OFFSET));
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
        final int slotLength = this.slotLength;
        allocate(oldCapacity << 1);
        for (int i = 0; i < oldCapacity; i++)
        {
            final long oldAddress = oldBase + (long)i * slotLength;
            if (UnsafeApi.getLong(oldAddress + STATE_OFFSET) != 0)
            {
                int index = home(UnsafeApi.getLong(oldAddress + KEY_OFFSET));
                while (UnsafeApi.getLong(base + (long)index * slotLength + STATE_OFFSET) != 0)
                {
                    index = (index + 1) & mask;
                }
                UnsafeApi.copyMemory(oldAddress, base + (long)index * slotLength, slotLength);
            }
        }
        UnsafeApi.freeMemory(oldAllocation);
    }


    public MutableDirectBuffer value()
    {
        return value;
    }

    public void forEach(final KeyConsumer consumer)
    {
        for (int i = 0; i < capacity; i++)
        {
            final long address = base + (long)i * slotLength;
            if (UnsafeApi.getLong(address + STATE_OFFSET) != 0)
            {
                value.wrap(address + VALUE_OFFSET, valueLength);
                consumer.accept(UnsafeApi.getLong(address + KEY_OFFSET));
            }
        }
    }

    public long forEach(final KeyConsumer consumer, final long fromSlot, final int maxEntries)
    {
        int visited = 0;
        for (long i = fromSlot; i < capacity; i++)
        {
            if (visited == maxEntries)
            {
                return i;
            }
            final long address = base + i * slotLength;
            if (UnsafeApi.getLong(address + STATE_OFFSET) != 0)
            {
                value.wrap(address + VALUE_OFFSET, valueLength);
                consumer.accept(UnsafeApi.getLong(address + KEY_OFFSET));
                visited++;
            }
        }
        return -1;
    }

    public void clear()
    {
        if (size > 0)
        {
            UnsafeApi.setMemory(base, (long)capacity * slotLength, (byte)0);
            size = 0;
        }
    }

    public void close()
    {
        if (allocation != 0)
        {
            UnsafeApi.freeMemory(allocation);
            allocation = 0;
            base = 0;
        }
    }
}
