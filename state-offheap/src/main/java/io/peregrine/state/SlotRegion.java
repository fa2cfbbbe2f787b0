package io.peregrine.state;

import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import static io.peregrine.state.MappedSlotTable.HEADER_LENGTH;
import static io.peregrine.state.SlotLayout.SLOT_STATE_OFFSET;
import static io.peregrine.state.SlotLayout.USED;

/**
 * One mapped table file of a {@link MappedSlotTable}: its header ({@link SlotFileHeader}) and its slots, mapped in
 * segments of at most {@link #MAX_SEGMENT_BYTES} and addressed by raw address, with the bitset of its dirty pages.
 * A table has one region, two while it grows.
 */
final class SlotRegion
{
    /** Most bytes of slots in one mapping. */
    static final long MAX_SEGMENT_BYTES = 1L << 30;
    /** Slots per dirty bit, as a shift: 4 slots (under 200 bytes), so a checkpoint of sparse random changes reads
     * little more than the changed slots themselves. */
    static final int PAGE_SHIFT = 2;

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

    private SlotRegion(final Path file, final FileChannel channel, final long capacity, final int slotLength,
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

    /**
     * Create a new, sparse file of {@code capacity} empty slots; it must not exist.
     *
     * @return the region, mapped, its header written as of an open, empty table.
     * @throws StateFileException if the file cannot be created (a partly created one is deleted).
     */
    static SlotRegion create(
        final Path file, final long capacity, final int valueLength, final int slotLength, final int epoch)
    {
        final long length = HEADER_LENGTH + capacity * slotLength;
        checkSpace(file, length);
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            // Sparse: pages are allocated as they are first written.
            channel.write(ByteBuffer.wrap(new byte[1]), length - 1);
            final SlotRegion region = new SlotRegion(file, channel, capacity, slotLength, valueLength);
            region.map(slotLength);
            SlotFileHeader.writeNew(region.header, capacity, valueLength, slotLength, epoch);
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

    /**
     * A file is sparse: its pages take disk space as they are first written, and a write to a mapped page the disk has
     * no room for is a fault the JVM reports as an {@code InternalError} (an unsafe memory access), naming nothing.
     * A hash table writes all over its file, so before a file is made the disk must have room for all of it.
     *
     * @param file   about to be made.
     * @param length its bytes.
     * @throws StateFileException naming the directory, the bytes needed and the bytes free, if they do not fit.
     */
    static void checkSpace(final Path file, final long length)
    {
        final Path dir = file.toAbsolutePath().getParent();
        final long free;
        try
        {
            free = Files.getFileStore(dir).getUsableSpace();
        }
        catch (final IOException ex)
        {
            return; // the space is not known here: creating the file reports what is wrong with the directory
        }
        if (free < length)
        {
            throw new StateFileException(file, "needs " + length + " bytes but the disk of " + dir + " has " + free +
                " bytes free: free disk space, or put the state on a larger disk (the state directory), or keep less " +
                "state (fewer keys, shorter windows or time-to-live)");
        }
    }

    /**
     * Open an existing file, its header checked by {@link SlotFileHeader#readCapacity}.
     *
     * @return the region, mapped.
     * @throws StateFileException naming the file if it cannot be opened or its header does not match.
     */
    static SlotRegion open(final Path file, final int valueLength, final int slotLength)
    {
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            final long capacity = SlotFileHeader.readCapacity(file, channel, valueLength, slotLength);
            final SlotRegion region = new SlotRegion(file, channel, capacity, slotLength, valueLength);
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
            addresses[i] = BufferUtil.address(segments[i]);
        }
    }

    void zeroSlots(final int slotLength)
    {
        final long totalBytes = capacity * slotLength;
        final long segmentBytes = (segmentMask + 1) * slotLength;
        for (int i = 0; i < addresses.length; i++)
        {
            final long length = Math.min(segmentBytes, totalBytes - i * segmentBytes);
            UnsafeApi.setMemory(addresses[i], length, (byte)0);
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
        SlotFileHeader.writeState(header, size, epoch, openFlag);
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
            channel.write(ByteBuffer.wrap(new byte[1]), HEADER_LENGTH + capacity * slotLength - 1);
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
