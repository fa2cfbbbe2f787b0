package io.peregrine.state;

/**
 * Change tracking of a {@link SlotTable} between two marks, so that a checkpoint journals only the
 * entries that changed since the previous one.
 * <p>
 * An entry is changed when {@link SlotTable#findOrInsert(long)} positioned the flyweight over it
 * since the last {@link #resetMark()} (an insert or an update; the table cannot tell whether the
 * bytes really differ). Removes are kept as a list of keys. To bring a copy taken at the mark up to
 * date: if {@link #clearedSinceMark()} clear it, apply {@link #forEachRemovedSinceMark} and then
 * {@link #forEachChangedSinceMark}. A key may appear in both lists (removed then inserted again);
 * a removed key may never have been in the copy (inserted and removed after the mark); both are
 * harmless in that order.
 */
public interface DirtyTracking
{
    /**
     * Visit every entry changed since the mark, each once. The consumer must not insert or remove.
     *
     * @param consumer called with each key; {@link SlotTable#value()} is positioned over its slot.
     * @return the number of entries visited.
     */
    long forEachChangedSinceMark(SlotTable.KeyConsumer consumer);

    /**
     * Visit the keys removed since the mark, in the order they were removed.
     *
     * @param consumer called with each removed key; the flyweight is not positioned.
     * @return the number of keys visited.
     */
    long forEachRemovedSinceMark(SlotTable.KeyConsumer consumer);

    /**
     * @return true if {@link SlotTable#clear()} was called since the mark.
     */
    boolean clearedSinceMark();

    /**
     * Start a new interval: afterwards no entry is changed, no key removed, nothing cleared.
     * In a {@link MappedSlotTable} it costs one pass over a bitset of one bit per 4 slots, not over the slots.
     */
    void resetMark();
}
