package io.peregrine.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateDirectoryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldCreateTablesByNameAndReopenThemWithEveryEntry()
    {
        final String name = StateDirectory.tableName("window-sum", 3);
        try (StateDirectory state = StateDirectory.open(new StateDirectory.Context().dir(dir).initialCapacity(16)))
        {
            final MappedSlotTable table = state.openOrCreate(name, 16);
            for (long k = 0; k < 1000; k++)
            {
                table.findOrInsert(k);
                table.value().putLong(8, k * k);
            }
            assertEquals(List.of(name), state.openTables());
        }
        assertFalse(Files.exists(dir.resolve(StateDirectory.LOCK_FILE_NAME)));
        try (StateDirectory state = StateDirectory.open(new StateDirectory.Context().dir(dir)))
        {
            assertTrue(state.exists(name));
            final MappedSlotTable table = state.openOrCreate(name, 16);
            assertEquals(1000, table.size());
            for (long k = 0; k < 1000; k++)
            {
                assertTrue(table.find(k));
                assertEquals(k * k, table.value().getLong(8));
            }
            assertThrows(IllegalStateException.class, () -> state.openOrCreate(name, 16));
            table.close();
            assertTrue(state.delete(name));
            assertFalse(state.exists(name));
        }
    }

    @Test
    void shouldRefuseDirectoryLockedByAnotherOwner()
    {
        try (StateDirectory first = StateDirectory.open(new StateDirectory.Context().dir(dir)))
        {
            final StateFileException ex = assertThrows(
                StateFileException.class, () -> StateDirectory.open(new StateDirectory.Context().dir(dir)));
            assertEquals(dir.resolve(StateDirectory.LOCK_FILE_NAME), ex.file());
            assertTrue(ex.getMessage().contains("in use by process " + ProcessHandle.current().pid()), ex.getMessage());
            assertTrue(first.path().equals(dir));
        }
        try (StateDirectory again = StateDirectory.open(new StateDirectory.Context().dir(dir)))
        {
            assertTrue(again.openTables().isEmpty());
        }
    }

    @Test
    void shouldRefuseTableOfAnotherLayoutNamingTheFile()
    {
        try (StateDirectory state = StateDirectory.open(new StateDirectory.Context().dir(dir)))
        {
            state.openOrCreate("op.shard-0", 8).close();
            final StateFileException ex = assertThrows(
                StateFileException.class, () -> state.openOrCreate("op.shard-0", 24));
            assertEquals(dir.resolve("op.shard-0.state"), ex.file());
        }
    }

    @Test
    void shouldDeleteTableFilesOnStartWhenAsked()
    {
        try (StateDirectory state = StateDirectory.open(new StateDirectory.Context().dir(dir)))
        {
            state.openOrCreate("a", 8);
        }
        assertTrue(Files.exists(dir.resolve("a.state")));
        try (StateDirectory state = StateDirectory.open(new StateDirectory.Context().dir(dir).deleteOnStart(true)))
        {
            assertFalse(state.exists("a"));
        }
    }

    @Test
    void shouldTakeDefaultsAndValidateSettings()
    {
        final StateDirectory.Context ctx = new StateDirectory.Context();
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "peregrine-state"), ctx.dir());
        assertEquals(0.7f, ctx.loadFactor());
        assertEquals(StateDirectory.Context.INITIAL_CAPACITY_DEFAULT, ctx.initialCapacity());
        assertEquals("peregrine.state.dir", StateDirectory.Context.DIR_PROP_NAME);
        assertEquals("peregrine.state.load.factor", StateDirectory.Context.LOAD_FACTOR_PROP_NAME);
        assertThrows(IllegalArgumentException.class, () -> new StateDirectory.Context().loadFactor(1.5f).conclude());
        assertThrows(IllegalArgumentException.class, () -> new StateDirectory.Context().growthStepSlots(1).conclude());
    }

    @Test
    void shouldRemoveOnlyTheDirectoriesWhoseOwnerIsNoLongerRunning() throws Exception
    {
        final Path parent = dir.resolve("jobs");
        final Process gone = new ProcessBuilder("true").start();
        assertEquals(0, gone.waitFor());
        final Path killed = parent.resolve("job-killed");
        Files.createDirectories(killed);
        Files.writeString(killed.resolve(StateDirectory.LOCK_FILE_NAME), Long.toString(gone.pid()));
        Files.writeString(killed.resolve("sum.shard-0.state"), "slots");
        final Path unnamed = parent.resolve("job-died-before-writing-its-pid");
        Files.createDirectories(unnamed);
        Files.writeString(unnamed.resolve(StateDirectory.LOCK_FILE_NAME), "");
        final Path notState = parent.resolve("something-else");
        Files.createDirectories(notState);
        try (StateDirectory live = StateDirectory.open(new StateDirectory.Context().dir(parent.resolve("job-live"))))
        {
            final List<StateDirectory.Abandoned> removed = StateDirectory.removeAbandoned(parent);

            assertEquals(List.of(new StateDirectory.Abandoned(unnamed, -1), new StateDirectory.Abandoned(killed, gone.pid())),
                removed.stream().sorted(java.util.Comparator.comparing(a -> a.dir().getFileName().toString())).toList());
            assertFalse(Files.exists(killed));
            assertFalse(Files.exists(unnamed));
            assertTrue(Files.exists(parent.resolve("job-live").resolve(StateDirectory.LOCK_FILE_NAME)), "a live job's kept");
            assertThrows(StateFileException.class, () -> StateDirectory.open(new StateDirectory.Context()
                .dir(parent.resolve("job-live"))), "and still locked");
            assertTrue(Files.isDirectory(notState), "a directory without a lock file is not state: kept");
        }
        assertEquals(List.of(), StateDirectory.removeAbandoned(dir.resolve("missing")));
    }
}
