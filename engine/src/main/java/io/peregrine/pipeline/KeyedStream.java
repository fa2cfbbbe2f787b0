package io.peregrine.pipeline;

import io.peregrine.api.Aggregation;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.PipelineException;
import io.peregrine.api.ReduceFunction;
import io.peregrine.api.Schema;
import io.peregrine.api.Windows;
import io.peregrine.plan.Node;

import java.util.List;
import java.util.function.Supplier;

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
     * @return the name of the keyBy.
     */
    public String name()
    {
        return keyBy.name;
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
     * {@link #aggregate(String, Aggregation...)} named {@code aggregate-<n>}.
     */
    public DataStream aggregate(final Aggregation... aggregations)
    {
        return aggregate(pipeline.generatedName(Node.Kind.AGGREGATE), aggregations);
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
     * {@link #reduce(String, ReduceFunction)} named {@code reduce-<n>}.
     */
    public DataStream reduce(final ReduceFunction fn)
    {
        return reduce(pipeline.generatedName(Node.Kind.REDUCE), fn);
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
     * A keyed operator with a value per key, lists, maps and timers: one function made by {@code factory} per shard,
     * opened before its first record (where it declares its lists and maps).
     *
     * @param name       of the operator, unique in the pipeline; it keys the operator's state in checkpoints.
     * @param outSchema  of the rows it emits.
     * @param valueState the schema of the value kept per key ({@link KeyedProcessFunction.Context#value()}), of
     *                   fixed-width fields only.
     * @param factory    makes the function of each shard.
     * @return the stream of rows it emits.
     */
    public DataStream process(
        final String name, final Schema outSchema, final Schema valueState,
        final Supplier<? extends KeyedProcessFunction> factory)
    {
        return process(name, outSchema, valueState, 0, null, factory);
    }

    /**
     * A keyed operator with a value per key and timers; {@code fn} is shared by every shard (keep nothing in its
     * fields; for lists, maps or fields use the factory variant).
     *
     * @param name       of the operator, unique in the pipeline; it keys the operator's state in checkpoints.
     * @param outSchema  of the rows it emits.
     * @param valueState the schema of the value kept per key ({@link KeyedProcessFunction.Context#value()}), of
     *                   fixed-width fields only.
     * @param fn         the function.
     * @return the stream of rows it emits.
     */
    public DataStream process(final String name, final Schema outSchema, final Schema valueState, final KeyedProcessFunction fn)
    {
        return process(name, outSchema, valueState, 0, fn, null);
    }

    /**
     * {@link #process(String, Schema, Schema, Supplier)} named {@code process-<n>}.
     */
    public DataStream process(
        final Schema outSchema, final Schema valueState, final Supplier<? extends KeyedProcessFunction> factory)
    {
        return process(pipeline.generatedName(Node.Kind.PROCESS), outSchema, valueState, factory);
    }

    /**
     * {@link #process(String, Schema, Schema, KeyedProcessFunction)} named {@code process-<n>}.
     */
    public DataStream process(final Schema outSchema, final Schema valueState, final KeyedProcessFunction fn)
    {
        return process(pipeline.generatedName(Node.Kind.PROCESS), outSchema, valueState, fn);
    }

    /**
     * A keyed operator without a value per key: lists, maps and timers only (declared in {@code open}).
     */
    public DataStream process(final String name, final Schema outSchema, final Supplier<? extends KeyedProcessFunction> factory)
    {
        return process(name, outSchema, null, 0, null, factory);
    }

    /**
     * A keyed operator without a value per key: timers only, {@code fn} shared by every shard.
     */
    public DataStream process(final String name, final Schema outSchema, final KeyedProcessFunction fn)
    {
        return process(name, outSchema, null, 0, fn, null);
    }

    /**
     * {@link #process(String, Schema, Supplier)} named {@code process-<n>}.
     */
    public DataStream process(final Schema outSchema, final Supplier<? extends KeyedProcessFunction> factory)
    {
        return process(pipeline.generatedName(Node.Kind.PROCESS), outSchema, factory);
    }

    /**
     * {@link #process(String, Schema, KeyedProcessFunction)} named {@code process-<n>}.
     */
    public DataStream process(final Schema outSchema, final KeyedProcessFunction fn)
    {
        return process(pipeline.generatedName(Node.Kind.PROCESS), outSchema, fn);
    }

    /**
     * The low-level form: per-key state of {@code stateLength} raw bytes
     * ({@link KeyedProcessFunction.Context#state()}), read and written at byte offsets of the function's own layout,
     * lists, maps and timers; one function made by {@code factory} per shard. Prefer a value-state schema
     * ({@link #process(String, Schema, Schema, Supplier)}): the same slot, read through field handles.
     */
    public DataStream process(
        final String name, final Schema outSchema, final int stateLength,
        final Supplier<? extends KeyedProcessFunction> factory)
    {
        return process(name, outSchema, null, stateLength, null, factory);
    }

    /**
     * The low-level form: per-key state of {@code stateLength} raw bytes and timers; {@code fn} is shared by every
     * shard (keep nothing in its fields; for lists, maps or fields use the factory variant). Prefer a value-state
     * schema ({@link #process(String, Schema, Schema, KeyedProcessFunction)}).
     */
    public DataStream process(final String name, final Schema outSchema, final int stateLength, final KeyedProcessFunction fn)
    {
        return process(name, outSchema, null, stateLength, fn, null);
    }

    /**
     * @param valueState the value's schema, or null for {@code stateLength} raw bytes.
     */
    private DataStream process(
        final String name, final Schema outSchema, final Schema valueState, final int stateLength,
        final KeyedProcessFunction fn, final Supplier<? extends KeyedProcessFunction> factory)
    {
        if (stateLength < 0)
        {
            throw new PipelineException("process '" + name + "': stateLength must be >= 0");
        }
        if (valueState != null && valueState.hasVariableLength())
        {
            throw new PipelineException("process '" + name + "': value-state schema '" + valueState.name() +
                "' has variable-length fields; a key's value is a fixed-size slot (keep variable-length data in a " +
                "list or map declared in open())");
        }
        final Node.Builder node = Node.builder(Node.Kind.PROCESS, name, List.of(keyBy), outSchema).process(fn, factory, stateLength);
        return new DataStream(pipeline, pipeline.add(valueState == null ? node : node.valueState(valueState)));
    }

    /**
     * Detect a pattern on each key's events in event-time order (FlinkCEP's {@code CEP.pattern(keyed, pattern)}), or
     * in arrival order timed by the processing-time clock with {@link PatternStream#inProcessingTime()}.
     *
     * @param name    of the pattern, for messages.
     * @param pattern compiled now: a bad pattern is refused here, naming the step.
     * @return the stream to select matches from.
     * @throws PipelineException if the pattern is invalid.
     */
    public PatternStream pattern(final String name, final io.peregrine.cep.Pattern pattern)
    {
        if (pattern == null)
        {
            throw new PipelineException("pattern '" + name + "': the pattern is empty (null)");
        }
        final io.peregrine.cep.CompiledPattern compiled;
        try
        {
            compiled = pattern.compile();
        }
        catch (final PipelineException e)
        {
            throw new PipelineException("pattern '" + name + "': " + e.getMessage());
        }
        return new PatternStream(pipeline, keyBy, name, compiled, false);
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
        final Schema.Builder builder = Schema.builder(name);
        if (keyBy.keyField() instanceof io.peregrine.api.Field.Ascii)
        {
            builder.ascii("key", keyBy.keyField().width()); // the text keyed by, unpacked from the key
        }
        else
        {
            builder.int64("key");
        }
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
