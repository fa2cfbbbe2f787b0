package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Collector;
import io.peregrine.api.Field;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.KeyedRowList;
import io.peregrine.api.Row;
import io.peregrine.api.TimeDomain;
import io.peregrine.api.ValueState;



/**
 * Per window end: a {@link NexmarkQueries#Q5_STATE} value (timer set, max count) and the list {@code ties} of the auctions tied
 * at the max count, in arrival order, emptied whenever the max grows.
 */
final class Q5Max implements KeyedProcessFunction
{
    private static final Field.Int32 TIMER_SET = NexmarkQueries.Q5_STATE.int32("timer_set");
    private static final Field.Int64 MAX = NexmarkQueries.Q5_STATE.int64("max");
    private static final Field.Int64 TIE_AUCTION = NexmarkQueries.Q5_TIE.int64("auction");
    private static final Field.Int64 OUT_AUCTION = NexmarkQueries.Q5_OUT.int64("auction");
    private static final Field.Int64 OUT_NUM = NexmarkQueries.Q5_OUT.int64("num");

    private final Field.Int64 countKey;
    private final Field.Int64 num;
    private final KeyedRowList.RowVisitor emitTie = this::emitTie;
    private KeyedRowList ties;
    /** Maximum, timestamp and collector of the {@link #emitTie} visit under way (scratch, not state). */
    private long visitMax;
    private long visitTimestamp;
    private Collector visitOut;

    Q5Max(final Field.Int64 countKey, final Field.Int64 num)
    {
        this.countKey = countKey;
        this.num = num;
    }

    public void open(final OpenContext ctx)
    {
        ties = ctx.listState("ties", NexmarkQueries.Q5_TIE);
    }

    public void processElement(final Row in, final Context ctx, final Collector out)
    {
        final ValueState window = ctx.value();
        if (window.getInt(TIMER_SET) == 0)
        {
            window.putInt(TIMER_SET, 1);
            ctx.registerEventTimeTimer(ctx.key() - 1);
        }
        final long count = in.getLong(num);
        final long max = window.getLong(MAX);
        if (count < max)
        {
            return;
        }
        if (count > max)
        {
            window.putLong(MAX, count);
            ties.clear();
        }
        ties.next().putLong(TIE_AUCTION, in.getLong(countKey));
        ties.add();
    }

    public void onTimer(final long timestamp, final TimeDomain domain, final Context ctx, final Collector out)
    {
        visitMax = ctx.value().getLong(MAX);
        visitTimestamp = timestamp;
        visitOut = out;
        ties.forEach(emitTie);
        visitOut = null;
        ties.clear();
        ctx.clearState();
    }

    private void emitTie(final Row tie)
    {
        visitOut.next().putLong(OUT_AUCTION, tie.getLong(TIE_AUCTION)).putLong(OUT_NUM, visitMax);
        visitOut.emit(visitTimestamp);
    }
}
