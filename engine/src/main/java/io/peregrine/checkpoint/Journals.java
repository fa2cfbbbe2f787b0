package io.peregrine.checkpoint;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.nio.file.Path;

/**
 * Where a job's checkpoint journals live under its checkpoint directory, and how they are opened.
 * <pre>
 *   DIR/coordinator/   one COMPLETE document per completed checkpoint
 *   DIR/shard-N/       shard N's DATA and SHARD_END documents
 * </pre>
 * Each is a Chronicle queue of five-minute cycle files ({@code yyyyMMdd-HHmm'V'.cq4}).
 */
public final class Journals
{
    /**
     * Five-minute cycle files: after a full checkpoint completes, the files of cycles before it are deleted
     * ({@link JournalWriter}), so a journal keeps a few minutes of checkpoints at most.
     */
    public static final RollCycles ROLL_CYCLE = RollCycles.FIVE_MINUTELY;

    private Journals()
    {
    }

    /**
     * @return the earliest cycle of the journal's files, or {@link Integer#MAX_VALUE} if it has none.
     */
    static int firstCycle(final Path journal)
    {
        int first = Integer.MAX_VALUE;
        try (java.nio.file.DirectoryStream<Path> files = java.nio.file.Files.newDirectoryStream(journal, "*.cq4"))
        {
            for (final Path file : files)
            {
                final int cycle = cycleOf(file);
                if (cycle >= 0)
                {
                    first = Math.min(first, cycle);
                }
            }
        }
        catch (final java.io.IOException e)
        {
            return Integer.MAX_VALUE;
        }
        return first;
    }

    /**
     * @return the cycle a journal file holds, from its name, or -1 if it is not a cycle file of {@link #ROLL_CYCLE}.
     */
    static int cycleOf(final Path file)
    {
        final String name = file.getFileName().toString();
        if (!name.endsWith(".cq4"))
        {
            return -1;
        }
        try
        {
            final long startMs = java.time.LocalDateTime.parse(name.substring(0, name.length() - 4), FILE_NAME)
                .toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
            return (int)(startMs / ROLL_CYCLE.lengthInMillis());
        }
        catch (final java.time.format.DateTimeParseException e)
        {
            return -1;
        }
    }

    private static final java.time.format.DateTimeFormatter FILE_NAME =
        java.time.format.DateTimeFormatter.ofPattern(RollCycles.FIVE_MINUTELY.format()).withZone(java.time.ZoneOffset.UTC);

    /**
     * Make a queue notice cycle files deleted under it.
     */
    static void refresh(final ChronicleQueue queue)
    {
        if (queue instanceof net.openhft.chronicle.queue.impl.single.SingleChronicleQueue)
        {
            ((net.openhft.chronicle.queue.impl.single.SingleChronicleQueue)queue).refreshDirectoryListing();
        }
    }

    public static Path coordinator(final Path dir)
    {
        return dir.resolve("coordinator");
    }

    public static Path shard(final Path dir, final int shard)
    {
        return dir.resolve("shard-" + shard);
    }

    static ChronicleQueue open(final Path path, final boolean readOnly)
    {
        return SingleChronicleQueueBuilder.binary(path.toFile())
            .rollCycle(ROLL_CYCLE)
            .readOnly(readOnly)
            .build();
    }
}
