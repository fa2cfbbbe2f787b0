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
import io.peregrine.cep.CompiledPattern;
import io.peregrine.cep.PatternSelectFunction;
import io.peregrine.cep.PatternTimeoutFunction;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

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
        SINK,
        PATTERN,
        PATTERN_TIMEOUT,
        PATTERN_LATE,
        /** Two keyed streams joined per key in event-time windows (inputs: left keyBy, right keyBy). */
        WINDOW_JOIN,
        /** Two keyed streams joined per key within a time interval of each other (inputs: left, right keyBy). */
        INTERVAL_JOIN,
        /** Two keyed streams joined per key without time bounds (inputs: left, right keyBy). */
        REGULAR_JOIN,
        /** A keyed stream joined with the version of a keyed table stream valid at its time (inputs: probe, table). */
        TEMPORAL_JOIN,
        /** A stream joined with reference data read when the job starts (input: the stream). */
        LOOKUP_JOIN
    }

    /** The field a KEY_BY node keys by, when it keys by a field (not a function); null otherwise. */
    private io.peregrine.api.Field keyField;
    /** What the node's operators do when a user function throws; null for the job's default. */
    private io.peregrine.config.ErrorPolicy errorPolicy;

    public final int id;
    public final Kind kind;
    public final String name;
    public final List<Node> inputs;
    public final Schema schema;
    /** The nodes that read this one's output, in the order they were declared (filled as they are built). */
    public final List<Node> consumers;
    private final List<Node> consumerList = new ArrayList<>();

    public final Source source;
    public final WatermarkStrategy watermarks;
    public final MapFunction map;
    public final FilterFunction filter;
    public final FlatMapFunction flatMap;
    public final KeySelector key;
    public final List<Aggregation> aggregations;
    public final ReduceFunction reduce;
    public final Windows windows;
    public final long allowedLatenessMs;
    public final int topN;
    public final Field rankField;
    public final KeyedProcessFunction process;
    public final Supplier<? extends KeyedProcessFunction> processFactory;
    public final int stateLength;
    /** The schema of a process function's value per key, or null for raw slot bytes ({@link #stateLength}). */
    public final Schema valueState;
    public final Sink sink;
    public final CompiledPattern pattern;
    public final PatternSelectFunction patternSelect;
    public final PatternTimeoutFunction patternTimeout;
    /** For a pattern: true if its events are timed by the processing-time clock on arrival, not by event time. */
    public final boolean patternProcessingTime;
    /** What a join node joins and how; null for other kinds. */
    public final JoinSpec join;

    /**
     * @return a fresh copy of the aggregations, as the operators take them.
     */
    /**
     * @param field the field a KEY_BY node keys by.
     * @return this node.
     */
    public Node keyField(final io.peregrine.api.Field field)
    {
        this.keyField = field;
        return this;
    }

    /**
     * @return the field a KEY_BY node keys by, null if it keys by a function.
     */
    public io.peregrine.api.Field keyField()
    {
        return keyField;
    }

    /**
     * @param policy what the node's operators do when a user function throws; null for the job's default.
     */
    public void errorPolicy(final io.peregrine.config.ErrorPolicy policy)
    {
        this.errorPolicy = policy;
    }

    /**
     * @return the node's own error policy, null if it has none (the job's default applies).
     */
    public io.peregrine.config.ErrorPolicy errorPolicy()
    {
        return errorPolicy;
    }

    public Aggregation[] aggregationArray()
    {
        return aggregations.toArray(new Aggregation[0]);
    }

    private Node(final int id, final Builder b)
    {
        this.id = id;
        this.kind = b.kind;
        this.name = b.name;
        this.inputs = List.copyOf(b.inputs);
        this.schema = b.schema;
        this.consumers = Collections.unmodifiableList(consumerList);
        this.source = b.source;
        this.watermarks = b.watermarks;
        this.map = b.map;
        this.filter = b.filter;
        this.flatMap = b.flatMap;
        this.key = b.key;
        this.aggregations = b.aggregations == null ? List.of() : List.of(b.aggregations);
        this.reduce = b.reduce;
        this.windows = b.windows;
        this.allowedLatenessMs = b.allowedLatenessMs;
        this.topN = b.topN;
        this.rankField = b.rankField;
        this.process = b.process;
        this.processFactory = b.processFactory;
        this.stateLength = b.stateLength;
        this.valueState = b.valueState;
        this.sink = b.sink;
        this.pattern = b.pattern;
        this.patternSelect = b.patternSelect;
        this.patternTimeout = b.patternTimeout;
        this.patternProcessingTime = b.patternProcessingTime;
        this.join = b.join;
        for (final Node input : inputs)
        {
            input.consumerList.add(this);
        }
    }

    /**
     * Starts the description of a node; {@link LogicalPlan#add(Builder)} gives it its id and makes it.
     *
     * @param kind   what the node does.
     * @param name   its unique name in the pipeline.
     * @param inputs the nodes it reads.
     * @param schema the schema of its output.
     * @return a builder for the node's remaining attributes.
     */
    public static Builder builder(final Kind kind, final String name, final List<Node> inputs, final Schema schema)
    {
        return new Builder(kind, name, inputs, schema);
    }

    /**
     * The attributes of a node not yet in a plan. Set only those its kind uses.
     */
    public static final class Builder
    {
        final Kind kind;
        final String name;
        final List<Node> inputs;
        final Schema schema;
        private Source source;
        private WatermarkStrategy watermarks;
        private MapFunction map;
        private FilterFunction filter;
        private FlatMapFunction flatMap;
        private KeySelector key;
        private Aggregation[] aggregations;
        private ReduceFunction reduce;
        private Windows windows;
        private long allowedLatenessMs;
        private int topN;
        private Field rankField;
        private KeyedProcessFunction process;
        private Supplier<? extends KeyedProcessFunction> processFactory;
        private int stateLength;
        private Schema valueState;
        private Sink sink;
        private CompiledPattern pattern;
        private PatternSelectFunction patternSelect;
        private PatternTimeoutFunction patternTimeout;
        private boolean patternProcessingTime;
        private JoinSpec join;

        private Builder(final Kind kind, final String name, final List<Node> inputs, final Schema schema)
        {
            this.kind = kind;
            this.name = name;
            this.inputs = inputs;
            this.schema = schema;
        }

        public Builder source(final Source source, final WatermarkStrategy watermarks)
        {
            this.source = source;
            this.watermarks = watermarks;
            return this;
        }

        public Builder map(final MapFunction map)
        {
            this.map = map;
            return this;
        }

        public Builder filter(final FilterFunction filter)
        {
            this.filter = filter;
            return this;
        }

        public Builder flatMap(final FlatMapFunction flatMap)
        {
            this.flatMap = flatMap;
            return this;
        }

        public Builder key(final KeySelector key)
        {
            this.key = key;
            return this;
        }

        public Builder aggregations(final Aggregation... aggregations)
        {
            this.aggregations = aggregations.clone();
            return this;
        }

        public Builder reduce(final ReduceFunction reduce)
        {
            this.reduce = reduce;
            return this;
        }

        public Builder windows(final Windows windows, final long allowedLatenessMs)
        {
            this.windows = windows;
            this.allowedLatenessMs = allowedLatenessMs;
            return this;
        }

        public Builder topN(final int topN, final Field rankField)
        {
            this.topN = topN;
            this.rankField = rankField;
            return this;
        }

        public Builder process(
            final KeyedProcessFunction process,
            final Supplier<? extends KeyedProcessFunction> processFactory,
            final int stateLength)
        {
            this.process = process;
            this.processFactory = processFactory;
            this.stateLength = stateLength;
            return this;
        }

        /**
         * A process function's value per key: a row of a fixed-width schema in a slot of its fixed length.
         *
         * @param valueState the schema of the value.
         * @return this.
         */
        public Builder valueState(final Schema valueState)
        {
            this.valueState = valueState;
            this.stateLength = valueState.fixedLength();
            return this;
        }

        public Builder sink(final Sink sink)
        {
            this.sink = sink;
            return this;
        }

        public Builder pattern(
            final CompiledPattern pattern, final PatternSelectFunction select, final PatternTimeoutFunction timeout)
        {
            this.pattern = pattern;
            this.patternSelect = select;
            this.patternTimeout = timeout;
            return this;
        }

        public Builder patternProcessingTime(final boolean processingTime)
        {
            this.patternProcessingTime = processingTime;
            return this;
        }

        public Builder join(final JoinSpec join)
        {
            this.join = join;
            return this;
        }

        Node build(final int id)
        {
            return new Node(id, this);
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
            case PATTERN:
            case WINDOW_JOIN:
            case INTERVAL_JOIN:
            case REGULAR_JOIN:
            case TEMPORAL_JOIN:
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
