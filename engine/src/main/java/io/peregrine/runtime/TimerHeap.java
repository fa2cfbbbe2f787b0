package io.peregrine.runtime;

/**
 * Timers of one keyed operator on one shard: a binary min-heap of (time, key) in two primitive
 * arrays, ordered by time then key, so a duplicate registration pops right after its twin and is
 * skipped. Grows by doubling; no allocation otherwise.
 */
final class TimerHeap
{
    private long[] times = new long[64];
    private long[] keys = new long[64];
    private int size;
    private long lastTime = Long.MIN_VALUE;
    private long lastKey;
    private boolean hasLast;

    int size()
    {
        return size;
    }

    void add(final long time, final long key)
    {
        if (size == times.length)
        {
            times = java.util.Arrays.copyOf(times, size * 2);
            keys = java.util.Arrays.copyOf(keys, size * 2);
        }
        int i = size++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!less(time, key, times[parent], keys[parent]))
            {
                break;
            }
            times[i] = times[parent];
            keys[i] = keys[parent];
            i = parent;
        }
        times[i] = time;
        keys[i] = key;
    }

    private static boolean less(final long t1, final long k1, final long t2, final long k2)
    {
        return t1 < t2 || (t1 == t2 && k1 < k2);
    }

    /**
     * @return time of the earliest timer, or Long.MAX_VALUE if none.
     */
    long peekTime()
    {
        return size == 0 ? Long.MAX_VALUE : times[0];
    }

    /**
     * @return true if a timer is due at or before {@code upTo}.
     */
    boolean hasDue(final long upTo)
    {
        return size > 0 && times[0] <= upTo;
    }

    long peekKey()
    {
        return keys[0];
    }

    /**
     * Remove the earliest timer.
     *
     * @return true if it differs from the previous one removed (false for a duplicate).
     */
    boolean pop()
    {
        final long time = times[0];
        final long key = keys[0];
        final boolean fresh = !hasLast || time != lastTime || key != lastKey;
        lastTime = time;
        lastKey = key;
        hasLast = true;
        final int last = --size;
        if (last > 0)
        {
            final long t = times[last];
            final long k = keys[last];
            int i = 0;
            while (true)
            {
                final int left = 2 * i + 1;
                if (left >= last)
                {
                    break;
                }
                int child = left;
                final int right = left + 1;
                if (right < last && less(times[right], keys[right], times[left], keys[left]))
                {
                    child = right;
                }
                if (!less(times[child], keys[child], t, k))
                {
                    break;
                }
                times[i] = times[child];
                keys[i] = keys[child];
                i = child;
            }
            times[i] = t;
            keys[i] = k;
        }
        return fresh;
    }
}
