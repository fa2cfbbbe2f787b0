package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Keyed map state in direct memory, as Flink's {@code MapState}: per {@code long} key a map from a
 * variable-length byte user key to a variable-length byte value, read in place through flyweights.
 * An empty map is an absent key.
 * <p>
 * Each key's entries are packed into one block of a {@link BlockArena} (a <i>record</i>); a
 * {@link DirectSlotTable} maps the key to its record. A second open-addressing table, the
 * <i>entry table</i>, maps (key, hash of user key) to the entry's position in its record, so a
 * lookup is one probe of each table and one compare of the user key, whatever the size of the map.
 * A removed entry, or the old entry of a value whose length changed, stays in the record as a hole
 * until the record is compacted: when an append does not fit (the record then moves into a block
 * half as large again as its live bytes, or is compacted in place when that is its own size) or when
 * holes are half the record. Compaction rewrites the positions of the entries it moves.
 * <pre>
 *   index slot value (key -> record), 32 bytes:
 *   0                   8         12        16        20        24        28        32
 *   +-------------------+---------+---------+---------+---------+---------+---------+
 *   |  block offset     |  used   |  count  |  class  |  dead   |  epoch  |  (pad)  |
 *   +-------------------+---------+---------+---------+---------+---------+---------+
 *   used: bytes of the record holding entries, live or dead; count: live entries;
 *   class: the block is 2^class bytes; dead: bytes of dead entries; epoch: dirty tracking
 *
 *   record: entries back to back, no padding:
 *   0         4         8                  8 + klen                 8 + klen + vlen
 *   +---------+---------+------------------+------------------------+---  ---+----------+
 *   |  klen   |  vlen   |  user key bytes  |  value bytes           |  ...    | (unused) |
 *   +---------+---------+------------------+------------------------+---  ---+----------+
 *   klen, vlen: int, native byte order; klen with its top bit set = a dead entry (a hole)
 *   encoded format of writeKey: the live entries in record order, without holes
 *
 *   entry table slot, 16 bytes:
 *   0                   8         12        16
 *   +-------------------+---------+---------+
 *   |  key (long)       |  tag    |  position
 *   +-------------------+---------+---------+
 *   tag: 0 = empty, else the user key's hash with its low bit set; position: in the record
 * </pre>
 * The entry table uses linear probing, backward-shift deletion and doubling, like
 * {@link DirectSlotTable}. One key's record holds at most 1 GiB. Single writer; no method is thread
 * safe. Visitors must not change the state; flyweights are valid until the next change.
 */
public final class MapState implements KeyChangeTracking, AutoCloseable
{
    static final int BLOCK_OFFSET = 0;
    static final int USED_OFFSET = 8;
    static final int COUNT_OFFSET = 12;
    static final int CLASS_OFFSET = 16;
    static final int DEAD_OFFSET = 20;
    static final int EPOCH_OFFSET = 24;
    static final int INDEX_VALUE_LENGTH = 32;

    static final int KEY_LENGTH_OFFSET = 0;
    static final int VALUE_LENGTH_OFFSET = 4;
    static final int ENTRY_HEADER_LENGTH = 8;
    static final int DEAD = 0x8000_0000;

    static final int SLOT_KEY_OFFSET = 0;
    static final int SLOT_TAG_OFFSET = 8;
    static final int SLOT_POSITION_OFFSET = 12;
    static final int SLOT_LENGTH = 16;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final float LOAD_FACTOR = 0.7f;

    private final DirectSlotTable index;
    private final ChangedKeys changed;
    private final BlockArena arena;
    private final MutableDirectBuffer slot;
    private final UnsafeBuffer userKey = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer value = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer scratch = new UnsafeBuffer(0, 0);
    private long entriesAllocation;
    private long entriesBase;
    private int entriesCapacity;
    private int entriesMask;
    private int entriesShift;
    private int entriesThreshold;
    private long entryCount;
    private long bytesUsed;

    /**
     * Visits the entries of one map.
     */
    @FunctionalInterface
    public interface EntryVisitor
    {
        /**
         * @param userKey flyweight over the user key at offset 0 ({@code capacity()} is its length).
         * @param value   flyweight over the value at offset 0 ({@code capacity()} is its length).
         */
        void accept(DirectBuffer userKey, DirectBuffer value);
    }

    /**
     * @param initialKeys       top-level keys to size the index for without growing.
     * @param initialEntries    entries (over all keys) to size the entry table for without growing.
     * @param initialArenaBytes bytes of records to start with.
     */
    public MapState(final int initialKeys, final int initialEntries, final long initialArenaBytes)
    {
        index = new DirectSlotTable(INDEX_VALUE_LENGTH, capacityFor(initialKeys), LOAD_FACTOR);
        changed = new ChangedKeys(LOAD_FACTOR);
        arena = new BlockArena(initialArenaBytes);
        slot = index.value();
        allocateEntries(Integer.highestOneBit(capacityFor(initialEntries) - 1) << 1);
    }

    public MapState()
    {
        this(1024, 4096, 256 * 1024);
    }

    private static int capacityFor(final int entries)
    {
        return (int)Math.min(1 << 30, Math.max(16, (long)(entries / LOAD_FACTOR) + 1));
    }

    /**
     * Put a value for a user key in the map of a key, replacing any value it had.
     *
     * @param key     top-level key.
     * @param uk      buffer holding the user key.
     * @param ukOffset of the user key.
     * @param ukLength of the user key, 0 or more.
     * @param v       buffer holding the value.
     * @param vOffset of the value.
     * @param vLength of the value, 0 or more.
     * @return true if the user key was not in the map.
     * @throws IllegalStateException if the key's record would exceed 1 GiB (nothing is changed).
     */
    public boolean put(
        final long key,
        final DirectBuffer uk,
        final int ukOffset,
        final int ukLength,
        final DirectBuffer v,
        final int vOffset,
        final int vLength)
    {
        if (ukLength < 0 || vLength < 0)
        {
            throw new IllegalArgumentException("lengths must be >= 0: " + ukLength + ", " + vLength);
        }
        final long entryLength = (long)ENTRY_HEADER_LENGTH + ukLength + vLength;
        if (entryLength > BlockArena.MAX_BLOCK_LENGTH)
        {
            throw new IllegalStateException("entry of " + entryLength + " bytes exceeds " +
                BlockArena.MAX_BLOCK_LENGTH);
        }
        final int tag = tag(uk, ukOffset, ukLength);
        final int length = (int)entryLength;
        if (index.findOrInsert(key))
        {
            final int sizeClass = BlockArena.classFor(length);
            slot.putLong(BLOCK_OFFSET, arena.allocate(sizeClass));
            slot.putInt(CLASS_OFFSET, sizeClass);
            final int position = append(uk, ukOffset, ukLength, v, vOffset, vLength);
            insertEntry(key, tag, position);
            slot.putInt(COUNT_OFFSET, 1);
            bytesUsed += length;
            markChanged(key);
            return true;
        }
        final long found = probe(key, tag, arena.address(slot.getLong(BLOCK_OFFSET)), uk, ukOffset, ukLength);
        if (found >= 0)
        {
            long entry = arena.address(slot.getLong(BLOCK_OFFSET)) + UnsafeApi.getInt(found + SLOT_POSITION_OFFSET);
            final int oldValueLength = UnsafeApi.getInt(entry + VALUE_LENGTH_OFFSET);
            if (oldValueLength != vLength)
            {
                ensureRoom(key, length);
                entry = arena.address(slot.getLong(BLOCK_OFFSET)) + UnsafeApi.getInt(found + SLOT_POSITION_OFFSET);
                UnsafeApi.putInt(entry + KEY_LENGTH_OFFSET, ukLength | DEAD);
                slot.putInt(DEAD_OFFSET, slot.getInt(DEAD_OFFSET) + ENTRY_HEADER_LENGTH + ukLength + oldValueLength);
                UnsafeApi.putInt(found + SLOT_POSITION_OFFSET, append(uk, ukOffset, ukLength, v, vOffset, vLength));
                bytesUsed += vLength - oldValueLength;
            }
            else
            {
                scratch.wrap(entry + ENTRY_HEADER_LENGTH + ukLength, vLength);
                scratch.putBytes(0, v, vOffset, vLength);
            }
            markChanged(key);
            return false;
        }
        ensureRoom(key, length);
        final int position = append(uk, ukOffset, ukLength, v, vOffset, vLength);
        insertEntry(key, tag, position);
        slot.putInt(COUNT_OFFSET, slot.getInt(COUNT_OFFSET) + 1);
        bytesUsed += length;
        markChanged(key);
        return true;
    }

    /**
     * @param key      top-level key.
     * @param uk       buffer holding the user key.
     * @param ukOffset of the user key.
     * @param ukLength of the user key.
     * @return flyweight over the value at offset 0 ({@code capacity()} is its length), valid until the
     * next change; null if absent.
     */
    public DirectBuffer get(final long key, final DirectBuffer uk, final int ukOffset, final int ukLength)
    {
        if (!index.find(key))
        {
            return null;
        }
        final long record = arena.address(slot.getLong(BLOCK_OFFSET));
        final long found = probe(key, tag(uk, ukOffset, ukLength), record, uk, ukOffset, ukLength);
        if (found < 0)
        {
            return null;
        }
        final long entry = record + UnsafeApi.getInt(found + SLOT_POSITION_OFFSET);
        value.wrap(entry + ENTRY_HEADER_LENGTH + ukLength, UnsafeApi.getInt(entry + VALUE_LENGTH_OFFSET));
        return value;
    }

    /**
     * @param key      top-level key.
     * @param uk       buffer holding the user key.
     * @param ukOffset of the user key.
     * @param ukLength of the user key.
     * @return true if the map of the key holds the user key.
     */
    public boolean contains(final long key, final DirectBuffer uk, final int ukOffset, final int ukLength)
    {
        return get(key, uk, ukOffset, ukLength) != null;
    }

    /**
     * Remove a user key from the map of a key (and the key, if its map is then empty).
     *
     * @param key      top-level key.
     * @param uk       buffer holding the user key.
     * @param ukOffset of the user key.
     * @param ukLength of the user key.
     * @return true if it was present.
     */
    public boolean remove(final long key, final DirectBuffer uk, final int ukOffset, final int ukLength)
    {
        if (!index.find(key))
        {
            return false;
        }
        final long record = arena.address(slot.getLong(BLOCK_OFFSET));
        final long found = probe(key, tag(uk, ukOffset, ukLength), record, uk, ukOffset, ukLength);
        if (found < 0)
        {
            return false;
        }
        final long entry = record + UnsafeApi.getInt(found + SLOT_POSITION_OFFSET);
        final int length = ENTRY_HEADER_LENGTH + ukLength + UnsafeApi.getInt(entry + VALUE_LENGTH_OFFSET);
        removeEntrySlot(found);
        bytesUsed -= length;
        final int count = slot.getInt(COUNT_OFFSET) - 1;
        if (count == 0)
        {
            arena.free(slot.getLong(BLOCK_OFFSET), slot.getInt(CLASS_OFFSET));
            index.remove(key);
            changed.mark(key);
            return true;
        }
        UnsafeApi.putInt(entry + KEY_LENGTH_OFFSET, ukLength | DEAD);
        final int dead = slot.getInt(DEAD_OFFSET) + length;
        slot.putInt(DEAD_OFFSET, dead);
        slot.putInt(COUNT_OFFSET, count);
        final int used = slot.getInt(USED_OFFSET);
        if (dead >= used >>> 1)
        {
            final int live = used - dead;
            compact(key, Math.min(slot.getInt(CLASS_OFFSET), BlockArena.classFor(live + (live >>> 1))));
        }
        markChanged(key);
        return true;
    }

    /**
     * Remove the whole map of a key.
     *
     * @param key top-level key.
     * @return true if it was present.
     */
    public boolean remove(final long key)
    {
        if (!index.find(key))
        {
            return false;
        }
        final long record = arena.address(slot.getLong(BLOCK_OFFSET));
        final int used = slot.getInt(USED_OFFSET);
        for (int position = 0; position < used; )
        {
            final long entry = record + position;
            final int keyLength = UnsafeApi.getInt(entry + KEY_LENGTH_OFFSET);
            final int length = (keyLength & ~DEAD) + UnsafeApi.getInt(entry + VALUE_LENGTH_OFFSET);
            if (keyLength >= 0)
            {
                scratch.wrap(entry + ENTRY_HEADER_LENGTH, keyLength);
                removeEntrySlot(findByPosition(key, tag(scratch, 0, keyLength), position));
            }
            position += ENTRY_HEADER_LENGTH + length;
        }
        bytesUsed -= used - slot.getInt(DEAD_OFFSET);
        arena.free(slot.getLong(BLOCK_OFFSET), slot.getInt(CLASS_OFFSET));
        index.remove(key);
        changed.mark(key);
        return true;
    }

    /**
     * Visit the entries of a key's map in place (no copy), in no particular order.
     *
     * @param key     top-level key.
     * @param visitor called with each entry; must not change the state.
     * @return entries visited.
     */
    public int forEach(final long key, final EntryVisitor visitor)
    {
        if (!index.find(key))
        {
            return 0;
        }
        final long record = arena.address(slot.getLong(BLOCK_OFFSET));
        final int used = slot.getInt(USED_OFFSET);
        final UnsafeBuffer userKey = this.userKey;
        final UnsafeBuffer value = this.value;
        int count = 0;
        for (int position = 0; position < used; )
        {
            final long entry = record + position;
            final int keyLength = UnsafeApi.getInt(entry + KEY_LENGTH_OFFSET);
            final int valueLength = UnsafeApi.getInt(entry + VALUE_LENGTH_OFFSET);
            if (keyLength >= 0)
            {
                userKey.wrap(entry + ENTRY_HEADER_LENGTH, keyLength);
                value.wrap(entry + ENTRY_HEADER_LENGTH + keyLength, valueLength);
                visitor.accept(userKey, value);
                count++;
            }
            position += ENTRY_HEADER_LENGTH + (keyLength & ~DEAD) + valueLength;
        }
        return count;
    }

    /**
     * @param key top-level key.
     * @return entries in its map; 0 when absent.
     */
    public int size(final long key)
    {
        return index.find(key) ? slot.getInt(COUNT_OFFSET) : 0;
    }

    /**
     * Visit every key that has a map, in no particular order (for a full snapshot).
     *
     * @param consumer called with each key; may call the read methods, must not change the state.
     */
    public void forEachKey(final SlotTable.KeyConsumer consumer)
    {
        index.forEach(consumer);
    }

    /**
     * Remove every map, keeping the memory for reuse.
     */
    public void clear()
    {
        index.clear();
        arena.reset();
        if (entryCount > 0)
        {
            UnsafeApi.setMemory(entriesBase, (long)entriesCapacity * SLOT_LENGTH, (byte)0);
            entryCount = 0;
        }
        changed.cleared();
        bytesUsed = 0;
    }

    /**
     * @return keys that have a map.
     */
    public long keyCount()
    {
        return index.size();
    }

    /**
     * @return entries over all maps.
     */
    public long entryCount()
    {
        return entryCount;
    }

    /**
     * @return bytes of live entries and their headers, the sum of every key's {@link #encodedLength}.
     */
    public long bytesUsed()
    {
        return bytesUsed;
    }

    /**
     * @return bytes of direct memory reserved for records.
     */
    public long arenaCapacity()
    {
        return arena.capacity();
    }

    public long forEachChangedKeySinceMark(final SlotTable.KeyConsumer consumer)
    {
        return changed.forEach(consumer);
    }

    public boolean clearedSinceMark()
    {
        return changed.clearedSinceMark();
    }

    public void resetMark()
    {
        changed.resetMark();
    }

    public int encodedLength(final long key)
    {
        return index.find(key) ? slot.getInt(USED_OFFSET) - slot.getInt(DEAD_OFFSET) : 0;
    }

    /**
     * {@inheritDoc} The format is the record layout above without dead entries:
     * {@code (int klen, int vlen, user key, value)} per entry.
     */
    public int writeKey(final long key, final MutableDirectBuffer dst, final int offset)
    {
        if (!index.find(key))
        {
            return 0;
        }
        final long record = arena.address(slot.getLong(BLOCK_OFFSET));
        final int used = slot.getInt(USED_OFFSET);
        if (slot.getInt(DEAD_OFFSET) == 0)
        {
            scratch.wrap(record, used);
            dst.putBytes(offset, scratch, 0, used);
            return used;
        }
        int written = 0;
        for (int position = 0; position < used; )
        {
            final long entry = record + position;
            final int keyLength = UnsafeApi.getInt(entry + KEY_LENGTH_OFFSET);
            final int length = ENTRY_HEADER_LENGTH + (keyLength & ~DEAD) + UnsafeApi.getInt(entry + VALUE_LENGTH_OFFSET);
            if (keyLength >= 0)
            {
                scratch.wrap(entry, length);
                dst.putBytes(offset + written, scratch, 0, length);
                written += length;
            }
            position += length;
        }
        return written;
    }

    /**
     * {@inheritDoc} A user key that appears more than once keeps its last value.
     */
    public void restoreKey(final long key, final DirectBuffer src, final int offset, final int length)
    {
        validate(src, offset, length);
        remove(key);
        if (length == 0)
        {
            return;
        }
        index.findOrInsert(key);
        final int sizeClass = BlockArena.classFor(length);
        slot.putLong(BLOCK_OFFSET, arena.allocate(sizeClass));
        slot.putInt(CLASS_OFFSET, sizeClass);
        for (int position = 0; position < length; )
        {
            final int keyLength = src.getInt(offset + position + KEY_LENGTH_OFFSET);
            final int valueLength = src.getInt(offset + position + VALUE_LENGTH_OFFSET);
            final int ukOffset = offset + position + ENTRY_HEADER_LENGTH;
            put(key, src, ukOffset, keyLength, src, ukOffset + keyLength, valueLength);
            position += ENTRY_HEADER_LENGTH + keyLength + valueLength;
        }
    }

    private static void validate(final DirectBuffer src, final int offset, final int length)
    {
        if (length < 0 || length > BlockArena.MAX_BLOCK_LENGTH)
        {
            throw new IllegalArgumentException("encoded map length out of range: " + length);
        }
        long position = 0;
        while (position < length)
        {
            if (length - position < ENTRY_HEADER_LENGTH)
            {
                throw new IllegalArgumentException("encoded map truncated at " + position + " of " + length);
            }
            final int keyLength = src.getInt(offset + (int)position + KEY_LENGTH_OFFSET);
            final int valueLength = src.getInt(offset + (int)position + VALUE_LENGTH_OFFSET);
            if (keyLength < 0 || valueLength < 0 ||
                (long)keyLength + valueLength > length - position - ENTRY_HEADER_LENGTH)
            {
                throw new IllegalArgumentException("encoded map entry lengths " + keyLength + ", " + valueLength +
                    " at " + position + " of " + length);
            }
            position += ENTRY_HEADER_LENGTH + (long)keyLength + valueLength;
        }
    }

    /**
     * Free the memory.
     */
    public void close()
    {
        index.close();
        changed.close();
        arena.close();
        if (entriesAllocation != 0)
        {
            UnsafeApi.freeMemory(entriesAllocation);
            entriesAllocation = 0;
            entriesBase = 0;
        }
    }

    // ---- record of the key positioned in slot ----

    private int append(
        final DirectBuffer uk,
        final int ukOffset,
        final int ukLength,
        final DirectBuffer v,
        final int vOffset,
        final int vLength)
    {
        final int position = slot.getInt(USED_OFFSET);
        final long entry = arena.address(slot.getLong(BLOCK_OFFSET)) + position;
        UnsafeApi.putInt(entry + KEY_LENGTH_OFFSET, ukLength);
        UnsafeApi.putInt(entry + VALUE_LENGTH_OFFSET, vLength);
        scratch.wrap(entry + ENTRY_HEADER_LENGTH, ukLength + vLength);
        scratch.putBytes(0, uk, ukOffset, ukLength);
        scratch.putBytes(ukLength, v, vOffset, vLength);
        slot.putInt(USED_OFFSET, position + ENTRY_HEADER_LENGTH + ukLength + vLength);
        return position;
    }

    /**
     * Make room to append {@code length} bytes to the record positioned in {@link #slot}: compact it, in
     * place or into a new block half as large again as its live bytes and the append.
     */
    private void ensureRoom(final long key, final int length)
    {
        final int used = slot.getInt(USED_OFFSET);
        final int sizeClass = slot.getInt(CLASS_OFFSET);
        if ((long)used + length <= 1L << sizeClass)
        {
            return;
        }
        final long target = (long)used - slot.getInt(DEAD_OFFSET) + length;
        if (target > BlockArena.MAX_BLOCK_LENGTH)
        {
            throw new IllegalStateException("the map of key " + key + " would exceed " +
                BlockArena.MAX_BLOCK_LENGTH + " bytes");
        }
        compact(key, BlockArena.classFor(Math.min(BlockArena.MAX_BLOCK_LENGTH, target + (target >>> 1))));
    }

    /**
     * Copy the live entries of the record positioned in {@link #slot} to the start of a block of
     * {@code sizeClass} (the same block when it is the record's class) and repoint their entry slots.
     */
    private void compact(final long key, final int sizeClass)
    {
        final int oldClass = slot.getInt(CLASS_OFFSET);
        final long oldOffset = slot.getLong(BLOCK_OFFSET);
        final long newOffset = sizeClass == oldClass ? oldOffset : arena.allocate(sizeClass);
        final long from = arena.address(oldOffset);
        final long to = arena.address(newOffset);
        final int used = slot.getInt(USED_OFFSET);
        int write = 0;
        for (int read = 0; read < used; )
        {
            final long entry = from + read;
            final int keyLength = UnsafeApi.getInt(entry + KEY_LENGTH_OFFSET);
            final int length = ENTRY_HEADER_LENGTH + (keyLength & ~DEAD) + UnsafeApi.getInt(entry + VALUE_LENGTH_OFFSET);
            if (keyLength >= 0)
            {
                if (to + write != entry)
                {
                    UnsafeApi.copyMemory(entry, to + write, length);
                }
                if (write != read)
                {
                    scratch.wrap(to + write + ENTRY_HEADER_LENGTH, keyLength);
                    final long entrySlot = findByPosition(key, tag(scratch, 0, keyLength), read);
                    UnsafeApi.putInt(entrySlot + SLOT_POSITION_OFFSET, write);
                }
                write += length;
            }
            read += length;
        }
        if (newOffset != oldOffset)
        {
            arena.free(oldOffset, oldClass);
            slot.putLong(BLOCK_OFFSET, newOffset);
            slot.putInt(CLASS_OFFSET, sizeClass);
        }
        slot.putInt(USED_OFFSET, write);
        slot.putInt(DEAD_OFFSET, 0);
    }

    private void markChanged(final long key)
    {
        changed.mark(key, slot, EPOCH_OFFSET);
    }

    // ---- entry table ----

    private void allocateEntries(final int capacity)
    {
        entriesAllocation = AlignedMemory.allocateZeroed((long)capacity * SLOT_LENGTH);
        entriesBase = AlignedMemory.base(entriesAllocation);
        entriesCapacity = capacity;
        entriesMask = capacity - 1;
        entriesShift = 64 - Integer.numberOfTrailingZeros(capacity);
        entriesThreshold = (int)(capacity * LOAD_FACTOR);
    }

    private int home(final long key, final int tag)
    {
        return (int)(((key ^ ((tag & 0xFFFF_FFFFL) * 0xC2B2AE3D27D4EB4FL)) * GOLDEN) >>> entriesShift);
    }

    /**
     * @return the address of the entry slot of the user key, or the complement of the empty slot that
     * ends its probe chain.
     */
    private long probe(
        final long key, final int tag, final long record, final DirectBuffer uk, final int ukOffset, final int ukLength)
    {
        int index = home(key, tag);
        while (true)
        {
            final long address = entriesBase + (long)index * SLOT_LENGTH;
            final int slotTag = UnsafeApi.getInt(address + SLOT_TAG_OFFSET);
            if (slotTag == 0)
            {
                return ~address;
            }
            if (slotTag == tag && UnsafeApi.getLong(address + SLOT_KEY_OFFSET) == key)
            {
                final long entry = record + UnsafeApi.getInt(address + SLOT_POSITION_OFFSET);
                if (UnsafeApi.getInt(entry + KEY_LENGTH_OFFSET) == ukLength &&
                    bytesEqual(entry + ENTRY_HEADER_LENGTH, uk, ukOffset, ukLength))
                {
                    return address;
                }
            }
            index = (index + 1) & entriesMask;
        }
    }

    private long findByPosition(final long key, final int tag, final int position)
    {
        int index = home(key, tag);
        while (true)
        {
            final long address = entriesBase + (long)index * SLOT_LENGTH;
            final int slotTag = UnsafeApi.getInt(address + SLOT_TAG_OFFSET);
            if (slotTag == 0)
            {
                throw new IllegalStateException("entry table lost the entry of key " + key + " at " + position);
            }
            if (slotTag == tag && UnsafeApi.getInt(address + SLOT_POSITION_OFFSET) == position &&
                UnsafeApi.getLong(address + SLOT_KEY_OFFSET) == key)
            {
                return address;
            }
            index = (index + 1) & entriesMask;
        }
    }

    /**
     * Insert an entry slot for a user key known to be absent.
     */
    private void insertEntry(final long key, final int tag, final int position)
    {
        if (entryCount >= entriesThreshold)
        {
            growEntries();
        }
        int index = home(key, tag);
        while (UnsafeApi.getInt(entriesBase + (long)index * SLOT_LENGTH + SLOT_TAG_OFFSET) != 0)
        {
            index = (index + 1) & entriesMask;
        }
        final long address = entriesBase + (long)index * SLOT_LENGTH;
        UnsafeApi.putLong(address + SLOT_KEY_OFFSET, key);
        UnsafeApi.putInt(address + SLOT_TAG_OFFSET, tag);
        UnsafeApi.putInt(address + SLOT_POSITION_OFFSET, position);
        entryCount++;
    }

    /**
     * Backward-shift deletion, as {@link DirectSlotTable}.
     */
    private void removeEntrySlot(final long slotAddress)
    {
        final long base = entriesBase;
        int hole = (int)((slotAddress - base) / SLOT_LENGTH);
        int index = (hole + 1) & entriesMask;
        while (true)
        {
            final long address = base + (long)index * SLOT_LENGTH;
            final int tag = UnsafeApi.getInt(address + SLOT_TAG_OFFSET);
            if (tag == 0)
            {
                break;
            }
            final int home = home(UnsafeApi.getLong(address + SLOT_KEY_OFFSET), tag);
            if ((hole < index && (home <= hole || home > index)) || (hole > index && (home <= hole && home > index)))
            {
                UnsafeApi.copyMemory(address, base + (long)hole * SLOT_LENGTH, SLOT_LENGTH);
                hole = index;
            }
            index = (index + 1) & entriesMask;
        }
        UnsafeApi.setMemory(base + (long)hole * SLOT_LENGTH, SLOT_LENGTH, (byte)0);
        entryCount--;
    }

    private void growEntries()
    {
        final long oldAllocation = entriesAllocation;
        final long oldBase = entriesBase;
        final int oldCapacity = entriesCapacity;
        if (oldCapacity >= 1 << 30)
        {
            throw new IllegalStateException("MapState entry table cannot exceed " + oldCapacity + " slots");
        }
        allocateEntries(oldCapacity << 1);
        for (int i = 0; i < oldCapacity; i++)
        {
            final long oldAddress = oldBase + (long)i * SLOT_LENGTH;
            final int tag = UnsafeApi.getInt(oldAddress + SLOT_TAG_OFFSET);
            if (tag != 0)
            {
                int index = home(UnsafeApi.getLong(oldAddress + SLOT_KEY_OFFSET), tag);
                while (UnsafeApi.getInt(entriesBase + (long)index * SLOT_LENGTH + SLOT_TAG_OFFSET) != 0)
                {
                    index = (index + 1) & entriesMask;
                }
                UnsafeApi.copyMemory(oldAddress, entriesBase + (long)index * SLOT_LENGTH, SLOT_LENGTH);
            }
        }
        UnsafeApi.freeMemory(oldAllocation);
    }

    // ---- user keys ----

    private static int tag(final DirectBuffer buffer, final int offset, final int length)
    {
        long h = length * GOLDEN;
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            h = Long.rotateLeft(h ^ (buffer.getLong(offset + i) * 0xC2B2AE3D27D4EB4FL), 31) * GOLDEN;
        }
        for (; i < length; i++)
        {
            h = (h ^ (buffer.getByte(offset + i) & 0xFF)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int)h | 1;
    }

    private static boolean bytesEqual(final long address, final DirectBuffer buffer, final int offset, final int length)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (UnsafeApi.getLong(address + i) != buffer.getLong(offset + i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (UnsafeApi.getByte(address + i) != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }
}
