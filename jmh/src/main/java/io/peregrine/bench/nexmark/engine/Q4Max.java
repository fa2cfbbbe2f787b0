package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Collector;
import io.peregrine.api.Field;
import io.peregrine.api.KeyedMapState;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.Row;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;



/**
 * The highest bid per {@code (A.id, A.category)}, keyed by auction id: a slot of
 * {@code | seen (long) | category (long) | max (long) |} for the first category of the id, the map
 * {@code other-categories} (category -> max) for any other; each new maximum is sent as a change to its
 * category's sum (and a count of 1 for a group's first).
 */
final class Q4Max implements KeyedProcessFunction
{
    static final int SEEN = 0;
    static final int CATEGORY = 8;
    static final int MAX = 16;
    static final int STATE_LENGTH = 24;

    private final Field.Int64 category;
    private final Field.Int64 price;
    private final Field.Int64 deltaCategory = NexmarkQueries.Q4_DELTA.int64("category");
    private final Field.Int64 sumDelta = NexmarkQueries.Q4_DELTA.int64("sum_delta");
    private final Field.Int64 countDelta = NexmarkQueries.Q4_DELTA.int64("count_delta");
    private final UnsafeBuffer categoryKey = new UnsafeBuffer(new byte[8]);
    private final UnsafeBuffer maxValue = new UnsafeBuffer(new byte[8]);
    private KeyedMapState others;

    Q4Max(final Field.Int64 category, final Field.Int64 price)
    {
        this.category = category;
        this.price = price;
    }

    public void open(final OpenContext ctx)
    {
        others = ctx.mapState("other-categories");
    }

    public void processElement(final Row in, final Context ctx, final Collector out)
    {
        final long c = in.getLong(category);
        final long p = in.getLong(price);
        final MutableDirectBuffer slot = ctx.state();
        if (slot.getLong(SEEN) == 0)
        {
            slot.putLong(SEEN, 1);
            slot.putLong(CATEGORY, c);
            slot.putLong(MAX, p);
            change(out, c, p, 1);
        }
        else if (slot.getLong(CATEGORY) == c)
        {
            final long max = slot.getLong(MAX);
            if (p > max)
            {
                slot.putLong(MAX, p);
                change(out, c, p - max, 0);
            }
        }
        else
        {
            categoryKey.putLong(0, c);
            final DirectBuffer max = others.get(categoryKey, 0, 8);
            if (max == null || p > max.getLong(0))
            {
                change(out, c, max == null ? p : p - max.getLong(0), max == null ? 1 : 0);
                maxValue.putLong(0, p);
                others.put(categoryKey, 0, 8, maxValue, 0, 8);
            }
        }
    }

    private void change(final Collector out, final long c, final long sum, final long count)
    {
        out.next().putLong(deltaCategory, c).putLong(sumDelta, sum).putLong(countDelta, count);
        out.emit();
    }
}
