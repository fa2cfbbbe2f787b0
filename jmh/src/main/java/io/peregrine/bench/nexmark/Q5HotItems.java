package io.peregrine.bench.nexmark;

import org.agrona.collections.Long2LongHashMap;

import java.util.ArrayDeque;
import java.util.TreeMap;

/**
 * Baseline of Nexmark q5, hot items ({@code queries/q5.sql}): bids counted per auction in hopping windows of 10 s
 * sliding by 2 s ({@code HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND)}), then per
 * window every auction whose count is {@code >=} the window's maximum count (ties all kept):
 * {@code SELECT AuctionBids.auction, AuctionBids.num}. The select list has no window column, so equal rows of
 * different windows are repeated.
 * <p>
 * Windows are {@code [k * 2 s, k * 2 s + 10 s)} on epoch time. Bids are counted in 2 s panes and a window sums its
 * five panes when it fires ({@code watermark >= end - 1}, watermark = max dateTime - 4 s). A bid is late, and
 * dropped, when the last window holding it has fired; a bid whose earlier windows have fired still counts in the
 * later ones (as Flink's slicing window aggregation does).
 */
public final class Q5HotItems implements NexmarkBaseline
{
    /** Window size of the reference query. */
    public static final long SIZE_MS = 10_000;
    /** Window slide of the reference query. */
    public static final long SLIDE_MS = 2_000;

    private final CsvRow row;
    private final TreeMap<Long, Long2LongHashMap> panes = new TreeMap<>();
    private final ArrayDeque<Long2LongHashMap> freePanes = new ArrayDeque<>();
    private final Long2LongHashMap window = new Long2LongHashMap(0);
    private long maxTime = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long nextWindowEnd = Long.MIN_VALUE;
    private long lateEvents;
    private long maxCount;
    private long lastPaneStart = Long.MIN_VALUE;
    private Long2LongHashMap lastPane;

    /**
     * @param sink receives the rows.
     */
    public Q5HotItems(final ResultSink sink)
    {
        row = new CsvRow(sink);
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "q5";
    }

    /**
     * {@inheritDoc}
     */
    public String header()
    {
        return "auction,num";
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
        if (event.type() == NexmarkEvent.BID)
        {
            final long time = event.dateTime();
            final long paneStart = Math.floorDiv(time, SLIDE_MS) * SLIDE_MS;
            if (paneStart + SIZE_MS - 1 <= watermark)
            {
                lateEvents++;
            }
            else
            {
                Long2LongHashMap pane = paneStart == lastPaneStart ? lastPane : panes.get(paneStart);
                if (pane == null)
                {
                    pane = freePanes.isEmpty() ? new Long2LongHashMap(0) : freePanes.poll();
                    panes.put(paneStart, pane);
                }
                lastPaneStart = paneStart;
                lastPane = pane;
                final long auction = event.bid().auction();
                pane.put(auction, pane.get(auction) + 1);
            }
        }
        final long time = event.dateTime();
        if (time > maxTime)
        {
            maxTime = time;
            watermark = time - WATERMARK_DELAY_MS;
            fire(watermark);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void finish()
    {
        fire(Long.MAX_VALUE);
    }

    private void fire(final long upTo)
    {
        while (!panes.isEmpty())
        {
            final long firstPane = panes.firstKey();
            // Skip the empty windows before the first pane, but only those the watermark has passed: a bid still
            // to come may open a pane in a later one.
            long skipTo = firstPane + SLIDE_MS;
            if (upTo != Long.MAX_VALUE)
            {
                skipTo = Math.min(skipTo, Math.floorDiv(upTo + 1, SLIDE_MS) * SLIDE_MS + SLIDE_MS);
            }
            if (nextWindowEnd < skipTo)
            {
                nextWindowEnd = skipTo;
            }
            if (nextWindowEnd - 1 > upTo)
            {
                return;
            }
            emitWindow(nextWindowEnd - SIZE_MS, nextWindowEnd);
            nextWindowEnd += SLIDE_MS;
            while (!panes.isEmpty() && panes.firstKey() < nextWindowEnd - SIZE_MS)
            {
                final Long2LongHashMap done = panes.pollFirstEntry().getValue();
                if (done == lastPane)
                {
                    lastPane = null;
                    lastPaneStart = Long.MIN_VALUE;
                }
                done.clear();
                freePanes.offer(done);
            }
        }
    }

    private void emitWindow(final long start, final long end)
    {
        window.clear();
        maxCount = 0;
        for (final Long2LongHashMap pane : panes.subMap(start, true, end, false).values())
        {
            pane.longForEach((auction, count) ->
            {
                final long sum = window.get(auction) + count;
                window.put(auction, sum);
                maxCount = Math.max(maxCount, sum);
            });
        }
        window.longForEach((auction, count) ->
        {
            if (count >= maxCount)
            {
                row.add(auction).add(count);
                row.emit();
            }
        });
    }
}
