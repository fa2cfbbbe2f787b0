package io.peregrine.bench.nexmark;

/**
 * Baseline of Nexmark q0, pass-through of bids ({@code queries/q0.sql}):
 * {@code SELECT auction, bidder, price, dateTime, extra FROM bid}. One row per bid, in input order.
 */
public final class Q0PassThrough implements NexmarkBaseline
{
    private final CsvRow row;

    /**
     * @param sink receives the rows.
     */
    public Q0PassThrough(final ResultSink sink)
    {
        row = new CsvRow(sink);
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "q0";
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
    public void onEvent(final NexmarkEvent event)
    {
        if (event.type() == NexmarkEvent.BID)
        {
            final NexmarkEvent.Bid bid = event.bid();
            row.add(bid.auction()).add(bid.bidder()).add(bid.price()).addTimestamp(event.dateTime()).add(bid.extra());
            row.emit();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void finish()
    {
    }
}
