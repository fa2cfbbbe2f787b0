package io.peregrine.bench.nexmark.engine;

import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hand-written Nexmark inputs at the edges of numbers and input forms, with the rows Flink's SQL gives for them
 * (worked out from its documented semantics), on 1, 2 and 4 shards and from the baseline.
 */
class NexmarkExactInputTest
{
    private static final long BASE = NexmarkConfig.DEFAULT_BASE_TIME_MS;

    @TempDir
    Path dir;

    private static NexmarkEvent bid(final long at, final long auction, final long bidder, final long price)
    {
        final NexmarkEvent e = new NexmarkEvent();
        e.type(NexmarkEvent.BID).dateTime(BASE + at);
        e.bid().auction(auction).bidder(bidder).price(price);
        e.bid().channel().set("Google");
        e.bid().url().set("https://x/y");
        e.bid().extra().set("x");
        return e;
    }

    private Path file(final NexmarkEvent... events) throws IOException
    {
        final Path file = dir.resolve("bids.json");
        try (NexmarkJson.Writer w = new NexmarkJson.Writer(Files.newOutputStream(file)))
        {
            for (final NexmarkEvent e : events)
            {
                w.write(e);
            }
        }
        return file;
    }

    private void assertRows(final String query, final Path file, final List<String> expected) throws IOException
    {
        assertEquals(expected, NexmarkRunner.baseline(query, file, () -> 0L), query + " baseline");
        for (final int shards : new int[] { 1, 2, 4 })
        {
            assertEquals(expected, NexmarkRunner.run(query, NexmarkSource.jsonFile(file),
                NexmarkRunner.context(shards).deadLetterDir(dir.resolve("dead"))), query + " on " + shards + " shard(s)");
        }
    }

    @Test
    void shouldConvertAPriceOfTenToTheSeventeenExactlyInQ1() throws IOException
    {
        // 0.908 * price is a DECIMAL(23, 3) in Flink: 10^17 * 0.908 = 9.08 * 10^16 exactly, beyond a long's thousandths.
        assertRows("q1", file(bid(0, 1, 2, 100_000_000_000_000_000L), bid(1, 1, 2, Long.MAX_VALUE),
            bid(2, 1, 2, -7)), List.of(
            "1,2,-6.356,2026-01-01 00:00:00.002,x",
            "1,2,8374821809464136432.756,2026-01-01 00:00:00.001,x",
            "1,2,90800000000000000.000,2026-01-01 00:00:00.000,x"));
    }
}
