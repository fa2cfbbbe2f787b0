package io.peregrine.bench.nexmark;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

import java.util.Arrays;

/**
 * Baseline of Nexmark q4, average winning price per category ({@code queries/q4.sql}):
 * <pre>
 * SELECT Q.category, AVG(Q.final)
 * FROM (
 *     SELECT MAX(B.price) AS final, A.category
 *     FROM auction A, bid B
 *     WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
 *     GROUP BY A.id, A.category
 * ) Q
 * GROUP BY Q.category
 * </pre>
 * No windows: a regular join and two nested aggregations whose result the reference updates (retracts and
 * re-emits) as bids arrive. The baseline keeps the same state incrementally (per auction its window and current
 * maximum, per category the sum and count of the maxima; bids that arrive before their auction wait for it) and
 * emits the final result at {@link #finish()}: one row per category with at least one auction that has a bid within
 * {@code [A.dateTime, A.expires]} (both ends inclusive). {@code AVG} of a {@code BIGINT} is a {@code BIGINT} in Flink:
 * the sum divided by the count, truncated. Like the reference's join state, auctions are kept for ever.
 */
public final class Q4AveragePriceForCategory implements NexmarkBaseline
{
    private final CsvRow row;
    private final Long2ObjectHashMap<AuctionState> auctions = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongArrayList> pendingBids = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<long[]> categories = new Long2ObjectHashMap<>();

    /**
     * @param sink receives the rows.
     */
    public Q4AveragePriceForCategory(final ResultSink sink)
    {
        row = new CsvRow(sink);
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "q4";
    }

    /**
     * {@inheritDoc}
     */
    public String header()
    {
        return "id,final";
    }

    /**
     * {@inheritDoc}
     */
    public void onEvent(final NexmarkEvent event)
    {
        if (event.type() == NexmarkEvent.BID)
        {
            final NexmarkEvent.Bid bid = event.bid();
            final AuctionState auction = auctions.get(bid.auction());
            if (auction != null)
            {
                onBid(auction, event.dateTime(), bid.price());
            }
            else
            {
                final LongArrayList waiting = pendingBids.computeIfAbsent(bid.auction(), (a) -> new LongArrayList());
                waiting.addLong(event.dateTime());
                waiting.addLong(bid.price());
            }
        }
        else if (event.type() == NexmarkEvent.AUCTION)
        {
            final NexmarkEvent.Auction a = event.auction();
            final AuctionState auction = new AuctionState(event.dateTime(), a.expires(), a.category());
            auctions.put(a.id(), auction);
            final LongArrayList waiting = pendingBids.remove(a.id());
            if (waiting != null)
            {
                for (int i = 0; i < waiting.size(); i += 2)
                {
                    onBid(auction, waiting.getLong(i), waiting.getLong(i + 1));
                }
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void finish()
    {
        final long[] keys = new long[categories.size()];
        final int[] n = { 0 };
        categories.forEachLong((category, sums) -> keys[n[0]++] = category);
        Arrays.sort(keys);
        for (final long category : keys)
        {
            final long[] sums = categories.get(category);
            row.add(category).add(sums[0] / sums[1]);
            row.emit();
        }
    }

    private void onBid(final AuctionState auction, final long dateTime, final long price)
    {
        if (dateTime < auction.dateTime || dateTime > auction.expires || (auction.hasBid && price <= auction.maxPrice))
        {
            return;
        }
        final long[] sums = categories.computeIfAbsent(auction.category, (c) -> new long[2]);
        if (!auction.hasBid)
        {
            auction.hasBid = true;
            sums[0] += price;
            sums[1]++;
        }
        else
        {
            sums[0] += price - auction.maxPrice;
        }
        auction.maxPrice = price;
    }

    private static final class AuctionState
    {
        final long dateTime;
        final long expires;
        final long category;
        boolean hasBid;
        long maxPrice;

        AuctionState(final long dateTime, final long expires, final long category)
        {
            this.dateTime = dateTime;
            this.expires = expires;
            this.category = category;
        }
    }
}
