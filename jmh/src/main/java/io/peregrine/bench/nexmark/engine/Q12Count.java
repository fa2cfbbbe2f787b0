package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Collector;
import io.peregrine.api.Field;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.Row;
import io.peregrine.api.TimeDomain;
import io.peregrine.api.ValueState;
import io.peregrine.bench.nexmark.Q12ProcessingTimeWindows;



/**
 * Counts a bidder's bids in its open processing-time window; keeps no fields, so one instance serves every shard.
 */
final class Q12Count implements KeyedProcessFunction
{
    private static final long SIZE = Q12ProcessingTimeWindows.SIZE_MS;
    private static final Field.Int32 END_TIMER_SET = NexmarkQueries.Q12_STATE.int32("end_timer_set");
    private static final Field.Int64 COUNT = NexmarkQueries.Q12_STATE.int64("count");
    private static final Field.Timestamp START = NexmarkQueries.Q12_STATE.timestamp("start");
    private static final Field.Int64 OUT_BIDDER = NexmarkQueries.Q12_OUT.int64("bidder");
    private static final Field.Int64 OUT_COUNT = NexmarkQueries.Q12_OUT.int64("bid_count");
    private static final Field.Timestamp OUT_START = NexmarkQueries.Q12_OUT.timestamp("starttime");
    private static final Field.Timestamp OUT_END = NexmarkQueries.Q12_OUT.timestamp("endtime");

    public void processElement(final Row in, final Context ctx, final Collector out)
    {
        final ValueState window = ctx.value();
        if (window.getInt(END_TIMER_SET) == 0)
        {
            window.putInt(END_TIMER_SET, 1);
            ctx.registerEventTimeTimer(Long.MAX_VALUE);
        }
        final long now = ctx.currentProcessingTime();
        long count = window.getLong(COUNT);
        if (count > 0 && now >= window.getTimestamp(START) + SIZE)
        {
            emit(window, ctx, out);
            count = 0;
        }
        if (count == 0)
        {
            final long start = Math.floorDiv(now, SIZE) * SIZE;
            window.putTimestamp(START, start);
            ctx.registerProcessingTimeTimer(start + SIZE);
        }
        window.putLong(COUNT, count + 1);
    }

    public void onTimer(final long timestamp, final TimeDomain domain, final Context ctx, final Collector out)
    {
        final ValueState window = ctx.value();
        if (window.getLong(COUNT) > 0 && (domain == TimeDomain.EVENT_TIME || timestamp >= window.getTimestamp(START) + SIZE))
        {
            emit(window, ctx, out);
            window.putLong(COUNT, 0);
        }
    }

    private static void emit(final ValueState window, final Context ctx, final Collector out)
    {
        final long start = window.getTimestamp(START);
        out.next()
            .putLong(OUT_BIDDER, ctx.key())
            .putLong(OUT_COUNT, window.getLong(COUNT))
            .putTimestamp(OUT_START, start)
            .putTimestamp(OUT_END, start + SIZE);
        out.emit(start + SIZE - 1);
    }
}
