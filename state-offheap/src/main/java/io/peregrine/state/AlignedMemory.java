package io.peregrine.state;

import org.agrona.UnsafeApi;

/**
 * Zeroed native memory aligned to a cache line, for the direct-memory tables. Raw memory rather
 * than a slice from {@code BufferUtil.allocateDirectAligned}, which cannot be freed.
 */
final class AlignedMemory
{
    private static final int ALIGNMENT = 64;

    private AlignedMemory()
    {
    }

    /**
     * @param bytes to allocate.
     * @return the allocation, to pass to {@link #base(long)} and later to {@code UnsafeApi.freeMemory}.
     */
    static long allocateZeroed(final long bytes)
    {
        final long allocation = UnsafeApi.allocateMemory(bytes + ALIGNMENT);
        UnsafeApi.setMemory(base(allocation), bytes, (byte)0);
        return allocation;
    }

    /**
     * @param allocation from {@link #allocateZeroed(long)}.
     * @return its first cache-line-aligned address.
     */
    static long base(final long allocation)
    {
        return (allocation + ALIGNMENT - 1) & ~(long)(ALIGNMENT - 1);
    }
}
