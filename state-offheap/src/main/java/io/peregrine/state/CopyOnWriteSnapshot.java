package io.peregrine.state;

import org.agrona.UnsafeApi;

import java.util.Arrays;

import static io.peregrine.state.SlotLayout.EMPTY;
import static io.peregrine.state.SlotLayout.SLOT_STATE_OFFSET;
import static io.peregrine.state.SlotRegion.PAGE_SHIFT;

/**
 * The asynchronous snapshot of a {@link MappedSlotTable} ({@link AsyncSnapshot}): the dirty pages of the interval it
 * covers, taken from the current region when it begins, whose entries of that interval's epoch are handed to the
 * copier either in bounded batches ({@link #copyPending}) or, a page at a time, just before the table changes,
 * removes or moves an entry of a page still pending (copy on write).
 * <p>
 * The table calls {@link #beforeChange} and {@link #beforeShift} on its update paths; both are a flag test while no
 * snapshot is in progress. Allocation-free once the bitset has the size of the region's.
 */
final class CopyOnWriteSnapshot
{
    private final SlotVisitor visitor;
    private long[] pending = new long[1];
    private int epoch;
    private boolean active;
    private int word;
    private SlotTable.KeyConsumer copier;

    /**
     * @param visitor positions the table's flyweight over each entry copied.
     */
    CopyOnWriteSnapshot(final SlotVisitor visitor)
    {
        this.visitor = visitor;
    }

    /**
     * Take the dirty pages of {@code current} as the snapshot's, leaving the region an empty bitset. Any snapshot
     * still in progress must have been {@link #finish finished}.
     *
     * @param current the current region, which must have no growth in progress.
     * @param epoch   the epoch of the interval the snapshot covers: the entries of it in the pages are copied.
     * @param copier  receives each key with the flyweight over its value.
     */
    void begin(final SlotRegion current, final int epoch, final SlotTable.KeyConsumer copier)
    {
        final long[] dirty = current.dirtyPages;
        if (pending.length != dirty.length)
        {
            pending = new long[dirty.length];
        }
        current.dirtyPages = pending;
        Arrays.fill(current.dirtyPages, 0L);
        pending = dirty;
        this.epoch = epoch;
        word = 0;
        this.copier = copier;
        active = true;
    }

    /**
     * @return true while entries are left to copy.
     */
    boolean isActive()
    {
        return active;
    }

    /**
     * Copy everything still pending, if a snapshot is in progress: before the table clears, grows, starts a new mark
     * or another snapshot.
     */
    void finish(final SlotRegion current)
    {
        if (active)
        {
            copyPending(current, Integer.MAX_VALUE);
        }
    }

    /**
     * Copy up to about {@code budget} entries (whole pages of 4 slots).
     *
     * @return entries copied; when none are left the snapshot is over.
     */
    int copyPending(final SlotRegion current, final int budget)
    {
        int copied = 0;
        final long[] pages = pending;
        while (active && copied < budget)
        {
            if (word == pages.length)
            {
                active = false;
                copier = null;
                break;
            }
            long bits = pages[word];
            while (bits != 0 && copied < budget)
            {
                final int bit = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                copied += copyPage(current, (((long)word << 6) + bit) << PAGE_SHIFT);
            }
            if (bits == 0)
            {
                pages[word] = 0;
                word++;
            }
            else
            {
                pages[word] = bits;
            }
        }
        return copied;
    }

    /**
     * An entry whose slot has epoch {@code slotEpoch} is about to change: if it belongs to the snapshot, copy its
     * page first.
     */
    void beforeChange(final SlotRegion current, final long index, final int slotEpoch)
    {
        if (active && slotEpoch == epoch)
        {
            copyPageOf(current, index);
        }
    }

    /**
     * A remove shifts the rest of the probe chain from {@code from} back: copy what is pending in it first.
     */
    void beforeShift(final SlotRegion current, final int slotLength, final long from)
    {
        if (active)
        {
            copyCluster(current, slotLength, from);
        }
    }

    private void copyCluster(final SlotRegion current, final int slotLength, final long from)
    {
        long index = from;
        while (UnsafeApi.getInt(current.address(index, slotLength) + SLOT_STATE_OFFSET) != EMPTY)
        {
            copyPageOf(current, index);
            index = (index + 1) & current.mask;
        }
    }

    private void copyPageOf(final SlotRegion current, final long index)
    {
        final int word = (int)(index >>> (PAGE_SHIFT + 6));
        final long bit = 1L << (index >>> PAGE_SHIFT);
        if ((pending[word] & bit) != 0)
        {
            copyPage(current, (index >>> PAGE_SHIFT) << PAGE_SHIFT);
        }
    }

    /**
     * Copy every pending entry of the page starting at {@code first} and clear its pending bit.
     */
    private int copyPage(final SlotRegion current, final long first)
    {
        pending[(int)(first >>> (PAGE_SHIFT + 6))] &= ~(1L << (first >>> PAGE_SHIFT));
        return visitor.forEachInPage(current, first, epoch, copier);
    }
}
