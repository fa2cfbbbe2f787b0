package io.peregrine.bench.nexmark;

/**
 * Baseline of Nexmark q1, currency conversion ({@code queries/q1.sql}):
 * {@code SELECT auction, bidder, 0.908 * price as price, dateTime, extra FROM bid}, the price a
 * {@code DECIMAL(23, 3)}: computed exactly as {@code price * 908} thousandths and written with three fraction digits
 * (e.g. 100 becomes {@code 90.800}).
 */
public final class Q1CurrencyConversion implements NexmarkBaseline
{
    private final CsvRow row;

    /**
     * @param sink receives the rows.
     */
    public Q1CurrencyConversion(final ResultSink sink)
    {
        row = new CsvRow(sink);
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "q1";
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
            // price * 0.908 exactly: the 128-bit product price * 908, at scale 3.
            row.add(bid.auction()).add(bid.bidder()).addDecimal(Math.multiplyHigh(bid.price(), 908), bid.price() * 908, 3)
                .addTimestamp(event.dateTime()).add(bid.extra());
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
