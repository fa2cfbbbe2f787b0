package io.peregrine.state;

import org.agrona.DirectBuffer;

/**
 * Keyed aggregating state: one {@link Accumulator} per key, updated in place in a {@link SlotTable}
 * slot. {@link #add(long, long)} is one table probe and the accumulator's arithmetic, no allocation.
 */
public final class AggregatingState implements AutoCloseable
{
    private final SlotTable table;
    private final Accumulator accumulator;

    /**
     * @param table       holding the accumulators, valueLength at least {@code accumulator.length()}; owned from now on.
     * @param accumulator the aggregate.
     */
    public AggregatingState(final SlotTable table, final Accumulator accumulator)
    {
        if (table.valueLength() < accumulator.length())
        {
            throw new IllegalArgumentException("table valueLength " + table.valueLength() +
                " is shorter than the accumulator's " + accumulator.length() + " bytes");
        }
        this.table = table;
        this.accumulator = accumulator;
    }

    /**
     * @return the table underneath, e.g. for dirty tracking.
     */
    public SlotTable table()
    {
        return table;
    }

    /**
     * @return the aggregate.
     */
    public Accumulator accumulator()
    {
        return accumulator;
    }

    /**
     * @return number of keys with an accumulator.
     */
    public long size()
    {
        return table.size();
    }

    /**
     * Add an input to the key's accumulator, creating it at the identity if absent.
     *
     * @param key   of the aggregate.
     * @param value input.
     */
    public void add(final long key, final long value)
    {
        if (table.findOrInsert(key))
        {
            accumulator.init(table.value(), 0);
        }
        accumulator.add(table.value(), 0, value);
    }

    /**
     * Merge another accumulator of the same kind into the key's accumulator.
     *
     * @param key    of the aggregate.
     * @param other  buffer of the other accumulator.
     * @param offset of the other accumulator.
     */
    public void merge(final long key, final DirectBuffer other, final int offset)
    {
        if (table.findOrInsert(key))
        {
            accumulator.init(table.value(), 0);
        }
        accumulator.merge(table.value(), 0, other, offset);
    }

    /**
     * @param key     of the aggregate.
     * @param missing returned when the key has no accumulator.
     * @return the result of the key's aggregate.
     */
    public double result(final long key, final double missing)
    {
        return table.find(key) ? accumulator.result(table.value(), 0) : missing;
    }

    /**
     * @param key of the aggregate.
     * @return the flyweight over the key's accumulator bytes, or null if absent.
     */
    public DirectBuffer accumulatorOf(final long key)
    {
        return table.find(key) ? table.value() : null;
    }

    /**
     * @param key of the aggregate.
     * @return true if it existed.
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
