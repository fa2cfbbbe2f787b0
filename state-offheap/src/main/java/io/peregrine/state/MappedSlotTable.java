package io.peregrine.state;

import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * {@link SlotTable} in a memory-mapped file, so keyed state can be larger than the Java heap (the
 * operating system pages it) and survives a close and reopen.
 * <p>
 * Linear probing with Fibonacci hashing (the top bits of {@code key * 2^64/phi} pick the home slot),
 * backward-shift deletion (no tombstones, so many removes never leave the table slow), and
 * <b>incremental growth</b>: when the load factor is reached a new file of twice the slots is mapped
 * beside the old one and every later insert migrates a bounded number of old slots ({@code
 * growthStepSlots}); lookups check the new region then the old one until the old one is drained; its file
 * is then replaced by the new one and unmapped by a background retirer thread (unmapping and freeing
 * pages is proportional to the old size). No single insert pays for the whole table.
 * <p>
 * The slot region is mapped in segments of at most 1 GiB each, so a table may be far larger than
 * the 2 GiB of one {@link MappedByteBuffer}. Slots are addressed by raw address.
 * <p>
 * <b>File</b> {@code <name>.state}, little-endian:
 * <pre>
 *   0                   4                   8                   12                  16
 *   +-------------------+-------------------+-------------------+-------------------+
 *   |               magic "PGSTATE\1"       |  format version   |  header length    |
 *   +-------------------+-------------------+-------------------+-------------------+
 *   |  key length       |  value length     |  slot length      |  open flag        |  16
 *   +-------------------+-------------------+-------------------+-------------------+
 *   |             capacity (slots)          |           size (at last close)        |  32
 *   +-------------------+-------------------+-------------------+-------------------+
 *   |  mark epoch       |  CRC32C of [0,52) |  zero padding to the header length (4096)   48
 *   +-------------------+-------------------+---------------------------------------+
 *   |  slot 0 | slot 1 | ... | slot capacity-1                                       |  4096
 *   +-------------------------------------------------------------------------------+
 *
 *   slot:
 *   0                   8         12        16
 *   +-------------------+---------+---------+-------------------------------+
 *   |      key (long)   |  state  |  epoch  |  value (valueLength, pad to 8)  |
 *   +-------------------+---------+---------+-------------------------------+
 *   state: 0 = empty, 1 = used, 2 = moved out (only in a region being drained by growth)
 *   epoch: the mark epoch of the last findOrInsert on this entry (dirty tracking)
 * </pre>
 * <b>Dirty tracking</b> costs one compare on every {@code findOrInsert}: an entry whose epoch is not
 * the current one gets it, and the bit of its page (4 slots) is set in an on-heap bitset. Changed
 * entries are found by visiting the set pages only. Reopening a table starts a new mark.
 * <p>
 * A growth interrupted by a crash leaves {@code <name>.state.grow} beside the file; opening then
 * fails: restore the table from the last checkpoint (a {@code .grow} file alone is a finished growth
 * and is adopted). Data pages are written back by the operating
 * system; {@link #force()} forces them. Durability across machine failures comes from checkpoints.
 * <p>
 * Single writer; no method is thread safe.
 */
public final class MappedSlotTable implements SlotTable, DirtyTracking, AsyncSnapshot
{
    private static final Logger LOG = LoggerFactory.getLogger(MappedSlotTable.class);

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

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int HEADER_LENGTH_OFFSET = 12;
    static final int KEY_LENGTH_OFFSET = 16;
    static final int VALUE_LENGTH_OFFSET = 20;
    static final int SLOT_LENGTH_OFFSET = 24;
    static final int OPEN_FLAG_OFFSET = 28;
    static final int CAPACITY_OFFSET = 32;
    static final int SIZE_OFFSET = 40;
    static final int EPOCH_OFFSET = 48;
    static final int CHECKSUM_OFFSET = 52;

    static final int SLOT_KEY_OFFSET = 0;
    static final int SLOT_STATE_OFFSET = 8;
    static final int SLOT_EPOCH_OFFSET = 12;
    static final int SLOT_VALUE_OFFSET = 16;
    static final int EMPTY = 0;
    static final int USED = 1;
    static final int MOVED = 2;

    static final long MAX_SEGMENT_BYTES = 1L << 30;

    /** Tables up to this many slot bytes are cleared by zeroing in place rather than truncating the file. */
    static final long CLEAR_IN_PLACE_MAX_BYTES = 64L << 20;
    /** Slots per dirty bit, as a shift: 4 slots (under 200 bytes), so a checkpoint of sparse random changes reads
     * little more than the changed slots themselves. */
    static final int PAGE_SHIFT = 2;
    static final int MIN_CAPACITY = 16;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final Retirer RETIRER = new Retirer();

    private final Path dir;
    private final String name;
    private final int valueLength;
    private final int slotLength;
    private final float loadFactor;
    private final int growthStepSlots;
    private final UnsafeBuffer value = new UnsafeBuffer(0, 0);
    private Region current;
    // Copies of the current region's addressing, read on every lookup without a dereference.
    private long base;
    private long[] addresses;
    private int shift;
    private long mask;
    private int segmentShift;
    private long segmentMask;
    private Region draining;
    private long drainCursor;
    private long threshold;
    private long size;
    private int epoch;
    private long[] removedKeys = new long[64];
    private int removedCount;
    private boolean clearedSinceMark;
    // Asynchronous snapshot: the dirty groups of the interval it covers, copied out by copyPending() or, before an
    // entry of one of them changes, by copyGroup() (copy on write).
    private long[] pending = new long[1];
    private int pendingEpoch;
    private boolean pendingActive;
    private int pendingWord;
    private KeyConsumer copier;

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
        final Path file = dir.resolve(name + FILE_SUFFIX);
        if (Files.exists(file))
        {
            throw new StateFileException(file, "already exists: open it, or delete it to start empty");
        }
        final Path growFile = dir.resolve(name + GROW_SUFFIX);
        if (Files.exists(growFile))
        {
            throw new StateFileException(growFile, "left by an interrupted growth: delete it to start empty");
        }
        final long capacity = Long.highestOneBit(Math.max(MIN_CAPACITY, initialCapacity - 1)) << 1;
        final MappedSlotTable table = new MappedSlotTable(dir, name, valueLength, loadFactor, growthStepSlots);
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new StateFileException(file, "cannot create the directory", ex);
        }
        table.epoch = 1;
        table.install(Region.create(file, capacity, valueLength, table.slotLength, table.epoch));
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
        final Path file = dir.resolve(name + FILE_SUFFIX);
        final Path growFile = dir.resolve(name + GROW_SUFFIX);
        if (Files.exists(growFile))
        {
            if (Files.exists(file))
            {
                throw new StateFileException(growFile, "the process stopped while the table was growing, so its " +
                    "entries are split over two files: delete both files and restore the table from the last " +
                    "checkpoint");
            }
            // Growth had finished and the old file was unlinked; only the rename was missing.
            try
            {
                Files.move(growFile, file, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final IOException ex)
            {
                throw new StateFileException(growFile, "cannot rename a completed growth to " + file, ex);
            }
        }
        if (!Files.exists(file))
        {
            throw new StateFileException(file, "does not exist: create the table instead");
        }
        final MappedSlotTable table = new MappedSlotTable(dir, name, valueLength, loadFactor, growthStepSlots);
        final Region region = Region.open(file, valueLength, table.slotLength);
        final UnsafeBuffer header = region.header;
        table.epoch = nextEpoch(header.getInt(EPOCH_OFFSET, ByteOrder.LITTLE_ENDIAN));
        if (header.getInt(OPEN_FLAG_OFFSET, ByteOrder.LITTLE_ENDIAN) != 0)
        {
            table.size = region.countUsed(table.slotLength);
        }
        else
        {
            table.size = header.getLong(SIZE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        }
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
        return SLOT_VALUE_OFFSET + ((valueLength + 7) & ~7);
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

    private void install(final Region region)
    {
        current = region;
        threshold = (long)(region.capacity * (double)loadFactor);
        syncAddressing();
    }

    private void syncAddressing()
    {
        final Region r = current;
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

    private long hash(final long key, final int shift)
    {
        // The seed makes each table's slot order its own: a table filled in another table's iteration order (a
        // window's results inserted downstream) would otherwise pile its keys into one long probe run.
        return ((key ^ seed) * GOLDEN) >>> shift;
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
     * @return bytes of the slots mapped: the current region's and, while the table grows, the old one's.
     */
    public long memoryBytes()
    {
        final Region r = current;
        final Region d = draining;
        return ((r == null ? 0 : r.capacity) + (d == null ? 0 : d.capacity)) * slotLength;
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
        long index = hash(key, shift);
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
            final long address = findIn(draining, key);
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
        final Region r = current;
        final long mask = this.mask;
        long index = hash(key, shift);
        long address;
        while (true)
        {
            address = slotAddress(index);
            if (UnsafeApi.getLong(address) == key && UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == USED)
            {
                final int slotEpoch = UnsafeApi.getInt(address + SLOT_EPOCH_OFFSET);
                if (slotEpoch != epoch)
                {
                    if (pendingActive && slotEpoch == pendingEpoch)
                    {
                        copyGroupOf(index); // copy on write: the snapshot in progress gets the value first
                    }
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
            final long oldAddress = findIn(draining, key);
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
        final Region r = current;
        final int slotLength = this.slotLength;
        long index = hash(key, r.shift);
        while (true)
        {
            final long address = r.address(index, slotLength);
            if (UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == EMPTY)
            {
                break;
            }
            if (UnsafeApi.getLong(address) == key)
            {
                if (pendingActive)
                {
                    copyCluster(r, index);
                }
                shiftBack(r, index);
                removed(key);
                return true;
            }
            index = (index + 1) & r.mask;
        }

        if (draining != null)
        {
            final long oldAddress = findIn(draining, key);
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
            forEachUsed(draining, consumer);
        }
        forEachUsed(current, consumer);
    }

    public long forEach(final KeyConsumer consumer, final long fromSlot, final int maxEntries)
    {
        // Positions run over the draining region (while a growth is in progress) and then the current one.
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

    private int remaining;

    /**
     * @return the slot to continue from, or -1 at the end of the region ({@link #remaining} holds
     * the entries still allowed).
     */
    private long forEachUsed(final Region r, final KeyConsumer consumer, final long from, final int maxEntries)
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

    public void clear()
    {
        if (pendingActive)
        {
            copyPending(Integer.MAX_VALUE);
        }
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
            count += forEachChanged(draining, consumer);
        }
        return count + forEachChanged(current, consumer);
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
        if (pendingActive)
        {
            copyPending(Integer.MAX_VALUE);
        }
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
        final Region r = current;
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

    private long findIn(final Region r, final long key)
    {
        final int slotLength = this.slotLength;
        long index = hash(key, r.shift);
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
     * never need tombstones. A moved entry that changed since the mark marks its new page.
     */
    private void shiftBack(final Region r, final long deleteIndex)
    {
        final int slotLength = this.slotLength;
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
            final long home = hash(UnsafeApi.getLong(address), r.shift);
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

    private void grow()
    {
        if (pendingActive)
        {
            copyPending(Integer.MAX_VALUE);
        }
        if (draining != null)
        {
            drain(Long.MAX_VALUE);
        }
        final Region old = current;
        final long newCapacity = old.capacity << 1;
        final Path growFile = dir.resolve(name + GROW_SUFFIX);
        final Region bigger = Region.create(growFile, newCapacity, valueLength, slotLength, epoch);
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
        final Region old = draining;
        final Region r = current;
        final int slotLength = this.slotLength;
        final long end = slots >= old.capacity - drainCursor ? old.capacity : drainCursor + slots;
        for (long i = drainCursor; i < end; i++)
        {
            final long oldAddress = old.address(i, slotLength);
            if (UnsafeApi.getInt(oldAddress + SLOT_STATE_OFFSET) == USED)
            {
                long index = hash(UnsafeApi.getLong(oldAddress), r.shift);
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
        drainCursor = end;
        if (end == old.capacity)
        {
            retireDraining();
        }
    }

    private void retireDraining()
    {
        final Region old = draining;
        draining = null;
        drainCursor = 0;
        // Unlink the old name, then rename the new file to it. Not a rename over the old file: ext4
        // (auto_da_alloc) would then start writeback of the whole new file inside this insert. The
        // unlinked inode lives while mapped; the unmap and the last close, which cost time
        // proportional to the old region's pages, run on the retirer thread. A crash between the two
        // steps leaves only the complete .grow file, which open() adopts.
        try
        {
            Files.deleteIfExists(old.file);
        }
        catch (final IOException ex)
        {
            throw new StateFileException(old.file, "cannot delete the drained file (" + ex + ")", ex);
        }
        current.renameTo(dir.resolve(name + FILE_SUFFIX));
        RETIRER.retire(old);
    }

    private void forEachUsed(final Region r, final KeyConsumer consumer)
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
        if (pendingActive)
        {
            copyPending(Integer.MAX_VALUE);
        }
        if (draining != null)
        {
            drain(Long.MAX_VALUE);
        }
        final long[] dirty = current.dirtyPages;
        if (pending.length != dirty.length)
        {
            pending = new long[dirty.length];
        }
        current.dirtyPages = pending;
        Arrays.fill(current.dirtyPages, 0L);
        pending = dirty;
        pendingEpoch = epoch;
        epoch = nextEpoch(epoch);
        removedCount = 0;
        clearedSinceMark = false;
        pendingWord = 0;
        this.copier = copier;
        pendingActive = true;
    }

    /**
     * @return true while an asynchronous snapshot has entries left to copy.
     */
    public boolean hasPendingSnapshot()
    {
        return pendingActive;
    }

    /**
     * Copy up to about {@code budget} entries of the snapshot in progress (whole groups of 4 slots).
     *
     * @return entries copied; when none are left the snapshot is over.
     */
    public int copyPending(final int budget)
    {
        int copied = 0;
        final long[] groups = pending;
        while (pendingActive && copied < budget)
        {
            if (pendingWord == groups.length)
            {
                pendingActive = false;
                copier = null;
                break;
            }
            long bits = groups[pendingWord];
            while (bits != 0 && copied < budget)
            {
                final int bit = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                copied += copyGroup((((long)pendingWord << 6) + bit) << PAGE_SHIFT);
            }
            if (bits == 0)
            {
                groups[pendingWord] = 0;
                pendingWord++;
            }
            else
            {
                groups[pendingWord] = bits;
            }
        }
        return copied;
    }

    private void copyGroupOf(final long index)
    {
        final int word = (int)(index >>> (PAGE_SHIFT + 6));
        final long bit = 1L << (index >>> PAGE_SHIFT);
        if ((pending[word] & bit) != 0)
        {
            copyGroup((index >>> PAGE_SHIFT) << PAGE_SHIFT);
        }
    }

    /**
     * Copy every pending entry of the group starting at {@code first} and clear its pending bit.
     */
    private int copyGroup(final long first)
    {
        final Region r = current;
        final int slotLength = this.slotLength;
        final long last = Math.min(r.capacity, first + (1 << PAGE_SHIFT));
        final KeyConsumer copier = this.copier;
        pending[(int)(first >>> (PAGE_SHIFT + 6))] &= ~(1L << (first >>> PAGE_SHIFT));
        int copied = 0;
        for (long i = first; i < last; i++)
        {
            final long address = r.address(i, slotLength);
            if (UnsafeApi.getInt(address + SLOT_STATE_OFFSET) == USED &&
                UnsafeApi.getInt(address + SLOT_EPOCH_OFFSET) == pendingEpoch)
            {
                value.wrap(address + SLOT_VALUE_OFFSET, valueLength);
                copier.accept(UnsafeApi.getLong(address));
                copied++;
            }
        }
        return copied;
    }

    /**
     * A remove shifts the rest of the probe chain back: copy what is pending in it first.
     */
    private void copyCluster(final Region r, final long from)
    {
        final int slotLength = this.slotLength;
        long index = from;
        while (UnsafeApi.getInt(r.address(index, slotLength) + SLOT_STATE_OFFSET) != EMPTY)
        {
            copyGroupOf(index);
            index = (index + 1) & r.mask;
        }
    }

    private long forEachChanged(final Region r, final KeyConsumer consumer)
    {
        final int slotLength = this.slotLength;
        final int epoch = this.epoch;
        final long[] dirtyPages = r.dirtyPages;
        long count = 0;
        for (int w = 0; w < dirtyPages.length; w++)
        {
            long bits = dirtyPages[w];
            while (bits != 0)
            {
                final int bit = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                final long first = (((long)w << 6) + bit) << PAGE_SHIFT;
                final long last = Math.min(r.capacity, first + (1 << PAGE_SHIFT));
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
            }
        }
        return count;
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

    /**
     * A daemon thread that unmaps and closes drained regions off the shard thread.
     */
    static final class Retirer
    {
        private final java.util.concurrent.LinkedBlockingQueue<Object> queue =
            new java.util.concurrent.LinkedBlockingQueue<>();
        private Thread thread;

        synchronized void retire(final Region region)
        {
            start();
            queue.add(region);
        }

        void await() throws InterruptedException
        {
            final java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
            synchronized (this)
            {
                start();
                queue.add(latch);
            }
            latch.await();
        }

        private void start()
        {
            if (thread == null)
            {
                thread = new Thread(this::run, "peregrine-state-retirer");
                thread.setDaemon(true);
                thread.start();
            }
        }

        private void run()
        {
            while (true)
            {
                try
                {
                    final Object item = queue.take();
                    if (item instanceof Region)
                    {
                        ((Region)item).close();
                    }
                    else
                    {
                        ((java.util.concurrent.CountDownLatch)item).countDown();
                    }
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                catch (final RuntimeException ex)
                {
                    // a failed unmap leaks address space; nothing else depends on it
                    LOG.warn("could not release a retired state region", ex);
                }
            }
        }
    }

    /**
     * One mapped file: header plus slots in segments of at most {@link #MAX_SEGMENT_BYTES}.
     */
    static final class Region
    {
        Path file;
        final FileChannel channel;
        final long capacity;
        final long mask;
        final int shift;
        final int valueLength;
        final int segmentShift;
        final long segmentMask;
        long[] dirtyPages;
        MappedByteBuffer headerMapping;
        UnsafeBuffer header;
        MappedByteBuffer[] segments;
        long[] addresses;

        private Region(final Path file, final FileChannel channel, final long capacity, final int slotLength,
            final int valueLength)
        {
            this.file = file;
            this.channel = channel;
            this.capacity = capacity;
            this.mask = capacity - 1;
            this.shift = 64 - Long.numberOfTrailingZeros(capacity);
            this.valueLength = valueLength;
            long segmentSlots = capacity;
            while (segmentSlots * slotLength > MAX_SEGMENT_BYTES)
            {
                segmentSlots >>= 1;
            }
            this.segmentShift = Long.numberOfTrailingZeros(segmentSlots);
            this.segmentMask = segmentSlots - 1;
            final long pages = Math.max(1, capacity >>> PAGE_SHIFT);
            this.dirtyPages = new long[(int)Math.max(1, (pages + 63) >>> 6)];
        }

        static Region create(
            final Path file, final long capacity, final int valueLength, final int slotLength, final int epoch)
        {
            final long length = HEADER_LENGTH + capacity * slotLength;
            FileChannel channel = null;
            try
            {
                channel = FileChannel.open(
                    file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
                // Sparse: pages are allocated as they are first written.
                channel.write(java.nio.ByteBuffer.wrap(new byte[1]), length - 1);
                final Region region = new Region(file, channel, capacity, slotLength, valueLength);
                region.map(slotLength);
                region.header.setMemory(0, HEADER_LENGTH, (byte)0);
                region.header.putLong(MAGIC_OFFSET, MAGIC, ByteOrder.LITTLE_ENDIAN);
                region.header.putInt(VERSION_OFFSET, FORMAT_VERSION, ByteOrder.LITTLE_ENDIAN);
                region.header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN);
                region.header.putInt(KEY_LENGTH_OFFSET, KEY_LENGTH, ByteOrder.LITTLE_ENDIAN);
                region.header.putInt(VALUE_LENGTH_OFFSET, valueLength, ByteOrder.LITTLE_ENDIAN);
                region.header.putInt(SLOT_LENGTH_OFFSET, slotLength, ByteOrder.LITTLE_ENDIAN);
                region.header.putLong(CAPACITY_OFFSET, capacity, ByteOrder.LITTLE_ENDIAN);
                region.writeHeader(0, epoch, 1);
                return region;
            }
            catch (final IOException | RuntimeException ex)
            {
                closeQuietly(channel);
                try
                {
                    Files.deleteIfExists(file);
                }
                catch (final IOException ignore)
                {
                    // reported through ex
                }
                throw ex instanceof StateFileException ? (StateFileException)ex :
                    new StateFileException(file, "cannot create (" + ex + "): check space and permissions", ex);
            }
        }

        static Region open(final Path file, final int valueLength, final int slotLength)
        {
            FileChannel channel = null;
            try
            {
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                final long fileLength = channel.size();
                if (fileLength < HEADER_LENGTH)
                {
                    throw new StateFileException(file, "truncated: " + fileLength + " bytes is shorter than the " +
                        HEADER_LENGTH + "-byte header; restore the table from the last checkpoint");
                }
                final byte[] bytes = new byte[HEADER_LENGTH];
                final java.nio.ByteBuffer read = java.nio.ByteBuffer.wrap(bytes);
                while (read.hasRemaining())
                {
                    if (channel.read(read, read.position()) < 0)
                    {
                        throw new StateFileException(file, "truncated while reading the header");
                    }
                }
                final UnsafeBuffer h = new UnsafeBuffer(bytes);
                final long magic = h.getLong(MAGIC_OFFSET, ByteOrder.LITTLE_ENDIAN);
                if (magic != MAGIC)
                {
                    throw new StateFileException(file, "not a Peregrine state file (magic 0x" +
                        Long.toHexString(magic) + ", expected 0x" + Long.toHexString(MAGIC) +
                        "): check the state directory setting");
                }
                final int storedChecksum = h.getInt(CHECKSUM_OFFSET, ByteOrder.LITTLE_ENDIAN);
                final int checksum = checksum(bytes);
                if (storedChecksum != checksum)
                {
                    throw new StateFileException(file, "header checksum mismatch (stored 0x" +
                        Integer.toHexString(storedChecksum) + ", computed 0x" + Integer.toHexString(checksum) +
                        "): the header is corrupt; restore the table from the last checkpoint");
                }
                final int version = h.getInt(VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN);
                if (version != FORMAT_VERSION)
                {
                    throw new StateFileException(file, "format version " + version + " but this build reads " +
                        FORMAT_VERSION + ": open it with a matching build or restore from a checkpoint");
                }
                final int headerLength = h.getInt(HEADER_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
                final int keyLength = h.getInt(KEY_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
                final int storedValueLength = h.getInt(VALUE_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
                final int storedSlotLength = h.getInt(SLOT_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
                if (headerLength != HEADER_LENGTH || keyLength != KEY_LENGTH ||
                    storedValueLength != valueLength || storedSlotLength != slotLength)
                {
                    throw new StateFileException(file, "another slot layout: the file has key " + keyLength +
                        " value " + storedValueLength + " slot " + storedSlotLength + " header " + headerLength +
                        " bytes, the caller expects key " + KEY_LENGTH + " value " + valueLength + " slot " +
                        slotLength + " header " + HEADER_LENGTH + "; the operator's state schema changed: " +
                        "use another table name or migrate the state");
                }
                final long capacity = h.getLong(CAPACITY_OFFSET, ByteOrder.LITTLE_ENDIAN);
                if (capacity < MIN_CAPACITY || Long.bitCount(capacity) != 1 ||
                    capacity > (Long.MAX_VALUE - HEADER_LENGTH) / slotLength)
                {
                    throw new StateFileException(file, "invalid capacity " + capacity + " in the header");
                }
                final long expectedLength = HEADER_LENGTH + capacity * slotLength;
                if (fileLength < expectedLength)
                {
                    throw new StateFileException(file, "truncated: " + fileLength + " bytes but the header " +
                        "describes " + capacity + " slots (" + expectedLength + " bytes); restore the table " +
                        "from the last checkpoint");
                }
                final Region region = new Region(file, channel, capacity, slotLength, valueLength);
                region.map(slotLength);
                return region;
            }
            catch (final IOException ex)
            {
                closeQuietly(channel);
                throw new StateFileException(file, "cannot open (" + ex + ")", ex);
            }
            catch (final RuntimeException ex)
            {
                closeQuietly(channel);
                throw ex;
            }
        }

        private void map(final int slotLength) throws IOException
        {
            headerMapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_LENGTH);
            header = new UnsafeBuffer(headerMapping);
            final long segmentBytes = (segmentMask + 1) * slotLength;
            final long totalBytes = capacity * slotLength;
            final int segmentCount = (int)((totalBytes + segmentBytes - 1) / segmentBytes);
            segments = new MappedByteBuffer[segmentCount];
            addresses = new long[segmentCount];
            for (int i = 0; i < segmentCount; i++)
            {
                final long offset = i * segmentBytes;
                final long length = Math.min(segmentBytes, totalBytes - offset);
                segments[i] = channel.map(FileChannel.MapMode.READ_WRITE, HEADER_LENGTH + offset, length);
                addresses[i] = org.agrona.BufferUtil.address(segments[i]);
            }
        }

        void zeroSlots(final int slotLength)
        {
            final long totalBytes = capacity * slotLength;
            final long segmentBytes = (segmentMask + 1) * slotLength;
            for (int i = 0; i < addresses.length; i++)
            {
                final long length = Math.min(segmentBytes, totalBytes - i * segmentBytes);
                org.agrona.UnsafeApi.setMemory(addresses[i], length, (byte)0);
            }
        }

        private void unmapSegments()
        {
            if (segments != null)
            {
                for (final MappedByteBuffer segment : segments)
                {
                    IoUtil.unmap(segment);
                }
                segments = null;
                addresses = null;
            }
        }

        long address(final long index, final int slotLength)
        {
            return addresses[(int)(index >>> segmentShift)] + (index & segmentMask) * slotLength;
        }

        void markPage(final long index)
        {
            dirtyPages[(int)(index >>> (PAGE_SHIFT + 6))] |= 1L << (index >>> PAGE_SHIFT);
        }

        long countUsed(final int slotLength)
        {
            long count = 0;
            for (long i = 0; i < capacity; i++)
            {
                if (UnsafeApi.getInt(address(i, slotLength) + SLOT_STATE_OFFSET) == USED)
                {
                    count++;
                }
            }
            return count;
        }

        void writeHeader(final long size, final int epoch, final int openFlag)
        {
            header.putLong(SIZE_OFFSET, size, ByteOrder.LITTLE_ENDIAN);
            header.putInt(EPOCH_OFFSET, epoch, ByteOrder.LITTLE_ENDIAN);
            header.putInt(OPEN_FLAG_OFFSET, openFlag, ByteOrder.LITTLE_ENDIAN);
            final byte[] bytes = new byte[CHECKSUM_OFFSET];
            header.getBytes(0, bytes);
            header.putInt(CHECKSUM_OFFSET, checksum(bytes), ByteOrder.LITTLE_ENDIAN);
        }

        /**
         * Drop every slot: unmap, truncate the slots away (freeing pages and disk), extend sparse, remap.
         */
        void recreate(final int slotLength)
        {
            unmapSegments();
            IoUtil.unmap(headerMapping);
            try
            {
                channel.truncate(HEADER_LENGTH);
                channel.write(java.nio.ByteBuffer.wrap(new byte[1]), HEADER_LENGTH + capacity * slotLength - 1);
                map(slotLength);
            }
            catch (final IOException ex)
            {
                throw new StateFileException(file, "cannot clear (" + ex + ")", ex);
            }
        }

        void renameTo(final Path target)
        {
            if (!file.equals(target))
            {
                try
                {
                    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                    file = target;
                }
                catch (final IOException ex)
                {
                    throw new StateFileException(file, "cannot rename to " + target + " (" + ex + ")", ex);
                }
            }
        }

        void force()
        {
            for (final MappedByteBuffer segment : segments)
            {
                segment.force();
            }
            headerMapping.force();
        }

        void close()
        {
            unmapSegments();
            if (headerMapping != null)
            {
                IoUtil.unmap(headerMapping);
                headerMapping = null;
                header = null;
            }
            closeQuietly(channel);
        }

        static int checksum(final byte[] header)
        {
            final CRC32C crc = new CRC32C();
            crc.update(header, 0, CHECKSUM_OFFSET);
            return (int)crc.getValue();
        }

        private static void closeQuietly(final FileChannel channel)
        {
            if (channel != null)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException ignore)
                {
                    // nothing more to do on a failed close
                }
            }
        }
    }
}
