package io.peregrine.state;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import static io.peregrine.state.SlotLayout.SLOT_EPOCH_OFFSET;
import static io.peregrine.state.SlotLayout.SLOT_STATE_OFFSET;
import static io.peregrine.state.SlotLayout.SLOT_VALUE_OFFSET;
import static io.peregrine.state.SlotLayout.USED;
import static io.peregrine.state.SlotRegion.PAGE_SHIFT;

/**
 * Iteration over the used slots of a {@link MappedSlotTable}'s regions: positions the table's value flyweight over
 * each entry and hands its key to a consumer. Whole regions, the resumable cursor over a growing table's two regions,
 * and the entries of one epoch in the dirty pages of a region, which change tracking and the snapshot share.
 * Allocation-free.
 */
final class SlotVisitor
{
    private final UnsafeBuffer value;
    private final int valueLength;
    private final int slotLength;
    private int remaining;

    /**
     * @param value       the table's flyweight, positioned over each entry visited.
     * @param valueLength bytes per value.
     * @param slotLength  bytes per slot.
     */
    SlotVisitor(final UnsafeBuffer value, final int valueLength, final int slotLength)
    {
        this.value = value;
        this.valueLength = valueLength;
        this.slotLength = slotLength;
    }

    /**
     * Visit every used slot of a region.
     */
    void forEachUsed(final SlotRegion r, final SlotTable.KeyConsumer consumer)
    {
        final int slotLength = this.slotLength;
        for (long i = 0, capacity = r.capacity; i < capacity; i++)
        {
            final long address = r.address(i, slotLength);
            if (UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == USED)
            {
                value.wrap(address + SLOT_VALUE_OFFSET, valueLength);
                consumer.accept(UnsafeApi.getLong(address));
            }
        }
    }

    /**
     * The cursor of {@link SlotTable#forEach(SlotTable.KeyConsumer, long, int)}: positions run over the draining
     * region (while a growth is in progress) and then the current one.
     *
     * @param draining the region being drained by growth, or null.
     * @param current  the current region.
     * @return the position to continue from, or -1 when every entry has been visited.
     */
    long forEach(
        final SlotRegion draining,
        final SlotRegion current,
        final SlotTable.KeyConsumer consumer,
        final long fromSlot,
        final int maxEntries)
    {
        final long drainingCapacity = draining == null ? 0 : draining.capacity;
        long position = fromSlot;
        int visited = 0;
        if (position < drainingCapacity)
        {
            position = forEachUsed(draining, consumer, position, maxEntries);
            if (position >= 0)
            {
                return position;
            }
            visited = maxEntries - remaining;
            position = drainingCapacity;
        }
        final long next = forEachUsed(current, consumer, position - drainingCapacity, maxEntries - visited);
        return next < 0 ? -1 : next + drainingCapacity;
    }

    /**
     * @return the slot to continue from, or -1 at the end of the region ({@link #remaining} holds
     * the entries still allowed).
     */
    private long forEachUsed(
        final SlotRegion r, final SlotTable.KeyConsumer consumer, final long from, final int maxEntries)
    {
        final int slotLength = this.slotLength;
        int allowed = maxEntries;
        for (long i = from, capacity = r.capacity; i < capacity; i++)
        {
            final long address = r.address(i, slotLength);
            if (UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == USED)
            {
                if (allowed == 0)
                {
                    return i;
                }
                value.wrap(address + SLOT_VALUE_OFFSET, valueLength);
                consumer.accept(UnsafeApi.getLong(address));
                allowed--;
            }
        }
        remaining = allowed;
        return -1;
    }

    /**
     * Visit the entries of {@code epoch} in the dirty pages of a region.
     *
     * @return entries visited.
     */
    long forEachChanged(final SlotRegion r, final int epoch, final SlotTable.KeyConsumer consumer)
    {
        final long[] dirtyPages = r.dirtyPages;
        long count = 0;
        for (int w = 0; w < dirtyPages.length; w++)
        {
            long bits = dirtyPages[w];
            while (bits != 0)
            {
                final int bit = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                count += forEachInPage(r, (((long)w << 6) + bit) << PAGE_SHIFT, epoch, consumer);
            }
        }
        return count;
    }

    /**
     * Visit the entries of {@code epoch} in the page of slots starting at {@code first}.
     *
     * @return entries visited.
     */
    int forEachInPage(final SlotRegion r, final long first, final int epoch, final SlotTable.KeyConsumer consumer)
    {
        final int slotLength = this.slotLength;
        final long last = Math.min(r.capacity, first + (1 << PAGE_SHIFT));
        int count = 0;
        for (long i = first; i < last; i++)
        {
            final long address = r.address(i, slotLength);
            if (UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == USED &&
                UnsafeApi.getInt(address + SLOT_EPOCH_OFFSET) == epoch)
            {
                value.wrap(address + SLOT_VALUE_OFFSET, valueLength);
                consumer.accept(UnsafeApi.getLong(address));
                count++;
            }
        }
        return count;
    }
}
