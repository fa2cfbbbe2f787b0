package io.peregrine.bench.nexmark.engine;

import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import io.peregrine.bench.nexmark.NexmarkJson;
import io.peregrine.config.JobContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NexmarkQueriesTest
{
    /** Events of the windowed data set: 60 s of event time at 1,000 events/s. */
    private static final long EVENTS = 60_000;

    @TempDir
    Path dir;

    private static NexmarkConfig slow()
    {
        return new NexmarkConfig().eventRate(1_000);
    }

    private static void assertSameAsBaseline(final String query, final NexmarkConfig config, final long events)
    {
        final List<String> expected = NexmarkRunner.baseline(query, config, events, () -> 0L);
        assertFalse(expected.isEmpty(), query + ": the data set must give the baseline some rows");
        for (final int shards : new int[] { 1, 2 })
        {
            final List<String> actual = NexmarkRunner.run(query, config, events, shards);
            assertRowsEqual(query + " on " + shards + " shard(s)", expected, actual);
        }
    }

    private static void assertRowsEqual(final String what, final List<String> expected, final List<String> actual)
    {
        if (!expected.equals(actual))
        {
            int i = 0;
            while (i < expected.size() && i < actual.size() && expected.get(i).equals(actual.get(i)))
            {
                i++;
            }
            final String e = i < expected.size() ? expected.get(i) : "<end>";
            final String a = i < actual.size() ? actual.get(i) : "<end>";
            assertEquals(expected, actual, what + ": " + expected.size() + " rows expected, " + actual.size() +
                " produced; first difference at row " + i + ": expected " + e + ", got " + a);
        }
    }

    @Test
    void shouldPassBidsThroughAsTheBaselineQ0()
    {
        assertSameAsBaseline("q0", slow(), 20_000);
    }

    @Test
    void shouldConvertCurrencyAsTheBaselineQ1()
    {
        assertSameAsBaseline("q1", slow(), 20_000);
    }

    @Test
    void shouldSelectBidsAsTheBaselineQ2()
    {
        assertSameAsBaseline("q2", slow(), EVENTS);
    }

    @Test
    void shouldJoinPeopleAndAuctionsAsTheBaselineQ3()
    {
        assertSameAsBaseline("q3", slow(), EVENTS);
    }

    @Test
    void shouldAverageWinningPricesAsTheBaselineQ4AtTheDefaultRate()
    {
        assertSameAsBaseline("q4", new NexmarkConfig(), 100_000);
    }

    @Test
    void shouldAverageWinningPricesAsTheBaselineQ4AtASlowRate()
    {
        assertSameAsBaseline("q4", slow(), EVENTS);
    }

    @Test
    void shouldRankHotItemsAsTheBaselineQ5()
    {
        assertSameAsBaseline("q5", slow(), EVENTS);
    }

    @Test
    void shouldFindHighestBidsAsTheBaselineQ7()
    {
        assertSameAsBaseline("q7", slow(), EVENTS);
    }

    @Test
    void shouldMonitorNewUsersAsTheBaselineQ8()
    {
        assertSameAsBaseline("q8", slow(), EVENTS);
    }

    @Test
    void shouldCountUserSessionsAsTheBaselineQ11()
    {
        assertSameAsBaseline("q11", slow(), EVENTS);
    }

    @Test
    void shouldMatchTheBaselinesAtTheDefaultRateWhereThousandsOfEventsShareAMillisecond()
    {
        for (final String query : List.of("q3", "q5", "q7", "q8", "q11"))
        {
            assertSameAsBaseline(query, new NexmarkConfig(), 100_000);
        }
    }

    @Test
    void shouldCountProcessingTimeWindowsAsTheBaselineQ12UnderAFixedClock()
    {
        final NexmarkConfig config = slow();
        final List<String> expected = NexmarkRunner.baseline("q12", config, EVENTS, () -> 0L);
        for (final int shards : new int[] { 1, 2 })
        {
            final JobContext context = NexmarkRunner.context(shards).epochClock(() -> 0L);
            final List<String> actual = NexmarkRunner.run("q12", NexmarkSource.generator(config, EVENTS, 0), context);
            assertRowsEqual("q12 on " + shards + " shard(s)", expected, actual);
        }
    }

    @Test
    void shouldCountEveryBidOfEachBidderOnceInQ12UnderTheSystemClock()
    {
        final NexmarkConfig config = slow();
        final Map<Long, Long> expected = totalsPerBidder(NexmarkRunner.baseline("q12", config, EVENTS, () -> 0L));
        for (final int shards : new int[] { 1, 2 })
        {
            final Map<Long, Long> actual = totalsPerBidder(NexmarkRunner.run("q12", config, EVENTS, shards));
            assertEquals(expected, actual, "q12 bids per bidder summed over the windows on " + shards + " shard(s)");
        }
    }

    private static Map<Long, Long> totalsPerBidder(final List<String> rows)
    {
        final Map<Long, Long> totals = new TreeMap<>();
        for (final String row : rows)
        {
            final String[] columns = row.split(",");
            totals.merge(Long.parseLong(columns[0]), Long.parseLong(columns[1]), Long::sum);
        }
        return totals;
    }

    @Test
    void shouldReadAnEventsFileAndDeadLetterMalformedLines() throws IOException
    {
        final Path events = dir.resolve("events.json");
        NexmarkJson.writeFile(new NexmarkGenerator(slow().maxEvents(5_000)), events);
        Files.write(events, "{\"event_type\": 2, \"bid\": oops}\n".getBytes(StandardCharsets.US_ASCII),
            StandardOpenOption.APPEND);
        final List<String> expected = NexmarkRunner.baseline("q7", events, () -> 0L);
        final Path deadLetters = dir.resolve("dead");
        final List<String> actual = NexmarkRunner.run("q7", NexmarkSource.jsonFile(events),
            NexmarkRunner.context(2).deadLetterDir(deadLetters));
        assertFalse(expected.isEmpty());
        assertRowsEqual("q7 over an events file", expected, actual);
        assertTrue(Files.exists(deadLetters), "dead-letter directory written");
        try (var files = Files.list(deadLetters))
        {
            final String text = Files.readString(files.findFirst().orElseThrow());
            assertTrue(text.contains("\n5001\t"), text);
            assertTrue(text.contains("oops"), text);
        }
    }

    @Test
    void shouldWriteACsvFileWithTheReferenceHeader() throws IOException
    {
        final Path csv = dir.resolve("q2.csv");
        final long rows = NexmarkRunner.runToCsv("q2", null, slow(), EVENTS, 2, csv);
        final List<String> lines = Files.readAllLines(csv);
        assertEquals("auction,price", lines.get(0));
        assertEquals(rows + 1, lines.size());
        assertEquals(NexmarkRunner.baseline("q2", slow(), EVENTS, () -> 0L), lines.subList(1, lines.size()));
    }
}
