package io.peregrine.plan;

import io.peregrine.api.Aggregation;
import io.peregrine.api.FilterFunction;
import io.peregrine.api.FlatMapFunction;
import io.peregrine.api.KeySelector;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.MapFunction;
import io.peregrine.api.ReduceFunction;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.api.Source;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Field;
import io.peregrine.api.Windows;

import java.util.ArrayList;
import java.util.List;

/**
 * One operator of the logical graph a pipeline declares. The planner turns it, by the translation of
 * its {@link Kind}, into its operators on each shard (usually one) and fuses chains between keyBy
 * boundaries.
 */
public final class Node
{
    public enum Kind
    {
        SOURCE,
        MAP,
        FILTER,
        FLAT_MAP,
        UNION,
        KEY_BY,
        AGGREGATE,
        REDUCE,
        WINDOW,
        TOP_N,
        PROCESS,
        LATE_OUTPUT,
        SINK
    }

    public final int id;
    public final Kind kind;
    public final String name;
    public final List<Node> inputs;
    public final Schema schema;
    public final List<Node> consumers = new ArrayList<>();

    public Source source;
    public WatermarkStrategy watermarks;
    public MapFunction map;
    public FilterFunction filter;
    public FlatMapFunction flatMap;
    public KeySelector key;
    public Aggregation[] aggregations;
    public ReduceFunction reduce;
    public Windows windows;
    public long allowedLatenessMs;
    public int topN;
    public Field rankField;
    public KeyedProcessFunction process;
    public java.util.function.Supplier<? extends KeyedProcessFunction> processFactory;
    public int stateLength;
    public Sink sink;

    public Node(final int id, final Kind kind, final String name, final List<Node> inputs, final Schema schema)
    {
        this.id = id;
        this.kind = kind;
        this.name = name;
        this.inputs = inputs;
        this.schema = schema;
        for (final Node input : inputs)
        {
            input.consumers.add(this);
        }
    }

    /**
     * @return true if every record reaching this node has an event time.
     */
    public boolean hasTimestamps()
    {
        switch (kind)
        {
            case SOURCE:
                return watermarks.hasTimestamps();
            case WINDOW:
            case TOP_N:
                return true;
            default:
                for (final Node input : inputs)
                {
                    if (!input.hasTimestamps())
                    {
                        return false;
                    }
                }
                return !inputs.isEmpty();
        }
    }

    public boolean isKeyed()
    {
        switch (kind)
        {
            case AGGREGATE:
            case REDUCE:
            case WINDOW:
            case TOP_N:
            case PROCESS:
                return true;
            default:
                return false;
        }
    }

    public String toString()
    {
        return kind + "('" + name + "')";
    }
}
