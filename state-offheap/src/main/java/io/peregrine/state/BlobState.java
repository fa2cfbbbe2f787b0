package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Keyed state in direct memory holding one variable-length byte value per {@code long} key (a blob), read and
 * written in place through flyweights: the value state of operators whose per-key state is one binary structure
 * (a pattern's automaton). One probe finds a key's blob; a blob that changes length stays in its block while it
 * fits, so a steady state allocates and copies nothing but the bytes written.
 * <p>
 * Each blob lives in one block of a {@link BlockArena}; a {@link DirectSlotTable} maps the key to it.
 * <pre>
 *   index slot value (key -> blob), 24 bytes:
 *   0                   8         12        16        20        24
 *   +-------------------+---------+---------+---------+---------+
 *   |  block offset     |  length |  class  |  epoch  |  (pad)  |
 *   +-------------------+---------+---------+---------+---------+
 *   length: bytes of the blob; class: the block is 2^class bytes; epoch: change tracking
 *
 *   encoded format of writeKey: the blob's bytes as they are
 * </pre>
 * An empty blob is an absent key. Single writer; no method is thread safe. Flyweights are valid until the next
 * change.
 */
public final class BlobState implements KeyChangeTracking, AutoCloseable
{
    static final int BLOCK_OFFSET = 0;
    static final int LENGTH_OFFSET = 8;
    static final int CLASS_OFFSET = 12;
    static final int EPOCH_OFFSET = 16;
    static final int INDEX_VALUE_LENGTH = 24;
    private static final float LOAD_FACTOR = 0.65f;

    private final DirectSlotTable index;
    private final MutableDirectBuffer slot;
    private final BlockArena arena;
    private final ChangedKeys changed;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private long bytesUsed;
    /** The key whose slot {@link #slot} shows since the last {@link #get} or {@link #claim}, if {@link #lastValid}. */
    private long lastKey;
    private boolean lastValid;

    /**
     * @param initialKeys       keys to size the index for without growing.
     * @param initialArenaBytes bytes of blobs to start with.
     */
    public BlobState(final int initialKeys, final long initialArenaBytes)
    {
        index = new DirectSlotTable(INDEX_VALUE_LENGTH,
            (int)Math.min(1 << 30, Math.max(16, (long)(initialKeys / LOAD_FACTOR) + 1)), LOAD_FACTOR);
        slot = index.value();
        arena = new BlockArena(initialArenaBytes);
        changed = new ChangedKeys(LOAD_FACTOR);
    }

    public BlobState()
    {
        this(1024, 256 * 1024);
    }

    /**
     * @param key the key.
     * @return flyweight over the key's blob at offset 0 ({@code capacity()} is its length), valid until the next
     * change; null if the key has none.
     */
    public DirectBuffer get(final long key)
    {
        if (!index.find(key))
        {
            lastValid = false;
            return null;
        }
        lastKey = key;
        lastValid = true;
        view.wrap(arena.address(slot.getLong(BLOCK_OFFSET)), slot.getInt(LENGTH_OFFSET));
        return view;
    }

    /**
     * Change a blob in place, its length kept. The key counts as changed; the index is not touched (safe while
     * visiting the keys).
     *
     * @param key the key.
     * @return flyweight over the key's blob at offset 0, valid until the next change; null if the key has none.
     */
    public MutableDirectBuffer update(final long key)
    {
        lastValid = false;
        if (!index.find(key))
        {
            return null;
        }
        changed.mark(key, slot, EPOCH_OFFSET);
        view.wrap(arena.address(slot.getLong(BLOCK_OFFSET)), slot.getInt(LENGTH_OFFSET));
        return view;
    }

    /**
     * Make room for a blob of {@code length} bytes under the key, replacing what it had, and return a flyweight to
     * write it through. The old bytes are kept as far as the new length reaches (a blob may be rewritten in place).
     *
     * @param key    the key.
     * @param length of the new blob, 1 or more.
     * @return flyweight over the blob at offset 0 ({@code capacity()} is {@code length}), valid until the next change.
     * @throws IllegalArgumentException if the length is not between 1 and 1 GiB.
     */
    public MutableDirectBuffer claim(final long key, final int length)
    {
        if (length <= 0 || length > BlockArena.MAX_BLOCK_LENGTH)
        {
            throw new IllegalArgumentException("blob length must be between 1 and " + BlockArena.MAX_BLOCK_LENGTH +
                ": " + length);
        }
        final int sizeClass = BlockArena.classFor(length);
        // a get of the same key just before (a read, then a write of the new value) found the slot already
        final boolean found = lastValid && lastKey == key || !index.findOrInsert(key);
        lastKey = key;
        lastValid = true;
        if (!found)
        {
            slot.putLong(BLOCK_OFFSET, arena.allocate(sizeClass));
            slot.putInt(CLASS_OFFSET, sizeClass);
        }
        else
        {
            final int oldClass = slot.getInt(CLASS_OFFSET);
            bytesUsed -= slot.getInt(LENGTH_OFFSET);
            if (sizeClass > oldClass || sizeClass < oldClass - 1)
            {
                final long oldOffset = slot.getLong(BLOCK_OFFSET);
                final long newOffset = arena.allocate(sizeClass);
                final int keep = Math.min(length, slot.getInt(LENGTH_OFFSET));
                arena.copy(oldOffset, newOffset, keep);
                arena.free(oldOffset, oldClass);
                slot.putLong(BLOCK_OFFSET, newOffset);
                slot.putInt(CLASS_OFFSET, sizeClass);
            }
        }
        slot.putInt(LENGTH_OFFSET, length);
        bytesUsed += length;
        changed.mark(key, slot, EPOCH_OFFSET);
        view.wrap(arena.address(slot.getLong(BLOCK_OFFSET)), length);
        return view;
    }

    /**
     * Replace the key's blob with {@code length} bytes of {@code src}; a length of 0 removes it.
     */
    public void put(final long key, final DirectBuffer src, final int offset, final int length)
    {
        if (length == 0)
        {
            remove(key);
            return;
        }
        claim(key, length).putBytes(0, src, offset, length);
    }

    /**
     * @return true if the key had a blob.
     */
    public boolean remove(final long key)
    {
        lastValid = false;
        if (!index.find(key))
        {
            return false;
        }
        bytesUsed -= slot.getInt(LENGTH_OFFSET);
        arena.free(slot.getLong(BLOCK_OFFSET), slot.getInt(CLASS_OFFSET));
        index.remove(key);
        changed.mark(key);
        return true;
    }

    /**
     * @return keys with a blob.
     */
    public long keyCount()
    {
        return index.size();
    }

    /**
     * @return bytes of blobs (without the index and the unused ends of blocks).
     */
    public long bytesUsed()
    {
        return bytesUsed;
    }

    /**
     * @return bytes of direct memory reserved: the index and the arena.
     */
    public long memoryBytes()
    {
        return index.memoryBytes() + arena.capacity();
    }

    public void forEachKey(final SlotTable.KeyConsumer consumer)
    {
        lastValid = false;
        index.forEach(consumer);
    }

    public void clear()
    {
        lastValid = false;
        index.clear();
        arena.reset();
        bytesUsed = 0;
        changed.cleared();
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
        lastValid = false;
        return index.find(key) ? slot.getInt(LENGTH_OFFSET) : 0;
    }

    /**
     * {@inheritDoc} The format is the blob's bytes.
     */
    public int writeKey(final long key, final MutableDirectBuffer dst, final int offset)
    {
        final DirectBuffer blob = get(key);
        if (blob == null)
        {
            return 0;
        }
        final int length = blob.capacity();
        dst.putBytes(offset, blob, 0, length);
        return length;
    }

    public void restoreKey(final long key, final DirectBuffer src, final int offset, final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("negative blob length " + length + " for key " + key);
        }
        put(key, src, offset, length);
        if (length == 0)
        {
            changed.mark(key);
        }
    }

    public void close()
    {
        lastValid = false;
        index.close();
        arena.close();
        changed.close();
    }
}
