package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Keyed value state of one operator on one shard: one fixed-size value per key, read and written
 * in place through the table's flyweight. A thin typed view over a {@link SlotTable}.
 */
public final class ValueState implements AutoCloseable
{
    private final SlotTable table;

    /**
     * @param table holding the values; owned by this state from now on.
     */
    public ValueState(final SlotTable table)
    {
        this.table = table;
    }

    /**
     * @return the table underneath, e.g. for dirty tracking.
     */
    public SlotTable table()
    {
        return table;
    }

    /**
     * @return bytes per value.
     */
    public int valueLength()
    {
        return table.valueLength();
    }

    /**
     * @return number of keys with a value.
     */
    public long size()
    {
        return table.size();
    }

    /**
     * @param key to read.
     * @return the flyweight over the value, or null if the key has none. Valid until the next insert or remove.
     */
    public DirectBuffer get(final long key)
    {
        return table.find(key) ? table.value() : null;
    }

    /**
     * @param key to update.
     * @return the flyweight over the value for update in place, zeroed if the key had none; marks it changed.
     */
    public MutableDirectBuffer update(final long key)
    {
        table.findOrInsert(key);
        return table.value();
    }

    /**
     * @param key     to read.
     * @param missing returned when the key has no value.
     * @return the long at offset 0 of the value.
     */
    public long getLong(final long key, final long missing)
    {
        return table.find(key) ? table.value().getLong(0) : missing;
    }

    /**
     * @param key   to write.
     * @param value stored at offset 0 of the value.
     */
    public void putLong(final long key, final long value)
    {
        table.findOrInsert(key);
        table.value().putLong(0, value);
    }

    /**
     * @param key to remove.
     * @return true if it had a value.
     */
    public boolean remove(final long key)
    {
        return table.remove(key);
    }

    public void close()
    {
        table.close();
    }
}
