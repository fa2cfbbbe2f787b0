package io.peregrine.checkpoint;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalCyclesTest
{
    @TempDir
    Path tmp;

    private long cycleFiles(final Path dir) throws Exception
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(f -> f.toString().endsWith(".cq4")).count();
        }
    }

    @Test
    void shouldDeleteOnlyCycleFilesOlderThanTheGivenCycle() throws Exception
    {
        final Path journal = tmp.resolve("shard-0");
        final int cycle;
        try (ChronicleQueue queue = Journals.open(journal, false); ExcerptAppender appender = queue.createAppender())
        {
            appender.writeText("x");
            cycle = queue.rollCycle().toCycle(appender.lastIndexAppended());
        }
        // A file named for an older cycle, as a journal running for a while would have.
        final Path current;
        try (Stream<Path> files = Files.list(journal))
        {
            current = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        final java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter
            .ofPattern(Journals.ROLL_CYCLE.format()).withZone(java.time.ZoneOffset.UTC);
        final String older = format.format(java.time.Instant.ofEpochMilli(
            (long)(cycle - 3) * Journals.ROLL_CYCLE.lengthInMillis())) + ".cq4";
        Files.copy(current, journal.resolve(older));
        assertEquals(2, cycleFiles(journal));

        assertEquals(0, JournalWriter.deleteCyclesBefore(journal, cycle - 3));
        assertEquals(1, JournalWriter.deleteCyclesBefore(journal, cycle));
        assertEquals(1, cycleFiles(journal));
        assertTrue(Files.exists(current), "the current cycle's file stays");
    }
}
