package io.peregrine.bench.nexmark;

/**
 * Baseline of Nexmark q2, selection ({@code queries/q2.sql}):
 * {@code SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0}.
 */
public final class Q2Selection implements NexmarkBaseline
{
    private final CsvRow row;

    /**
     * @param sink receives the rows.
     */
    public Q2Selection(final ResultSink sink)
    {
        row = new CsvRow(sink);
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "q2";
    }

    /**
     * {@inheritDoc}
     */
    public String header()
    {
        return "auction,price";
    }

    /**
     * {@inheritDoc}
     */
    public void onEvent(final NexmarkEvent event)
    {
        if (event.type() == NexmarkEvent.BID && event.bid().auction() % 123 == 0)
        {
            row.add(event.bid().auction()).add(event.bid().price());
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
