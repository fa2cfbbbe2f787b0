package io.peregrine.checkpoint;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.nio.file.Path;

/**
 * Appends the shards' journal documents to their Chronicle queues off the shard threads (Flink's asynchronous
 * snapshot phase): during its pause a shard only copies what changed into pooled document buffers and hands each
 * full one over; this writer, run by the coordinator's thread, appends them in order and acknowledges a shard's part
 * of a checkpoint once its SHARD_END document is in the journal. A shard that runs out of free buffers waits for this
 * writer (a full checkpoint of a large state), so memory stays bounded by the pool.
 */
public final class JournalWriter implements AutoCloseable
{
    /** Document buffers per shard: an incremental checkpoint of up to this many times 256 KiB never waits. */
    public static final int BUFFERS_PER_SHARD = 32;

    /** A sealed document on its way to the journal. */
    static final class Document
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(JournalFormat.DOCUMENT_TARGET + 64 * 1024);
        int shard;
        int length;
        boolean end;
        long id;
        long bytes;
        long pauseNs;
    }

    private final Path dir;
    private final int shards;
    private final ManyToOneConcurrentArrayQueue<Document> filled;
    private final OneToOneConcurrentArrayQueue<Document>[] free;
    private final ChronicleQueue[] queues;
    private final ExcerptAppender[] appenders;
    private CheckpointCoordinator coordinator;
    private final long[] lastId;
    private final long[] firstIndex;

    @SuppressWarnings("unchecked")
    public JournalWriter(final Path dir, final int shards)
    {
        this.dir = dir;
        this.shards = shards;
        this.filled = new ManyToOneConcurrentArrayQueue<>(shards * BUFFERS_PER_SHARD);
        this.free = new OneToOneConcurrentArrayQueue[shards];
        for (int s = 0; s < shards; s++)
        {
            free[s] = new OneToOneConcurrentArrayQueue<>(BUFFERS_PER_SHARD);
            for (int i = 0; i < BUFFERS_PER_SHARD; i++)
            {
                free[s].offer(new Document());
            }
        }
        this.queues = new ChronicleQueue[shards];
        this.appenders = new ExcerptAppender[shards];
        this.lastId = new long[shards];
        this.firstIndex = new long[shards];
    }

    void coordinator(final CheckpointCoordinator coordinator)
    {
        this.coordinator = coordinator;
    }

    Path dir()
    {
        return dir;
    }

    /**
     * @return a free document buffer of the shard, or null if all are on their way to the journal.
     */
    Document take(final int shard)
    {
        return free[shard].poll();
    }

    /**
     * Hand a sealed document over (always succeeds: the queue holds every buffer there is).
     */
    void hand(final Document document)
    {
        if (!filled.offer(document))
        {
            throw new IllegalStateException("journal writer queue full: more documents than buffers");
        }
    }

    /**
     * Append what the shards handed over, on the coordinator's thread.
     *
     * @return documents appended.
     */
    int drain()
    {
        int work = 0;
        Document document;
        while ((document = filled.poll()) != null)
        {
            final int shard = document.shard;
            if (appenders[shard] == null)
            {
                open(shard);
            }
            try (DocumentContext dc = appenders[shard].writingDocument())
            {
                dc.wire().bytes().write(document.buffer.byteArray(), 0, document.length);
            }
            final boolean end = document.end;
            final long id = document.id;
            if (id != lastId[shard])
            {
                lastId[shard] = id;
                firstIndex[shard] = appenders[shard].lastIndexAppended();
            }
            final long bytes = document.bytes;
            final long pauseNs = document.pauseNs;
            free[shard].offer(document);
            if (end)
            {
                coordinator.acknowledge(shard, id, bytes, pauseNs);
            }
            work++;
        }
        return work;
    }

    /**
     * Open every shard's queue (on the coordinator's thread, before the first checkpoint).
     */
    void openAll()
    {
        for (int s = 0; s < shards; s++)
        {
            if (appenders[s] == null)
            {
                open(s);
            }
        }
    }

    /**
     * A full checkpoint completed: delete every shard's cycle files older than the cycle its part of that checkpoint
     * starts in. They hold only checkpoints that recovery no longer needs (it starts from the newest full one).
     *
     * @return files deleted.
     */
    int deleteBeforeLastCheckpoint()
    {
        int deleted = 0;
        for (int s = 0; s < shards; s++)
        {
            if (queues[s] == null || lastId[s] == 0)
            {
                continue;
            }
            final int cycle = queues[s].rollCycle().toCycle(firstIndex[s]);
            deleted += deleteCyclesBefore(queues[s], Journals.shard(dir, s), cycle);
        }
        return deleted;
    }

    /**
     * Delete the cycle files before {@code cycle} of a journal open for appending, and refresh its directory listing:
     * otherwise the listing kept in the queue's metadata still names a deleted cycle as the first, and a later job's
     * tailer, starting there, finds no document at all, so that no checkpoint can be restored.
     *
     * @return files deleted.
     */
    static int deleteCyclesBefore(final ChronicleQueue queue, final Path journal, final int cycle)
    {
        final int deleted = deleteCyclesBefore(journal, cycle);
        if (deleted > 0 && queue instanceof SingleChronicleQueue)
        {
            ((SingleChronicleQueue)queue).refreshDirectoryListing();
        }
        return deleted;
    }

    static int deleteCyclesBefore(final Path journal, final int cycle)
    {
        final java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter
            .ofPattern(Journals.ROLL_CYCLE.format()).withZone(java.time.ZoneOffset.UTC);
        int deleted = 0;
        try (java.nio.file.DirectoryStream<Path> files = java.nio.file.Files.newDirectoryStream(journal, "*.cq4"))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                final long startMs;
                try
                {
                    startMs = java.time.LocalDateTime.parse(name.substring(0, name.length() - 4), format)
                        .toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
                }
                catch (final java.time.format.DateTimeParseException e)
                {
                    continue; // not a cycle file of this roll cycle
                }
                if (startMs / Journals.ROLL_CYCLE.lengthInMillis() < cycle)
                {
                    java.nio.file.Files.deleteIfExists(file);
                    deleted++;
                }
            }
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException("cannot delete old cycle files of " + journal + ": " + e, e);
        }
        return deleted;
    }

    private void open(final int shard)
    {
        queues[shard] = Journals.open(Journals.shard(dir, shard), false);
        appenders[shard] = queues[shard].createAppender();
    }

    public void close()
    {
        for (int s = 0; s < shards; s++)
        {
            if (appenders[s] != null)
            {
                appenders[s].close();
                queues[s].close();
                appenders[s] = null;
                queues[s] = null;
            }
        }
    }
}
