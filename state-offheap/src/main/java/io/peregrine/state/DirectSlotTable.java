package io.peregrine.state;

import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link SlotTable} in direct (off-heap, not file-backed) memory: linear probing with Fibonacci
 * hashing over one cache-line-aligned block of interleaved slots addressed by raw address,
 * backward-shift deletion (no tombstones, so many removes never slow it down), doubling when the load
 * factor is reached.
 * <p>
 * <b>Growth is incremental</b>, so that no single operation pauses for a rehash (a shard thread's tail latency): the
 * doubled table is allocated, new keys go into it, and every later operation first moves at most
 * {@link #MIGRATE_PER_OPERATION} slots of the old table, in index order, into the new one; a key not yet moved is
 * found, updated and removed where it is. Lookups in the old table skip its moved prefix (cleared as it is moved), so
 * probe chains that ran through it still lead on. The old table is freed when its last slot has moved, long before
 * the next doubling (that takes as many inserts as the table had slots, times the load factor, and the migration
 * {@code 1 / MIGRATE_PER_OPERATION} of that). A visit of every entry ({@link #forEach}) or {@link #clear} finishes a
 * migration under way first.
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
    /** Old slots moved per operation while the table grows: the bound on any one operation's growth work. */
    public static final int MIGRATE_PER_OPERATION = 16;

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
    /** The table being grown out of, while a migration is under way (0 otherwise). */
    private long oldAllocation;
    private long oldBase;
    private int oldCapacity;
    private int oldMask;
    private int oldShift;
    /** Old slots below this have moved (and are cleared). */
    private int migrated;
    private long slotsMoved;
    private int mostMovedInOneOperation;

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
        return (long)(capacity + oldCapacity) * slotLength;
    }

    /**
     * @return true while the table grows: an old table is still being moved into the new one.
     */
    public boolean isMigrating()
    {
        return oldAllocation != 0;
    }

    /**
     * @return old slots moved by growth since the table was made; their count per operation is at most
     * {@link #MIGRATE_PER_OPERATION} (see {@link #mostMovedInOneOperation()}).
     */
    public long slotsMoved()
    {
        return slotsMoved;
    }

    /**
     * @return the most slots any single operation has moved (outside {@link #forEach} and {@link #clear}, which finish
     * a migration).
     */
    public int mostMovedInOneOperation()
    {
        return mostMovedInOneOperation;
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
        if (oldAllocation != 0)
        {
            migrate(MIGRATE_PER_OPERATION);
            if (oldAllocation != 0)
            {
                return findMigrating(key);
            }
        }
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
        if (oldAllocation != 0)
        {
            migrate(MIGRATE_PER_OPERATION);
            if (oldAllocation != 0 && findOld(key))
            {
                return false;
            }
        }
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
                if (size >= resizeThreshold && oldAllocation == 0)
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
        if (oldAllocation != 0)
        {
            migrate(MIGRATE_PER_OPERATION);
            if (oldAllocation != 0 && findOld(key))
            {
                shiftBackOld(oldIndex);
                size--;
                return true;
            }
        }
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

    /**
     * Start growing: a table of twice the slots for new keys; the old one moves into it a few slots per operation.
     */
    private void grow()
    {
        oldAllocation = allocation;
        oldBase = base;
        oldCapacity = capacity;
        oldMask = mask;
        oldShift = shift;
        migrated = 0;
        allocate(capacity << 1);
        // A full new table cannot grow again until the old one has moved: the threshold allows for the old entries.
    }

    /**
     * Move up to {@code slots} slots of the old table, from {@link #migrated} on, into the new one; free the old table
     * after its last slot.
     */
    private void migrate(final int slots)
    {
        final int slotLength = this.slotLength;
        final int end = (int)Math.min(oldCapacity, (long)migrated + slots);
        final int moved = end - migrated;
        for (int i = migrated; i < end; i++)
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
                UnsafeApi.setMemory(oldAddress, slotLength, (byte)0);
            }
        }
        migrated = end;
        slotsMoved += moved;
        if (slots <= MIGRATE_PER_OPERATION)
        {
            mostMovedInOneOperation = Math.max(mostMovedInOneOperation, moved);
        }
        if (migrated == oldCapacity)
        {
            UnsafeApi.freeMemory(oldAllocation);
            oldAllocation = 0;
            oldBase = 0;
            oldCapacity = 0;
        }
    }

    private void finishMigration()
    {
        if (oldAllocation != 0)
        {
            migrate(oldCapacity);
        }
    }

    private int oldIndex;

    /**
     * Find a key among the old table's slots not yet moved: probing skips the moved (cleared) prefix, through which
     * the key's chain may have run. Positions {@link #value} and {@link #oldIndex} on it.
     */
    private boolean findOld(final long key)
    {
        final long oldBase = this.oldBase;
        final int slotLength = this.slotLength;
        int index = (int)(((key ^ seed) * GOLDEN) >>> oldShift);
        int probed = 0;
        while (probed++ <= oldCapacity)
        {
            if (index < migrated)
            {
                index = migrated;
                if (index >= oldCapacity)
                {
                    return false;
                }
            }
            final long address = oldBase + (long)index * slotLength;
            if (UnsafeApi.getLong(address + STATE_OFFSET) == 0)
            {
                return false;
            }
            if (UnsafeApi.getLong(address + KEY_OFFSET) == key)
            {
                value.wrap(address + VALUE_OFFSET, valueLength);
                oldIndex = index;
                return true;
            }
            index = (index + 1) & oldMask;
        }
        return false;
    }

    private boolean findMigrating(final long key)
    {
        final long base = this.base;
        final int slotLength = this.slotLength;
        int index = home(key);
        while (true)
        {
            final long address = base + (long)index * slotLength;
            if (UnsafeApi.getLong(address + STATE_OFFSET) == 0)
            {
                return findOld(key);
            }
            if (UnsafeApi.getLong(address + KEY_OFFSET) == key)
            {
                value.wrap(address + VALUE_OFFSET, valueLength);
                return true;
            }
            index = (index + 1) & mask;
        }
    }

    /**
     * Backward-shift deletion in the old table, skipping its moved prefix as lookups do.
     */
    private void shiftBackOld(final int deleteIndex)
    {
        final long oldBase = this.oldBase;
        final int slotLength = this.slotLength;
        int hole = deleteIndex;
        int index = (hole + 1) & oldMask;
        while (true)
        {
            if (index < migrated)
            {
                index = migrated;
                if (index == hole || index >= oldCapacity)
                {
                    break;
                }
            }
            final long address = oldBase + (long)index * slotLength;
            if (UnsafeApi.getLong(address + STATE_OFFSET) == 0)
            {
                break;
            }
            final int home = (int)(((UnsafeApi.getLong(address + KEY_OFFSET) ^ seed) * GOLDEN) >>> oldShift);
            if (reaches(home, hole, index))
            {
                UnsafeApi.copyMemory(address, oldBase + (long)hole * slotLength, slotLength);
                hole = index;
            }
            index = (index + 1) & oldMask;
        }
        UnsafeApi.setMemory(oldBase + (long)hole * slotLength, slotLength, (byte)0);
    }

    /**
     * @return true if an entry at {@code index} whose home is {@code home} may move back to {@code hole}: its probe
     * chain from home, skipping the moved prefix, passes the hole.
     */
    private boolean reaches(final int home, final int hole, final int index)
    {
        // Distances along the probe order from home, with the moved prefix [0, migrated) not counted as slots.
        return distance(home, hole) <= distance(home, index);
    }

    private int distance(final int from, final int to)
    {
        final int start = from < migrated ? migrated : from;
        if (to >= start)
        {
            return to - start;
        }
        // wrapped: start .. end, then the prefix is skipped, then migrated .. to
        return (oldCapacity - start) + Math.max(0, to - migrated);
    }


    public MutableDirectBuffer value()
    {
        return value;
    }

    public void forEach(final KeyConsumer consumer)
    {
        finishMigration();
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
        finishMigration();
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
        finishMigration();
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
        if (oldAllocation != 0)
        {
            UnsafeApi.freeMemory(oldAllocation);
            oldAllocation = 0;
            oldBase = 0;
        }
    }
}
