package io.peregrine.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MappedSlotTableTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryEntryAfterReopen()
    {
        final Map<Long, Long> model = new HashMap<>();
        final Random random = new Random(7);
        try (MappedSlotTable table = MappedSlotTable.create(dir, "reopen", 20, 16))
        {
            for (int i = 0; i < 50_000; i++)
            {
                final long key = random.nextLong();
                table.findOrInsert(key);
                SlotTableModelTest.writeValue(table, i);
                model.put(key, (long)i);
            }
            assertTrue(table.capacity() > 16);
        }
        assertTrue(Files.exists(dir.resolve("reopen.state")));
        assertFalse(Files.exists(dir.resolve("reopen.state.grow")));

        for (int round = 0; round < 3; round++)
        {
            try (MappedSlotTable table = MappedSlotTable.open(dir, "reopen", 20))
            {
                assertEquals(model.size(), table.size());
                SlotTableModelTest.assertSameContent(model, table);
                final long key = random.nextLong();
                table.findOrInsert(key);
                SlotTableModelTest.writeValue(table, -round);
                model.put(key, (long)-round);
            }
        }
    }

    @Test
    void shouldFinishGrowthOnCloseAndReopenWithEveryEntry()
    {
        final Map<Long, Long> model = new HashMap<>();
        try (MappedSlotTable table = MappedSlotTable.create(dir, "growing", 20, 1024, 0.7f, 4))
        {
            long key = 1;
            while (!table.isGrowing())
            {
                table.findOrInsert(key);
                SlotTableModelTest.writeValue(table, key * 3);
                model.put(key, key * 3);
                key++;
            }
            assertTrue(Files.exists(dir.resolve("growing.state.grow")));
            SlotTableModelTest.assertSameContent(model, table);
        }
        assertFalse(Files.exists(dir.resolve("growing.state.grow")));
        try (MappedSlotTable table = MappedSlotTable.open(dir, "growing", 20))
        {
            assertEquals(2048, table.capacity());
            SlotTableModelTest.assertSameContent(model, table);
        }
    }

    @Test
    void shouldGrowIncrementallyWithBoundedWorkPerInsert()
    {
        try (MappedSlotTable table = MappedSlotTable.create(dir, "incremental", 8, 1 << 14, 0.7f, 16))
        {
            long key = 0;
            while (!table.isGrowing())
            {
                table.findOrInsert(key++);
            }
            // Growth started: the old region (16384 slots) is drained 16 slots per insert.
            int insertsWhileGrowing = 0;
            while (table.isGrowing())
            {
                table.findOrInsert(key++);
                insertsWhileGrowing++;
            }
            // The insert that started growth drained 2 steps (one in grow, one after its own insert).
            assertEquals((1 << 14) / 16 - 2, insertsWhileGrowing);
            for (long k = 0; k < key; k++)
            {
                assertTrue(table.find(k));
            }
        }
    }

    @Test
    void shouldRecountSizeOfTableNotClosedCleanly()
    {
        final MappedSlotTable writer = MappedSlotTable.create(dir, "crashed", 8, 64);
        for (long k = 0; k < 30; k++)
        {
            writer.findOrInsert(k);
            writer.value().putLong(0, k);
        }
        writer.force();
        // A second mapping sees the pages of the first, as a restart after a crash of the process would.
        try (MappedSlotTable reader = MappedSlotTable.open(dir, "crashed", 8))
        {
            assertEquals(30, reader.size());
            assertTrue(reader.find(29));
            assertEquals(29, reader.value().getLong(0));
        }
        writer.closeAndDelete();
    }

    @Test
    void shouldRefuseBadMagic() throws IOException
    {
        final Path file = createClosed("magic");
        patchHeader(file, SlotFileHeader.MAGIC_OFFSET, 0x1234L, true);
        assertRefused(file, "not a Peregrine state file");
    }

    @Test
    void shouldRefuseCorruptHeaderChecksum() throws IOException
    {
        final Path file = createClosed("checksum");
        patchHeader(file, SlotFileHeader.SIZE_OFFSET, 99L, false);
        assertRefused(file, "checksum mismatch");
    }

    @Test
    void shouldRefuseWrongVersion() throws IOException
    {
        final Path file = createClosed("version");
        patchHeaderInt(file, SlotFileHeader.VERSION_OFFSET, 2);
        assertRefused(file, "format version 2");
    }

    @Test
    void shouldRefuseOtherLayout()
    {
        final Path file = createClosed("layout");
        final StateFileException ex = assertThrows(
            StateFileException.class, () -> MappedSlotTable.open(dir, "layout", 16));
        assertEquals(file, ex.file());
        assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("another slot layout"), ex.getMessage());
    }

    @Test
    void shouldRefuseTruncatedFile() throws IOException
    {
        final Path file = createClosed("truncated");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(raf.length() - 1);
        }
        assertRefused(file, "truncated");

        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(100);
        }
        assertRefused(file, "truncated");

        Files.write(file, new byte[0]);
        assertRefused(file, "truncated");
    }

    @Test
    void shouldRefuseMissingFileAndLeftOverGrowth() throws IOException
    {
        assertRefused(dir.resolve("absent.state"), "does not exist");

        createClosed("interrupted");
        Files.write(dir.resolve("interrupted.state.grow"), new byte[10]);
        final StateFileException ex = assertThrows(
            StateFileException.class, () -> MappedSlotTable.open(dir, "interrupted", 8));
        assertEquals(dir.resolve("interrupted.state.grow"), ex.file());
        assertTrue(ex.getMessage().contains("restore the table from the last checkpoint"), ex.getMessage());
    }

    @Test
    void shouldAdoptCompletedGrowthWhoseRenameWasInterrupted() throws IOException
    {
        final Path file = createClosed("adopt");
        Files.move(file, dir.resolve("adopt.state.grow"));
        try (MappedSlotTable table = MappedSlotTable.open(dir, "adopt", 8))
        {
            assertEquals(file, table.file());
            assertTrue(table.find(1));
        }
        assertFalse(Files.exists(dir.resolve("adopt.state.grow")));
    }

    @Test
    void shouldRefuseCreatingExistingTable()
    {
        final Path file = createClosed("exists");
        final StateFileException ex = assertThrows(
            StateFileException.class, () -> MappedSlotTable.create(dir, "exists", 8, 16));
        assertEquals(file, ex.file());
    }

    @Test
    void shouldReportExactlyTheChangedEntriesSinceMark()
    {
        final Random random = new Random(42);
        final Map<Long, Long> model = new HashMap<>();
        try (MappedSlotTable table = MappedSlotTable.create(dir, "dirty", 20, 16, 0.7f, 8))
        {
            for (int interval = 0; interval < 40; interval++)
            {
                final Set<Long> changed = new HashSet<>();
                final Set<Long> removed = new HashSet<>();
                final int operations = random.nextInt(3000);
                for (int i = 0; i < operations; i++)
                {
                    final long key = SlotTableModelTest.randomKey(random, 5000);
                    if (random.nextInt(4) == 0)
                    {
                        if (table.remove(key))
                        {
                            model.remove(key);
                            changed.remove(key);
                            removed.add(key);
                        }
                    }
                    else if (random.nextInt(3) == 0)
                    {
                        table.find(key); // reads do not dirty
                    }
                    else
                    {
                        table.findOrInsert(key);
                        SlotTableModelTest.writeValue(table, i);
                        model.put(key, (long)i);
                        changed.add(key);
                    }
                }
                final Set<Long> reported = new HashSet<>();
                final long count = table.forEachChangedSinceMark(
                    (key) ->
                    {
                        assertTrue(reported.add(key), "reported twice " + key);
                        SlotTableModelTest.assertValue(table, model.get(key));
                    });
                assertEquals(changed, reported, "interval " + interval);
                assertEquals(changed.size(), count);
                final Set<Long> reportedRemoved = new HashSet<>();
                table.forEachRemovedSinceMark(reportedRemoved::add);
                assertEquals(removed, reportedRemoved);
                assertFalse(table.clearedSinceMark());

                table.resetMark();
                assertEquals(0, table.forEachChangedSinceMark((key) -> assertTrue(false, "after reset " + key)));
                assertEquals(0, table.forEachRemovedSinceMark((key) -> assertTrue(false, "after reset " + key)));
            }
            table.clear();
            assertTrue(table.clearedSinceMark());
            assertEquals(0, table.size());
            table.resetMark();
            assertFalse(table.clearedSinceMark());
        }
    }

    @Test
    void shouldStartNewMarkOnReopen()
    {
        try (MappedSlotTable table = MappedSlotTable.create(dir, "mark", 8, 16))
        {
            table.findOrInsert(1);
            table.findOrInsert(2);
            assertEquals(2, table.forEachChangedSinceMark((key) -> {}));
        }
        try (MappedSlotTable table = MappedSlotTable.open(dir, "mark", 8))
        {
            assertEquals(0, table.forEachChangedSinceMark((key) -> {}));
            table.findOrInsert(2);
            final Set<Long> reported = new HashSet<>();
            table.forEachChangedSinceMark(reported::add);
            assertEquals(Set.of(2L), reported);
        }
    }

    @Test
    void shouldNotAllocateOnGetPutUpdateInSteadyState()
    {
        final int keys = 100_000;
        try (MappedSlotTable mapped = MappedSlotTable.create(dir, "alloc", 32, keys * 2);
            DirectSlotTable direct = new DirectSlotTable(32, keys * 2, 0.7f))
        {
            final SlotTable[] tables = { mapped, direct };
            for (final SlotTable table : tables)
            {
                for (long k = 0; k < keys; k++)
                {
                    table.findOrInsert(k);
                }
                exercise(table, keys); // warm up, let the JIT compile
                exercise(table, keys);
                final long before = allocatedBytes();
                final long sum = exercise(table, keys);
                final long allocated = allocatedBytes() - before;
                assertTrue(sum != 0);
                assertTrue(allocated < 4096, table.getClass().getSimpleName() + " allocated " + allocated +
                    " bytes in " + (3L * keys) + " operations");
            }
        }
    }

    private static long exercise(final SlotTable table, final int keys)
    {
        long sum = 0;
        for (long k = 0; k < keys; k++)
        {
            if (table.find(k))
            {
                sum += table.value().getLong(0);
            }
            table.findOrInsert(k);
            table.value().putLong(8, k);
            table.findOrInsert(k);
            table.value().putLong(0, table.value().getLong(0) + 1);
        }
        return sum + 1;
    }

    private static long allocatedBytes()
    {
        final com.sun.management.ThreadMXBean bean =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /**
     * More bytes of state than the heap of this JVM (surefire runs with -Xmx1g), in a table whose
     * file is larger than 2 GiB (several mapped segments), grown once on the way.
     */
    @Test
    void shouldHoldMoreStateThanTheHeapAcrossSegments()
    {
        final int valueLength = 1024;
        final long maxHeap = Runtime.getRuntime().maxMemory();
        final long entries = maxHeap / (8 + valueLength) + 150_000;
        try (MappedSlotTable table = MappedSlotTable.create(dir, "large", valueLength, 1 << 20))
        {
            for (long k = 0; k < entries; k++)
            {
                table.findOrInsert(k);
                table.value().putLong(0, k * 31);
                table.value().putLong(valueLength - 8, ~k);
            }
            assertEquals(entries, table.size());
            assertTrue(entries * (8 + valueLength) > maxHeap);
            assertTrue(table.capacity() * table.slotLength() > Integer.MAX_VALUE, "file spans segments");
            for (long k = 0; k < entries; k++)
            {
                assertTrue(table.find(k));
                if (table.value().getLong(0) != k * 31 || table.value().getLong(valueLength - 8) != ~k)
                {
                    assertEquals(k * 31, table.value().getLong(0), "value of " + k);
                }
            }
            table.closeAndDelete();
        }
        assertFalse(Files.exists(dir.resolve("large.state")));
    }

    private Path createClosed(final String name)
    {
        try (MappedSlotTable table = MappedSlotTable.create(dir, name, 8, 16))
        {
            table.findOrInsert(1);
            return table.file();
        }
    }

    private void assertRefused(final Path file, final String reason)
    {
        final String name = file.getFileName().toString().replace(MappedSlotTable.FILE_SUFFIX, "");
        final StateFileException ex = assertThrows(
            StateFileException.class, () -> MappedSlotTable.open(dir, name, 8));
        assertEquals(file, ex.file());
        assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains(reason), ex.getMessage());
    }

    private static void patchHeader(final Path file, final int offset, final long value, final boolean fixChecksum)
        throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer header = ByteBuffer.allocate(MappedSlotTable.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            header.putLong(offset, value);
            if (fixChecksum)
            {
                fixChecksum(header);
            }
            header.clear();
            channel.write(header, 0);
        }
    }

    private static void patchHeaderInt(final Path file, final int offset, final int value) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer header = ByteBuffer.allocate(MappedSlotTable.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            header.putInt(offset, value);
            fixChecksum(header);
            header.clear();
            channel.write(header, 0);
        }
    }

    private static void fixChecksum(final ByteBuffer header)
    {
        final CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, SlotFileHeader.CHECKSUM_OFFSET);
        header.putInt(SlotFileHeader.CHECKSUM_OFFSET, (int)crc.getValue());
    }
}
