package io.peregrine.runtime;

import io.peregrine.api.Row;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What a window keeps per key in its fixed-size state slot, and what it emits when it fires.
 */
interface WindowFunction
{
    int accumulatorLength();

    void init(MutableDirectBuffer acc);

    void add(MutableDirectBuffer acc, Row row);

    void merge(MutableDirectBuffer acc, DirectBuffer other, int otherOffset);

    /**
     * Emit the window's result(s) for one key.
     */
    void emit(long key, long windowStart, long windowEnd, DirectBuffer acc, RowCollector out);
}
