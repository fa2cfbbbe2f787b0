package io.peregrine.bench.nexmark.engine;

import org.agrona.collections.LongArrayList;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Overflow of a bounded list kept in a fixed-size keyed-state slot: the values beyond the slot's capacity, per key,
 * on the heap. Used where the length of a list depends on timing (how far one source split runs ahead of another)
 * rather than on the data, so a bound would make a job fail at random: items waiting for the other side of a join.
 * <p>
 * One instance serves a keyed operator on every shard: a key belongs to one shard, so each list is touched by one
 * thread only; the map itself is concurrent. It allocates only when a slot overflows, and it is not part of the
 * engine's keyed state (the engine has no variable-length list state yet).
 */
final class SpillLists
{
    private final ConcurrentHashMap<Long, LongArrayList> lists = new ConcurrentHashMap<>();
    private final AtomicLong spilled = new AtomicLong();

    void add(final long key, final long value)
    {
        lists.computeIfAbsent(key, (k) -> new LongArrayList()).addLong(value);
        spilled.incrementAndGet();
    }

    /**
     * @param key of the list.
     * @return the list of that key, or null if none (the caller owns it now).
     */
    LongArrayList remove(final long key)
    {
        return lists.isEmpty() ? null : lists.remove(key);
    }

    /**
     * @return values spilled so far.
     */
    long spilled()
    {
        return spilled.get();
    }
}
