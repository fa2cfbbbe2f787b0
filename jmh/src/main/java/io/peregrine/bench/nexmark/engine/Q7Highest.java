package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Collector;
import io.peregrine.api.Field;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.KeyedRowList;
import io.peregrine.api.Row;
import io.peregrine.api.TimeDomain;
import io.peregrine.api.ValueState;
import io.peregrine.bench.nexmark.Q7HighestBid;



/**
 * Per window start: a {@link NexmarkQueries#Q7_STATE} value and the list {@code candidates} of the bids (their
 * {@link NexmarkQueries#Q7_IN} rows, as they came) at or above the running maximum, pruned whenever it grows.
 */
final class Q7Highest implements KeyedProcessFunction
{
    static final int HAS_MAX = 1;
    static final int TIMER_SET = 2;
    private static final Field.Int32 FLAGS = NexmarkQueries.Q7_STATE.int32("flags");
    private static final Field.Int64 MAX = NexmarkQueries.Q7_STATE.int64("max");
    private static final Field.Int64 OUT_AUCTION = NexmarkQueries.Q7_OUT.int64("auction");
    private static final Field.Int64 OUT_BIDDER = NexmarkQueries.Q7_OUT.int64("bidder");
    private static final Field.Int64 OUT_PRICE = NexmarkQueries.Q7_OUT.int64("price");
    private static final Field.Timestamp OUT_TIME = NexmarkQueries.Q7_OUT.timestamp("dateTime");
    private static final Field.VarString OUT_EXTRA = NexmarkQueries.Q7_OUT.varString("extra");

    private final Field.Int32 boundary;
    private final Field.Int64 auction;
    private final Field.Int64 bidder;
    private final Field.Int64 price;
    private final Field.Timestamp dateTime;
    private final Field.VarString extra;
    private final KeyedRowList.RowPredicate atLeastMax = this::atLeastMax;
    private final KeyedRowList.RowVisitor emitAtMax = this::emitAtMax;
    private KeyedRowList candidates;
    /** Maximum, timestamp and collector of the visit under way (scratch, not state). */
    private long visitMax;
    private long visitTimestamp;
    private Collector visitOut;

    Q7Highest(final Field.Int32 boundary, final Field.Int64 auction, final Field.Int64 bidder, final Field.Int64 price,
        final Field.Timestamp dateTime, final Field.VarString extra)
    {
        this.boundary = boundary;
        this.auction = auction;
        this.bidder = bidder;
        this.price = price;
        this.dateTime = dateTime;
        this.extra = extra;
    }

    public void open(final OpenContext ctx)
    {
        candidates = ctx.listState("candidates", NexmarkQueries.Q7_IN);
    }

    public void processElement(final Row in, final Context ctx, final Collector out)
    {
        final long end = ctx.key() + Q7HighestBid.SIZE_MS;
        final boolean isBoundary = in.getInt(boundary) != 0;
        // Judged against the bid's own watermark, not only the operator's: whether it is late does not depend on
        // batching or on the shard count.
        final long watermark = Math.max(ctx.currentWatermark(), in.recordWatermark());
        if (isBoundary ? end <= watermark : end - 1 <= watermark)
        {
            return;
        }
        final ValueState window = ctx.value();
        final int seen = window.getInt(FLAGS);
        int flags = seen;
        if ((flags & TIMER_SET) == 0)
        {
            flags |= TIMER_SET;
            ctx.registerEventTimeTimer(end);
        }
        final long p = in.getLong(price);
        final boolean hasMax = (flags & HAS_MAX) != 0;
        final long max = window.getLong(MAX);
        if (isBoundary)
        {
            if (hasMax ? p >= max : end - 1 > watermark)
            {
                candidates.add(in);
            }
        }
        else if (!hasMax || p > max)
        {
            flags |= HAS_MAX;
            window.putLong(MAX, p);
            visitMax = p;
            candidates.retainIf(atLeastMax);
            candidates.add(in);
        }
        else if (p == max)
        {
            candidates.add(in);
        }
        if (flags != seen)
        {
            window.putInt(FLAGS, flags); // most bids only read the value: one lookup, no write
        }
    }

    public void onTimer(final long timestamp, final TimeDomain domain, final Context ctx, final Collector out)
    {
        final ValueState window = ctx.value();
        if ((window.getInt(FLAGS) & HAS_MAX) != 0)
        {
            visitMax = window.getLong(MAX);
            visitTimestamp = timestamp;
            visitOut = out;
            candidates.forEach(emitAtMax);
            visitOut = null;
        }
        candidates.clear();
        ctx.clearState();
    }

    private boolean atLeastMax(final Row candidate)
    {
        return candidate.getLong(price) >= visitMax;
    }

    private void emitAtMax(final Row candidate)
    {
        if (candidate.getLong(price) == visitMax)
        {
            visitOut.next()
                .putLong(OUT_AUCTION, candidate.getLong(auction))
                .putLong(OUT_BIDDER, candidate.getLong(bidder))
                .putLong(OUT_PRICE, visitMax)
                .putTimestamp(OUT_TIME, candidate.getTimestamp(dateTime))
                .putVarString(OUT_EXTRA, candidate.buffer(), candidate.varOffset(extra), candidate.varLength(extra));
            visitOut.emit(visitTimestamp);
        }
    }
}
