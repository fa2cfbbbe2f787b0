package io.peregrine.checkpoint;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A journal that rolled to a new cycle file and had the older one deleted after a full checkpoint (as the journal
 * writer does) must still be read from its first remaining document by a later job.
 */
class JournalRollTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldReadAJournalWhoseOlderCycleWasDeleted() throws Exception
    {
        final Path journal = tmp.resolve("shard-0");
        final SetTimeProvider time = new SetTimeProvider(1_764_658_500_000L); // 2025-12-02 06:55 UTC, a cycle's start
        try (ChronicleQueue queue = SingleChronicleQueueBuilder.binary(journal.toFile()).rollCycle(Journals.ROLL_CYCLE)
            .timeProvider(time).build(); ExcerptAppender appender = queue.createAppender())
        {
            append(appender, 1);
            append(appender, 2);
            time.advanceMillis(5 * 60_000);
            append(appender, 3);
            final int cycle = queue.rollCycle().toCycle(appender.lastIndexAppended());
            // As the journal writer does after a full checkpoint: delete, then refresh the queue's directory listing.
            assertEquals(1, JournalWriter.deleteCyclesBefore(journal, cycle));
            Journals.refresh(queue);
            append(appender, 4);
        }
        final List<Long> read = new ArrayList<>();
        try (ChronicleQueue queue = Journals.open(journal, true); ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    read.add(dc.wire().bytes().readLong());
                }
            }
        }
        assertEquals(List.of(3L, 4L), read);
    }

    private static void append(final ExcerptAppender appender, final long value)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().writeLong(value);
        }
    }
}
