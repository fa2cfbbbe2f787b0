package io.peregrine.bench.nexmark;

import java.util.ArrayList;
import java.util.TreeMap;

/**
 * Baseline of Nexmark q7, highest bid ({@code queries/q7.sql}):
 * <pre>
 * SELECT B.auction, B.bidder, B.price, B.dateTime, B.extra
 * from bid B
 * JOIN (
 *   SELECT MAX(price) AS maxprice, window_end as dateTime
 *   FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *   GROUP BY window_start, window_end
 * ) B1
 * ON B.price = B1.maxprice
 * WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime
 * </pre>
 * Per 10 s tumbling window {@code [s, e)} the maximum price of its bids; then every bid with that price and
 * {@code s <= dateTime <= e}: both ends inclusive, so a bid at exactly {@code e} (a member of the next window) also
 * matches if its price equals this window's maximum.
 * <p>
 * The maximum follows the window aggregation's lateness: a bid is late for it, and not counted, when
 * {@code watermark >= e - 1}. The reference's join with the raw bid stream keeps all bids for ever; the baseline
 * keeps only the bids that can still match (price equal to the running maximum, or at the boundary {@code e}) and
 * settles a window when {@code watermark >= e}, when every bid within the 4 s bound of disorder at or before
 * {@code e} has arrived. Bids more than 4 s out of order are therefore not joined. For in-order input (the generator)
 * the result equals the reference's.
 */
public final class Q7HighestBid implements NexmarkBaseline
{
    /** Window size of the reference query. */
    public static final long SIZE_MS = 10_000;

    private final CsvRow row;
    private final TreeMap<Long, Window> windows = new TreeMap<>();
    private long maxTime = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long lateEvents;
    private long lastStart = Long.MIN_VALUE;
    private Window lastWindow;
    private long oldestStart = Long.MAX_VALUE;

    /**
     * @param sink receives the rows.
     */
    public Q7HighestBid(final ResultSink sink)
    {
        row = new CsvRow(sink);
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "q7";
    }

    /**
     * {@inheritDoc}
     */
    public String header()
    {
        return "auction,bidder,price,dateTime,extra";
    }

    /**
     * {@inheritDoc}
     */
    public long lateEvents()
    {
        return lateEvents;
    }

    /**
     * {@inheritDoc}
     */
    public void onEvent(final NexmarkEvent event)
    {
        final long time = event.dateTime();
        if (event.type() == NexmarkEvent.BID)
        {
            final long start = Math.floorDiv(time, SIZE_MS) * SIZE_MS;
            final long price = event.bid().price();
            if (start + SIZE_MS - 1 <= watermark)
            {
                lateEvents++;
            }
            else
            {
                final Window window = window(start);
                if (!window.hasMax || price > window.max)
                {
                    window.hasMax = true;
                    window.max = price;
                    window.candidates.clear();
                }
                if (price == window.max)
                {
                    window.candidates.add(new BidRow(event));
                }
            }
            if (time == start)
            {
                // A bid at exactly the previous window's end may join that window's maximum.
                final Window previous = windows.get(start - SIZE_MS);
                if (previous != null && (!previous.hasMax || price >= previous.max))
                {
                    previous.boundary.add(new BidRow(event));
                }
            }
        }
        if (time > maxTime)
        {
            maxTime = time;
            watermark = time - WATERMARK_DELAY_MS;
            if (oldestStart != Long.MAX_VALUE && oldestStart + SIZE_MS <= watermark)
            {
                settle(watermark);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void finish()
    {
        settle(Long.MAX_VALUE);
    }

    private Window window(final long start)
    {
        if (start == lastStart)
        {
            return lastWindow;
        }
        Window window = windows.get(start);
        if (window == null)
        {
            window = new Window();
            windows.put(start, window);
            oldestStart = Math.min(oldestStart, start);
        }
        lastStart = start;
        lastWindow = window;
        return window;
    }

    private void settle(final long upTo)
    {
        while (!windows.isEmpty() && windows.firstKey() + SIZE_MS <= upTo)
        {
            final Window window = windows.pollFirstEntry().getValue();
            if (window == lastWindow)
            {
                lastWindow = null;
                lastStart = Long.MIN_VALUE;
            }
            if (window.hasMax)
            {
                emit(window.candidates, window.max);
                emit(window.boundary, window.max);
            }
        }
        oldestStart = windows.isEmpty() ? Long.MAX_VALUE : windows.firstKey();
    }

    private void emit(final ArrayList<BidRow> bids, final long max)
    {
        for (int i = 0; i < bids.size(); i++)
        {
            final BidRow bid = bids.get(i);
            if (bid.price == max)
            {
                row.add(bid.auction).add(bid.bidder).add(bid.price).addTimestamp(bid.dateTime).add(bid.extra);
                row.emit();
            }
        }
    }

    private static final class Window
    {
        boolean hasMax;
        long max;
        final ArrayList<BidRow> candidates = new ArrayList<>();
        final ArrayList<BidRow> boundary = new ArrayList<>();
    }

    private static final class BidRow
    {
        final long auction;
        final long bidder;
        final long price;
        final long dateTime;
        final String extra;

        BidRow(final NexmarkEvent event)
        {
            auction = event.bid().auction();
            bidder = event.bid().bidder();
            price = event.bid().price();
            dateTime = event.dateTime();
            extra = event.bid().extra().toString();
        }
    }
}
