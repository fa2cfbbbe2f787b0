package io.peregrine.runtime;

import io.peregrine.api.Row;

/**
 * A stream read by several operators: each gets every record, watermark and idle signal, in the
 * order the consumers were declared.
 */
final class FanOut extends Operator
{
    private final Operator[] consumers;

    FanOut(final String name, final Operator[] consumers)
    {
        super(name);
        this.consumers = consumers;
    }

    public void onRecord(final Row row)
    {
        for (final Operator consumer : consumers)
        {
            consumer.onRecord(row);
        }
    }

    public void onWatermark(final long watermark)
    {
        for (final Operator consumer : consumers)
        {
            consumer.onWatermark(watermark);
        }
    }

    public void onBarrier(final long id)
    {
        for (final Operator consumer : consumers)
        {
            consumer.onBarrier(id);
        }
    }

    public void onIdle()
    {
        for (final Operator consumer : consumers)
        {
            consumer.onIdle();
        }
    }
}
