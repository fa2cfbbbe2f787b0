package io.peregrine.bench.nexmark;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * re-emits) as bids arrive. The baseline keeps the same state incrementally and emits the final result at
 * {@link #finish()}: one row per category with at least one auction that has a bid within
 * {@code [A.dateTime, A.expires]} (both ends inclusive). {@code AVG} of a {@code BIGINT} is a {@code BIGINT} in Flink:
 * the sum divided by the count, truncated. As in the reference's join state, every auction row and every bid is kept
 * for ever (any later row of either side joins the rows before it), and the inner aggregation groups by
 * {@code (A.id, A.category)}: an auction id seen again with another category is another group.
 */
public final class Q4AveragePriceForCategory implements NexmarkBaseline
{
    private final CsvRow row;
    private final Long2ObjectHashMap<List<AuctionState>> auctions = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongArrayList> bids = new Long2ObjectHashMap<>();
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
            final LongArrayList kept = bids.computeIfAbsent(bid.auction(), (a) -> new LongArrayList());
            kept.addLong(event.dateTime());
            kept.addLong(bid.price());
            final List<AuctionState> rows = auctions.get(bid.auction());
            if (rows != null)
            {
                for (int i = 0; i < rows.size(); i++)
                {
                    onBid(rows.get(i), event.dateTime(), bid.price());
                }
            }
        }
        else if (event.type() == NexmarkEvent.AUCTION)
        {
            final NexmarkEvent.Auction a = event.auction();
            final List<AuctionState> rows = auctions.computeIfAbsent(a.id(), (id) -> new ArrayList<>(1));
            AuctionState group = null;
            for (int i = 0; i < rows.size(); i++)
            {
                if (rows.get(i).category == a.category())
                {
                    group = rows.get(i).group;
                }
            }
            final AuctionState auction = new AuctionState(event.dateTime(), a.expires(), a.category(), group);
            rows.add(auction);
            final LongArrayList before = bids.get(a.id());
            if (before != null)
            {
                for (int i = 0; i < before.size(); i += 2)
                {
                    onBid(auction, before.getLong(i), before.getLong(i + 1));
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
        final AuctionState group = auction.group;
        if (dateTime < auction.dateTime || dateTime > auction.expires || (group.hasBid && price <= group.maxPrice))
        {
            return;
        }
        final long[] sums = categories.computeIfAbsent(auction.category, (c) -> new long[2]);
        if (!group.hasBid)
        {
            group.hasBid = true;
            sums[0] += price;
            sums[1]++;
        }
        else
        {
            sums[0] += price - group.maxPrice;
        }
        group.maxPrice = price;
    }

    /**
     * An auction row; its {@code group} (the first row of its id and category) holds the group's maximum.
     */
    private static final class AuctionState
    {
        final long dateTime;
        final long expires;
        final long category;
        final AuctionState group;
        boolean hasBid;
        long maxPrice;

        AuctionState(final long dateTime, final long expires, final long category, final AuctionState group)
        {
            this.dateTime = dateTime;
            this.expires = expires;
            this.category = category;
            this.group = group == null ? this : group;
        }
    }
}
