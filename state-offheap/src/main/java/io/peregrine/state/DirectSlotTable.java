package io.peregrine.state;

import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.collections.Hashing;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link SlotTable} in direct (off-heap, not file-backed) memory: linear probing over one block of
 * interleaved slots, backward-shift deletion (no tombstones, so many removes never slow it down),
 * doubling when the load factor is reached.
 * <pre>
 *   slot i, at i * slotLength:
 *   0                   8                   16
 *   +-------------------+-------------------+---------------------------+
 *   |      key (long)   |  state (long)     |  value (valueLength, pad8) |
 *   +-------------------+-------------------+---------------------------+
 *   state: 0 = empty, 1 = used
 * </pre>
 * Used for transient state (window panes that live for one window) and by tests; the durable,
 * larger-than-heap table is {@code MappedSlotTable}.
 */
public final class DirectSlotTable implements SlotTable
{
    static final int KEY_OFFSET = 0;
    static final int STATE_OFFSET = 8;
    static final int VALUE_OFFSET = 16;
    static final long USED = 1;

    private final int valueLength;
    private final int slotLength;
    private final float loadFactor;
    private final UnsafeBuffer value = new UnsafeBuffer(0, 0);
    private UnsafeBuffer slots;
    private long allocation;
    private int capacity;
    private int mask;
    private int resizeThreshold;
    private long size;

    /**
     * @param valueLength     bytes per value slot.
     * @param initialCapacity slots to start with (rounded up to a power of two).
     * @param loadFactor      fraction of used slots that triggers a doubling.
     */
    public DirectSlotTable(final int valueLength, final int initialCapacity, final float loadFactor)
    {
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
        // Raw memory aligned to a cache line: a slice from BufferUtil.allocateDirectAligned cannot be freed.
        allocation = UnsafeApi.allocateMemory(bytes + 64);
        final long address = (allocation + 63) & ~63L;
        UnsafeApi.setMemory(address, bytes, (byte)0);
        slots = new UnsafeBuffer(address, (int)bytes);
        capacity = newCapacity;
        mask = newCapacity - 1;
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

    public int capacity()
    {
        return capacity;
    }

    public boolean find(final long key)
    {
        final UnsafeBuffer slots = this.slots;
        int index = Hashing.hash(key, mask);
        while (true)
        {
            final int offset = index * slotLength;
            if (slots.getLong(offset + STATE_OFFSET) == 0)
            {
                return false;
            }
            if (slots.getLong(offset + KEY_OFFSET) == key)
            {
                position(offset);
                return true;
            }
            index = (index + 1) & mask;
        }
    }

    public boolean findOrInsert(final long key)
    {
        final UnsafeBuffer slots = this.slots;
        int index = Hashing.hash(key, mask);
        while (true)
        {
            final int offset = index * slotLength;
            if (slots.getLong(offset + STATE_OFFSET) == 0)
            {
                if (size >= resizeThreshold)
                {
                    grow();
                    return findOrInsert(key);
                }
                slots.putLong(offset + KEY_OFFSET, key);
                slots.putLong(offset + STATE_OFFSET, USED);
                size++;
                position(offset);
                return true;
            }
            if (slots.getLong(offset + KEY_OFFSET) == key)
            {
                position(offset);
                return false;
            }
            index = (index + 1) & mask;
        }
    }

    public boolean remove(final long key)
    {
        final UnsafeBuffer slots = this.slots;
        int index = Hashing.hash(key, mask);
        while (true)
        {
            final int offset = index * slotLength;
            if (slots.getLong(offset + STATE_OFFSET) == 0)
            {
                return false;
            }
            if (slots.getLong(offset + KEY_OFFSET) == key)
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
        final UnsafeBuffer slots = this.slots;
        int hole = deleteIndex;
        int index = (hole + 1) & mask;
        while (true)
        {
            final int offset = index * slotLength;
            if (slots.getLong(offset + STATE_OFFSET) == 0)
            {
                break;
            }
            final int home = Hashing.hash(slots.getLong(offset + KEY_OFFSET), mask);
            if ((hole < index && (home <= hole || home > index)) || (hole > index && (home <= hole && home > index)))
            {
                slots.putBytes(hole * slotLength, slots, offset, slotLength);
                hole = index;
            }
            index = (index + 1) & mask;
        }
        slots.setMemory(hole * slotLength, slotLength, (byte)0);
    }

    private void grow()
    {
        final UnsafeBuffer old = slots;
        final long oldAllocation = allocation;
        final int oldCapacity = capacity;
        allocate(oldCapacity << 1);
        for (int i = 0; i < oldCapacity; i++)
        {
            final int oldOffset = i * slotLength;
            if (old.getLong(oldOffset + STATE_OFFSET) != 0)
            {
                int index = Hashing.hash(old.getLong(oldOffset + KEY_OFFSET), mask);
                while (slots.getLong(index * slotLength + STATE_OFFSET) != 0)
                {
                    index = (index + 1) & mask;
                }
                slots.putBytes(index * slotLength, old, oldOffset, slotLength);
            }
        }
        UnsafeApi.freeMemory(oldAllocation);
    }

    private void position(final int slotOffset)
    {
        value.wrap(slots, slotOffset + VALUE_OFFSET, valueLength);
    }

    public MutableDirectBuffer value()
    {
        return value;
    }

    public void forEach(final KeyConsumer consumer)
    {
        final UnsafeBuffer slots = this.slots;
        for (int i = 0; i < capacity; i++)
        {
            final int offset = i * slotLength;
            if (slots.getLong(offset + STATE_OFFSET) != 0)
            {
                position(offset);
                consumer.accept(slots.getLong(offset + KEY_OFFSET));
            }
        }
    }

    public void clear()
    {
        if (size > 0)
        {
            slots.setMemory(0, capacity * slotLength, (byte)0);
            size = 0;
        }
    }

    public void close()
    {
        if (slots != null)
        {
            UnsafeApi.freeMemory(allocation);
            slots = null;
            allocation = 0;
        }
    }
}
