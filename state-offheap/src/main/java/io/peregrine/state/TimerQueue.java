package io.peregrine.state;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Event- or processing-time timers of one shard: an ordered set of (time, key), fired in (time, key)
 * order, each pair at most once however often it is registered.
 * <p>
 * A primitive binary min-heap over two parallel {@code long[]} plus a {@link BytesKeySlotTable} of
 * the live (time, key) pairs for dedup. Cancel is lazy: the pair leaves the set and its heap entry
 * is skipped when it reaches the top. No allocation in the steady state (the arrays and the set only
 * grow when more timers are pending than ever before).
 * <pre>
 *   dedup key (16 bytes): | time (long) | key (long) |
 * </pre>
 * Single writer; a consumer may register new timers while being called.
 */
public final class TimerQueue implements AutoCloseable
{
    /**
     * Receives a due timer.
     */
    @FunctionalInterface
    public interface TimerConsumer
    {
        /**
         * @param time the timer's time.
         * @param key  the timer's key.
         */
        void onTimer(long time, long key);
    }

    private final BytesKeySlotTable live;
    private final UnsafeBuffer pair = new UnsafeBuffer(new byte[16]);
    private long[] times;
    private long[] keys;
    private int heapSize;

    /**
     * @param initialCapacity pending timers to size for.
     */
    public TimerQueue(final int initialCapacity)
    {
        final int capacity = Math.max(16, initialCapacity);
        times = new long[capacity];
        keys = new long[capacity];
        live = new BytesKeySlotTable(16, 0, (int)(capacity / 0.6f), 0.7f);
    }

    public TimerQueue()
    {
        this(1024);
    }

    /**
     * @return number of pending (registered, not fired, not cancelled) timers.
     */
    public int size()
    {
        return live.size();
    }

    /**
     * Register a timer unless the same (time, key) is already pending.
     *
     * @param time when it is due.
     * @param key  whose timer it is.
     * @return true if registered, false if it was already pending.
     */
    public boolean register(final long time, final long key)
    {
        if (!live.findOrInsert(pair(time, key), 0))
        {
            return false;
        }
        if (heapSize == times.length)
        {
            times = Arrays.copyOf(times, heapSize << 1);
            keys = Arrays.copyOf(keys, heapSize << 1);
        }
        siftUp(heapSize++, time, key);
        return true;
    }

    /**
     * @param time of the timer.
     * @param key  of the timer.
     * @return true if it was pending and is now cancelled.
     */
    public boolean cancel(final long time, final long key)
    {
        return live.remove(pair(time, key), 0);
    }

    /**
     * @param time of the timer.
     * @param key  of the timer.
     * @return true if the timer is pending.
     */
    public boolean contains(final long time, final long key)
    {
        return live.find(pair(time, key), 0);
    }

    /**
     * @return the time of the earliest pending timer, or {@link Long#MAX_VALUE} if none.
     */
    public long nextTime()
    {
        dropCancelledTop();
        return heapSize == 0 ? Long.MAX_VALUE : times[0];
    }

    /**
     * Fire pending timers with {@code time <= upTo} in (time, key) order, at most {@code limit}.
     *
     * @param upTo     the watermark or clock.
     * @param consumer called per timer, after it left the queue.
     * @param limit    most timers to fire in this call.
     * @return number fired.
     */
    public int pollDue(final long upTo, final TimerConsumer consumer, final int limit)
    {
        int fired = 0;
        while (fired < limit && heapSize > 0 && times[0] <= upTo)
        {
            final long time = times[0];
            final long key = keys[0];
            removeTop();
            if (live.remove(pair(time, key), 0))
            {
                fired++;
                consumer.onTimer(time, key);
            }
        }
        return fired;
    }

    /**
     * Visit every pending timer in no particular order (for a snapshot).
     *
     * @param consumer called per timer.
     */
    public void forEach(final TimerConsumer consumer)
    {
        live.forEach((pairKey) -> consumer.onTimer(pairKey.getLong(0), pairKey.getLong(8)));
    }

    /**
     * Drop every timer.
     */
    public void clear()
    {
        heapSize = 0;
        live.clear();
    }

    public void close()
    {
        live.close();
    }

    private UnsafeBuffer pair(final long time, final long key)
    {
        pair.putLong(0, time);
        pair.putLong(8, key);
        return pair;
    }

    private void dropCancelledTop()
    {
        while (heapSize > 0 && !live.find(pair(times[0], keys[0]), 0))
        {
            removeTop();
        }
    }

    private static boolean less(final long t1, final long k1, final long t2, final long k2)
    {
        return t1 < t2 || (t1 == t2 && k1 < k2);
    }

    private void siftUp(final int start, final long time, final long key)
    {
        final long[] times = this.times;
        final long[] keys = this.keys;
        int i = start;
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

    private void removeTop()
    {
        final long[] times = this.times;
        final long[] keys = this.keys;
        final int last = --heapSize;
        if (last == 0)
        {
            return;
        }
        final long time = times[last];
        final long key = keys[last];
        int i = 0;
        while (true)
        {
            int child = (i << 1) + 1;
            if (child >= last)
            {
                break;
            }
            if (child + 1 < last && less(times[child + 1], keys[child + 1], times[child], keys[child]))
            {
                child++;
            }
            if (!less(times[child], keys[child], time, key))
            {
                break;
            }
            times[i] = times[child];
            keys[i] = keys[child];
            i = child;
        }
        times[i] = time;
        keys[i] = key;
    }
}
