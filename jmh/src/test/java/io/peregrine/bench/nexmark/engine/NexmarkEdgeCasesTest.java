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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-made events at the edges of the reference semantics, through an events file: the engine's rows equal the
 * baseline's on 1 and 2 shards, and the expected rows are spelled out.
 */
class NexmarkEdgeCasesTest
{
    private static final long BASE = NexmarkConfig.DEFAULT_BASE_TIME_MS;

    @TempDir
    Path dir;

    private Path events() throws IOException
    {
        final Path file = dir.resolve("edges.json");
        final NexmarkEvent e = new NexmarkEvent();
        try (NexmarkJson.Writer w = new NexmarkJson.Writer(Files.newOutputStream(file)))
        {
            w.write(person(e, 1, 1001, "Ann Lee", "Bend", "OR"));
            w.write(auction(e, 2, 2001, 1001, 10, 3_000));
            w.write(auction(e, 3, 2002, 1002, 10, 5_000));     // before its seller: waits
            w.write(person(e, 4, 1002, "Bob Ray", "Boise", "CA"));
            w.write(person(e, 5, 1003, "Cy Dee", "Kent", "WA"));
            w.write(auction(e, 6, 2003, 1003, 10, 5_000));     // seller of another state
            w.write(bid(e, 7, 2004, 9, 100));                  // before its auction, same ms: counts
            w.write(auction(e, 7, 2004, 1001, 11, 9));
            w.write(bid(e, 10, 2001, 1, 50));
            w.write(bid(e, 20, 2001, 1, 70));
            w.write(bid(e, 30, 2001, 1, 60));
            w.write(bid(e, 100, 2009, 7, 10));                 // bidder 7 session: 100, 10100 (touching), 20101
            w.write(bid(e, 4_000, 2001, 1, 1_000));            // after auction 2001 expired
            w.write(bid(e, 5_000, 2001, 1, 1_500));            // window [0, 10 s) max
            w.write(bid(e, 10_000, 2001, 2, 1_500));           // at the window's end: joins it, and the next one
            w.write(bid(e, 10_000, 2001, 3, 400));
            w.write(bid(e, 10_100, 2009, 7, 10));
            w.write(bid(e, 15_000, 2001, 4, 300));
            w.write(bid(e, 20_101, 2009, 7, 10));
            w.write(bid(e, 40_000, 2001, 5, 1));
        }
        return file;
    }

    private static NexmarkEvent person(final NexmarkEvent e, final long at, final long id, final String name,
        final String city, final String state)
    {
        e.type(NexmarkEvent.PERSON).dateTime(BASE + at);
        e.person().id(id).name().set(name);
        e.person().city().set(city);
        e.person().state().set(state);
        e.person().emailAddress().set("x@y.com");
        e.person().creditCard().set("1234 1234 1234 1234");
        e.person().extra().set("");
        return e;
    }

    private static NexmarkEvent auction(final NexmarkEvent e, final long at, final long id, final long seller,
        final long category, final long expiresAt)
    {
        e.type(NexmarkEvent.AUCTION).dateTime(BASE + at);
        e.auction().id(id).seller(seller).category(category).expires(BASE + expiresAt).initialBid(1).reserve(2);
        e.auction().itemName().set("item");
        e.auction().description().set("desc");
        e.auction().extra().set("");
        return e;
    }

    private static NexmarkEvent bid(final NexmarkEvent e, final long at, final long auction, final long bidder,
        final long price)
    {
        e.type(NexmarkEvent.BID).dateTime(BASE + at);
        e.bid().auction(auction).bidder(bidder).price(price);
        e.bid().channel().set("Google");
        e.bid().url().set("https://x/y");
        e.bid().extra().set("e" + at + "," + bidder);
        return e;
    }

    private void assertRows(final String query, final List<String> expected) throws IOException
    {
        assertRows(query, events(), expected);
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

    /**
     * Ids that repeat, as in the issue that brought joins: Flink's q3 keeps every person row (a seller who moved from
     * CA to NY still joins as the CA row, two CA rows join twice, a NY row later followed by a CA row joins the
     * auctions before it); q4 groups by (auction id, category), so an auction id reused in another category is a
     * second group with the bids within its own time; q8 joins distinct (id, name) rows per window.
     */
    private Path repeatedIds() throws IOException
    {
        final Path file = dir.resolve("repeated.json");
        final NexmarkEvent e = new NexmarkEvent();
        try (NexmarkJson.Writer w = new NexmarkJson.Writer(Files.newOutputStream(file)))
        {
            w.write(person(e, 1, 2001, "Dee Moss", "Fresno", "CA"));
            w.write(person(e, 2, 2001, "Dee Moss", "Albany", "NY"));
            w.write(auction(e, 3, 3001, 2001, 10, 5_000));
            w.write(person(e, 4, 2002, "Eve Roe", "Chico", "CA"));
            w.write(person(e, 5, 2002, "Eve Roe", "Davis", "CA"));
            w.write(auction(e, 6, 3002, 2002, 10, 5_000));
            w.write(person(e, 7, 2003, "Fay Lu", "Buffalo", "NY"));
            w.write(auction(e, 8, 3003, 2003, 10, 5_000));
            w.write(person(e, 9, 2003, "Fay Lu", "Napa", "CA"));
            w.write(auction(e, 10, 4001, 2009, 20, 1_000));
            w.write(bid(e, 20, 4001, 1, 50));
            w.write(auction(e, 30, 4001, 2009, 21, 2_000));    // auction id reused in another category
            w.write(bid(e, 40, 4001, 2, 70));                  // within both auctions
            w.write(bid(e, 1_500, 4001, 3, 90));               // within the second only
            w.write(auction(e, 1_600, 4002, 2002, 20, 1_700));
            w.write(auction(e, 1_600, 4002, 2002, 20, 1_700)); // the same auction twice: one group
            w.write(bid(e, 1_650, 4002, 4, 10));
        }
        return file;
    }

    @Test
    void shouldJoinEveryRowOfARepeatedPersonIdInQ3() throws IOException
    {
        assertRows("q3", repeatedIds(), List.of("Dee Moss,Fresno,CA,3001", "Eve Roe,Chico,CA,3002",
            "Eve Roe,Davis,CA,3002", "Fay Lu,Napa,CA,3003"));
    }

    @Test
    void shouldGroupAReusedAuctionIdByCategoryInQ4() throws IOException
    {
        // (4001, 20): max(50, 70) = 70; (4001, 21): max(70, 90) = 90; (4002, 20): 10. Category 20: (70 + 10) / 2.
        assertRows("q4", repeatedIds(), List.of("20,40", "21,90"));
    }

    @Test
    void shouldJoinDistinctPeopleAndSellersOfAWindowInQ8() throws IOException
    {
        // Window [0, 10 s): 2001 (one name, two cities), 2002 (two rows, one name), 2003, 2009 (a seller only).
        assertRows("q8", repeatedIds(), List.of("2001,Dee Moss,2026-01-01 00:00:00.000",
            "2002,Eve Roe,2026-01-01 00:00:00.000", "2003,Fay Lu,2026-01-01 00:00:00.000"));
    }

    @Test
    void shouldJoinWaitingAuctionsAndSkipOtherStatesInQ3() throws IOException
    {
        assertRows("q3", List.of("Ann Lee,Bend,OR,2001", "Bob Ray,Boise,CA,2002"));
    }

    @Test
    void shouldCountBidsWithinTheAuctionIncludingOnesBeforeItInQ4() throws IOException
    {
        assertRows("q4", List.of("10,70", "11,100"));
    }

    @Test
    void shouldJoinABidAtTheWindowEndWithThatWindowInQ7() throws IOException
    {
        assertRows("q7", List.of(
            "2001,1,1500,2026-01-01 00:00:05.000,\"e5000,1\"",
            "2001,2,1500,2026-01-01 00:00:10.000,\"e10000,2\"",
            "2001,2,1500,2026-01-01 00:00:10.000,\"e10000,2\"",
            "2001,5,1,2026-01-01 00:00:40.000,\"e40000,5\"",
            "2009,7,10,2026-01-01 00:00:20.101,\"e20101,7\""));
    }

    @Test
    void shouldJoinPeopleWithTheirAuctionsOfTheSameWindowInQ8() throws IOException
    {
        assertRows("q8", List.of("1001,Ann Lee,2026-01-01 00:00:00.000", "1002,Bob Ray,2026-01-01 00:00:00.000",
            "1003,Cy Dee,2026-01-01 00:00:00.000"));
    }

    @Test
    void shouldKeepEveryAuctionTiedAtTheWindowMaximumInQ5() throws IOException
    {
        final Path file = dir.resolve("ties.json");
        final NexmarkEvent e = new NexmarkEvent();
        try (NexmarkJson.Writer w = new NexmarkJson.Writer(Files.newOutputStream(file)))
        {
            for (int i = 0; i < 40; i++)
            {
                w.write(bid(e, 50_000 + i, 3_000 + i, 1, 10));
            }
        }
        final List<String> expected = NexmarkRunner.baseline("q5", file, () -> 0L);
        assertEquals(5 * 40, expected.size(), "five windows of forty auctions tied at one bid");
        for (final int shards : new int[] { 1, 2 })
        {
            assertEquals(expected, NexmarkRunner.run("q5", NexmarkSource.jsonFile(file),
                NexmarkRunner.context(shards).deadLetterDir(dir.resolve("dead"))), "q5 on " + shards + " shard(s)");
        }
    }

    @Test
    void shouldMergeTouchingSessionsInQ11() throws IOException
    {
        final List<String> rows = NexmarkRunner.baseline("q11", events(), () -> 0L);
        assertTrue(rows.contains("7,2,2026-01-01 00:00:00.100,2026-01-01 00:00:20.100"), rows.toString());
        assertTrue(rows.contains("7,1,2026-01-01 00:00:20.101,2026-01-01 00:00:30.101"), rows.toString());
        assertRows("q11", rows);
    }
}
