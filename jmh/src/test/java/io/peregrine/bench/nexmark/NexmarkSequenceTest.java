package io.peregrine.bench.nexmark;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NexmarkSequenceTest
{
    private static final int[] EVENT_RATES = { 10_000_000, 1_000_000, 333_333, 20_000, 1_000, 7, 1 };

    @Test
    void shouldGiveTheEventTimeTheGeneratorWrites()
    {
        for (final int rate : EVENT_RATES)
        {
            final NexmarkConfig config = new NexmarkConfig().eventRate(rate);
            final NexmarkSequence sequence = new NexmarkSequence(config);
            final NexmarkGenerator generator = new NexmarkGenerator(config);
            final NexmarkEvent event = new NexmarkEvent();
            for (long n = 0; n < 5_000; n += 7)
            {
                generator.generate(n, event);
                assertEquals(event.dateTime(), sequence.timestampForEvent(n), "rate " + rate + ", event " + n);
            }
        }
    }

    @Test
    void shouldFindTheFirstEventAtOrAfterATime()
    {
        for (final int rate : EVENT_RATES)
        {
            final NexmarkConfig config = new NexmarkConfig().eventRate(rate);
            final NexmarkSequence sequence = new NexmarkSequence(config);
            final NexmarkGenerator generator = new NexmarkGenerator(config);
            final long base = config.baseTimeMs();
            for (long offsetMs = -3; offsetMs < 200_000; offsetMs = offsetMs < 50 ? offsetMs + 1 : offsetMs * 3 + 17)
            {
                final long time = base + offsetMs;
                final long n = sequence.firstEventAtOrAfter(time);
                assertTrue(generator.timestampForEvent(n) >= time, "rate " + rate + ", time +" + offsetMs + ": " + n);
                assertTrue(n == 0 || generator.timestampForEvent(n - 1) < time,
                    "rate " + rate + ", time +" + offsetMs + ": " + n + " is not the first");
            }
        }
    }

    @Test
    void shouldFindTheFirstEventByScanningAtASlowRate()
    {
        final NexmarkConfig config = new NexmarkConfig().eventRate(3);
        final NexmarkSequence sequence = new NexmarkSequence(config);
        final NexmarkGenerator generator = new NexmarkGenerator(config);
        long n = 0;
        for (long time = config.baseTimeMs(); time < config.baseTimeMs() + 20_000; time++)
        {
            while (generator.timestampForEvent(n) < time)
            {
                n++;
            }
            assertEquals(n, sequence.firstEventAtOrAfter(time), "time +" + (time - config.baseTimeMs()));
        }
    }

    @Test
    void shouldGiveTheEventNumberOfAnAuction()
    {
        for (final NexmarkConfig config : new NexmarkConfig[]{ new NexmarkConfig(), new NexmarkConfig().proportions(2, 5, 13) })
        {
            final NexmarkSequence sequence = new NexmarkSequence(config);
            final NexmarkGenerator generator = new NexmarkGenerator(config);
            final NexmarkEvent event = new NexmarkEvent();
            int auctions = 0;
            for (long n = 0; n < 20_000; n++)
            {
                generator.generate(n, event);
                if (event.type() == NexmarkEvent.AUCTION)
                {
                    auctions++;
                    assertEquals(n, sequence.auctionEventNumber(event.auction().id()));
                }
            }
            assertTrue(auctions > 1_000, "auctions " + auctions);
        }
    }
}
