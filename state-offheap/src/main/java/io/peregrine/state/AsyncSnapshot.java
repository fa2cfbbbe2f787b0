package io.peregrine.state;

/**
 * A table that can be snapshotted asynchronously: the snapshot starts in constant time and the changed entries are
 * copied out afterwards, each before it next changes (copy on write). See {@link MappedSlotTable#beginSnapshot}.
 */
public interface AsyncSnapshot extends DirtyTracking
{
    /**
     * @param copier receives each entry changed in the interval just closed, with its value as of this call.
     */
    void beginSnapshot(SlotTable.KeyConsumer copier);

    /**
     * @return true while entries are left to copy.
     */
    boolean hasPendingSnapshot();

    /**
     * @param budget about how many entries to copy.
     * @return entries copied.
     */
    int copyPending(int budget);
}
