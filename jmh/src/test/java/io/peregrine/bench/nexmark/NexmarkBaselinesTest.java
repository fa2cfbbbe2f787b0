package io.peregrine.bench.nexmark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NexmarkBaselinesTest
{
    private static final String T0 = "1970-01-01 00:00:";

    private final List<NexmarkEvent> events = new ArrayList<>();

    @Test
    void shouldPassBidsThroughForQ0()
    {
        bid(1000, 2000, 7, 1_500, "x,y");
        person(1, "A B", "Kent", "OR", 1_600);
        bid(1001, 2001, 8, 2_000, "");
        assertEquals(List.of("1000,2000,7," + T0 + "01.500,\"x,y\"", "1001,2001,8," + T0 + "02.000,"),
            run("q0"));
    }

    @Test
    void shouldConvertPriceToEurosAsDecimalForQ1()
    {
        bid(1000, 2000, 100, 0, "e");
        bid(1000, 2000, 1, 0, "e");
        bid(1000, 2000, 12_345, 0, "e");
        assertEquals(List.of("1000,2000,0.908," + T0 + "00.000,e", "1000,2000,11209.260," + T0 + "00.000,e",
            "1000,2000,90.800," + T0 + "00.000,e"), run("q1"));
    }

    @Test
    void shouldSelectEvery123rdAuctionForQ2()
    {
        bid(1230, 1, 5, 0, "");
        bid(1231, 1, 6, 0, "");
        bid(123, 1, 7, 0, "");
        assertEquals(List.of("123,7", "1230,5"), run("q2"));
    }

    @Test
    void shouldJoinSellersOfCategory10InOrIdCaForQ3()
    {
        person(1, "Ann Lee", "Bend", "OR", 0);
        person(2, "Bob Ray", "Kent", "WA", 0);
        auction(100, 1, 10, 10, 1_000);
        auction(101, 2, 10, 10, 1_000);
        auction(102, 1, 11, 10, 1_000);
        auction(103, 3, 10, 20, 1_000);
        auction(104, 4, 10, 20, 1_000);
        person(3, "Cid Moe", "Los Angeles", "CA", 30);
        person(4, "Dee Fox", "Boise", "ID", 40);
        auction(105, 4, 10, 50, 1_000);
        assertEquals(List.of("Ann Lee,Bend,OR,100", "Cid Moe,Los Angeles,CA,103", "Dee Fox,Boise,ID,104",
            "Dee Fox,Boise,ID,105"), run("q3"));
    }

    @Test
    void shouldAverageWinningPricesPerCategoryForQ4()
    {
        bid(3, 1, 7, 500, "");           // before its auction: waits
        auction(1, 1, 10, 0, 10_000);
        bid(1, 1, 5, 1_000, "");
        bid(1, 1, 9, 2_000, "");
        bid(1, 1, 20, 11_000, "");       // after expires: not a winning bid
        auction(2, 1, 10, 0, 10_000);
        bid(2, 1, 4, 10_000, "");        // at expires: inclusive
        auction(3, 1, 11, 0, 10_000);
        auction(4, 1, 12, 0, 10_000);    // no bids: no row
        bid(4, 1, 4, 10_001, "");
        // category 10: (9 + 4) / 2 = 6 (BIGINT AVG truncates); category 11: 7
        assertEquals(List.of("10,6", "11,7"), run("q4"));
    }

    @Test
    void shouldReportAuctionsWithMostBidsPerHopWindowForQ5()
    {
        bid(1, 1, 1, 1_000, "");
        bid(1, 1, 1, 1_500, "");
        bid(2, 1, 1, 3_000, "");
        bid(3, 1, 1, 20_000, "");        // watermark 16 s: the windows of 1 s have fired
        bid(4, 1, 1, 1_000, "");         // late
        final NexmarkBaseline q5 = NexmarkBaselines.create("q5", (r) -> { }, () -> 0);
        final List<String> rows = run("q5");
        // t=1000 lies in the 5 windows starting -8 s .. 0 s, where auction 1 has 2 bids; [2 s, 12 s) holds only
        // auction 2's bid; auction 3's bid at 20 s is alone in its 5 windows.
        assertEquals(List.of("1,2", "1,2", "1,2", "1,2", "1,2", "2,1", "3,1", "3,1", "3,1", "3,1", "3,1"), rows);
        for (final NexmarkEvent e : events)
        {
            q5.onEvent(e);
        }
        assertEquals(1, q5.lateEvents());
    }

    @Test
    void shouldReportHighestBidsPerTumblingWindowWithInclusiveEndForQ7()
    {
        bid(1, 1, 5, 1_000, "a");
        bid(2, 2, 9, 2_000, "b");
        bid(3, 3, 9, 3_000, "c");
        bid(4, 4, 9, 10_000, "d");      // member of [10 s, 20 s) and equal to the max of [0, 10 s) at its end
        bid(5, 5, 3, 15_000, "e");
        assertEquals(List.of("2,2,9," + T0 + "02.000,b", "3,3,9," + T0 + "03.000,c", "4,4,9," + T0 + "10.000,d",
            "4,4,9," + T0 + "10.000,d"), run("q7"));
    }

    @Test
    void shouldJoinNewPeopleWithTheirAuctionsInTheSameWindowForQ8()
    {
        person(1, "Ann Lee", "Bend", "OR", 1_000);
        auction(100, 1, 10, 5_000, 60_000);
        person(2, "Bob Ray", "Kent", "WA", 9_000);
        auction(101, 2, 10, 12_000, 60_000);      // next window: no match
        person(3, "Cid Moe", "Kent", "WA", 21_000);
        auction(102, 3, 10, 22_000, 60_000);
        auction(103, 3, 11, 23_000, 60_000);      // same seller twice: grouped
        assertEquals(List.of("1,Ann Lee," + T0 + "00.000", "3,Cid Moe," + T0 + "20.000"), run("q8"));
    }

    @Test
    void shouldCountBidsPerSessionForQ11()
    {
        bid(1, 1, 1, 0, "");
        bid(1, 2, 1, 1_000, "");
        bid(1, 1, 1, 5_000, "");
        bid(1, 1, 1, 15_000, "");       // touches [5 s, 15 s): same session
        bid(1, 3, 1, 30_000, "");       // watermark 26 s fires bidder 1's and 2's sessions
        bid(1, 3, 1, 42_000, "");       // a second session of bidder 3
        bid(1, 3, 1, 35_000, "");       // bridges both: one session [30 s, 52 s)
        bid(1, 1, 1, 40_000, "");
        bid(1, 4, 1, 10_000, "");       // late: [10 s, 20 s) fired at watermark 38 s
        assertEquals(List.of(
            "1,1," + T0 + "40.000," + T0 + "50.000",
            "1,3," + T0 + "00.000," + T0 + "25.000",
            "2,1," + T0 + "01.000," + T0 + "11.000",
            "3,3," + T0 + "30.000," + T0 + "52.000"), run("q11"));
    }

    @Test
    void shouldCountBidsPerBidderInProcessingTimeWindowsForQ12()
    {
        final long[] clock = { 0 };
        final NexmarkBaselines.CollectingSink sink = new NexmarkBaselines.CollectingSink();
        final NexmarkBaseline q12 = NexmarkBaselines.create("q12", sink, () -> clock[0]);
        bid(1, 7, 1, 0, "");
        bid(1, 7, 1, 0, "");
        bid(1, 8, 1, 0, "");
        for (final NexmarkEvent e : events)
        {
            q12.onEvent(e);
        }
        clock[0] = 12_000;
        q12.onEvent(events.get(0));
        q12.finish();
        assertEquals(List.of(
            "7,2," + T0 + "00.000," + T0 + "10.000",
            "8,1," + T0 + "00.000," + T0 + "10.000",
            "7,1," + T0 + "10.000," + T0 + "20.000"), sink.rows());
    }

    @Test
    void shouldGiveSameDigestForSameRowsInAnyOrder()
    {
        final NexmarkBaselines.DigestSink a = new NexmarkBaselines.DigestSink();
        final NexmarkBaselines.DigestSink b = new NexmarkBaselines.DigestSink();
        a.row("x,1");
        a.row("y,2");
        b.row("y,2");
        b.row("x,1");
        assertEquals(a.digest(), b.digest());
        assertEquals(2, b.rows());
        b.row("z,3");
        assertTrue(a.digest() != b.digest());
    }

    @Test
    void shouldRunEveryBaselineOverGeneratedEventsWithoutLateEvents()
    {
        final NexmarkEvent event = new NexmarkEvent();
        for (final int rate : new int[]{ 10_000, NexmarkConfig.DEFAULT_EVENT_RATE })
        {
            for (final String query : NexmarkBaselines.QUERIES)
            {
                final NexmarkBaselines.DigestSink first = new NexmarkBaselines.DigestSink();
                final NexmarkBaselines.DigestSink second = new NexmarkBaselines.DigestSink();
                final NexmarkBaseline a = NexmarkBaselines.create(query, first, clock());
                final NexmarkBaseline b = NexmarkBaselines.create(query, second, clock());
                final NexmarkConfig config = new NexmarkConfig().maxEvents(200_000).eventRate(rate);
                NexmarkBaselines.run(new NexmarkGenerator(config), a, event);
                NexmarkBaselines.run(new NexmarkGenerator(config), b, event);
                assertTrue(first.rows() > 0, query + " at " + rate);
                final NexmarkBaselines.CountingSink counting = new NexmarkBaselines.CountingSink();
                NexmarkBaselines.run(new NexmarkGenerator(config), NexmarkBaselines.create(query, counting, clock()),
                    event);
                assertEquals(first.rows(), counting.rows(), query);
                assertEquals(first.digest(), second.digest(), query);
                assertEquals(0, a.lateEvents(), query);
            }
        }
    }

    @Test
    void shouldGiveSameResultFromGeneratorAndFromItsJsonFile(@TempDir final Path dir) throws IOException
    {
        final NexmarkConfig config = new NexmarkConfig().maxEvents(100_000).eventRate(10_000);
        final Path file = dir.resolve("events.json");
        assertEquals(100_000, NexmarkJson.writeFile(new NexmarkGenerator(config), file));
        final NexmarkEvent event = new NexmarkEvent();
        for (final String query : List.of("q3", "q5", "q7", "q8", "q11"))
        {
            final NexmarkBaselines.CollectingSink fromGenerator = new NexmarkBaselines.CollectingSink();
            final NexmarkBaselines.CollectingSink fromFile = new NexmarkBaselines.CollectingSink();
            final NexmarkBaseline baseline = NexmarkBaselines.create(query, fromGenerator, clock());
            NexmarkBaselines.run(new NexmarkGenerator(config), baseline, event);
            try (NexmarkJsonReader reader = new NexmarkJsonReader(Files.newInputStream(file),
                new ByteArrayOutputStream()))
            {
                NexmarkBaselines.run(reader, NexmarkBaselines.create(query, fromFile, clock()), event);
            }
            assertEquals(NexmarkBaselines.canonical(fromGenerator.rows()), NexmarkBaselines.canonical(fromFile.rows()));
            final Path csv = dir.resolve(query + ".csv");
            NexmarkBaselines.writeCanonicalCsv(csv, baseline.header(), fromFile.rows());
            final List<String> lines = Files.readAllLines(csv);
            assertEquals(baseline.header(), lines.get(0));
            assertEquals(NexmarkBaselines.canonical(fromFile.rows()), lines.subList(1, lines.size()));
        }
    }

    @Test
    void shouldExportEventsAndCanonicalResults(@TempDir final Path dir) throws IOException
    {
        final List<Path> files = NexmarkExport.export(dir, new NexmarkConfig().maxEvents(20_000).eventRate(10_000));
        assertEquals(1 + NexmarkBaselines.QUERIES.size() - 1, files.size());
        assertEquals(20_000, Files.readAllLines(dir.resolve("events.json")).size());
        final List<String> q2 = Files.readAllLines(dir.resolve("q2.csv"));
        assertEquals("auction,price", q2.get(0));
        assertEquals(NexmarkBaselines.canonical(q2.subList(1, q2.size())), q2.subList(1, q2.size()));
        assertTrue(Files.exists(dir.resolve("config.txt")));
    }

    private static LongSupplier clock()
    {
        final long[] ticks = { 0 };
        return () -> ticks[0]++ / 10;
    }

    private List<String> run(final String query)
    {
        final NexmarkBaselines.CollectingSink sink = new NexmarkBaselines.CollectingSink();
        final NexmarkBaseline baseline = NexmarkBaselines.create(query, sink, () -> 0);
        for (final NexmarkEvent event : events)
        {
            baseline.onEvent(event);
        }
        baseline.finish();
        return NexmarkBaselines.canonical(sink.rows());
    }

    private void person(final long id, final String name, final String city, final String state, final long time)
    {
        final NexmarkEvent e = new NexmarkEvent().type(NexmarkEvent.PERSON).dateTime(time);
        e.person().id(id);
        e.person().name().set(name);
        e.person().emailAddress().set("a@b.com");
        e.person().creditCard().set("0000 0000 0000 0000");
        e.person().city().set(city);
        e.person().state().set(state);
        events.add(e);
    }

    private void auction(final long id, final long seller, final long category, final long time, final long expires)
    {
        final NexmarkEvent e = new NexmarkEvent().type(NexmarkEvent.AUCTION).dateTime(time);
        e.auction().id(id).seller(seller).category(category).expires(expires).initialBid(1).reserve(2);
        e.auction().itemName().set("item");
        events.add(e);
    }

    private void bid(final long auction, final long bidder, final long price, final long time, final String extra)
    {
        final NexmarkEvent e = new NexmarkEvent().type(NexmarkEvent.BID).dateTime(time);
        e.bid().auction(auction).bidder(bidder).price(price);
        e.bid().channel().set("Google");
        e.bid().url().set("https://www.nexmark.com/a/b/c/item.htm?query=1");
        e.bid().extra().set(extra);
        events.add(e);
    }
}
