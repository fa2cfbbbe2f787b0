package io.peregrine.runtime;

import org.agrona.ExpandableDirectByteBuffer;

/**
 * A first-in first-out queue of (time, key) pairs, 16 bytes each, off the heap (growing it allocates no heap beyond
 * the buffer's handle): cheaper than a timer heap when the times arrive nearly in order. {@link #pollDue} stops at
 * the first entry not yet due, so an entry behind a later one waits for it: a user must accept being called late
 * (never early).
 */
final class TimeKeyQueue
{
    /** Receives the due entries. */
    @FunctionalInterface
    interface Consumer
    {
        void accept(long time, long key);
    }

    private static final int ENTRY = 16;
    private final ExpandableDirectByteBuffer entries = new ExpandableDirectByteBuffer(64 * 1024);
    private int head;
    private int tail;

    void add(final long time, final long key)
    {
        if (tail + ENTRY > entries.capacity() && head >= entries.capacity() / 2)
        {
            entries.putBytes(0, entries, head, tail - head);
            tail -= head;
            head = 0;
        }
        entries.putLong(tail, time);
        entries.putLong(tail + 8, key);
        tail += ENTRY;
    }

    /**
     * @return entries polled: those from the head whose time is at most {@code upTo}.
     */
    int pollDue(final long upTo, final Consumer consumer)
    {
        int polled = 0;
        while (head < tail && entries.getLong(head) <= upTo)
        {
            final long time = entries.getLong(head);
            final long key = entries.getLong(head + 8);
            head += ENTRY;
            polled++;
            consumer.accept(time, key);
        }
        if (head == tail)
        {
            head = 0;
            tail = 0;
        }
        return polled;
    }

    int size()
    {
        return (tail - head) / ENTRY;
    }

    void clear()
    {
        head = 0;
        tail = 0;
    }
}
