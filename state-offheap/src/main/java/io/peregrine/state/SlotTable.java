package io.peregrine.state;

import org.agrona.MutableDirectBuffer;

/**
 * Keyed state of one operator on one shard: an open-addressing hash table from a {@code long} key
 * to a fixed-size value slot, read and updated in place through a flyweight.
 * <p>
 * Single writer: a table belongs to one shard thread and is never shared; no method is thread safe.
 * <p>
 * The flyweight returned by {@link #value()} is positioned by {@link #find(long)},
 * {@link #findOrInsert(long)} and the cursor; it stays valid until the next call that may insert
 * or remove (an insert may grow the table and move every slot).
 */
public interface SlotTable extends AutoCloseable
{
    /**
     * @return the length in bytes of every value slot.
     */
    int valueLength();

    /**
     * @return the number of entries.
     */
    long size();

    /**
     * @return bytes of memory the table holds (all its slots, used or not), for metrics; by default the entries'
     * keys and values.
     */
    default long memoryBytes()
    {
        return size() * (Long.BYTES + valueLength());
    }

    /**
     * Position {@link #value()} over the slot of {@code key} for reading.
     *
     * @param key to look up.
     * @return true if present, false if absent (the flyweight is then not positioned).
     */
    boolean find(long key);

    /**
     * Position {@link #value()} over the slot of {@code key} for update, inserting a zeroed slot when
     * absent. The entry is marked changed for dirty tracking.
     *
     * @param key to look up or insert.
     * @return true if the key was inserted by this call, false if it was already present.
     */
    boolean findOrInsert(long key);

    /**
     * Remove the entry of {@code key}.
     *
     * @param key to remove.
     * @return true if it was present.
     */
    boolean remove(long key);

    /**
     * @return the flyweight over the value slot positioned by the last find or cursor step.
     */
    MutableDirectBuffer value();

    /**
     * Visit every entry. The consumer must not insert or remove.
     *
     * @param consumer called with each key; {@link #value()} is positioned over its slot.
     */
    void forEach(KeyConsumer consumer);

    /**
     * Visit entries from a slot position on, at most {@code maxEntries} of them: a cursor that lets
     * a single thread spread a long iteration over several calls. Valid only while nothing is
     * inserted or removed between the calls.
     *
     * @param consumer   called with each key; {@link #value()} is positioned over its slot.
     * @param fromSlot   0 to start, else the value the previous call returned.
     * @param maxEntries most entries to visit in this call.
     * @return the position to continue from, or -1 when every entry has been visited.
     */
    long forEach(KeyConsumer consumer, long fromSlot, int maxEntries);

    /**
     * Remove every entry, keeping the memory for reuse.
     */
    void clear();

    /**
     * Release the memory (and, for a mapped table, unmap and close the file).
     */
    void close();

    /**
     * Receives keys during iteration; the value is read through {@link SlotTable#value()}.
     */
    @FunctionalInterface
    interface KeyConsumer
    {
        void accept(long key);
    }

    /**
     * A hash seed for a table of this name: tables of different names order their slots differently, so filling one
     * table in the iteration order of another (a window's results keyed again downstream, a two-stage aggregation's
     * partials) does not cluster its keys into long probe runs, while a table reopened by name keeps its layout.
     *
     * @param name table name.
     * @return seed to xor into keys before hashing.
     */
    static long hashSeed(final CharSequence name)
    {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < name.length(); i++)
        {
            h = (h ^ name.charAt(i)) * 0xBF58476D1CE4E5B9L;
        }
        h = (h ^ (h >>> 31)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
    }
}
