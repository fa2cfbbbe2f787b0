package io.peregrine.runtime;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A first-in first-out queue of rows with their time and key, in one off-heap region: appended at the tail, taken
 * from the head, the live part moved back to the start when the tail reaches the end and the head has passed the
 * middle, the region doubled when it is more than half live. No allocation once the region has reached its high-water
 * mark. Not keyed state: an operator that keeps rows here puts them into its keyed state before a checkpoint.
 * <pre>
 *   entry, 8-byte aligned:
 *   0         4         8                   16                  24
 *   +---------+---------+-------------------+-------------------+------------------------+
 *   | length  | (pad)   | time (long)       | key (long)        |  row bytes ...         |
 *   +---------+---------+-------------------+-------------------+------------------------+
 *   length: of the row
 * </pre>
 * Single writer.
 */
final class RowQueue
{
    private static final int LENGTH = 0;
    private static final int TIME = 8;
    private static final int KEY = 16;
    private static final int ROW = 24;

    private final ExpandableDirectByteBuffer region;
    private final UnsafeBuffer row = new UnsafeBuffer(0, 0);
    private int head;
    private int tail;
    private int count;
    private long lastTime = Long.MIN_VALUE;

    RowQueue(final int initialBytes)
    {
        region = new ExpandableDirectByteBuffer(initialBytes);
    }

    /**
     * @return rows queued.
     */
    int size()
    {
        return count;
    }

    /**
     * @return bytes of the live entries.
     */
    long bytes()
    {
        return tail - head;
    }

    /**
     * @return the time of the last row appended, {@code Long.MIN_VALUE} when empty.
     */
    long lastTime()
    {
        return count == 0 ? Long.MIN_VALUE : lastTime;
    }

    /**
     * Append a row.
     */
    void add(final long time, final long key, final DirectBuffer src, final int offset, final int length)
    {
        final int need = ROW + ((length + 7) & ~7);
        if (tail + need > region.capacity())
        {
            makeRoom(need);
        }
        region.putInt(tail + LENGTH, length);
        region.putLong(tail + TIME, time);
        region.putLong(tail + KEY, key);
        region.putBytes(tail + ROW, src, offset, length);
        tail += need;
        count++;
        lastTime = time;
    }

    private void makeRoom(final int need)
    {
        final int live = tail - head;
        if (head == 0 || live + need > region.capacity() / 2)
        {
            region.checkLimit(Math.max(region.capacity() * 2, live + need));
        }
        if (head > 0)
        {
            region.putBytes(0, region, head, live);
        }
        head = 0;
        tail = live;
    }

    /**
     * @return the head's time; call only when not empty.
     */
    long headTime()
    {
        return region.getLong(head + TIME);
    }

    /**
     * @return the head's key; call only when not empty.
     */
    long headKey()
    {
        return region.getLong(head + KEY);
    }

    /**
     * @return a flyweight over the head's row bytes at offset 0, valid until the queue next changes.
     */
    DirectBuffer headRow()
    {
        row.wrap(region, head + ROW, region.getInt(head + LENGTH));
        return row;
    }

    /**
     * Drop the head.
     */
    void poll()
    {
        head += ROW + ((region.getInt(head + LENGTH) + 7) & ~7);
        if (--count == 0)
        {
            head = 0;
            tail = 0;
        }
    }
}
