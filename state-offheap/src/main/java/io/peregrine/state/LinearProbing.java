package io.peregrine.state;

import org.agrona.UnsafeApi;

import static io.peregrine.state.SlotLayout.EMPTY;
import static io.peregrine.state.SlotLayout.MOVED;
import static io.peregrine.state.SlotLayout.SLOT_EPOCH_OFFSET;
import static io.peregrine.state.SlotLayout.SLOT_STATE_OFFSET;
import static io.peregrine.state.SlotLayout.USED;

/**
 * The index arithmetic of {@link MappedSlotTable}: linear probing with Fibonacci hashing over the slots of a
 * {@link SlotRegion} (the top bits of {@code (key ^ seed) * 2^64/phi} pick the home slot), backward-shift deletion
 * (no tombstones, so many removes never leave the table slow) and the migration of slots into a larger region.
 * Static and allocation-free, for the JIT to inline into the table's calls.
 */
final class LinearProbing
{
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private LinearProbing()
    {
    }

    /**
     * @param key   to place.
     * @param seed  the table's hash seed ({@link SlotTable#hashSeed(CharSequence)}).
     * @param shift 64 minus log2 of the region's capacity.
     * @return the home slot of the key.
     */
    static long home(final long key, final long seed, final int shift)
    {
        // The seed makes each table's slot order its own: a table filled in another table's iteration order (a
        // window's results inserted downstream) would otherwise pile its keys into one long probe run.
        return ((key ^ seed) * GOLDEN) >>> shift;
    }

    /**
     * @return the address of the used slot of {@code key} in {@code r}, or 0 if absent.
     */
    static long find(final SlotRegion r, final long key, final long seed, final int slotLength)
    {
        long index = home(key, seed, r.shift);
        while (true)
        {
            final long address = r.address(index, slotLength);
            final int state = UnsafeApi.getInt(address + SLOT_STATE_OFFSET);
            if (state == EMPTY)
            {
                return 0;
            }
            if (state == USED && UnsafeApi.getLong(address) == key)
            {
                return address;
            }
            index = (index + 1) & r.mask;
        }
    }

    /**
     * Backward-shift deletion: move later members of the probe chain into the hole so lookups
     * never need tombstones. A moved entry that changed since the mark ({@code epoch}) marks its new page.
     */
    static void shiftBack(
        final SlotRegion r, final long deleteIndex, final long seed, final int slotLength, final int epoch)
    {
        final long mask = r.mask;
        long hole = deleteIndex;
        long index = (hole + 1) & mask;
        while (true)
        {
            final long address = r.address(index, slotLength);
            if (UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == EMPTY)
            {
                break;
            }
            final long home = home(UnsafeApi.getLong(address), seed, r.shift);
            if ((hole < index && (home <= hole || home > index)) || (hole > index && (home <= hole && home > index)))
            {
                UnsafeApi.copyMemory(address, r.address(hole, slotLength), slotLength);
                if (UnsafeApi.getInt(address + SLOT_EPOCH_OFFSET) == epoch)
                {
                    r.markPage(hole);
                }
                hole = index;
            }
            index = (index + 1) & mask;
        }
        UnsafeApi.setMemory(r.address(hole, slotLength), slotLength, (byte)0);
    }

    /**
     * Move the used slots in {@code [from, end)} of a region being drained into the larger region {@code r}, leaving
     * them {@link SlotLayout#MOVED}. A moved entry that changed since the mark ({@code epoch}) marks its new page.
     */
    static void migrate(
        final SlotRegion old,
        final long from,
        final long end,
        final SlotRegion r,
        final long seed,
        final int slotLength,
        final int epoch)
    {
        for (long i = from; i < end; i++)
        {
            final long oldAddress = old.address(i, slotLength);
            if (UnsafeApi.getInt(oldAddress + SLOT_STATE_OFFSET) == USED)
            {
                long index = home(UnsafeApi.getLong(oldAddress), seed, r.shift);
                long address = r.address(index, slotLength);
                while (UnsafeApi.getInt(address + SLOT_STATE_OFFSET) != EMPTY)
                {
                    index = (index + 1) & r.mask;
                    address = r.address(index, slotLength);
                }
                UnsafeApi.copyMemory(oldAddress, address, slotLength);
                if (UnsafeApi.getInt(address + SLOT_EPOCH_OFFSET) == epoch)
                {
                    r.markPage(index);
                }
                UnsafeApi.putInt(oldAddress + SLOT_STATE_OFFSET, MOVED);
            }
        }
    }
}
