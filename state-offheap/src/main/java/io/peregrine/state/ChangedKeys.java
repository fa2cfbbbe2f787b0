package io.peregrine.state;

import org.agrona.MutableDirectBuffer;

/**
 * The change log of a {@link KeyChangeTracking} state: the keys changed since the mark, each once, in a set of its
 * own, and whether the state was cleared. A key's index slot carries the epoch in which it was last recorded, so a
 * key changed many times in an interval costs one compare after the first.
 * <p>
 * Nothing is recorded before the first mark ({@link #resetMark()}, at a state's first checkpoint): until then the
 * state counts as cleared, so its first checkpoint is whole. A job without checkpoints (or before its first) pays
 * no change log at all, neither the set's probes nor its memory.
 */
final class ChangedKeys implements AutoCloseable
{
    private final DirectSlotTable keys;
    private int epoch = 1;
    private boolean cleared;
    private boolean tracking;

    ChangedKeys(final float loadFactor)
    {
        keys = new DirectSlotTable(0, 64, loadFactor);
    }

    /**
     * Record a change of a key whose index slot is {@code slot}, unless already recorded in this interval.
     */
    void mark(final long key, final MutableDirectBuffer slot, final int epochOffset)
    {
        if (tracking && slot.getInt(epochOffset) != epoch)
        {
            slot.putInt(epochOffset, epoch);
            keys.findOrInsert(key);
        }
    }

    /**
     * Record a change of a key that has no slot any more (removed).
     */
    void mark(final long key)
    {
        if (tracking)
        {
            keys.findOrInsert(key);
        }
    }

    /**
     * Everything was removed: no key needs recording, the whole state does.
     */
    void cleared()
    {
        keys.clear();
        cleared = true;
    }

    long forEach(final SlotTable.KeyConsumer consumer)
    {
        keys.forEach(consumer);
        return keys.size();
    }

    /**
     * @return true if the state must be journaled whole: it was cleared since the mark, or no mark was ever set.
     */
    boolean clearedSinceMark()
    {
        return cleared || !tracking;
    }

    void resetMark()
    {
        epoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
        keys.clear();
        cleared = false;
        tracking = true;
    }

    public void close()
    {
        keys.close();
    }
}
