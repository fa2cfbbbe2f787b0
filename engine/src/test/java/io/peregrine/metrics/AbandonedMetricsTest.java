package io.peregrine.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AbandonedMetricsTest
{
    @Test
    void shouldRemoveOnlyTheMetricsDirectoriesOfProcessesThatAreNoLongerRunning(@TempDir final Path root) throws Exception
    {
        final Process gone = new ProcessBuilder("true").start();
        assertEquals(0, gone.waitFor());
        final Path killed = root.resolve("peregrine-trading-" + gone.pid());
        Files.createDirectories(killed);
        CountersFile.create(killed.resolve(CountersFile.FILE_NAME), 16, gone.pid(), 0, 1, "trading").close();
        final Path notOurs = root.resolve("someone-else");
        Files.createDirectories(notOurs);
        Files.writeString(notOurs.resolve(CountersFile.FILE_NAME), "not a counters file");

        try (JobCounters live = JobCounters.create(root, "live", 1, JobCounters.capacity(1, 4), 0))
        {
            final Map<Path, Long> removed = JobCounters.removeAbandoned(root);

            assertEquals(Map.of(killed, gone.pid()), removed);
            assertFalse(Files.exists(killed));
            assertTrue(Files.exists(live.file()), "this process's job keeps its counters");
            assertTrue(Files.exists(notOurs.resolve(CountersFile.FILE_NAME)), "a directory not named peregrine-* is kept");
        }
        assertEquals(Map.of(), JobCounters.removeAbandoned(root.resolve("missing")));
    }
}
