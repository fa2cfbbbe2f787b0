package io.peregrine.runtime;

import io.peregrine.api.Row;

/**
 * The end of a stream nothing reads.
 */
final class Discard extends Operator
{
    Discard(final String name)
    {
        super(name);
    }

    public void onRecord(final Row row)
    {
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
