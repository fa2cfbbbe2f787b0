package io.peregrine.bench.nexmark;

/**
 * Settings of the {@link NexmarkGenerator}, with the defaults of the Flink Nexmark suite
 * ({@code NexmarkConfiguration} and {@code GeneratorConfig} in nexmark/nexmark).
 * <p>
 * Fluent setters; {@link #conclude()} validates and is called by the generator. A config is not changed after a
 * generator has been made from it.
 */
public final class NexmarkConfig
{
    /** Default seed of the per-event random streams. */
    public static final long DEFAULT_SEED = 0x5EED_0001L;
    /**
     * Default event-time rate, events per second of event time: 10,000,000, the {@code tps} of the Flink suite's
     * 100M-event workload ({@code conf/nexmark.yaml}, passed as {@code first-event.rate}), so 100M events span 10 s of
     * event time. {@code NexmarkConfiguration}'s own field default is 10,000.
     */
    public static final int DEFAULT_EVENT_RATE = 10_000_000;
    /**
     * Default event time of event 0, epoch ms (2026-01-01T00:00:00Z). The reference uses the wall clock at start;
     * a fixed default keeps runs reproducible.
     */
    public static final long DEFAULT_BASE_TIME_MS = 1_767_225_600_000L;
    /** Reference id of the first person: person ids start here. */
    public static final long FIRST_PERSON_ID = 1000L;
    /** Reference id of the first auction: auction ids start here. */
    public static final long FIRST_AUCTION_ID = 1000L;
    /** Reference id of the first category: categories are 10 to 14. */
    public static final long FIRST_CATEGORY_ID = 10L;

    private long seed = DEFAULT_SEED;
    private int eventRate = DEFAULT_EVENT_RATE;
    private long baseTimeMs = DEFAULT_BASE_TIME_MS;
    private long maxEvents = 0;
    private int personProportion = 1;
    private int auctionProportion = 3;
    private int bidProportion = 46;
    private int avgPersonByteSize = 200;
    private int avgAuctionByteSize = 500;
    private int avgBidByteSize = 100;
    private int hotAuctionRatio = 2;
    private int hotSellersRatio = 4;
    private int hotBiddersRatio = 4;
    private int numInFlightAuctions = 100;
    private int numActivePeople = 1000;
    private boolean bidderAddsFirstPersonIdTwice = true;

    /**
     * Validate the settings.
     *
     * @return this for a fluent API.
     * @throws IllegalArgumentException if a setting is out of range.
     */
    public NexmarkConfig conclude()
    {
        require(eventRate > 0, "eventRate must be > 0");
        require(maxEvents >= 0, "maxEvents must be >= 0 (0 = unbounded)");
        require(personProportion > 0 && auctionProportion > 0 && bidProportion > 0, "proportions must be > 0");
        require(hotAuctionRatio > 0 && hotSellersRatio > 0 && hotBiddersRatio > 0, "hot ratios must be > 0");
        require(numInFlightAuctions > 0 && numActivePeople > 0, "numInFlightAuctions and numActivePeople > 0");
        require(avgPersonByteSize >= 0 && avgAuctionByteSize >= 0 && avgBidByteSize >= 0, "sizes must be >= 0");
        return this;
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * @return seed: event n's content is a pure function of (config, n).
     */
    public long seed()
    {
        return seed;
    }

    /**
     * @param seed seed of the per-event random streams.
     * @return this for a fluent API.
     */
    public NexmarkConfig seed(final long seed)
    {
        this.seed = seed;
        return this;
    }

    /**
     * @return events per second of event time; event n has time {@code baseTime + floor(n * 1e6 / rate) / 1000}.
     */
    public int eventRate()
    {
        return eventRate;
    }

    /**
     * @param eventRate events per second of event time (reference {@code first-event.rate}, default 10,000,000).
     * @return this for a fluent API.
     */
    public NexmarkConfig eventRate(final int eventRate)
    {
        this.eventRate = eventRate;
        return this;
    }

    /**
     * @return event time of event 0, epoch ms.
     */
    public long baseTimeMs()
    {
        return baseTimeMs;
    }

    /**
     * @param baseTimeMs event time of event 0, epoch ms.
     * @return this for a fluent API.
     */
    public NexmarkConfig baseTimeMs(final long baseTimeMs)
    {
        this.baseTimeMs = baseTimeMs;
        return this;
    }

    /**
     * @return number of events (event numbers 0 to maxEvents - 1) or 0 for unbounded.
     */
    public long maxEvents()
    {
        return maxEvents;
    }

    /**
     * @param maxEvents number of events, 0 for unbounded.
     * @return this for a fluent API.
     */
    public NexmarkConfig maxEvents(final long maxEvents)
    {
        this.maxEvents = maxEvents;
        return this;
    }

    /**
     * @return persons per proportion block (default 1).
     */
    public int personProportion()
    {
        return personProportion;
    }

    /**
     * @return auctions per proportion block (default 3).
     */
    public int auctionProportion()
    {
        return auctionProportion;
    }

    /**
     * @return bids per proportion block (default 46).
     */
    public int bidProportion()
    {
        return bidProportion;
    }

    /**
     * @return events per proportion block (default 50).
     */
    public int totalProportion()
    {
        return personProportion + auctionProportion + bidProportion;
    }

    /**
     * Set the event mix. Within each block of {@code person + auction + bid} event numbers the first are persons,
     * the next auctions and the rest bids.
     *
     * @param person  persons per block.
     * @param auction auctions per block.
     * @param bid     bids per block.
     * @return this for a fluent API.
     */
    public NexmarkConfig proportions(final int person, final int auction, final int bid)
    {
        personProportion = person;
        auctionProportion = auction;
        bidProportion = bid;
        return this;
    }

    /**
     * @return average person size in bytes that {@code extra} pads to (default 200).
     */
    public int avgPersonByteSize()
    {
        return avgPersonByteSize;
    }

    /**
     * @return average auction size in bytes that {@code extra} pads to (default 500).
     */
    public int avgAuctionByteSize()
    {
        return avgAuctionByteSize;
    }

    /**
     * @return average bid size in bytes that {@code extra} pads to (default 100).
     */
    public int avgBidByteSize()
    {
        return avgBidByteSize;
    }

    /**
     * @param person  average person size.
     * @param auction average auction size.
     * @param bid     average bid size.
     * @return this for a fluent API.
     */
    public NexmarkConfig avgByteSizes(final int person, final int auction, final int bid)
    {
        avgPersonByteSize = person;
        avgAuctionByteSize = auction;
        avgBidByteSize = bid;
        return this;
    }

    /**
     * @return 1 - 1/ratio of bids go to a hot auction (default 2).
     */
    public int hotAuctionRatio()
    {
        return hotAuctionRatio;
    }

    /**
     * @return 1 - 1/ratio of auctions come from a hot seller (default 4).
     */
    public int hotSellersRatio()
    {
        return hotSellersRatio;
    }

    /**
     * @return 1 - 1/ratio of bids come from a hot bidder (default 4).
     */
    public int hotBiddersRatio()
    {
        return hotBiddersRatio;
    }

    /**
     * @param auctions hot auction ratio.
     * @param sellers  hot sellers ratio.
     * @param bidders  hot bidders ratio.
     * @return this for a fluent API.
     */
    public NexmarkConfig hotRatios(final int auctions, final int sellers, final int bidders)
    {
        hotAuctionRatio = auctions;
        hotSellersRatio = sellers;
        hotBiddersRatio = bidders;
        return this;
    }

    /**
     * @return auctions in flight (default 100).
     */
    public int numInFlightAuctions()
    {
        return numInFlightAuctions;
    }

    /**
     * @param numInFlightAuctions auctions in flight.
     * @return this for a fluent API.
     */
    public NexmarkConfig numInFlightAuctions(final int numInFlightAuctions)
    {
        this.numInFlightAuctions = numInFlightAuctions;
        return this;
    }

    /**
     * @return people active for bids and auctions (default 1000).
     */
    public int numActivePeople()
    {
        return numActivePeople;
    }

    /**
     * @param numActivePeople people active for bids and auctions.
     * @return this for a fluent API.
     */
    public NexmarkConfig numActivePeople(final int numActivePeople)
    {
        this.numActivePeople = numActivePeople;
        return this;
    }

    /**
     * @return true (the reference behaviour) if a bid's bidder has {@link #FIRST_PERSON_ID} added twice, so it is
     * 1000 above the person id it was drawn from.
     */
    public boolean bidderAddsFirstPersonIdTwice()
    {
        return bidderAddsFirstPersonIdTwice;
    }

    /**
     * @param quirk true to copy the reference's double {@link #FIRST_PERSON_ID} on bidders, false for ids that join
     *              with person ids.
     * @return this for a fluent API.
     */
    public NexmarkConfig bidderAddsFirstPersonIdTwice(final boolean quirk)
    {
        this.bidderAddsFirstPersonIdTwice = quirk;
        return this;
    }

    /**
     * @return every setting as {@code name=value} lines, for reports.
     */
    public String toString()
    {
        return "seed=" + seed + "\neventRate=" + eventRate + "\nbaseTimeMs=" + baseTimeMs + "\nmaxEvents=" +
            maxEvents + "\nproportions=" + personProportion + ":" + auctionProportion + ":" + bidProportion +
            "\navgByteSizes=" + avgPersonByteSize + "/" + avgAuctionByteSize + "/" + avgBidByteSize +
            "\nhotRatios(auction/seller/bidder)=" + hotAuctionRatio + "/" + hotSellersRatio + "/" + hotBiddersRatio +
            "\nnumInFlightAuctions=" + numInFlightAuctions + "\nnumActivePeople=" + numActivePeople +
            "\nbidderAddsFirstPersonIdTwice=" + bidderAddsFirstPersonIdTwice;
    }
}
