package io.peregrine.state;

import org.agrona.UnsafeApi;

import java.util.Arrays;

/**
 * Blocks of power-of-two sizes (16 bytes to 1 GiB) carved from one region of direct memory, for the
 * variable-length states ({@link ListState}, {@link MapState}) that keep each key's content in one
 * block. Blocks are named by their offset from the start of the region, so offsets stay valid when
 * the region grows (a doubling: a new region, one copy, the old one freed).
 * <pre>
 *   region:
 *   0                                                          top         capacity
 *   +--------+----------------+--------+-------------------------+-----------+
 *   | 2^c0   | 2^c1           | 2^c2   |  ...                    |  unused   |
 *   +--------+----------------+--------+-------------------------+-----------+
 *
 *   free block of class c (on the list freeHeads[c]):
 *   0                   8
 *   +-------------------+-----------------------------------+
 *   | next free (long)  |  (stale bytes)                    |
 *   +-------------------+-----------------------------------+
 *   next free: offset of the next free block of the class, or -1
 * </pre>
 * Allocation takes, in this order: a free block of the class, fresh space below the capacity, a
 * larger free block split in halves (the halves not used go to the free lists of their classes),
 * and last a doubling of the region. Freed blocks are not coalesced; {@link #reset()} forgets every
 * block at once.
 * <p>
 * Single writer; no method is thread safe.
 */
final class BlockArena implements AutoCloseable
{
    /** Smallest block: 16 bytes. */
    static final int MIN_CLASS = 4;
    /** Largest block: 1 GiB. */
    static final int MAX_CLASS = 30;
    /** Bytes of the largest block. */
    static final int MAX_BLOCK_LENGTH = 1 << MAX_CLASS;
    private static final long NONE = -1;

    private final long[] freeHeads = new long[MAX_CLASS + 1];
    private long allocation;
    private long base;
    private long capacity;
    private long top;
    private long freeBytes;

    /**
     * @param initialCapacity bytes of the region to start with (at least 4 KiB is taken).
     */
    BlockArena(final long initialCapacity)
    {
        capacity = Math.max(4096, (initialCapacity + 15) & ~15L);
        allocation = AlignedMemory.allocateZeroed(capacity);
        base = AlignedMemory.base(allocation);
        Arrays.fill(freeHeads, NONE);
    }

    /**
     * @param bytes a block must hold, from 0 to {@link #MAX_BLOCK_LENGTH}.
     * @return the class of the smallest block that holds them.
     */
    static int classFor(final long bytes)
    {
        if (bytes > MAX_BLOCK_LENGTH)
        {
            throw new IllegalStateException("a block cannot exceed " + MAX_BLOCK_LENGTH + " bytes: " + bytes);
        }
        if (bytes <= (1 << MIN_CLASS))
        {
            return MIN_CLASS;
        }
        return 64 - Long.numberOfLeadingZeros(bytes - 1);
    }

    /**
     * @param sizeClass of the block.
     * @return the offset of a block of {@code 2^sizeClass} bytes (its contents are not zeroed).
     */
    long allocate(final int sizeClass)
    {
        final long length = 1L << sizeClass;
        final long head = freeHeads[sizeClass];
        if (head != NONE)
        {
            freeHeads[sizeClass] = UnsafeApi.getLong(base + head);
            freeBytes -= length;
            return head;
        }
        if (top + length <= capacity)
        {
            final long offset = top;
            top += length;
            return offset;
        }
        for (int larger = sizeClass + 1; larger <= MAX_CLASS; larger++)
        {
            final long block = freeHeads[larger];
            if (block != NONE)
            {
                freeHeads[larger] = UnsafeApi.getLong(base + block);
                freeBytes -= 1L << larger;
                for (int half = larger - 1; half >= sizeClass; half--)
                {
                    free(block + (1L << half), half);
                }
                return block;
            }
        }
        grow(top + length);
        final long offset = top;
        top += length;
        return offset;
    }

    /**
     * @param offset    of a block from {@link #allocate(int)}, not used after this call.
     * @param sizeClass it was allocated with.
     */
    void free(final long offset, final int sizeClass)
    {
        UnsafeApi.putLong(base + offset, freeHeads[sizeClass]);
        freeHeads[sizeClass] = offset;
        freeBytes += 1L << sizeClass;
    }

    /**
     * @param offset of a block.
     * @return its address, valid until the next {@link #allocate(int)} (which may move the region).
     */
    long address(final long offset)
    {
        return base + offset;
    }

    /**
     * Copy {@code length} bytes from one block to another (distinct blocks).
     */
    void copy(final long fromOffset, final long toOffset, final int length)
    {
        UnsafeApi.copyMemory(base + fromOffset, base + toOffset, length);
    }

    /**
     * Forget every block, keeping the region.
     */
    void reset()
    {
        top = 0;
        freeBytes = 0;
        Arrays.fill(freeHeads, NONE);
    }

    /**
     * @return bytes of the region.
     */
    long capacity()
    {
        return capacity;
    }

    /**
     * @return bytes in blocks allocated and not freed.
     */
    long allocatedBytes()
    {
        return top - freeBytes;
    }

    private void grow(final long required)
    {
        long newCapacity = capacity << 1;
        while (newCapacity < required)
        {
            newCapacity <<= 1;
        }
        final long newAllocation = AlignedMemory.allocateZeroed(newCapacity);
        final long newBase = AlignedMemory.base(newAllocation);
        UnsafeApi.copyMemory(base, newBase, top);
        UnsafeApi.freeMemory(allocation);
        allocation = newAllocation;
        base = newBase;
        capacity = newCapacity;
    }

    public void close()
    {
        if (allocation != 0)
        {
            UnsafeApi.freeMemory(allocation);
            allocation = 0;
            base = 0;
        }
    }
}
