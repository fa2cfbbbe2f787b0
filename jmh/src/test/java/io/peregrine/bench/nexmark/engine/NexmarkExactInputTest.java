package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.InputPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.peregrine.bench.nexmark.engine.NexmarkEventFiles.bid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-written Nexmark inputs at the edges of numbers and input forms, with the rows Flink's SQL gives for them
 * (worked out from its documented semantics), on 1, 2 and 4 shards and from the baseline.
 */
class NexmarkExactInputTest
{
    @TempDir
    Path dir;

    private void assertRows(final String query, final Path file, final List<String> expected) throws IOException
    {
        assertEquals(expected, NexmarkRunner.baseline(query, file, () -> 0L), query + " baseline");
        for (final int shards : new int[] { 1, 2, 4 })
        {
            assertEquals(expected, NexmarkRunner.run(query, NexmarkSource.jsonFile(file),
                NexmarkRunner.context(shards).deadLetterDir(dir.resolve("dead"))), query + " on " + shards + " shard(s)");
        }
    }

    private static final String BID = "{\"event_type\":2,\"person\":null,\"auction\":null,\"bid\":{\"auction\":1000," +
        "\"bidder\":2001,\"price\":7,\"channel\":\"c\",\"url\":\"u\",\"dateTime\":\"2026-01-01 00:00:01.000\",\"extra\":\"e\"}}";

    private Path lenientFile() throws IOException
    {
        final Path file = dir.resolve("lenient.json");
        Files.writeString(file, String.join("\n",
            BID,                                                    // 1
            BID.replace(",\"extra\":\"e\"", ""),                    // 2 no extra: Flink reads null, here empty
            BID.replace("\"price\":7", "\"price\":\"5\""),            // 3 a number in quotes: 5
            BID.replace("\"price\":7", "\"price\":5.0"),            // 4 an integer written as a decimal: 5
            BID.replace("\"price\":7", "\"price\":5.5"),            // 5 not an integer: dead letter
            BID.replace(",\"dateTime\":\"2026-01-01 00:00:01.000\"", "")) + "\n");  // 6 no time: dead letter
        return file;
    }

    @Test
    void shouldReadMissingAndMistypedFieldsAsFlinksJsonFormatDoesAndCountThem() throws IOException
    {
        final Path file = lenientFile();
        final List<String> expected = List.of(
            "1000,2001,5,2026-01-01 00:00:01.000,e",
            "1000,2001,5,2026-01-01 00:00:01.000,e",
            "1000,2001,7,2026-01-01 00:00:01.000,",
            "1000,2001,7,2026-01-01 00:00:01.000,e");
        assertEquals(expected, NexmarkRunner.baseline("q0", file, () -> 0L), "baseline");
        for (final int shards : new int[] { 1, 2, 4 })
        {
            final String[] summary = new String[1];
            assertEquals(expected, NexmarkRunner.run("q0", NexmarkSource.jsonFile(file),
                NexmarkRunner.context(shards).deadLetterDir(dir.resolve("dead")), (s) -> summary[0] = s), shards + " shard(s)");
            assertEquals("late records 0, malformed inputs 2, fields read as zero 1, fields converted 2", summary[0]);
        }
    }

    @Test
    void shouldDeadLetterEveryMissingOrMistypedFieldUnderTheRejectPolicy() throws IOException
    {
        final Path file = lenientFile();
        for (final int shards : new int[] { 1, 2, 4 })
        {
            final Path dead = dir.resolve("dead-" + shards);
            final String[] summary = new String[1];
            assertEquals(List.of("1000,2001,7,2026-01-01 00:00:01.000,e"), NexmarkRunner.run("q0",
                NexmarkSource.jsonFile(file, InputPolicy.REJECT), NexmarkRunner.context(shards).deadLetterDir(dead),
                (s) -> summary[0] = s), shards + " shard(s)");
            assertEquals("late records 0, malformed inputs 5, fields read as zero 0, fields converted 0", summary[0]);
            try (var files = Files.list(dead))
            {
                final List<String> lines = Files.readAllLines(files.findFirst().orElseThrow());
                assertEquals(6, lines.size(), lines.toString());
                assertTrue(lines.get(1).startsWith("2\tmissing field bid.extra\t"), lines.get(1));
                assertTrue(lines.get(2).startsWith("3\twrong type for bid.price: expected integer\t"), lines.get(2));
            }
        }
    }

    @Test
    void shouldConvertAPriceOfTenToTheSeventeenExactlyInQ1() throws IOException
    {
        // 0.908 * price is a DECIMAL(23, 3) in Flink: 10^17 * 0.908 = 9.08 * 10^16 exactly, beyond a long's thousandths.
        assertRows("q1", NexmarkEventFiles.write(dir,
            bid(0, 1, 2, 100_000_000_000_000_000L), bid(1, 1, 2, Long.MAX_VALUE), bid(2, 1, 2, -7)), List.of(
            "1,2,-6.356,2026-01-01 00:00:00.002,e2",
            "1,2,8374821809464136432.756,2026-01-01 00:00:00.001,e1",
            "1,2,90800000000000000.000,2026-01-01 00:00:00.000,e0"));
    }
}
