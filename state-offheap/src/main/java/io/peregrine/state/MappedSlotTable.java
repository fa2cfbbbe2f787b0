package io.peregrine.state;

import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static io.peregrine.state.SlotLayout.EMPTY;
import static io.peregrine.state.SlotLayout.MOVED;
import static io.peregrine.state.SlotLayout.SLOT_EPOCH_OFFSET;
import static io.peregrine.state.SlotLayout.SLOT_STATE_OFFSET;
import static io.peregrine.state.SlotLayout.SLOT_VALUE_OFFSET;
import static io.peregrine.state.SlotLayout.USED;

/**
 * {@link SlotTable} in a memory-mapped file, so keyed state can be larger than the Java heap (the
 * operating system pages it) and survives a close and reopen.
 * <p>
 * Linear probing with Fibonacci hashing and backward-shift deletion ({@link LinearProbing}), and
 * <b>incremental growth</b>: when the load factor is reached a new file of twice the slots is mapped
 * beside the old one and every later insert migrates a bounded number of old slots ({@code
 * growthStepSlots}); lookups check the new region then the old one until the old one is drained; its file
 * is then replaced by the new one ({@link TableFiles}) and unmapped by a background retirer thread
 * ({@link RegionRetirer}: unmapping and freeing pages is proportional to the old size). No single insert pays for
 * the whole table.
 * <p>
 * The slot region is mapped in segments of at most 1 GiB each ({@link SlotRegion}), so a table may be far larger
 * than the 2 GiB of one {@link MappedByteBuffer}. Slots are addressed by raw address.
 * <p>
 * <b>File</b> {@code <name>.state}, little-endian: a header of {@link #HEADER_LENGTH} bytes ({@link SlotFileHeader})
 * then slot 0 to slot capacity-1, each {@link #slotLength(int)} bytes ({@link SlotLayout}: key, state, epoch, value).
 * <p>
 * <b>Dirty tracking</b> costs one compare on every {@code findOrInsert}: an entry whose epoch is not
 * the current one gets it, and the bit of its page (4 slots) is set in an on-heap bitset. Changed
 * entries are found by visiting the set pages only ({@link SlotVisitor}). Reopening a table starts a new mark.
 * An <b>asynchronous snapshot</b> takes that bitset over and copies the entries out on write
 * ({@link CopyOnWriteSnapshot}).
 * <p>
 * A growth interrupted by a crash leaves {@code <name>.state.grow} beside the file; opening then
 * fails: restore the table from the last checkpoint (a {@code .grow} file alone is a finished growth
 * and is adopted). Data pages are written back by the operating
 * system; {@link #force()} forces them. Durability across machine failures comes from checkpoints.
 * <p>
 * This class holds the table's operations and state; the per-record paths ({@code find}, {@code findOrInsert},
 * {@code remove}) stay here, calling its collaborators only through static or final methods.
 * <p>
 * Single writer; no method is thread safe.
 */
public final class MappedSlotTable implements SlotTable, DirtyTracking, AsyncSnapshot
{
    /** Suffix of a table's file. */
    public static final String FILE_SUFFIX = ".state";
    /** Suffix of the larger file a growing table migrates into. */
    public static final String GROW_SUFFIX = ".state.grow";
    /** "PGSTATE" followed by 0x01, read as a little-endian long. */
    public static final long MAGIC = 0x0145544154534750L;
    /** Format version this build reads and writes. */
    public static final int FORMAT_VERSION = 1;
    /** Length of the header; slots start at this (page-aligned) offset. */
    public static final int HEADER_LENGTH = 4096;
    /** Key length of this table's layout. */
    public static final int KEY_LENGTH = 8;
    /** Default slots migrated per insert while growing. */
    public static final int DEFAULT_GROWTH_STEP_SLOTS = 16;
    /** Default load factor. */
    public static final float DEFAULT_LOAD_FACTOR = 0.7f;

    /** Tables up to this many slot bytes are cleared by zeroing in place rather than truncating the file. */
    static final long CLEAR_IN_PLACE_MAX_BYTES = 64L << 20;
    static final int MIN_CAPACITY = 16;
    private static final RegionRetirer RETIRER = new RegionRetirer();

    private final Path dir;
    private final String name;
    private final int valueLength;
    private final int slotLength;
    private final float loadFactor;
    private final int growthStepSlots;
    private final UnsafeBuffer value = new UnsafeBuffer(0, 0);
    private final SlotVisitor visitor;
    private final CopyOnWriteSnapshot snapshot;
    private SlotRegion current;
    // Copies of the current region's addressing, read on every lookup without a dereference.
    private long base;
    private long[] addresses;
    private int shift;
    private long mask;
    private int segmentShift;
    private long segmentMask;
    private SlotRegion draining;
    private long drainCursor;
    private long threshold;
    private long size;
    private int epoch;
    private long[] removedKeys = new long[64];
    private int removedCount;
    private boolean clearedSinceMark;

    private final long seed;

    private MappedSlotTable(
        final Path dir,
        final String name,
        final int valueLength,
        final float loadFactor,
        final int growthStepSlots)
    {
        this.seed = SlotTable.hashSeed(name);
        this.dir = dir;
        this.name = name;
        this.valueLength = valueLength;
        this.slotLength = slotLength(valueLength);
        this.loadFactor = loadFactor;
        this.growthStepSlots = growthStepSlots;
        this.visitor = new SlotVisitor(value, valueLength, slotLength);
        this.snapshot = new CopyOnWriteSnapshot(visitor);
    }

    /**
     * Create a new table file {@code dir/name.state}; it must not exist.
     *
     * @param dir             directory of the file (created if absent).
     * @param name            table name, e.g. {@code "window-sum.shard-3"}.
     * @param valueLength     bytes per value slot.
     * @param initialCapacity slots to start with (rounded up to a power of two, at least 16).
     * @return the open table.
     * @throws StateFileException if the file exists or cannot be created.
     */
    public static MappedSlotTable create(
        final Path dir, final String name, final int valueLength, final long initialCapacity)
    {
        return create(dir, name, valueLength, initialCapacity, DEFAULT_LOAD_FACTOR, DEFAULT_GROWTH_STEP_SLOTS);
    }

    /**
     * Create a new table file {@code dir/name.state}; it must not exist.
     *
     * @param dir             directory of the file (created if absent).
     * @param name            table name.
     * @param valueLength     bytes per value slot.
     * @param initialCapacity slots to start with (rounded up to a power of two, at least 16).
     * @param loadFactor      fraction of used slots that starts a growth, in (0.1, 0.95).
     * @param growthStepSlots old slots migrated per insert while growing, at least 4.
     * @return the open table.
     */
    public static MappedSlotTable create(
        final Path dir,
        final String name,
        final int valueLength,
        final long initialCapacity,
        final float loadFactor,
        final int growthStepSlots)
    {
        validate(name, valueLength, loadFactor, growthStepSlots);
        final long capacity = Long.highestOneBit(Math.max(MIN_CAPACITY, initialCapacity - 1)) << 1;
        final MappedSlotTable table = new MappedSlotTable(dir, name, valueLength, loadFactor, growthStepSlots);
        table.epoch = 1;
        table.install(TableFiles.create(dir, name, capacity, valueLength, table.slotLength, table.epoch));
        return table;
    }

    /**
     * Open an existing table file {@code dir/name.state}, checking its header against the layout.
     *
     * @param dir         directory of the file.
     * @param name        table name.
     * @param valueLength bytes per value slot the caller expects.
     * @return the open table with every entry it held at close; a new mark is started.
     * @throws StateFileException naming the file if it is missing, truncated, of another format,
     *                            version or layout, or its header checksum does not match.
     */
    public static MappedSlotTable open(final Path dir, final String name, final int valueLength)
    {
        return open(dir, name, valueLength, DEFAULT_LOAD_FACTOR, DEFAULT_GROWTH_STEP_SLOTS);
    }

    /**
     * Open an existing table file, see {@link #open(Path, String, int)}.
     *
     * @param dir             directory of the file.
     * @param name            table name.
     * @param valueLength     bytes per value slot the caller expects.
     * @param loadFactor      fraction of used slots that starts a growth.
     * @param growthStepSlots old slots migrated per insert while growing.
     * @return the open table.
     */
    public static MappedSlotTable open(
        final Path dir, final String name, final int valueLength, final float loadFactor, final int growthStepSlots)
    {
        validate(name, valueLength, loadFactor, growthStepSlots);
        final MappedSlotTable table = new MappedSlotTable(dir, name, valueLength, loadFactor, growthStepSlots);
        final SlotRegion region = TableFiles.open(dir, name, valueLength, table.slotLength);
        table.epoch = nextEpoch(SlotFileHeader.epoch(region.header));
        table.size = SlotFileHeader.wasLeftOpen(region.header) ?
            region.countUsed(table.slotLength) : SlotFileHeader.size(region.header);
        table.install(region);
        region.writeHeader(table.size, table.epoch, 1);
        return table;
    }

    /**
     * @param valueLength bytes per value.
     * @return bytes per slot of this layout: 16 bytes of key and metadata plus the value padded to 8.
     */
    public static int slotLength(final int valueLength)
    {
        return SlotLayout.slotLength(valueLength);
    }

    private static void validate(
        final String name, final int valueLength, final float loadFactor, final int growthStepSlots)
    {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
        {
            throw new UnsupportedOperationException("MappedSlotTable needs a little-endian platform");
        }
        if (name == null || !name.matches("[A-Za-z0-9_.\\-]{1,200}"))
        {
            throw new IllegalArgumentException("table name must be 1-200 of [A-Za-z0-9_.-]: " + name);
        }
        if (valueLength < 0 || valueLength > (1 << 20))
        {
            throw new IllegalArgumentException("valueLength must be in [0, 1 MiB]: " + valueLength);
        }
        if (loadFactor <= 0.1f || loadFactor >= 0.95f)
        {
            throw new IllegalArgumentException("loadFactor must be in (0.1, 0.95): " + loadFactor);
        }
        if (growthStepSlots < 4)
        {
            throw new IllegalArgumentException("growthStepSlots must be >= 4: " + growthStepSlots);
        }
    }

    private static int nextEpoch(final int epoch)
    {
        final int next = epoch + 1;
        return next == 0 ? 1 : next;
    }

    private void install(final SlotRegion region)
    {
        current = region;
        threshold = (long)(region.capacity * (double)loadFactor);
        syncAddressing();
    }

    private void syncAddressing()
    {
        final SlotRegion r = current;
        addresses = r.addresses;
        base = r.addresses.length == 1 ? r.addresses[0] : 0;
        shift = r.shift;
        mask = r.mask;
        segmentShift = r.segmentShift;
        segmentMask = r.segmentMask;
    }

    /**
     * Address of a slot of the current region: one multiply when the region is one segment (up to
     * 1 GiB), else a segment lookup.
     */
    private long slotAddress(final long index)
    {
        final long base = this.base;
        if (base != 0)
        {
            return base + index * slotLength;
        }
        return addresses[(int)(index >>> segmentShift)] + (index & segmentMask) * slotLength;
    }

    /**
     * @return the file of the table (the larger one while growing).
     */
    public Path file()
    {
        return current.file;
    }

    /**
     * @return the table name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the directory of the table file.
     */
    public Path directory()
    {
        return dir;
    }

    public int valueLength()
    {
        return valueLength;
    }

    /**
     * @return bytes per slot.
     */
    public int slotLength()
    {
        return slotLength;
    }

    public long size()
    {
        return size;
    }

    /**
     * @return slots of the current region.
     */
    public long capacity()
    {
        return current.capacity;
    }

    /**
     * @return true until closed.
     */
    public boolean isOpen()
    {
        return current != null;
    }

    /**
     * @return true while an old region is being migrated into the current one.
     */
    public boolean isGrowing()
    {
        return draining != null;
    }

    public boolean find(final long key)
    {
        final long mask = this.mask;
        long index = LinearProbing.home(key, seed, shift);
        while (true)
        {
            final long address = slotAddress(index);
            if (UnsafeApi.getLong(address) == key && UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == USED)
            {
                value.wrap(address + SLOT_VALUE_OFFSET, valueLength);
                return true;
            }
            if (UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == EMPTY)
            {
                break;
            }
            index = (index + 1) & mask;
        }

        if (draining != null)
        {
            final long address = LinearProbing.find(draining, key, seed, slotLength);
            if (address != 0)
            {
                value.wrap(address + SLOT_VALUE_OFFSET, valueLength);
                return true;
            }
        }

        return false;
    }

    public boolean findOrInsert(final long key)
    {
        final SlotRegion r = current;
        final long mask = this.mask;
        long index = LinearProbing.home(key, seed, shift);
        long address;
        while (true)
        {
            address = slotAddress(index);
            if (UnsafeApi.getLong(address) == key && UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == USED)
            {
                final int slotEpoch = UnsafeApi.getInt(address + SLOT_EPOCH_OFFSET);
                if (slotEpoch != epoch)
                {
                    snapshot.beforeChange(r, index, slotEpoch); // the snapshot in progress gets the value first
                    UnsafeApi.putInt(address + SLOT_EPOCH_OFFSET, epoch);
                    r.markPage(index);
                }
                value.wrap(address + SLOT_VALUE_OFFSET, valueLength);
                return false;
            }
            if (UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == EMPTY)
            {
                break;
            }
            index = (index + 1) & mask;
        }

        if (draining != null)
        {
            final long oldAddress = LinearProbing.find(draining, key, seed, slotLength);
            if (oldAddress != 0)
            {
                // Move it now so the flyweight points into the region that stays.
                UnsafeApi.copyMemory(oldAddress, address, slotLength);
                UnsafeApi.putInt(oldAddress + SLOT_STATE_OFFSET, MOVED);
                UnsafeApi.putInt(address + SLOT_EPOCH_OFFSET, epoch);
                r.markPage(index);
                value.wrap(address + SLOT_VALUE_OFFSET, valueLength);
                return false;
            }
        }

        if (size >= threshold)
        {
            grow();
            return findOrInsert(key);
        }

        UnsafeApi.putLong(address, key);
        UnsafeApi.putInt(address + SLOT_STATE_OFFSET, USED);
        UnsafeApi.putInt(address + SLOT_EPOCH_OFFSET, epoch);
        r.markPage(index);
        size++;
        if (draining != null)
        {
            drain(growthStepSlots);
        }
        value.wrap(address + SLOT_VALUE_OFFSET, valueLength);
        return true;
    }

    public boolean remove(final long key)
    {
        final SlotRegion r = current;
        final int slotLength = this.slotLength;
        long index = LinearProbing.home(key, seed, r.shift);
        while (true)
        {
            final long address = r.address(index, slotLength);
            if (UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == EMPTY)
            {
                break;
            }
            if (UnsafeApi.getLong(address) == key)
            {
                snapshot.beforeShift(r, slotLength, index);
                LinearProbing.shiftBack(r, index, seed, slotLength, epoch);
                removed(key);
                return true;
            }
            index = (index + 1) & r.mask;
        }

        if (draining != null)
        {
            final long oldAddress = LinearProbing.find(draining, key, seed, slotLength);
            if (oldAddress != 0)
            {
                UnsafeApi.putInt(oldAddress + SLOT_STATE_OFFSET, MOVED);
                removed(key);
                return true;
            }
        }

        return false;
    }

    public MutableDirectBuffer value()
    {
        return value;
    }

    public void forEach(final KeyConsumer consumer)
    {
        if (draining != null)
        {
            visitor.forEachUsed(draining, consumer);
        }
        visitor.forEachUsed(current, consumer);
    }

    public long forEach(final KeyConsumer consumer, final long fromSlot, final int maxEntries)
    {
        return visitor.forEach(draining, current, consumer, fromSlot, maxEntries);
    }

    public void clear()
    {
        snapshot.finish(current);
        if (draining != null)
        {
            retireDraining();
        }
        if (current.capacity * slotLength <= CLEAR_IN_PLACE_MAX_BYTES)
        {
            // A small table (a window's panes, cleared at every firing) is zeroed in place: no
            // system call, no allocation. A large one is truncated and remapped, which hands its
            // pages back to the operating system at once.
            current.zeroSlots(slotLength);
        }
        else
        {
            current.recreate(slotLength);
        }
        syncAddressing();
        size = 0;
        clearedSinceMark = true;
        removedCount = 0;
        Arrays.fill(current.dirtyPages, 0L);
    }

    public long forEachChangedSinceMark(final KeyConsumer consumer)
    {
        long count = 0;
        if (draining != null)
        {
            count += visitor.forEachChanged(draining, epoch, consumer);
        }
        return count + visitor.forEachChanged(current, epoch, consumer);
    }

    public long forEachRemovedSinceMark(final KeyConsumer consumer)
    {
        final long[] removedKeys = this.removedKeys;
        final int count = removedCount;
        for (int i = 0; i < count; i++)
        {
            consumer.accept(removedKeys[i]);
        }
        return count;
    }

    public boolean clearedSinceMark()
    {
        return clearedSinceMark;
    }

    public void resetMark()
    {
        snapshot.finish(current);
        epoch = nextEpoch(epoch);
        Arrays.fill(current.dirtyPages, 0L);
        if (draining != null)
        {
            Arrays.fill(draining.dirtyPages, 0L);
        }
        removedCount = 0;
        clearedSinceMark = false;
    }

    /**
     * Start an asynchronous snapshot of the entries changed since the mark: afterwards the table is at a new mark (as
     * {@link #resetMark()}) and goes on changing, while the entries of the interval just closed are handed, each with
     * its value as it was here, to {@code copier}: by {@link #copyPending(int)}, or at the latest just before the
     * entry changes again, is removed or moved, or the table is cleared or grows. The caller journals
     * {@link #forEachRemovedSinceMark} and whether it was {@link #clearedSinceMark() cleared} before. Costs a swap of
     * the dirty bitset; a table still growing finishes its migration first.
     *
     * @param copier receives each key with {@link #value()} positioned over its value as of this call.
     */
    public void beginSnapshot(final KeyConsumer copier)
    {
        snapshot.finish(current);
        if (draining != null)
        {
            drain(Long.MAX_VALUE);
        }
        snapshot.begin(current, epoch, copier);
        epoch = nextEpoch(epoch);
        removedCount = 0;
        clearedSinceMark = false;
    }

    /**
     * @return true while an asynchronous snapshot has entries left to copy.
     */
    public boolean hasPendingSnapshot()
    {
        return snapshot.isActive();
    }

    /**
     * Copy up to about {@code budget} entries of the snapshot in progress (whole groups of 4 slots).
     *
     * @return entries copied; when none are left the snapshot is over.
     */
    public int copyPending(final int budget)
    {
        return snapshot.copyPending(current, budget);
    }

    /**
     * Force the mapped pages and the header to the storage device (msync); slow for a large table.
     */
    public void force()
    {
        if (draining != null)
        {
            draining.force();
        }
        current.writeHeader(size, epoch, 1);
        current.force();
    }

    /**
     * Finish any growth, write the header (size, epoch, closed flag), unmap and close the file.
     * The pages are left for the operating system to write back.
     */
    public void close()
    {
        if (current == null)
        {
            return;
        }
        if (draining != null)
        {
            drain(Long.MAX_VALUE);
        }
        current.writeHeader(size, epoch, 0);
        current.close();
        current = null;
    }

    /**
     * Close the table and delete its file(s).
     */
    public void closeAndDelete()
    {
        final SlotRegion r = current;
        if (r == null)
        {
            return;
        }
        if (draining != null)
        {
            retireDraining();
        }
        r.close();
        current = null;
        IoUtil.deleteIfExists(r.file.toFile());
    }

    private void removed(final long key)
    {
        size--;
        if (removedCount == removedKeys.length)
        {
            removedKeys = Arrays.copyOf(removedKeys, removedCount << 1);
        }
        removedKeys[removedCount++] = key;
    }

    private void grow()
    {
        snapshot.finish(current);
        if (draining != null)
        {
            drain(Long.MAX_VALUE);
        }
        final SlotRegion old = current;
        final Path growFile = TableFiles.growFile(dir, name);
        final SlotRegion bigger = SlotRegion.create(growFile, old.capacity << 1, valueLength, slotLength, epoch);
        draining = old;
        drainCursor = 0;
        install(bigger);
        drain(growthStepSlots);
    }

    /**
     * Migrate up to {@code slots} slots of the draining region into the current one; when the
     * draining region is empty, unmap and delete it and give the current file the table's name.
     */
    private void drain(final long slots)
    {
        final SlotRegion old = draining;
        final long end = slots >= old.capacity - drainCursor ? old.capacity : drainCursor + slots;
        LinearProbing.migrate(old, drainCursor, end, current, seed, slotLength, epoch);
        drainCursor = end;
        if (end == old.capacity)
        {
            retireDraining();
        }
    }

    private void retireDraining()
    {
        final SlotRegion old = draining;
        draining = null;
        drainCursor = 0;
        TableFiles.replace(old, current, dir, name);
        // The unmap and the last close cost time proportional to the old region's pages: off this thread.
        RETIRER.retire(old);
    }

    public String toString()
    {
        return "MappedSlotTable{" +
            "file=" + (current == null ? "closed" : current.file) +
            ", valueLength=" + valueLength +
            ", size=" + size +
            ", capacity=" + (current == null ? 0 : current.capacity) +
            ", growing=" + (draining != null) +
            '}';
    }

    /**
     * Wait until every region retired by growth so far is unmapped and its file released.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    public static void awaitRetired() throws InterruptedException
    {
        RETIRER.await();
    }
}
