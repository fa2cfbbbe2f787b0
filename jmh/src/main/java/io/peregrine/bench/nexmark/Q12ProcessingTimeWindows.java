package io.peregrine.bench.nexmark;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Baseline of Nexmark q12, processing-time windows ({@code queries/q12.sql}):
 * <pre>
 * CREATE VIEW B AS SELECT *, PROCTIME() as p_time FROM bid;
 * SELECT bidder, count(*) as bid_count, window_start AS starttime, window_end AS endtime
 * FROM TABLE(TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '10' SECOND))
 * GROUP BY bidder, window_start, window_end
 * </pre>
 * Bids counted per bidder in 10 s tumbling windows of processing time. The processing-time clock (epoch ms) is
 * passed in and read once per bid, so a test or a comparison run can make the result deterministic (e.g. a clock
 * derived from the event count). A bid belongs to the window holding the clock's reading when it is processed; a
 * window fires at the first bid that reads a time at or past its end, and the open window fires at
 * {@link #finish()} (end of a bounded input). Rows of one window are emitted sorted by bidder.
 */
public final class Q12ProcessingTimeWindows implements NexmarkBaseline
{
    /** Window size of the reference query. */
    public static final long SIZE_MS = 10_000;

    private final CsvRow row;
    private final LongSupplier processingClock;
    private final Long2LongHashMap counts = new Long2LongHashMap(0);
    private long windowStart = Long.MIN_VALUE;
    private long[] keys = new long[1024];

    /**
     * @param sink            receives the rows.
     * @param processingClock processing time, epoch ms, non-decreasing.
     */
    public Q12ProcessingTimeWindows(final ResultSink sink, final LongSupplier processingClock)
    {
        this.row = new CsvRow(sink);
        this.processingClock = processingClock;
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "q12";
    }

    /**
     * {@inheritDoc}
     */
    public String header()
    {
        return "bidder,bid_count,starttime,endtime";
    }

    /**
     * {@inheritDoc}
     */
    public void onEvent(final NexmarkEvent event)
    {
        if (event.type() != NexmarkEvent.BID)
        {
            return;
        }
        final long now = processingClock.getAsLong();
        if (windowStart != Long.MIN_VALUE && now >= windowStart + SIZE_MS)
        {
            fire();
        }
        if (windowStart == Long.MIN_VALUE)
        {
            windowStart = Math.floorDiv(now, SIZE_MS) * SIZE_MS;
        }
        final long bidder = event.bid().bidder();
        counts.put(bidder, counts.get(bidder) + 1);
    }

    /**
     * {@inheritDoc}
     */
    public void finish()
    {
        if (windowStart != Long.MIN_VALUE)
        {
            fire();
        }
    }

    private void fire()
    {
        if (keys.length < counts.size())
        {
            keys = new long[counts.size() * 2];
        }
        final int[] n = { 0 };
        counts.longForEach((bidder, count) -> keys[n[0]++] = bidder);
        Arrays.sort(keys, 0, n[0]);
        for (int i = 0; i < n[0]; i++)
        {
            row.add(keys[i]).add(counts.get(keys[i])).addTimestamp(windowStart).addTimestamp(windowStart + SIZE_MS);
            row.emit();
        }
        counts.clear();
        windowStart = Long.MIN_VALUE;
    }
}
