package io.peregrine.state;

import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BlockArenaTest
{
    @Test
    void shouldGiveSmallestFittingClass()
    {
        assertEquals(4, BlockArena.classFor(0));
        assertEquals(4, BlockArena.classFor(16));
        assertEquals(5, BlockArena.classFor(17));
        assertEquals(10, BlockArena.classFor(1024));
        assertEquals(30, BlockArena.classFor(1 << 30));
        assertThrows(IllegalStateException.class, () -> BlockArena.classFor((1L << 30) + 1));
    }

    @Test
    void shouldReuseFreedBlocksThenSplitLargerOnesBeforeGrowing()
    {
        try (BlockArena arena = new BlockArena(4096))
        {
            final long big = arena.allocate(11);
            final long rest = arena.allocate(11);
            assertEquals(4096, arena.allocatedBytes());
            arena.free(big, 11);
            assertEquals(big, arena.allocate(11));
            arena.free(big, 11);

            // no room left: the free 2 KiB block is split into 64 + 64 + 128 + 256 + 512 + 1024
            final long small = arena.allocate(6);
            assertEquals(big, small);
            assertEquals(big + 64, arena.allocate(6));
            assertEquals(big + 128, arena.allocate(7));
            assertEquals(big + 1024, arena.allocate(10));
            assertEquals(4096, arena.capacity());
            assertEquals(64 + 64 + 128 + 1024 + 2048, arena.allocatedBytes());

            // nothing free of class 11: the region doubles and keeps its contents
            UnsafeApi.putLong(arena.address(rest), 0x1234_5678_9ABCL);
            final long grown = arena.allocate(11);
            assertEquals(4096, grown);
            assertEquals(8192, arena.capacity());
            assertEquals(0x1234_5678_9ABCL, UnsafeApi.getLong(arena.address(rest)));

            arena.reset();
            assertEquals(0, arena.allocatedBytes());
            assertEquals(0, arena.allocate(4));
        }
    }
}
