package io.peregrine.runtime;

import io.peregrine.api.Row;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The end of a stream nothing reads: an output without consumers, a window's late records without a late output.
 * What ends here is counted as dropped by the operator whose output it is.
 */
final class Discard extends Operator
{
    private final AtomicCounter dropped;

    Discard(final String name, final AtomicCounter dropped)
    {
        super(name);
        this.dropped = dropped;
    }

    public void onRecord(final Row row)
    {
        dropped.incrementRelease();
    }

    public void onWatermark(final long watermark)
    {
    }

    public void onBarrier(final long id)
    {
    }

    public void onIdle()
    {
    }
}
