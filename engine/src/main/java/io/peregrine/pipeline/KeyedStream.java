package io.peregrine.pipeline;

import io.peregrine.api.Aggregation;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.PipelineException;
import io.peregrine.api.ReduceFunction;
import io.peregrine.api.Schema;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.plan.Node;

import java.util.List;

/**
 * A stream partitioned by key. Its operators keep per-key state in off-heap tables owned by the
 * shard that owns the key.
 */
public final class KeyedStream
{
    final Pipeline pipeline;
    final Node keyBy;

    KeyedStream(final Pipeline pipeline, final Node keyBy)
    {
        this.pipeline = pipeline;
        this.keyBy = keyBy;
    }

    public Schema schema()
    {
        return keyBy.schema;
    }

    /**
     * Running aggregates per key: each record emits the key's updated aggregates.
     * Output schema: {@code key:int64, <one column per aggregate>}.
     */
    public DataStream aggregate(final String name, final Aggregation... aggregations)
    {
        final Schema out = outputSchema(name, false, aggregations);
        return new DataStream(pipeline, pipeline.add(
            Node.builder(Node.Kind.AGGREGATE, name, List.of(keyBy), out).aggregations(aggregations)));
    }

    /**
     * Rolling reduce per key: the kept value and each new row make the new value, emitted each time.
     * The schema must be fixed-width (the value lives in a fixed-size state slot).
     */
    public DataStream reduce(final String name, final ReduceFunction fn)
    {
        if (keyBy.schema.hasVariableLength())
        {
            throw new PipelineException("reduce '" + name + "': schema '" + keyBy.schema.name() +
                "' has variable-length fields; keyed state needs fixed-width rows (map to a fixed schema first)");
        }
        return new DataStream(pipeline, pipeline.add(Node.builder(Node.Kind.REDUCE, name, List.of(keyBy), keyBy.schema).reduce(fn)));
    }

    /**
     * @param windows shape: tumbling, sliding or session.
     * @return the windowed stream.
     * @throws PipelineException if the input has no event time.
     */
    public WindowedStream window(final Windows windows)
    {
        if (!keyBy.hasTimestamps())
        {
            throw new PipelineException("window " + windows + " after '" + keyBy.name + "' needs event time, but a " +
                "source upstream has no timestamps: give it a WatermarkStrategy.boundedOutOfOrderness(field, bound)");
        }
        return new WindowedStream(pipeline, keyBy, windows);
    }

    /**
     * A low-level keyed operator with per-key state of {@code stateLength} bytes, lists, maps and timers: one
     * function made by {@code factory} per shard, opened before its first record.
     */
    public DataStream process(
        final String name, final Schema outSchema, final int stateLength,
        final java.util.function.Supplier<? extends KeyedProcessFunction> factory)
    {
        return process(name, outSchema, stateLength, null, factory);
    }

    /**
     * A low-level keyed operator with per-key state of {@code stateLength} bytes and timers; {@code fn} is shared by
     * every shard (keep nothing in its fields; for lists, maps or fields use the factory variant).
     */
    public DataStream process(final String name, final Schema outSchema, final int stateLength, final KeyedProcessFunction fn)
    {
        return process(name, outSchema, stateLength, fn, null);
    }

    private DataStream process(
        final String name, final Schema outSchema, final int stateLength,
        final KeyedProcessFunction fn, final java.util.function.Supplier<? extends KeyedProcessFunction> factory)
    {
        if (stateLength < 0)
        {
            throw new PipelineException("process '" + name + "': stateLength must be >= 0");
        }
        return new DataStream(pipeline, pipeline.add(
            Node.builder(Node.Kind.PROCESS, name, List.of(keyBy), outSchema).process(fn, factory, stateLength)));
    }

    /**
     * A window join with another keyed stream: pairs of rows with the same key in the same window; see
     * {@link WindowJoin}.
     *
     * @param right   the other stream, keyed by the same key.
     * @param windows tumbling, sliding or session windows.
     * @return the join, to finish with {@link WindowJoin#apply}.
     */
    public WindowJoin windowJoin(final KeyedStream right, final Windows windows)
    {
        return new WindowJoin(this, right, windows);
    }

    /**
     * An interval join with another keyed stream: pairs with {@code this.ts + lowerMs <= right.ts <= this.ts + upperMs};
     * see {@link IntervalJoin}.
     *
     * @param right   the other stream, keyed by the same key.
     * @param lowerMs lower bound of the right row's time relative to the left row's.
     * @param upperMs upper bound of the right row's time relative to the left row's.
     * @return the join, to finish with {@link IntervalJoin#apply}.
     */
    public IntervalJoin intervalJoin(final KeyedStream right, final long lowerMs, final long upperMs)
    {
        return new IntervalJoin(this, right, lowerMs, upperMs);
    }

    /**
     * A regular (unbounded) join with another keyed stream, inner or left outer, with an optional state time-to-live;
     * see {@link RegularJoin}.
     *
     * @param right the other stream, keyed by the same key.
     * @return the join, to finish with {@link RegularJoin#apply}.
     */
    public RegularJoin join(final KeyedStream right)
    {
        return new RegularJoin(this, right);
    }

    /**
     * An event-time temporal (as-of) join: each row of this stream with the version of its key in {@code table} valid
     * at its event time; see {@link TemporalJoin}.
     *
     * @param table the versions, keyed by the same key.
     * @return the join, to finish with {@link TemporalJoin#apply}.
     */
    public TemporalJoin temporalJoin(final KeyedStream table)
    {
        return new TemporalJoin(this, table);
    }

    Schema outputSchema(final String name, final boolean windowed, final Aggregation[] aggregations)
    {
        if (aggregations.length == 0)
        {
            throw new PipelineException("'" + name + "' needs at least one aggregate");
        }
        final Schema.Builder builder = Schema.builder(name).int64("key");
        if (windowed)
        {
            builder.timestamp("window_start").timestamp("window_end");
        }
        for (final Aggregation aggregation : aggregations)
        {
            aggregation.bindInput(keyBy.schema, "'" + name + "'");
            aggregation.declare(builder);
        }
        final Schema schema;
        try
        {
            schema = builder.build();
        }
        catch (final IllegalArgumentException e)
        {
            throw new PipelineException("'" + name + "': " + e.getMessage());
        }
        for (final Aggregation aggregation : aggregations)
        {
            aggregation.bindOutput(schema);
        }
        return schema;
    }
}
