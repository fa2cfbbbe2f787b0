package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A fixed-size aggregate kept in place in a state slot: no object per key, no copy per update.
 * Implementations are stateless; the accumulator's bytes are at {@code offset} of the slot.
 * See {@link BuiltInAccumulator} for sum, count, min, max and average.
 */
public interface Accumulator
{
    /**
     * @return bytes of the accumulator.
     */
    int length();

    /**
     * Set a freshly inserted (zeroed) accumulator to the identity of the aggregate.
     *
     * @param acc    slot buffer.
     * @param offset of the accumulator.
     */
    void init(MutableDirectBuffer acc, int offset);

    /**
     * @param acc    slot buffer.
     * @param offset of the accumulator.
     * @param value  input to add.
     */
    void add(MutableDirectBuffer acc, int offset, long value);

    /**
     * Merge another accumulator of the same kind into this one (e.g. panes into a sliding window).
     *
     * @param acc         slot buffer.
     * @param offset      of the accumulator.
     * @param other       buffer of the other accumulator.
     * @param otherOffset of the other accumulator.
     */
    void merge(MutableDirectBuffer acc, int offset, DirectBuffer other, int otherOffset);

    /**
     * @param acc    slot buffer.
     * @param offset of the accumulator.
     * @return the aggregate's result.
     */
    double result(DirectBuffer acc, int offset);
}
