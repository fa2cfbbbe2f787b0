package io.peregrine.plan;

import io.peregrine.api.JoinCondition;
import io.peregrine.api.JoinFunction;
import io.peregrine.api.KeySelector;
import io.peregrine.api.Source;
import io.peregrine.api.WindowJoinFunction;
import io.peregrine.api.Windows;

/**
 * What a join node joins and how: the attributes of the {@code *_JOIN} kinds of {@link Node}, each set by the
 * factory of its kind and the rest left empty. Immutable.
 */
public final class JoinSpec
{
    /** Which rows of the left input come out. */
    public enum Type
    {
        /** Only rows that match. */
        INNER,
        /** Every left row: each match, or once padded with a null right row when it has none. */
        LEFT_OUTER
    }

    public final Type type;
    /** Writes an output row from a pair; null for a window join. */
    public final JoinFunction function;
    /** Writes an output row from a pair and its window; window joins only. */
    public final WindowJoinFunction windowFunction;
    /** Window joins: the windows. */
    public final Windows windows;
    /** Window joins: join only distinct rows of each side per key and window (byte equality). */
    public final boolean distinct;
    /** Interval joins: the right row's time minus the left row's is in {@code [lowerMs, upperMs]}, both inclusive. */
    public final long lowerMs;
    public final long upperMs;
    /** Regular joins: what a pair with equal keys must also satisfy; null for none. */
    public final JoinCondition condition;
    /** Regular joins: milliseconds of processing time a row is kept after its last write; 0 keeps rows for ever. */
    public final long stateTtlMs;
    /** Lookup joins: the reference data, read whole when the job starts. */
    public final Source reference;
    /** Lookup joins: the key of a reference row. */
    public final KeySelector referenceKey;
    /** Lookup joins: the key of a stream row. */
    public final KeySelector streamKey;

    private JoinSpec(
        final Type type, final JoinFunction function, final WindowJoinFunction windowFunction, final Windows windows,
        final boolean distinct, final long lowerMs, final long upperMs, final JoinCondition condition,
        final long stateTtlMs, final Source reference, final KeySelector referenceKey, final KeySelector streamKey)
    {
        this.type = type;
        this.function = function;
        this.windowFunction = windowFunction;
        this.windows = windows;
        this.distinct = distinct;
        this.lowerMs = lowerMs;
        this.upperMs = upperMs;
        this.condition = condition;
        this.stateTtlMs = stateTtlMs;
        this.reference = reference;
        this.referenceKey = referenceKey;
        this.streamKey = streamKey;
    }

    /**
     * @return an inner window join in {@code windows}, of distinct rows only if {@code distinct}.
     */
    public static JoinSpec window(final WindowJoinFunction function, final Windows windows, final boolean distinct)
    {
        return new JoinSpec(Type.INNER, null, function, windows, distinct, 0, 0, null, 0, null, null, null);
    }

    /**
     * @return an inner interval join with inclusive bounds.
     */
    public static JoinSpec interval(final JoinFunction function, final long lowerMs, final long upperMs)
    {
        return new JoinSpec(Type.INNER, function, null, null, false, lowerMs, upperMs, null, 0, null, null, null);
    }

    /**
     * @return a regular join of pairs with equal keys for which {@code condition} (if not null) holds, keeping rows
     * {@code stateTtlMs} of processing time after their last write (0: for ever).
     */
    public static JoinSpec regular(
        final Type type, final JoinFunction function, final JoinCondition condition, final long stateTtlMs)
    {
        return new JoinSpec(type, function, null, null, false, 0, 0, condition, stateTtlMs, null, null, null);
    }

    /**
     * @return an event-time temporal join of probe rows with the versions of a keyed table stream.
     */
    public static JoinSpec temporal(final Type type, final JoinFunction function)
    {
        return new JoinSpec(type, function, null, null, false, 0, 0, null, 0, null, null, null);
    }

    /**
     * @return a join of a stream with reference data read when the job starts.
     */
    public static JoinSpec lookup(
        final Type type, final JoinFunction function, final Source reference, final KeySelector referenceKey,
        final KeySelector streamKey)
    {
        return new JoinSpec(type, function, null, null, false, 0, 0, null, 0, reference, referenceKey, streamKey);
    }
}
