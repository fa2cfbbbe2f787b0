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
