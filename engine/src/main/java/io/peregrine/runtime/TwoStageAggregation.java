package io.peregrine.runtime;

import io.peregrine.api.Field;
import io.peregrine.api.KeySelector;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Windows;
import io.peregrine.plan.Node;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Two-stage aggregation of a tumbling or sliding window. The local stage, fused before the exchange on every shard,
 * folds its shard's records into one accumulator per key and <em>pane</em> (a tumbling window of the slide; for a
 * tumbling window the pane is the window) and, when its watermark closes the pane, sends one partial row
 * ({@code key, pane_start, accumulators}) to the key's shard, stamped with the pane's last instant; there the global
 * stage, an ordinary window operator over the partials, puts each into every window that holds that instant (the
 * windows that hold the whole pane), merges it with {@link io.peregrine.api.Aggregation#merge} and emits the usual
 * results. A pane of n records over k keys then moves at most k partials per shard through the exchange instead of n
 * records, and a sliding window's record is folded once, not once per window.
 * <p>
 * No partial is late: it is emitted before the local stage forwards the watermark that closed its pane, so it reaches
 * the key's shard ahead of that watermark on its channel, and the global stage's watermark (the minimum over its
 * channels) is still below the pane's last instant, hence below the end of every window holding it.
 * <p>
 * Lateness is the one-stage window's: the local stage judges each record against its record watermark
 * ({@link Row#recordWatermark()}), drops and counts one whose every window has closed, and sends a record whose pane
 * has closed for it while later windows holding the pane have not (a sliding window's record behind the watermark) as
 * a partial of its own that carries the record's watermark and source position; the global stage merges that partial
 * only into the windows still open for the record, those a one-stage window would have counted it in.
 */
final class TwoStageAggregation
{
    private TwoStageAggregation()
    {
    }

    /**
     * @param window  a {@code WINDOW} node whose input is a {@code KEY_BY}.
     * @param shards  shard count.
     * @param enabled the {@link JobContext#windowTwoStage()} setting.
     * @return whether the window is planned in two stages.
     */
    static boolean applies(final Node window, final int shards, final boolean enabled)
    {
        // One shard gains nothing from pre-aggregating a tumbling window, but a sliding one still folds each record
        // once into its pane instead of once into each of size / slide windows.
        if (!enabled || window.kind != Node.Kind.WINDOW || window.windows.kind() == Windows.Kind.SESSION ||
            (shards < 2 && window.windows.kind() != Windows.Kind.SLIDING) ||
            window.allowedLatenessMs != 0)
        {
            return false;
        }
        final Node keyBy = window.inputs.get(0);
        if (keyBy.kind != Node.Kind.KEY_BY || keyBy.consumers.size() != 1)
        {
            return false;
        }
        for (final Node consumer : window.consumers)
        {
            if (consumer.kind == Node.Kind.LATE_OUTPUT)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param window the window node.
     * @return the schema of the partial rows sent through the exchange.
     */
    static Schema partialSchema(final Node window)
    {
        return Schema.builder(window.name + "-partial")
            .int64("key").timestamp("pane_start").varBytes("accumulators").build();
    }

    /**
     * @param partial the partial schema.
     * @return the key of a partial row, the key of its records.
     */
    static KeySelector partialKey(final Schema partial)
    {
        final Field.Int64 key = partial.int64("key");
        return (row) -> row.getLong(key);
    }

    /**
     * The local stage's function: accumulates records, emits partial rows.
     */
    static final class Local implements WindowFunction
    {
        private final AggregationsWindowFunction fn;
        private final Field.Int64 key;
        private final Field.Timestamp start;
        private final Field.VarBytes accumulators;

        Local(final AggregationsWindowFunction fn, final Schema partial)
        {
            this.fn = fn;
            this.key = partial.int64("key");
            this.start = partial.timestamp("pane_start");
            this.accumulators = partial.varBytes("accumulators");
        }

        public int accumulatorLength()
        {
            return fn.accumulatorLength();
        }

        public void init(final MutableDirectBuffer acc)
        {
            fn.init(acc);
        }

        public void add(final MutableDirectBuffer acc, final Row row)
        {
            fn.add(acc, row);
        }

        public void merge(final MutableDirectBuffer acc, final DirectBuffer other, final int otherOffset)
        {
            fn.merge(acc, other, otherOffset);
        }

        public void emit(final long k, final long windowStart, final long windowEnd, final DirectBuffer acc, final RowCollector out)
        {
            final RowWriter writer = out.next();
            writer.putLong(key, k).putTimestamp(start, windowStart)
                .putVarBytes(accumulators, acc, 0, fn.accumulatorLength());
            out.emit(windowEnd - 1);
        }
    }

    /**
     * The global stage's function: merges partial rows, emits the window's result.
     */
    static final class Global implements WindowFunction
    {
        private final AggregationsWindowFunction fn;
        private final Field.VarBytes accumulators;

        Global(final AggregationsWindowFunction fn, final Schema partial)
        {
            this.fn = fn;
            this.accumulators = partial.varBytes("accumulators");
        }

        public int accumulatorLength()
        {
            return fn.accumulatorLength();
        }

        public void init(final MutableDirectBuffer acc)
        {
            fn.init(acc);
        }

        public void add(final MutableDirectBuffer acc, final Row partial)
        {
            fn.merge(acc, partial.buffer(), partial.varOffset(accumulators));
        }

        public void merge(final MutableDirectBuffer acc, final DirectBuffer other, final int otherOffset)
        {
            fn.merge(acc, other, otherOffset);
        }

        public void emit(final long k, final long windowStart, final long windowEnd, final DirectBuffer acc, final RowCollector out)
        {
            fn.emit(k, windowStart, windowEnd, acc, out);
        }
    }
}
