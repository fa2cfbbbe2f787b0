package io.peregrine.bench.nexmark;

/**
 * The generator's event sequence as arithmetic over event numbers, with no generator state: the event time of
 * event n, its inverse (the first event at or after a time), and the event number of an auction from its id.
 * {@link NexmarkGenerator#timestampForEvent(long)} is this class's {@link #timestampForEvent(long)}, so the two
 * cannot drift apart.
 * <p>
 * Event times are non-decreasing in the event number; at the default event rate (10,000,000 events per second of
 * event time) 10,000 events share each millisecond, so a time does not name one event: {@link
 * #firstEventAtOrAfter(long)} names the first of them.
 * <p>
 * Immutable; safe to share between threads.
 */
public final class NexmarkSequence
{
    private final long baseTimeMs;
    private final double interEventDelayUs;
    private final long personProportion;
    private final long auctionProportion;
    private final long totalProportion;

    /**
     * @param config generator settings; concluded here.
     */
    public NexmarkSequence(final NexmarkConfig config)
    {
        config.conclude();
        this.baseTimeMs = config.baseTimeMs();
        this.interEventDelayUs = 1_000_000.0 / config.eventRate();
        this.personProportion = config.personProportion();
        this.auctionProportion = config.auctionProportion();
        this.totalProportion = config.totalProportion();
    }

    /**
     * @param n event number, non-negative.
     * @return event time of event n, epoch ms: {@code baseTime + (long)(n * 1e6 / eventRate) / 1000}.
     */
    public long timestampForEvent(final long n)
    {
        return baseTimeMs + (long)(n * interEventDelayUs) / 1000L;
    }

    /**
     * The inverse of {@link #timestampForEvent(long)}.
     *
     * @param timeMs event time, epoch ms.
     * @return the smallest event number n &gt;= 0 with {@code timestampForEvent(n) >= timeMs}.
     */
    public long firstEventAtOrAfter(final long timeMs)
    {
        if (timeMs <= baseTimeMs)
        {
            return 0;
        }
        // (long)(n * d) / 1000 >= dt  <=>  n * d >= dt * 1000 (dt an integer): the estimate is exact up to the
        // rounding of the double arithmetic, which the two loops below correct (each runs at most a step or two).
        long n = (long)Math.ceil((timeMs - baseTimeMs) * 1000.0 / interEventDelayUs);
        while (n > 0 && timestampForEvent(n - 1) >= timeMs)
        {
            n--;
        }
        while (timestampForEvent(n) < timeMs)
        {
            n++;
        }
        return n;
    }

    /**
     * @param auctionId id of an auction ({@link NexmarkConfig#FIRST_AUCTION_ID} and up).
     * @return the event number of the auction event that created it.
     */
    public long auctionEventNumber(final long auctionId)
    {
        final long base0 = auctionId - NexmarkConfig.FIRST_AUCTION_ID;
        return (base0 / auctionProportion) * totalProportion + personProportion + base0 % auctionProportion;
    }
}
