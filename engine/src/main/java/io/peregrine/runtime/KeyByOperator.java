package io.peregrine.runtime;

import io.peregrine.api.KeySelector;
import io.peregrine.api.Row;
import io.peregrine.exchange.KeyGroupRouter;
import io.peregrine.exchange.OutboundChannel;

/**
 * The producer end of a keyBy: routes each record to the shard owning its key group, by direct
 * call when that is this shard, else into the ring to that shard. Watermarks and idleness go to
 * every consumer shard.
 */
final class KeyByOperator extends Operator
{
    private final KeySelector key;
    private final KeyGroupRouter router;
    private final int self;
    private final OutboundChannel[] channels;
    private final ExchangeInput local;

    KeyByOperator(
        final String name,
        final KeySelector key,
        final KeyGroupRouter router,
        final int self,
        final OutboundChannel[] channels,
        final ExchangeInput local)
    {
        super(name);
        this.key = key;
        this.router = router;
        this.self = self;
        this.channels = channels;
        this.local = local;
    }

    public void onRecord(final Row row)
    {
        final long k = keyOf(key, row);
        final int target = router.shard(k);
        if (target == self)
        {
            local.onLocalRecord(row);
        }
        else
        {
            channels[target].sendRecord(row);
        }
    }

    public void onWatermark(final long watermark)
    {
        for (int i = 0; i < channels.length; i++)
        {
            if (i == self)
            {
                local.watermark(self, watermark);
            }
            else
            {
                channels[i].sendWatermark(watermark);
            }
        }
    }

    public void onBarrier(final long id)
    {
        for (int i = 0; i < channels.length; i++)
        {
            if (i == self)
            {
                local.barrier(self, id);
            }
            else
            {
                channels[i].sendBarrier(id);
            }
        }
    }

    public void onIdle()
    {
        for (int i = 0; i < channels.length; i++)
        {
            if (i == self)
            {
                local.idle(self);
            }
            else
            {
                channels[i].sendIdle();
            }
        }
    }
}
