package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Keyed list state in direct memory, as Flink's {@code ListState}: per {@code long} key a list of
 * variable-length byte entries, appended to, read in place through a flyweight, trimmed or removed
 * whole. An empty list is an absent key.
 * <p>
 * Each key's entries are packed, in order, into one block of a {@link BlockArena}; a
 * {@link DirectSlotTable} maps the key to its block. An add that does not fit moves the list into a
 * block of the next fitting power of two (amortised constant time); a trim that leaves the block at
 * most a quarter used moves it into a smaller one. The packed entries are also the encoded format of
 * {@link #writeKey}, so journaling a key is one copy.
 * <p>
 * A state may give each key a small fixed-size <i>header</i> of its user's own (a time, flags, a counter kept with
 * the list rather than in a table of its own, so that an append touches one index slot, not two): it lives in the
 * key's index slot, comes and goes with the list, and is journaled with it.
 * <pre>
 *   index slot value (key -> list), 24 bytes and the header (rounded up to 8):
 *   0                   8         12        16        20        24
 *   +-------------------+---------+---------+---------+---------+------------------+
 *   |  block offset     |  used   |  count  |  class  |  epoch  |  header ...      |
 *   +-------------------+---------+---------+---------+---------+------------------+
 *   used: bytes of the block holding entries; count: entries; class: the block is 2^class bytes
 *   epoch: the mark epoch in which the key last changed (dirty tracking)
 *
 *   block (and encoded format), entries back to back, no padding:
 *   0         4                   4 + len0  8 + len0
 *   +---------+-------------------+---------+-------------------+---  ---+---------------+
 *   |  len0   |  entry 0 bytes    |  len1   |  entry 1 bytes    |  ...    |  (unused)     |
 *   +---------+-------------------+---------+-------------------+---  ---+---------------+
 *   len: int, native byte order; the encoded format is the header, then the first 'used' bytes
 * </pre>
 * One key's list holds at most 1 GiB. Single writer; no method is thread safe. Visitors must not
 * change the state, and the flyweights they are given are valid only during the call.
 */
public final class ListState implements KeyChangeTracking, AutoCloseable
{
    static final int BLOCK_OFFSET = 0;
    static final int USED_OFFSET = 8;
    static final int COUNT_OFFSET = 12;
    static final int CLASS_OFFSET = 16;
    static final int EPOCH_OFFSET = 20;
    static final int INDEX_VALUE_LENGTH = 24;
    static final int HEADER_OFFSET = INDEX_VALUE_LENGTH;
    /** Bytes of the length before each entry in a list's block (see {@link #block()}). */
    public static final int LENGTH_PREFIX = 4;

    private final DirectSlotTable index;
    private final ChangedKeys changed;
    private final BlockArena arena;
    private final MutableDirectBuffer slot;
    private final UnsafeBuffer entry = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer block = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer header = new UnsafeBuffer(0, 0);
    private final int headerLength;
    private long bytesUsed;

    /**
     * Visits the entries of one list.
     */
    @FunctionalInterface
    public interface EntryVisitor
    {
        /**
         * @param entry flyweight over the entry's bytes at offset 0 ({@code capacity()} is its length).
         */
        void accept(DirectBuffer entry);
    }

    /**
     * Decides which entries of a list to keep.
     */
    @FunctionalInterface
    public interface EntryPredicate
    {
        /**
         * @param entry flyweight over the entry's bytes at offset 0 ({@code capacity()} is its length).
         * @return true to keep the entry.
         */
        boolean test(DirectBuffer entry);
    }

    /**
     * @param initialKeys       keys to size the index for without growing.
     * @param initialArenaBytes bytes of entry blocks to start with.
     */
    public ListState(final int initialKeys, final long initialArenaBytes)
    {
        this(initialKeys, initialArenaBytes, 0);
    }

    /**
     * @param initialKeys       keys to size the index for without growing.
     * @param initialArenaBytes bytes of entry blocks to start with.
     * @param headerLength      bytes of each key's header (0 for none), zeroed when the key's list is created.
     */
    public ListState(final int initialKeys, final long initialArenaBytes, final int headerLength)
    {
        if (headerLength < 0 || headerLength > 1024)
        {
            throw new IllegalArgumentException("headerLength must be in 0..1024: " + headerLength);
        }
        this.headerLength = headerLength;
        index = new DirectSlotTable(INDEX_VALUE_LENGTH + ((headerLength + 7) & ~7),
            (int)Math.min(1 << 30, initialKeys / 0.7f + 1), 0.7f);
        changed = new ChangedKeys(0.7f);
        arena = new BlockArena(initialArenaBytes);
        slot = index.value();
    }

    /**
     * @return the header of the key that the last {@link #add} (or {@link #headerOf}) positioned this state on,
     * valid until the state next changes; writable only after an add or {@link #headerOf}, which mark the key changed.
     */
    public MutableDirectBuffer header()
    {
        header.wrap(slot, HEADER_OFFSET, headerLength);
        return header;
    }

    /**
     * @param key top-level key.
     * @return the key's header, to read or write (the key is marked changed), or null if the key has no list.
     */
    public MutableDirectBuffer headerOf(final long key)
    {
        if (!index.find(key))
        {
            return null;
        }
        markChanged(key);
        return header();
    }

    public ListState()
    {
        this(1024, 64 * 1024);
    }

    /**
     * Append an entry to the list of a key.
     *
     * @param key    top-level key.
     * @param src    buffer holding the entry.
     * @param offset of the entry in {@code src}.
     * @param length of the entry, 0 or more.
     * @return entries in the key's list now; {@link #header()} is then the key's.
     * @throws IllegalStateException if the list would exceed 1 GiB (nothing is changed).
     */
    public int add(final long key, final DirectBuffer src, final int offset, final int length)
    {
        return add(key, src, offset, 0, src, offset, length);
    }

    /**
     * Append an entry made of two parts, a header and a body, each copied once into the list: an operator's fixed
     * header (a time, a counter) before a row it keeps as it came.
     *
     * @param key          top-level key.
     * @param header       buffer holding the first part.
     * @param headerOffset of the first part.
     * @param headerLength of the first part, 0 or more.
     * @param body         buffer holding the second part.
     * @param bodyOffset   of the second part.
     * @param bodyLength   of the second part, 0 or more.
     * @return entries in the key's list now; {@link #header()} is then the key's.
     * @throws IllegalStateException if the list would exceed 1 GiB (nothing is changed).
     */
    public int add(
        final long key, final DirectBuffer header, final int headerOffset, final int headerLength,
        final DirectBuffer body, final int bodyOffset, final int bodyLength)
    {
        if (headerLength < 0 || bodyLength < 0)
        {
            throw new IllegalArgumentException("lengths must be >= 0: " + headerLength + ", " + bodyLength);
        }
        final MutableDirectBuffer block = claim(key, headerLength + bodyLength);
        if (headerLength > 0)
        {
            block.putBytes(0, header, headerOffset, headerLength);
        }
        block.putBytes(headerLength, body, bodyOffset, bodyLength);
        return slot.getInt(COUNT_OFFSET);
    }

    /**
     * Append an entry of {@code length} bytes to the list of a key and return it to be written in place (as Aeron's
     * {@code tryClaim}): the caller writes every byte of it before the state next changes.
     *
     * @param key    top-level key.
     * @param length of the entry, 0 or more.
     * @return flyweight over the new entry at offset 0 ({@code capacity()} is its length), valid until the state next
     * changes; {@link #header()} and {@link #block()} are then the key's.
     * @throws IllegalStateException if the list would exceed 1 GiB (nothing is changed).
     */
    public MutableDirectBuffer claim(final long key, final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("length must be >= 0: " + length);
        }
        final boolean inserted = index.findOrInsert(key);
        final int used = slot.getInt(USED_OFFSET);
        if ((long)used + LENGTH_PREFIX + length > BlockArena.MAX_BLOCK_LENGTH)
        {
            if (inserted)
            {
                index.remove(key);
            }
            throw new IllegalStateException("the list of key " + key + " would exceed " +
                BlockArena.MAX_BLOCK_LENGTH + " bytes");
        }
        final int need = LENGTH_PREFIX + length;
        if (inserted)
        {
            final int sizeClass = BlockArena.classFor(need);
            slot.putLong(BLOCK_OFFSET, arena.allocate(sizeClass));
            slot.putInt(CLASS_OFFSET, sizeClass);
        }
        else if (used + need > 1 << slot.getInt(CLASS_OFFSET))
        {
            move(used, BlockArena.classFor(used + need));
        }
        final long address = arena.address(slot.getLong(BLOCK_OFFSET)) + used;
        UnsafeApi.putInt(address, length);
        block.wrap(address + LENGTH_PREFIX, length);
        slot.putInt(USED_OFFSET, used + need);
        slot.putInt(COUNT_OFFSET, slot.getInt(COUNT_OFFSET) + 1);
        bytesUsed += need;
        markChanged(key);
        return block;
    }

    /**
     * The entries of the key that the last {@link #add}, {@link #claim} or {@link #headerOf} positioned this state on,
     * in place and in the encoded format ({@code | length (int) | entry bytes |} back to back): to reorder entries
     * without copying them out, for example to move an entry just added back to where its time belongs. The caller
     * keeps the format intact (the same entries, each with its own length before it).
     *
     * @return flyweight over the list's bytes at offset 0 ({@code capacity()} is the bytes used), valid until the state
     * next changes.
     */
    public MutableDirectBuffer block()
    {
        block.wrap(arena.address(slot.getLong(BLOCK_OFFSET)), slot.getInt(USED_OFFSET));
        return block;
    }

    /**
     * @return entries in the list of the key that the last {@link #add}, {@link #claim} or {@link #headerOf} positioned
     * this state on.
     */
    public int count()
    {
        return slot.getInt(COUNT_OFFSET);
    }

    /**
     * @param key top-level key.
     * @return entries in its list; 0 when absent.
     */
    public int size(final long key)
    {
        return index.find(key) ? slot.getInt(COUNT_OFFSET) : 0;
    }

    /**
     * Visit the entries of a key's list in the order they were added, in place (no copy).
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
        final long address = arena.address(slot.getLong(BLOCK_OFFSET));
        final int used = slot.getInt(USED_OFFSET);
        final UnsafeBuffer entry = this.entry;
        int count = 0;
        for (int position = 0; position < used; count++)
        {
            final int length = UnsafeApi.getInt(address + position);
            entry.wrap(address + position + LENGTH_PREFIX, length);
            visitor.accept(entry);
            position += LENGTH_PREFIX + length;
        }
        return count;
    }

    /**
     * Visit the entries of a key's list in order with a writable flyweight, to change fixed-size parts of entries in
     * place (a counter, a time): the key is marked changed, so the change is in the next incremental checkpoint.
     * An entry's length cannot change.
     *
     * @param key     top-level key.
     * @param visitor called with each entry; may write within the entry, must not otherwise change the state.
     * @return entries visited.
     */
    public int update(final long key, final EntryUpdater visitor)
    {
        if (!index.find(key))
        {
            return 0;
        }
        markChanged(key);
        final long address = arena.address(slot.getLong(BLOCK_OFFSET));
        final int used = slot.getInt(USED_OFFSET);
        final UnsafeBuffer entry = this.entry;
        int count = 0;
        for (int position = 0; position < used; count++)
        {
            final int length = UnsafeApi.getInt(address + position);
            entry.wrap(address + position + LENGTH_PREFIX, length);
            visitor.accept(entry);
            position += LENGTH_PREFIX + length;
        }
        return count;
    }

    /**
     * Changes entries of a list in place.
     */
    @FunctionalInterface
    public interface EntryUpdater
    {
        /**
         * @param entry writable flyweight over the entry's bytes at offset 0 ({@code capacity()} is its length).
         */
        void accept(MutableDirectBuffer entry);
    }

    /**
     * @return a new cursor over this state's lists, for an operator to make once and reuse.
     */
    public Cursor cursor()
    {
        return new Cursor();
    }

    /**
     * Reads one key's list entry by entry, in order, when a visitor will not do: two lists walked side by side (a
     * merge), or one list walked by two cursors at once. Each cursor has its own flyweight and position, so several
     * may be open over the same list. A cursor is valid until the state is next changed: {@link #reset} it after
     * any add, trim or removal.
     */
    public final class Cursor
    {
        private final UnsafeBuffer entry = new UnsafeBuffer(0, 0);
        private long address;
        private int used;
        private int position;
        private int entryPosition;
        private int ordinal;

        private Cursor()
        {
        }

        /**
         * Position before the first entry of a key's list.
         *
         * @param key top-level key.
         * @return false if the key has no list (the cursor is then at its end).
         */
        public boolean reset(final long key)
        {
            position = 0;
            ordinal = -1;
            if (!index.find(key))
            {
                used = 0;
                return false;
            }
            address = arena.address(slot.getLong(BLOCK_OFFSET));
            used = slot.getInt(USED_OFFSET);
            return true;
        }

        /**
         * Position before an entry of a key's list that an earlier walk reached ({@link #entryPosition()} and
         * {@link #index()} of that entry), to go on from there; valid only while the list has not changed since.
         *
         * @param key      top-level key.
         * @param position of the entry, as {@link #entryPosition()} gave it.
         * @param index    of the entry, as {@link #index()} gave it.
         * @return false if the key has no list.
         */
        public boolean reset(final long key, final int position, final int index)
        {
            if (!reset(key))
            {
                return false;
            }
            this.position = position;
            this.ordinal = index - 1;
            return true;
        }

        /**
         * @return true if it moved to the next entry, false at the end of the list.
         */
        public boolean next()
        {
            if (position >= used)
            {
                return false;
            }
            final int length = UnsafeApi.getInt(address + position);
            entryPosition = position;
            entry.wrap(address + position + LENGTH_PREFIX, length);
            position += LENGTH_PREFIX + length;
            ordinal++;
            return true;
        }

        /**
         * @return flyweight over the current entry at offset 0 ({@code capacity()} is its length), valid until the
         * next move of this cursor.
         */
        public DirectBuffer entry()
        {
            return entry;
        }

        /**
         * @return where the current entry starts in the key's block, for {@link #reset(long, int, int)}.
         */
        public int entryPosition()
        {
            return entryPosition;
        }

        /**
         * @return the current entry's position in the list, from 0.
         */
        public int index()
        {
            return ordinal;
        }
    }

    /**
     * Remove the whole list of a key.
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
        arena.free(slot.getLong(BLOCK_OFFSET), slot.getInt(CLASS_OFFSET));
        bytesUsed -= slot.getInt(USED_OFFSET);
        index.remove(key);
        changed.mark(key);
        return true;
    }

    /**
     * Keep only the entries the predicate accepts, in their order; removes the key if none is kept.
     *
     * @param key       top-level key.
     * @param predicate called once with each entry, in order; must not change the state.
     * @return entries removed.
     */
    public int retainIf(final long key, final EntryPredicate predicate)
    {
        if (!index.find(key))
        {
            return 0;
        }
        final long address = arena.address(slot.getLong(BLOCK_OFFSET));
        final int used = slot.getInt(USED_OFFSET);
        final int count = slot.getInt(COUNT_OFFSET);
        final UnsafeBuffer entry = this.entry;
        int write = 0;
        int kept = 0;
        for (int read = 0; read < used; )
        {
            final int length = UnsafeApi.getInt(address + read);
            final int total = LENGTH_PREFIX + length;
            entry.wrap(address + read + LENGTH_PREFIX, length);
            if (predicate.test(entry))
            {
                if (write != read)
                {
                    UnsafeApi.copyMemory(address + read, address + write, total);
                }
                write += total;
                kept++;
            }
            read += total;
        }
        index.find(key);
        return trimmed(key, count, used, kept, write);
    }

    /**
     * Remove the first {@code n} entries of a key's list (all of them, and the key, if it has no more).
     *
     * @param key top-level key.
     * @param n   entries to remove, 0 or more.
     * @return entries removed.
     */
    public int removeFirst(final long key, final int n)
    {
        if (n <= 0 || !index.find(key))
        {
            return 0;
        }
        final long address = arena.address(slot.getLong(BLOCK_OFFSET));
        final int used = slot.getInt(USED_OFFSET);
        final int count = slot.getInt(COUNT_OFFSET);
        if (n >= count)
        {
            remove(key);
            return count;
        }
        int position = 0;
        for (int i = 0; i < n; i++)
        {
            position += LENGTH_PREFIX + UnsafeApi.getInt(address + position);
        }
        UnsafeApi.copyMemory(address + position, address, used - position);
        return trimmed(key, count, used, count - n, used - position);
    }

    /**
     * Record a trim of the list positioned in {@link #slot}: the first {@code newUsed} bytes now hold
     * {@code kept} entries.
     */
    private int trimmed(final long key, final int count, final int used, final int kept, final int newUsed)
    {
        final int removed = count - kept;
        if (removed == 0)
        {
            return 0;
        }
        if (kept == 0)
        {
            remove(key);
            return removed;
        }
        slot.putInt(USED_OFFSET, newUsed);
        slot.putInt(COUNT_OFFSET, kept);
        bytesUsed -= used - newUsed;
        final int smaller = BlockArena.classFor(newUsed);
        if (smaller < slot.getInt(CLASS_OFFSET) - 1)
        {
            move(newUsed, smaller);
        }
        markChanged(key);
        return removed;
    }

    /**
     * Move the list positioned in {@link #slot} into a new block of {@code sizeClass}.
     */
    private void move(final int used, final int sizeClass)
    {
        final long oldOffset = slot.getLong(BLOCK_OFFSET);
        final long newOffset = arena.allocate(sizeClass);
        UnsafeApi.copyMemory(arena.address(oldOffset), arena.address(newOffset), used);
        arena.free(oldOffset, slot.getInt(CLASS_OFFSET));
        slot.putLong(BLOCK_OFFSET, newOffset);
        slot.putInt(CLASS_OFFSET, sizeClass);
    }

    private void markChanged(final long key)
    {
        changed.mark(key, slot, EPOCH_OFFSET);
    }

    /**
     * Visit every key that has a list, in no particular order (for a full snapshot).
     *
     * @param consumer called with each key; may call the read methods, must not change the state.
     */
    public void forEachKey(final SlotTable.KeyConsumer consumer)
    {
        index.forEach(consumer);
    }

    /**
     * Remove every list, keeping the memory for reuse.
     */
    public void clear()
    {
        index.clear();
        arena.reset();
        changed.cleared();
        bytesUsed = 0;
    }

    /**
     * @return keys that have a list.
     */
    public long keyCount()
    {
        return index.size();
    }

    /**
     * @return bytes of entries and their length prefixes held (the sum of every key's {@link #encodedLength} less its
     * header).
     */
    public long bytesUsed()
    {
        return bytesUsed;
    }

    /**
     * @return bytes held for the keys' contents: {@link #bytesUsed()} and an index slot (key, state, value) per key;
     * what a list of this state costs beyond the free space of its block and of the index.
     */
    public long heldBytes()
    {
        return bytesUsed + index.size() * (DirectSlotTable.VALUE_OFFSET + INDEX_VALUE_LENGTH + ((headerLength + 7) & ~7));
    }

    /**
     * @return bytes of direct memory reserved for entry blocks.
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
        return index.find(key) ? headerLength + slot.getInt(USED_OFFSET) : 0;
    }

    /**
     * {@inheritDoc} The format is the key's header (if the state has headers), then the block layout above:
     * {@code (int length, bytes)} per entry, in order.
     */
    public int writeKey(final long key, final MutableDirectBuffer dst, final int offset)
    {
        if (!index.find(key))
        {
            return 0;
        }
        if (headerLength > 0)
        {
            dst.putBytes(offset, slot, HEADER_OFFSET, headerLength);
        }
        final int used = slot.getInt(USED_OFFSET);
        block.wrap(arena.address(slot.getLong(BLOCK_OFFSET)), used);
        dst.putBytes(offset + headerLength, block, 0, used);
        return headerLength + used;
    }

    public void restoreKey(final long key, final DirectBuffer src, final int encodedOffset, final int encodedLength)
    {
        if (encodedLength == 0)
        {
            remove(key);
            return;
        }
        if (encodedLength <= headerLength)
        {
            throw new IllegalArgumentException("encoded list of " + encodedLength + " bytes has no entries after its " +
                headerLength + "-byte header");
        }
        final int offset = encodedOffset + headerLength;
        final int length = encodedLength - headerLength;
        final int count = countEntries(src, offset, length);
        final int sizeClass = BlockArena.classFor(length);
        if (index.findOrInsert(key))
        {
            slot.putLong(BLOCK_OFFSET, arena.allocate(sizeClass));
            slot.putInt(CLASS_OFFSET, sizeClass);
        }
        else
        {
            bytesUsed -= slot.getInt(USED_OFFSET);
            if (slot.getInt(CLASS_OFFSET) != sizeClass)
            {
                arena.free(slot.getLong(BLOCK_OFFSET), slot.getInt(CLASS_OFFSET));
                slot.putLong(BLOCK_OFFSET, arena.allocate(sizeClass));
                slot.putInt(CLASS_OFFSET, sizeClass);
            }
        }
        block.wrap(arena.address(slot.getLong(BLOCK_OFFSET)), length);
        block.putBytes(0, src, offset, length);
        if (headerLength > 0)
        {
            slot.putBytes(HEADER_OFFSET, src, encodedOffset, headerLength);
        }
        slot.putInt(USED_OFFSET, length);
        slot.putInt(COUNT_OFFSET, count);
        bytesUsed += length;
        markChanged(key);
    }

    private static int countEntries(final DirectBuffer src, final int offset, final int length)
    {
        if (length < 0 || length > BlockArena.MAX_BLOCK_LENGTH)
        {
            throw new IllegalArgumentException("encoded list length out of range: " + length);
        }
        int count = 0;
        int position = 0;
        while (position < length)
        {
            if (length - position < LENGTH_PREFIX)
            {
                throw new IllegalArgumentException("encoded list truncated at " + position + " of " + length);
            }
            final int entryLength = src.getInt(offset + position);
            if (entryLength < 0 || entryLength > length - position - LENGTH_PREFIX)
            {
                throw new IllegalArgumentException("encoded list entry length " + entryLength + " at " + position +
                    " of " + length);
            }
            position += LENGTH_PREFIX + entryLength;
            count++;
        }
        return count;
    }

    /**
     * Free the memory.
     */
    public void close()
    {
        index.close();
        changed.close();
        arena.close();
    }
}
