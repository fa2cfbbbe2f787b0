package io.peregrine.bench.nexmark;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NexmarkGeneratorTest
{
    private static final int EVENTS = 20_000;

    @Test
    void shouldGenerateSameEventsForSameSeed()
    {
        final NexmarkGenerator a = new NexmarkGenerator(new NexmarkConfig().seed(7).maxEvents(EVENTS));
        final NexmarkGenerator b = new NexmarkGenerator(new NexmarkConfig().seed(7).maxEvents(EVENTS));
        final NexmarkEvent ea = new NexmarkEvent();
        final NexmarkEvent eb = new NexmarkEvent();
        int count = 0;
        while (a.next(ea))
        {
            assertTrue(b.next(eb));
            assertTrue(ea.sameContentAs(eb), ea + " vs " + eb);
            count++;
        }
        assertFalse(b.next(eb));
        assertEquals(EVENTS, count);
    }

    @Test
    void shouldGenerateDifferentEventsForDifferentSeed()
    {
        final NexmarkGenerator a = new NexmarkGenerator(new NexmarkConfig().seed(1));
        final NexmarkGenerator b = new NexmarkGenerator(new NexmarkConfig().seed(2));
        final NexmarkEvent ea = new NexmarkEvent();
        final NexmarkEvent eb = new NexmarkEvent();
        int different = 0;
        for (int i = 0; i < 100; i++)
        {
            a.next(ea);
            b.next(eb);
            different += ea.sameContentAs(eb) ? 0 : 1;
        }
        assertTrue(different > 90);
    }

    @Test
    void shouldGenerateSameUnionForAnySplitCount()
    {
        final Map<Long, String> reference = collect(1);
        assertEquals(EVENTS, reference.size());
        for (int k = 2; k <= 3; k++)
        {
            assertEquals(reference, collect(k), "split count " + k);
        }
    }

    @Test
    void shouldGenerateEventAsPureFunctionOfEventNumber()
    {
        final NexmarkConfig config = new NexmarkConfig().maxEvents(EVENTS);
        final NexmarkGenerator sequential = new NexmarkGenerator(config);
        final NexmarkGenerator random = new NexmarkGenerator(config);
        final NexmarkEvent expected = new NexmarkEvent();
        final NexmarkEvent actual = new NexmarkEvent();
        for (int i = 0; i < 5_000; i++)
        {
            sequential.next(expected);
        }
        random.generate(12_345, actual);
        random.generate(4_999, actual);
        assertTrue(expected.sameContentAs(actual));
        assertEquals(4_999, actual.eventNumber());
    }

    @Test
    void shouldFollowMixProportionsByEventNumber()
    {
        final NexmarkGenerator generator = new NexmarkGenerator(new NexmarkConfig().maxEvents(5_000));
        final NexmarkEvent event = new NexmarkEvent();
        final int[] counts = new int[3];
        while (generator.next(event))
        {
            final long offset = event.eventNumber() % 50;
            final int expected = offset == 0 ? NexmarkEvent.PERSON : offset < 4 ? NexmarkEvent.AUCTION :
                NexmarkEvent.BID;
            assertEquals(expected, event.type(), "event " + event.eventNumber());
            counts[event.type()]++;
        }
        assertEquals(100, counts[NexmarkEvent.PERSON]);
        assertEquals(300, counts[NexmarkEvent.AUCTION]);
        assertEquals(4_600, counts[NexmarkEvent.BID]);
    }

    @Test
    void shouldNumberPeopleAndAuctionsConsecutivelyAndSpaceTimestampsByRate()
    {
        final NexmarkConfig config = new NexmarkConfig().maxEvents(EVENTS).eventRate(10_000);
        final NexmarkGenerator generator = new NexmarkGenerator(config);
        final NexmarkEvent event = new NexmarkEvent();
        long nextPerson = 1000;
        long nextAuction = 1000;
        long lastTime = Long.MIN_VALUE;
        while (generator.next(event))
        {
            assertEquals(config.baseTimeMs() + event.eventNumber() / 10, event.dateTime());
            assertTrue(event.dateTime() >= lastTime);
            lastTime = event.dateTime();
            if (event.type() == NexmarkEvent.PERSON)
            {
                assertEquals(nextPerson++, event.person().id());
                assertEquals(2, event.person().state().length());
            }
            else if (event.type() == NexmarkEvent.AUCTION)
            {
                final NexmarkEvent.Auction auction = event.auction();
                assertEquals(nextAuction++, auction.id());
                assertTrue(auction.category() >= 10 && auction.category() <= 14);
                assertTrue(auction.expires() > event.dateTime());
                assertTrue(auction.reserve() >= auction.initialBid());
                assertTrue(auction.seller() >= 1000 && auction.seller() < nextPerson + 10);
            }
            else
            {
                final NexmarkEvent.Bid bid = event.bid();
                assertTrue(bid.auction() >= 1000 && bid.auction() < nextAuction + 10, "auction " + bid.auction());
                assertTrue(bid.price() >= 100 && bid.price() <= 100_000_000L);
                assertTrue(bid.url().toString().startsWith("https://www.nexmark.com/"));
            }
        }
    }

    @Test
    void shouldAddFirstPersonIdTwiceToBidderByDefault()
    {
        final NexmarkEvent quirk = new NexmarkEvent();
        final NexmarkEvent plain = new NexmarkEvent();
        final NexmarkGenerator withQuirk = new NexmarkGenerator(new NexmarkConfig());
        final NexmarkGenerator withoutQuirk = new NexmarkGenerator(new NexmarkConfig().bidderAddsFirstPersonIdTwice(
            false));
        for (int n = 4; n < 5_000; n += 50)
        {
            withQuirk.generate(n, quirk);
            withoutQuirk.generate(n, plain);
            assertEquals(NexmarkEvent.BID, quirk.type());
            assertEquals(plain.bid().bidder() + 1000, quirk.bid().bidder());
            assertTrue(plain.bid().bidder() >= 1000 && plain.bid().bidder() < 1000 + n / 50 + 1 + 10);
        }
    }

    @Test
    void shouldPadEventsToAverageSizes()
    {
        final NexmarkGenerator generator = new NexmarkGenerator(new NexmarkConfig().maxEvents(50_000));
        final NexmarkEvent event = new NexmarkEvent();
        final long[] bytes = new long[3];
        final long[] counts = new long[3];
        while (generator.next(event))
        {
            final int size;
            switch (event.type())
            {
                case NexmarkEvent.PERSON:
                    final NexmarkEvent.Person p = event.person();
                    size = 8 + p.name().length() + p.emailAddress().length() + p.creditCard().length() +
                        p.city().length() + p.state().length() + p.extra().length();
                    break;
                case NexmarkEvent.AUCTION:
                    final NexmarkEvent.Auction a = event.auction();
                    size = 48 + a.itemName().length() + a.description().length() + a.extra().length();
                    break;
                default:
                    size = 32 + event.bid().extra().length();
                    break;
            }
            bytes[event.type()] += size;
            counts[event.type()]++;
        }
        assertEquals(200.0, (double)bytes[0] / counts[0], 200 * 0.03);
        assertEquals(500.0, (double)bytes[1] / counts[1], 500 * 0.03);
        assertEquals(100.0, (double)bytes[2] / counts[2], 100 * 0.03);
    }

    @Test
    void shouldSendAboutHalfOfBidsToHotAuctionsAndHalfToHotChannels()
    {
        final NexmarkGenerator generator = new NexmarkGenerator(new NexmarkConfig().maxEvents(100_000));
        final NexmarkEvent event = new NexmarkEvent();
        long bids = 0;
        long hotAuction = 0;
        long hotChannel = 0;
        while (generator.next(event))
        {
            if (event.type() == NexmarkEvent.BID)
            {
                bids++;
                hotAuction += (event.bid().auction() - 1000) % 100 == 0 ? 1 : 0;
                hotChannel += event.bid().channel().toString().startsWith("channel-") ? 0 : 1;
            }
        }
        assertEquals(0.5, (double)hotAuction / bids, 0.03);
        assertEquals(0.5, (double)hotChannel / bids, 0.02);
    }

    @Test
    void shouldNotAllocateInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final NexmarkGenerator generator = new NexmarkGenerator(new NexmarkConfig());
        final NexmarkEvent event = new NexmarkEvent();
        for (int i = 0; i < 200_000; i++)
        {
            generator.next(event);
        }
        final long tid = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 1_000_000; i++)
        {
            generator.next(event);
        }
        final long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 100_000, "allocated " + allocated + " bytes over 1M events");
    }

    @Test
    void shouldRejectBadSplit()
    {
        int failures = 0;
        try
        {
            new NexmarkGenerator(new NexmarkConfig(), 3, 3);
        }
        catch (final IllegalArgumentException ex)
        {
            failures++;
        }
        assertEquals(1, failures);
        assertNotEquals(0, new NexmarkGenerator(new NexmarkConfig(), 2, 3).nextEventNumber());
    }

    private static Map<Long, String> collect(final int splits)
    {
        final Map<Long, String> events = new HashMap<>();
        final NexmarkEvent event = new NexmarkEvent();
        for (int i = 0; i < splits; i++)
        {
            final NexmarkGenerator generator = new NexmarkGenerator(new NexmarkConfig().maxEvents(EVENTS), i, splits);
            while (generator.next(event))
            {
                assertEquals(i, event.eventNumber() % splits);
                events.put(event.eventNumber(), event.toString());
            }
        }
        return events;
    }
    @Test
    void priceTableShouldAgreeWithPowToTheCent()
    {
        final java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        int differing = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            final double u = i < 1000 ? i / 1000.0 : random.nextDouble();
            final double exact = Math.pow(10.0, u * 6.0) * 100.0;
            final long price = NexmarkGenerator.price(u);
            if (price != Math.round(exact))
            {
                // Only a value within a hair of a half cent may round the other way.
                assertTrue(Math.abs(exact - Math.floor(exact) - 0.5) < 1e-6, "u=" + u + " price " + price + " pow " + exact);
                differing++;
            }
        }
        assertTrue(differing < 10, "prices off by a cent: " + differing);
        assertEquals(100, NexmarkGenerator.price(0.0));
        assertEquals(100_000_000L, NexmarkGenerator.price(Math.nextDown(1.0)));
    }
}
