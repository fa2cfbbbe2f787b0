package io.peregrine.runtime;

import io.peregrine.state.TimerQueue;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.util.function.LongPredicate;

/**
 * Writes the timers of a {@link TimerQueue} into a checkpoint blob and reads them back:
 * {@code | count (int) | per timer: time (long), key (long) |}. Timers are journaled whole at every checkpoint; at a
 * restore a shard keeps those of the keys it owns.
 */
final class TimerCodec implements TimerQueue.TimerConsumer
{
    private ExpandableDirectByteBuffer buffer;
    private int at;

    /**
     * @return the offset after the timers written at {@code offset}.
     */
    int encode(final TimerQueue timers, final ExpandableDirectByteBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        buffer.putInt(offset, timers.size());
        at = offset + 4;
        timers.forEach(this);
        this.buffer = null;
        return at;
    }

    public void onTimer(final long time, final long key)
    {
        buffer.putLong(at, time);
        buffer.putLong(at + 8, key);
        at += 16;
    }

    /**
     * Register the timers at {@code offset} whose key this shard owns.
     *
     * @return the offset after them.
     */
    static int decode(final DirectBuffer buffer, final int offset, final TimerQueue timers, final LongPredicate owns)
    {
        final int count = buffer.getInt(offset);
        int at = offset + 4;
        for (int i = 0; i < count; i++, at += 16)
        {
            final long key = buffer.getLong(at + 8);
            if (owns.test(key))
            {
                timers.register(buffer.getLong(at), key);
            }
        }
        return at;
    }
}
