package io.peregrine.bench.nexmark.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static io.peregrine.bench.nexmark.engine.NexmarkEventFiles.bid;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Records more than the 4 s bound out of order, through an events file (one split): the reference watermark is
 * {@code max dateTime - 4 s} (Flink SQL's {@code dateTime - INTERVAL '4' SECOND}, no {@code - 1}) and each event is
 * judged against the watermark as it stood just before it. The expected rows are worked out by hand in the comments;
 * the engine gives them on 1, 2 and 4 shards, one event per poll or all in one batch, with two-stage aggregation on
 * and off, and the hand-written baseline gives them too.
 */
class NexmarkLateDataTest
{
    @TempDir
    Path dir;

    private void assertRows(final String query, final Path file, final List<String> expected) throws IOException
    {
        assertEquals(expected, NexmarkRunner.baseline(query, file, () -> 0L), query + " baseline");
        for (final int shards : new int[] { 1, 2, 4 })
        {
            for (final int batch : new int[] { 1, 256 })
            {
                for (final boolean twoStage : new boolean[] { true, false })
                {
                    assertEquals(expected, NexmarkRunner.run(query, NexmarkSource.jsonFile(file),
                        NexmarkRunner.context(shards).sourceBatch(batch).windowTwoStage(twoStage)
                            .deadLetterDir(dir.resolve("dead"))),
                        query + " on " + shards + " shard(s), batch " + batch + ", two-stage " + twoStage);
                }
            }
        }
    }

    @Test
    void shouldCountALateBidOnlyInTheHopWindowsStillOpenForItInQ5() throws IOException
    {
        // 10 s windows sliding by 2 s: [s, s + 10 s) for s a multiple of 2 s.
        final Path file = NexmarkEventFiles.write(dir,
            bid(1_000, 1, 1, 1),     // windows from -8 s to 0 s
            bid(1_500, 2, 1, 1),     // the same five windows
            bid(16_000, 1, 1, 1),    // windows from 8 s to 16 s; watermark 12 s after it
            bid(9_000, 3, 1, 1),     // watermark 12 s: [0, 10), [2, 12) have fired; [4, 14), [6, 16), [8, 18) take it
            bid(1_800, 1, 1, 1));    // watermark 12 s: every window holding 1.8 s has fired: late
        // Per window the auctions tied at the most bids (all at one bid each):
        // [-8, 2) .. [0, 10): auctions 1 and 2 (five windows); [2, 12): no bid; [4, 14), [6, 16): auction 3;
        // [8, 18): auctions 1 and 3; [10, 20) .. [16, 26): auction 1 (four windows).
        assertRows("q5", file, List.of(
            "1,1", "1,1", "1,1", "1,1", "1,1", "1,1", "1,1", "1,1", "1,1", "1,1",
            "2,1", "2,1", "2,1", "2,1", "2,1",
            "3,1", "3,1", "3,1"));
    }

    @Test
    void shouldDropABidForAWindowThatHasFiredInQ7() throws IOException
    {
        // 10 s tumbling windows; a bid at exactly a window's end also joins the window before.
        final Path file = NexmarkEventFiles.write(dir,
            bid(1_000, 10, 1, 100),
            bid(15_000, 11, 2, 50),  // watermark 11 s after it: [0, 10) has fired with its maximum 100
            bid(9_000, 12, 3, 500),  // watermark 11 s: its window [0, 10) has fired: late, not its new maximum
            bid(10_000, 13, 4, 50),  // [0, 10) has settled (11 s >= 10 s): joins [10, 20) only, tied with 15 s
            bid(25_000, 14, 5, 7));
        assertRows("q7", file, List.of(
            "10,1,100,2026-01-01 00:00:01.000,e1000",
            "11,2,50,2026-01-01 00:00:15.000,e15000",
            "13,4,50,2026-01-01 00:00:10.000,e10000",
            "14,5,7,2026-01-01 00:00:25.000,e25000"));
    }

    @Test
    void shouldDropASessionWhoseLastMillisecondIsAtTheWatermarkInQ11() throws IOException
    {
        // 10 s gap; sessions that touch merge.
        final Path file = NexmarkEventFiles.write(dir,
            bid(0, 1, 7, 1),         // bidder 7: [0, 10)
            bid(10_000, 1, 7, 1),    // touches: [0, 20)
            bid(30_000, 1, 8, 1),    // bidder 8: [30, 40); watermark 26 s after it: [0, 20) has fired
            bid(16_001, 1, 9, 1),    // [16.001, 26.001): last millisecond 26.000 = the watermark: late
            bid(16_002, 1, 9, 1),    // [16.002, 26.002): on time
            bid(19_000, 1, 7, 1));   // [0, 20) has fired: a new session [19, 29), not merged into it
        assertRows("q11", file, List.of(
            "7,1,2026-01-01 00:00:19.000,2026-01-01 00:00:29.000",
            "7,2,2026-01-01 00:00:00.000,2026-01-01 00:00:20.000",
            "8,1,2026-01-01 00:00:30.000,2026-01-01 00:00:40.000",
            "9,1,2026-01-01 00:00:16.002,2026-01-01 00:00:26.002"));
    }
}
