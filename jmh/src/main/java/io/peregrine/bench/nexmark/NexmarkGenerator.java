package io.peregrine.bench.nexmark;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic, splittable, allocation-free Nexmark event generator following the Beam/Flink definition
 * (nexmark/nexmark {@code NexmarkGenerator}, {@code GeneratorConfig}, {@code PersonGenerator},
 * {@code AuctionGenerator}, {@code BidGenerator}, {@code PriceGenerator}, {@code StringsGenerator}).
 * <p>
 * <b>Determinism.</b> Event number n's content is a pure function of the {@link NexmarkConfig} and n: each event
 * draws from its own random stream seeded by a hash of (seed, n), so split i of k ({@link #NexmarkGenerator(
 * NexmarkConfig, int, int)}) produces event numbers i, i + k, i + 2k, ... and the union over the splits is the same
 * event set for any k. (The reference draws from one unseeded {@code java.util.Random} per generator, so its
 * streams cannot be reproduced; this generator keeps its rules and distributions, not its exact values.)
 * <p>
 * <b>Rules kept from the reference.</b>
 * <ul>
 *     <li>Type by event number within a proportion block of 50: offset 0 person, 1 to 3 auction, 4 to 49 bid.</li>
 *     <li>Event time {@code baseTime + (long)(n * 1e6 / rate) / 1000} ms: in order, no out-of-order groups.</li>
 *     <li>Person id = last person id at n, auction id = last auction id at n (each + 1000).</li>
 *     <li>Bids: 1 - 1/hotAuctionRatio go to the first auction of the current batch of 100 auctions, the rest to a
 *     random auction among the last 100 in flight plus 10 ahead; 1 - 1/hotBiddersRatio come from the second
 *     person of the current batch of 100 people, the rest from a random one of the last 1000 active plus 10
 *     ahead; half use one of four hot channels, the rest {@code channel-N} with N below 10,000 and a URL that
 *     carries {@code &channel_id=} nine times in ten; {@code FIRST_PERSON_ID} added to the bidder twice unless
 *     {@link NexmarkConfig#bidderAddsFirstPersonIdTwice(boolean)} is turned off.</li>
 *     <li>Auctions: hot seller (first person of the batch of 100) with 1 - 1/hotSellersRatio, category 10 to 14,
 *     initial bid and reserve from the price generator ({@code round(10^(6u) * 100)} cents), expiry 1 ms to twice
 *     the time until 100 more auctions exist, item name under 20 and description under 100 random chars.</li>
 *     <li>Person names, cities and states from the reference lists, email {@code xxx@yyy.com}, card four groups of
 *     four digits.</li>
 *     <li>{@code extra}: random letters padding each event to the average size within +/- 20%.</li>
 * </ul>
 * Deviations: {@code extra} is a slice at a random offset of a 32 KiB pool of random letters made from the seed
 * (a copy instead of a draw per letter, from a pool that stays in the L1/L2 cache: the generator is several times
 * faster; the letters are always
 * {@code a}..{@code z}, where the reference's {@code nextExactString} can emit a few punctuation chars from a
 * negative remainder); the hot URLs and per-channel URLs are drawn from the seed
 * rather than from unseeded randoms, so they are stable across runs; {@code 10^(6u)} of the price generator is
 * computed from a table of {@code 10^(k/256)} (made with {@link StrictMath}) and a degree-5 polynomial for the
 * rest, in plain IEEE double arithmetic: within 1e-13 of {@code Math.pow}, cheaper, and the same bits on every
 * JVM (which {@code Math.pow} does not promise).
 * <p>
 * <b>Use.</b> One generator per thread; {@link #next(NexmarkEvent)} fills a reused event and allocates nothing.
 */
public final class NexmarkGenerator
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final int MIN_STRING_LENGTH = 3;
    private static final int HOT_AUCTION_BATCH = 100;
    private static final int HOT_BIDDER_BATCH = 100;
    private static final int HOT_SELLER_BATCH = 100;
    private static final int AUCTION_ID_LEAD = 10;
    private static final int PERSON_ID_LEAD = 10;
    private static final int NUM_CATEGORIES = 5;
    private static final int CHANNELS = 10_000;
    private static final int HOT_CHANNELS_RATIO = 2;
    private static final int LETTER_POOL_SIZE = 1 << 15;
    private static final int PRICE_STEPS_PER_DECADE = 256;
    private static final double PRICE_STEP_LN = Math.log(10.0) / PRICE_STEPS_PER_DECADE;
    /** 100 * 10^(k / 256) for k in [0, 6 * 256]: cents at the start of each step of the price distribution. */
    private static final double[] PRICE_STEPS = priceSteps();

    private static final byte[][] US_STATES = ascii("AZ", "CA", "ID", "OR", "WA", "WY");
    private static final byte[][] US_CITIES = ascii(
        "Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent",
        "Cheyenne");
    private static final byte[][] FIRST_NAMES = ascii(
        "Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter");
    private static final byte[][] LAST_NAMES = ascii(
        "Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris");
    private static final byte[][] HOT_CHANNELS = ascii("Google", "Facebook", "Baidu", "Apple");
    private static final byte[] DOT_COM = ascii(".com")[0];

    private final NexmarkConfig config;
    private final int splitIndex;
    private final int splitCount;
    private final long endEventNumber;
    private final NexmarkSequence sequence;
    private final long numEventsForAuctions;
    private final int personProportion;
    private final int auctionProportion;
    private final int totalProportion;
    private final double inverseTotalProportion;
    private final long bidderOffset;
    private final byte[][] hotUrls = new byte[HOT_CHANNELS.length][];
    private final byte[][] channelNames = new byte[CHANNELS][];
    private final byte[][] channelUrls = new byte[CHANNELS][];
    private final byte[] letterPool;
    private final long seedHash;
    private long nextEventNumber;
    private long rngState;
    private long lastPerson;
    private long lastAuction;

    /**
     * A generator of every event number from 0.
     *
     * @param config settings; concluded here.
     */
    public NexmarkGenerator(final NexmarkConfig config)
    {
        this(config, 0, 1);
    }

    /**
     * A generator of split {@code splitIndex} of {@code splitCount}: event numbers splitIndex, splitIndex +
     * splitCount, ... below {@link NexmarkConfig#maxEvents()}.
     *
     * @param config     settings; concluded here.
     * @param splitIndex 0 to splitCount - 1.
     * @param splitCount number of splits, at least 1.
     */
    public NexmarkGenerator(final NexmarkConfig config, final int splitIndex, final int splitCount)
    {
        if (splitCount < 1 || splitIndex < 0 || splitIndex >= splitCount)
        {
            throw new IllegalArgumentException("split " + splitIndex + " of " + splitCount);
        }
        this.config = config.conclude();
        this.splitIndex = splitIndex;
        this.splitCount = splitCount;
        this.endEventNumber = config.maxEvents() == 0 ? Long.MAX_VALUE : config.maxEvents();
        this.sequence = new NexmarkSequence(config);
        this.personProportion = config.personProportion();
        this.auctionProportion = config.auctionProportion();
        this.totalProportion = config.totalProportion();
        this.inverseTotalProportion = 1.0 / totalProportion;
        this.numEventsForAuctions = ((long)config.numInFlightAuctions() * totalProportion) / auctionProportion;
        this.bidderOffset = config.bidderAddsFirstPersonIdTwice() ?
            2 * NexmarkConfig.FIRST_PERSON_ID : NexmarkConfig.FIRST_PERSON_ID;
        this.nextEventNumber = splitIndex;
        this.seedHash = mix64(config.seed() + GOLDEN_GAMMA);
        final int maxAverage = Math.max(config.avgAuctionByteSize(), Math.max(config.avgPersonByteSize(),
            config.avgBidByteSize()));
        this.letterPool = new byte[Math.max(LETTER_POOL_SIZE, 4 * maxAverage)];
        buildLetterPool();
        buildChannels();
    }

    /**
     * @return the settings.
     */
    public NexmarkConfig config()
    {
        return config;
    }

    /**
     * @return this generator's split index.
     */
    public int splitIndex()
    {
        return splitIndex;
    }

    /**
     * @return the number of splits.
     */
    public int splitCount()
    {
        return splitCount;
    }

    /**
     * @return the event number the next call to {@link #next(NexmarkEvent)} generates.
     */
    public long nextEventNumber()
    {
        return nextEventNumber;
    }

    /**
     * @return true if {@link #next(NexmarkEvent)} has another event.
     */
    public boolean hasNext()
    {
        return nextEventNumber < endEventNumber;
    }

    /**
     * Fill the event with this split's next event.
     *
     * @param event reused holder.
     * @return false, leaving the event untouched, when the split is exhausted.
     */
    public boolean next(final NexmarkEvent event)
    {
        final long n = nextEventNumber;
        if (n >= endEventNumber)
        {
            return false;
        }
        nextEventNumber = n + splitCount;
        generate(n, event);
        return true;
    }

    /**
     * Fill the event with event number n; a pure function of the config and n, independent of this generator's
     * position and split.
     *
     * @param n     event number, non-negative.
     * @param event reused holder.
     */
    public void generate(final long n, final NexmarkEvent event)
    {
        rngState = mix64(n ^ seedHash);
        final long timestamp = timestampForEvent(n);
        event.eventNumber(n).dateTime(timestamp);
        // One division per event: the id arithmetic below reuses the block and the offset.
        final long epoch = blockOf(n);
        final long offset = n - epoch * totalProportion;
        lastPerson = lastBase0PersonId(epoch, offset);
        lastAuction = lastBase0AuctionId(epoch, offset);
        if (offset < personProportion)
        {
            event.type(NexmarkEvent.PERSON);
            nextPerson(event.person());
        }
        else if (offset < personProportion + auctionProportion)
        {
            event.type(NexmarkEvent.AUCTION);
            nextAuction(n, timestamp, event.auction());
        }
        else
        {
            event.type(NexmarkEvent.BID);
            nextBid(event.bid());
        }
    }

    /**
     * @param n event number.
     * @return the type event number n has: {@link NexmarkEvent#PERSON}, {@link NexmarkEvent#AUCTION} or
     * {@link NexmarkEvent#BID}.
     */
    /**
     * {@code n / totalProportion} without a 64-bit division (tens of cycles): a multiply by the reciprocal, exact
     * up to one, then corrected.
     */
    private long blockOf(final long n)
    {
        if (n >= 1L << 52)
        {
            return n / totalProportion;
        }
        long q = (long)(n * inverseTotalProportion);
        final long r = n - q * totalProportion;
        if (r < 0)
        {
            q--;
        }
        else if (r >= totalProportion)
        {
            q++;
        }
        return q;
    }

    public int typeOf(final long n)
    {
        final long offset = n % totalProportion;
        return offset < personProportion ? NexmarkEvent.PERSON :
            offset < personProportion + auctionProportion ? NexmarkEvent.AUCTION : NexmarkEvent.BID;
    }

    /**
     * @param n event number.
     * @return event time of event n, epoch ms ({@link NexmarkSequence#timestampForEvent(long)}).
     */
    public long timestampForEvent(final long n)
    {
        return sequence.timestampForEvent(n);
    }

    /**
     * @return the arithmetic of this generator's event sequence (times and auction ids of event numbers).
     */
    public NexmarkSequence sequence()
    {
        return sequence;
    }

    /**
     * @param n event number.
     * @return the last person id (base 0) at event n: the new person's own id if n is a person.
     */
    public long lastBase0PersonId(final long n)
    {
        return lastBase0PersonId(n / totalProportion, n % totalProportion);
    }

    private long lastBase0PersonId(final long epoch, final long offset)
    {
        return epoch * personProportion + Math.min(offset, personProportion - 1);
    }

    /**
     * @param n event number.
     * @return the last auction id (base 0) at event n: the new auction's own id if n is an auction.
     */
    public long lastBase0AuctionId(final long n)
    {
        return lastBase0AuctionId(n / totalProportion, n % totalProportion);
    }

    private long lastBase0AuctionId(final long blockEpoch, final long blockOffset)
    {
        long epoch = blockEpoch;
        long offset = blockOffset;
        if (offset < personProportion)
        {
            epoch--;
            offset = auctionProportion - 1;
        }
        else if (offset >= personProportion + auctionProportion)
        {
            offset = auctionProportion - 1;
        }
        else
        {
            offset -= personProportion;
        }
        return epoch * auctionProportion + offset;
    }

    private void nextPerson(final NexmarkEvent.Person person)
    {
        person.id(lastPerson + NexmarkConfig.FIRST_PERSON_ID);

        final Utf8Text name = person.name().clear();
        name.append(FIRST_NAMES[nextInt(FIRST_NAMES.length)]);
        name.append((byte)' ');
        name.append(LAST_NAMES[nextInt(LAST_NAMES.length)]);

        final Utf8Text email = person.emailAddress().clear();
        appendString(email, 7, (byte)' ', true);
        email.append((byte)'@');
        appendString(email, 5, (byte)' ', true);
        email.append(DOT_COM, 0, DOT_COM.length);

        final Utf8Text card = person.creditCard().clear();
        for (int i = 0; i < 4; i++)
        {
            if (i > 0)
            {
                card.append((byte)' ');
            }
            card.appendPadded(nextInt(10_000), 4);
        }

        final byte[] city = US_CITIES[nextInt(US_CITIES.length)];
        person.city().view(city, 0, city.length);
        final byte[] state = US_STATES[nextInt(US_STATES.length)];
        person.state().view(state, 0, state.length);

        final int currentSize = 8 + name.length() + email.length() + card.length() + person.city().length() +
            person.state().length();
        extra(person.extra(), currentSize, config.avgPersonByteSize());
    }

    private void nextAuction(final long n, final long timestamp, final NexmarkEvent.Auction auction)
    {
        auction.id(lastAuction + NexmarkConfig.FIRST_AUCTION_ID);

        final long seller;
        if (nextInt(config.hotSellersRatio()) > 0)
        {
            seller = (lastPerson / HOT_SELLER_BATCH) * HOT_SELLER_BATCH;
        }
        else
        {
            seller = nextBase0PersonId();
        }
        auction.seller(seller + NexmarkConfig.FIRST_PERSON_ID);
        auction.category(NexmarkConfig.FIRST_CATEGORY_ID + nextInt(NUM_CATEGORIES));

        final long initialBid = nextPrice();
        auction.initialBid(initialBid);

        final long horizonMs = timestampForEvent(n + numEventsForAuctions) - timestamp;
        auction.expires(timestamp + 1L + nextLong(Math.max(horizonMs * 2, 1L)));

        final Utf8Text itemName = auction.itemName().clear();
        appendString(itemName, 20, (byte)' ', true);
        final Utf8Text description = auction.description().clear();
        appendString(description, 100, (byte)' ', true);
        auction.reserve(initialBid + nextPrice());

        final int currentSize = 8 + itemName.length() + description.length() + 8 + 8 + 8 + 8 + 8;
        extra(auction.extra(), currentSize, config.avgAuctionByteSize());
    }

    private void nextBid(final NexmarkEvent.Bid bid)
    {
        long auction;
        if (nextInt(config.hotAuctionRatio()) > 0)
        {
            auction = (lastAuction / HOT_AUCTION_BATCH) * HOT_AUCTION_BATCH;
        }
        else
        {
            auction = nextBase0AuctionId();
        }
        bid.auction(auction + NexmarkConfig.FIRST_AUCTION_ID);

        long bidder;
        if (nextInt(config.hotBiddersRatio()) > 0)
        {
            bidder = (lastPerson / HOT_BIDDER_BATCH) * HOT_BIDDER_BATCH + 1;
        }
        else
        {
            bidder = nextBase0PersonId();
        }
        bid.bidder(bidder + bidderOffset);
        bid.price(nextPrice());

        if (nextInt(HOT_CHANNELS_RATIO) > 0)
        {
            final int i = nextInt(HOT_CHANNELS.length);
            final byte[] channel = HOT_CHANNELS[i];
            bid.channel().view(channel, 0, channel.length);
            bid.url().view(hotUrls[i], 0, hotUrls[i].length);
        }
        else
        {
            final int c = nextInt(CHANNELS);
            bid.channel().view(channelNames[c], 0, channelNames[c].length);
            bid.url().view(channelUrls[c], 0, channelUrls[c].length);
        }

        extra(bid.extra(), 8 + 8 + 8 + 8, config.avgBidByteSize());
    }

    private long nextBase0PersonId()
    {
        final long numPeople = lastPerson + 1;
        final long activePeople = Math.min(numPeople, config.numActivePeople());
        return numPeople - activePeople + nextLong(activePeople + PERSON_ID_LEAD);
    }

    private long nextBase0AuctionId()
    {
        final long maxAuction = lastAuction;
        final long minAuction = Math.max(maxAuction - config.numInFlightAuctions(), 0);
        return minAuction + nextLong(maxAuction - minAuction + 1 + AUCTION_ID_LEAD);
    }

    private long nextPrice()
    {
        return price(nextDouble());
    }

    /**
     * {@code round(100 * 10^(6u))}: the step's table entry times {@code e^y} for the rest {@code y} of the step
     * ({@code 0 <= y < ln 10 / 256 < 0.009}), whose Taylor polynomial to degree 5 is exact to 1e-15.
     *
     * @param u uniform in [0, 1).
     * @return price in cents, 100 to 100,000,000.
     */
    static long price(final double u)
    {
        final double t = u * (6 * PRICE_STEPS_PER_DECADE);
        final int step = (int)t;
        final double y = (t - step) * PRICE_STEP_LN;
        final double ey = 1.0 + y * (1.0 + y * (0.5 + y * (1.0 / 6 + y * (1.0 / 24 + y * (1.0 / 120)))));
        return Math.round(PRICE_STEPS[step] * ey);
    }

    private static double[] priceSteps()
    {
        final double[] steps = new double[6 * PRICE_STEPS_PER_DECADE + 1];
        for (int k = 0; k < steps.length; k++)
        {
            steps[k] = 100.0 * StrictMath.pow(10.0, (double)k / PRICE_STEPS_PER_DECADE);
        }
        return steps;
    }

    /**
     * The reference's {@code nextString}: 3 to maxLength - 1 chars, each the special char one time in 13 and a
     * random letter otherwise, optionally trimmed of leading and trailing spaces.
     */
    private void appendString(final Utf8Text text, final int maxLength, final byte special, final boolean trim)
    {
        int len = MIN_STRING_LENGTH + nextInt(maxLength - MIN_STRING_LENGTH);
        final int start = text.length();
        text.ensureCapacity(start + len);
        final byte[] bytes = text.bytes();
        int end = start;
        while (len-- > 0)
        {
            bytes[end++] = nextInt(13) == 0 ? special : (byte)('a' + nextInt(26));
        }
        if (trim)
        {
            int first = start;
            while (first < end && bytes[first] == ' ')
            {
                first++;
            }
            while (end > first && bytes[end - 1] == ' ')
            {
                end--;
            }
            if (first > start)
            {
                System.arraycopy(bytes, first, bytes, start, end - first);
                end -= first - start;
            }
        }
        text.length(end);
    }

    /**
     * The reference's {@code nextExtra}: letters so that currentSize plus the extra averages the desired size,
     * uniformly within +/- 20% of the missing bytes.
     */
    private void extra(final Utf8Text text, final int currentSize, final int desiredAverageSize)
    {
        if (currentSize > desiredAverageSize)
        {
            text.clear();
            return;
        }
        final int missing = desiredAverageSize - currentSize;
        final int delta = (int)Math.round(missing * 0.2);
        final int size = missing - delta + (delta == 0 ? 0 : nextInt(2 * delta));
        // A view of the seeded letter pool at a random offset: no draw per letter, and no copy until a reader
        // copies the text once.
        text.view(letterPool, nextInt(letterPool.length - size + 1), size);
    }

    private void buildLetterPool()
    {
        rngState = mix64(config.seed() ^ 0x1E77_0000L);
        final byte[] pool = letterPool;
        int i = 0;
        while (i < pool.length)
        {
            // Six letters from each 32-bit half of a draw: the half is a fraction in [0, 1), times 26 gives the
            // letter in the integer part and the rest of the fraction goes on (26^6 < 2^32).
            final long r = nextLong();
            for (int half = 0; half < 2; half++)
            {
                long x = half == 0 ? r & 0xFFFF_FFFFL : r >>> 32;
                for (int k = 0; k < 6 && i < pool.length; k++)
                {
                    x *= 26;
                    pool[i++] = (byte)('a' + (int)(x >>> 32));
                    x &= 0xFFFF_FFFFL;
                }
            }
        }
    }

    private void buildChannels()
    {
        final Utf8Text scratch = new Utf8Text(128);
        for (int i = 0; i < HOT_CHANNELS.length; i++)
        {
            rngState = mix64(mix64(config.seed() ^ 0x4807_0000L) + i);
            hotUrls[i] = copyOf(appendBaseUrl(scratch.clear()));
        }
        for (int c = 0; c < CHANNELS; c++)
        {
            rngState = mix64(mix64(config.seed() ^ 0xC4A0_0000L) + c);
            scratch.clear().append("channel-").appendPadded(c, 1);
            channelNames[c] = copyOf(scratch);
            appendBaseUrl(scratch.clear());
            if (nextInt(10) > 0)
            {
                // The reference's Math.abs(int) leaves channel 1 negative; kept.
                scratch.append("&channel_id=").append(String.valueOf(Math.abs(Integer.reverse(c))));
            }
            channelUrls[c] = copyOf(scratch);
        }
    }

    private Utf8Text appendBaseUrl(final Utf8Text text)
    {
        text.append("https://www.nexmark.com/");
        appendString(text, 5, (byte)'_', false);
        text.append((byte)'/');
        appendString(text, 5, (byte)'_', false);
        text.append((byte)'/');
        appendString(text, 5, (byte)'_', false);
        text.append((byte)'/');
        return text.append("item.htm?query=1");
    }

    private static byte[] copyOf(final Utf8Text text)
    {
        final byte[] copy = new byte[text.length()];
        System.arraycopy(text.bytes(), 0, copy, 0, copy.length);
        return copy;
    }

    private long nextLong()
    {
        rngState += GOLDEN_GAMMA;
        return mix64(rngState);
    }

    /** Uniform in [0, bound) by multiply-shift; the bias (below bound / 2^32) does not matter here. */
    private int nextInt(final int bound)
    {
        return (int)(((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in [0, bound) as the high word of an unsigned 64 x 64 bit product. */
    private long nextLong(final long bound)
    {
        final long r = nextLong();
        return Math.multiplyHigh(r, bound) + ((r >> 63) & bound);
    }

    private double nextDouble()
    {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64 finaliser (Steele, Lea, Flood 2014). */
    private static long mix64(final long z0)
    {
        long z = z0;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static byte[][] ascii(final String... values)
    {
        final byte[][] result = new byte[values.length][];
        for (int i = 0; i < values.length; i++)
        {
            result[i] = values[i].getBytes(StandardCharsets.US_ASCII);
        }
        return result;
    }

    /**
     * Print the generator's own rate: events per second for one thread generating into one reused event.
     * <p>
     * {@code java -cp jmh/target/benchmarks.jar io.peregrine.bench.nexmark.NexmarkGenerator [events] [rounds]}
     *
     * @param args optional number of events per round (default 20,000,000) and rounds (default 5).
     */
    public static void main(final String[] args)
    {
        final long events = args.length > 0 ? Long.parseLong(args[0]) : 20_000_000L;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final NexmarkEvent event = new NexmarkEvent();
        long checksum = 0;
        for (int round = 0; round < rounds; round++)
        {
            final NexmarkGenerator generator = new NexmarkGenerator(new NexmarkConfig().maxEvents(events));
            long bytes = 0;
            final long start = System.nanoTime();
            while (generator.next(event))
            {
                checksum += event.dateTime() + event.type();
                bytes += event.bid().extra().length();
            }
            final long elapsedNs = System.nanoTime() - start;
            System.out.printf("round %d: %,d events in %.3f s = %,.0f events/s (bid extra bytes %d)%n",
                round, events, elapsedNs / 1e9, events * 1e9 / elapsedNs, bytes);
        }
        System.out.println("checksum " + checksum);
    }
}
