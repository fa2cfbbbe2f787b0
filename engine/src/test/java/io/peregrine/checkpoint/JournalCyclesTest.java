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

    /**
     * A journal whose older cycle files were deleted (after a full checkpoint in a newer cycle) is still read from its
     * first remaining cycle, by a reader that opens it afresh.
     */
    @Test
    void shouldReadAJournalFromItsFirstCycleLeftAfterOlderOnesAreDeleted() throws Exception
    {
        final Path journal = tmp.resolve("shard-0");
        final net.openhft.chronicle.core.time.SetTimeProvider time = new net.openhft.chronicle.core.time.SetTimeProvider(
            java.time.Instant.parse("2026-12-02T06:58:00Z").toEpochMilli());
        final int newer;
        try (ChronicleQueue queue = net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder
            .binary(journal.toFile()).rollCycle(Journals.ROLL_CYCLE).timeProvider(time).build();
            ExcerptAppender appender = queue.createAppender())
        {
            appender.writeText("old-1");
            appender.writeText("old-2");
            time.currentTimeMillis(java.time.Instant.parse("2026-12-02T07:01:00Z").toEpochMilli());
            appender.writeText("new-1");
            newer = queue.rollCycle().toCycle(appender.lastIndexAppended());
            appender.writeText("new-2");
            assertEquals(1, JournalWriter.deleteCyclesBefore(journal, newer));
            // The writer does not tell the queue (a process may die right after deleting): the reader copes.
            appender.writeText("new-3");
        }
        final java.util.List<String> read = new java.util.ArrayList<>();
        final CheckpointStore.DocumentReader reader = (doc, length, index) -> read.add(new String(doc.byteArray(), 0,
            length, java.nio.charset.StandardCharsets.ISO_8859_1).trim());
        final java.util.List<String> problems = CheckpointStore.readJournal(journal, reader);
        assertEquals(java.util.List.of(), problems);
        assertEquals(3, read.size(), read.toString());
        assertTrue(read.get(0).endsWith("new-1"), read.toString());
    }
}
