package io.peregrine.connector;

import net.openhft.chronicle.queue.ChronicleQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reader's rules on hand-written excerpts: the orders of markers a job produces rarely (completions that skip
 * ids, a barrier sealed before the previous commit, a restart between completion and commit).
 */
class ChronicleQueueCommittedReaderTest
{
    private static final byte T = ChronicleQueueRows.TRANSACTIONAL;

    @TempDir
    Path tmp;

    private final UnsafeBuffer row = new UnsafeBuffer(new byte[16]);

    private void row(final ChronicleQueueRows.Appender appender, final int shard, final long id)
    {
        row.putLong(0, id);
        row.putLong(8, shard);
        appender.append(ChronicleQueueRows.ROW, T, shard, 0, row, 0, 16);
    }

    private static void marker(final ChronicleQueueRows.Appender appender, final byte type, final int shard, final long id)
    {
        appender.append(type, 0, shard, id, null, 0, 0);
    }

    /**
     * @param limit excerpts per poll, or 0 to read all at once.
     */
    private static List<String> read(final Path dir, final int limit)
    {
        final List<String> out = new ArrayList<>();
        final ChronicleQueueSink.CommittedReader.RowHandler handler =
            (shard, checkpoint, index, r) -> out.add(shard + ":" + checkpoint + ":" + r);
        try (ChronicleQueueSink.CommittedReader reader = new ChronicleQueueSink.CommittedReader(dir, ChronicleQueueSinkTest.SEQ))
        {
            if (limit == 0)
            {
                reader.readAll(handler);
            }
            else
            {
                for (int i = 0; i < 100; i++) // more polls than excerpts: the later ones find nothing
                {
                    reader.poll(handler, limit);
                }
            }
            assertEquals(0, reader.skipped());
            assertEquals(1, reader.heldRows(), "the second run's open tail");
        }
        return out;
    }

    @Test
    void shouldCommitSealedEpochsUpToACompletionAbortTheRestOnRecoveryAndNeverHandOutTwice()
    {
        final Path dir = tmp.resolve("q");
        try (ChronicleQueue queue = ChronicleQueueRows.open(dir);
            ChronicleQueueRows.Appender a = new ChronicleQueueRows.Appender(queue))
        {
            marker(a, ChronicleQueueRows.RECOVERED, -1, 0);
            row(a, 0, 1);
            row(a, 1, 2);
            row(a, 0, 3);
            marker(a, ChronicleQueueRows.PRE_COMMIT, 0, 1);
            row(a, 0, 4);
            marker(a, ChronicleQueueRows.PRE_COMMIT, 1, 1);
            marker(a, ChronicleQueueRows.PRE_COMMIT, 0, 2);   // sealed before checkpoint 1's commit
            marker(a, ChronicleQueueRows.COMMIT, 0, 1);       // shard 0: rows 1, 3, not 4
            row(a, 1, 5);
            marker(a, ChronicleQueueRows.PRE_COMMIT, 1, 3);
            marker(a, ChronicleQueueRows.COMMIT, 1, 3);       // shard 1: epochs 1 and 3 (completion skipped 2)
            row(a, 0, 6);
            marker(a, ChronicleQueueRows.PRE_COMMIT, 0, 4);   // shard 0: epochs 2 (row 4) and 4 (row 6) sealed
            row(a, 0, 7);                                     // open, never sealed
            row(a, 1, 8);
            marker(a, ChronicleQueueRows.PRE_COMMIT, 1, 5);   // checkpoint 5 never completes
            // The job stopped after checkpoint 4 completed but before shard 0 appended COMMIT(0, 4); it restarts
            // from 4: epochs 2 and 4 of shard 0 are committed, row 7 (open) and row 8 (epoch 5) aborted.
            marker(a, ChronicleQueueRows.RECOVERED, -1, 4);
            row(a, 1, 9);
            marker(a, ChronicleQueueRows.PRE_COMMIT, 1, 6);
            row(a, 0, 10);                                    // the tail of the second run, uncommitted
            marker(a, ChronicleQueueRows.COMMIT, 1, 6);
            marker(a, ChronicleQueueRows.COMMIT, 0, 6);       // nothing of shard 0 sealed: no effect
        }
        final List<String> expected = List.of("0:1:1,0", "0:1:3,0", "1:1:2,1", "1:3:5,1", "0:2:4,0", "0:4:6,0",
            "1:6:9,1");
        assertEquals(expected, read(dir, 0));
        assertEquals(expected, read(dir, 1));
        assertEquals(expected, read(dir, 3));
    }
}
