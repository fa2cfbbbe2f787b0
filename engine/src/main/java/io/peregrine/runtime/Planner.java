package io.peregrine.runtime;

import io.peregrine.config.StateFactory;

import io.peregrine.config.JobContext;
import io.peregrine.config.Settings;
import io.peregrine.api.PipelineException;
import io.peregrine.api.Schema;
import io.peregrine.api.Windows;
import io.peregrine.checkpoint.CheckpointCoordinator;
import io.peregrine.checkpoint.CheckpointStore;
import io.peregrine.metrics.JobCounters;
import io.peregrine.config.ErrorPolicy;
import io.peregrine.metrics.Metric;
import io.peregrine.plan.Node;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns the logical graph into one fused operator chain per shard: the {@link NodeTranslator} of each node's kind
 * builds the node's operators on the shard, consecutive operators call each other directly, and each keyBy becomes an
 * exchange of one ring per (producer shard, consumer shard) pair. What every shard shares (the rings, the split
 * counts, which windows are planned in two stages) is decided here, once, before any shard is translated.
 */
final class Planner
{
    static final class SplitInfo
    {
        final String source;
        final int split;
        final io.peregrine.api.Source reader;

        SplitInfo(final String source, final int split, final io.peregrine.api.Source reader)
        {
            this.source = source;
            this.split = split;
            this.reader = reader;
        }

        /**
         * @param position of a record of this split.
         * @return where the record is, e.g. {@code source 'trades' trades.csv:7}.
         */
        String describe(final long position)
        {
            return "source '" + source + "' " + reader.describePosition(split, position);
        }

        public String toString()
        {
            return "source '" + source + "' split " + split;
        }
    }

    /** The translation of each kind of node; a new kind is a new translator registered here. */
    private static final Map<Node.Kind, NodeTranslator> TRANSLATORS = new EnumMap<>(Node.Kind.class);

    static
    {
        TRANSLATORS.put(Node.Kind.SOURCE, new SourceTranslator());
        TRANSLATORS.put(Node.Kind.MAP, new MapTranslator());
        TRANSLATORS.put(Node.Kind.FILTER, new FilterTranslator());
        TRANSLATORS.put(Node.Kind.FLAT_MAP, new FlatMapTranslator());
        TRANSLATORS.put(Node.Kind.UNION, new UnionTranslator());
        TRANSLATORS.put(Node.Kind.KEY_BY, new KeyByTranslator());
        TRANSLATORS.put(Node.Kind.AGGREGATE, new AggregateTranslator());
        TRANSLATORS.put(Node.Kind.REDUCE, new ReduceTranslator());
        TRANSLATORS.put(Node.Kind.WINDOW, new WindowTranslator());
        TRANSLATORS.put(Node.Kind.TOP_N, new TopNTranslator());
        TRANSLATORS.put(Node.Kind.PROCESS, new ProcessTranslator());
        TRANSLATORS.put(Node.Kind.LATE_OUTPUT, new LateOutputTranslator());
        TRANSLATORS.put(Node.Kind.SINK, new SinkTranslator());
        TRANSLATORS.put(Node.Kind.PATTERN, new PatternTranslator());
        TRANSLATORS.put(Node.Kind.PATTERN_TIMEOUT, new PatternTranslator());
        TRANSLATORS.put(Node.Kind.PATTERN_LATE, new PatternTranslator());
        TRANSLATORS.put(Node.Kind.WINDOW_JOIN, new WindowJoinTranslator());
        TRANSLATORS.put(Node.Kind.INTERVAL_JOIN, new IntervalJoinTranslator());
        TRANSLATORS.put(Node.Kind.REGULAR_JOIN, new RegularJoinTranslator());
        TRANSLATORS.put(Node.Kind.TEMPORAL_JOIN, new TemporalJoinTranslator());
        TRANSLATORS.put(Node.Kind.LOOKUP_JOIN, new LookupJoinTranslator());
    }

    private final List<Node> nodes;
    private final JobContext context;
    private final JobCounters counters;
    private final String jobName;
    private final int shards;
    private final List<Node> keyBys = new ArrayList<>();
    /** Partial-row schema of each window planned in two stages, by window node id; null for the others. */
    private final Schema[] partialSchemas;
    private final RingBuffer[][][] rings;
    final List<SplitInfo> splits = new ArrayList<>();
    private final int[] firstSplitId;
    private final Map<String, WatermarkAlignment> alignments = new java.util.HashMap<>();

    private final StateFactory stateFactory;
    private final Map<String, Integer> splitCounts;

    Planner(
        final String jobName,
        final List<Node> nodes,
        final JobContext context,
        final JobCounters counters,
        final StateFactory stateFactory,
        final Map<String, Integer> splitCounts)
    {
        this(jobName, nodes, context, counters, stateFactory, splitCounts, null);
    }

    /**
     * @param local which shards run in this process; null for all (one node). A ring is made only between shards of
     *              which at least one is local: a ring to or from another node's shard is the transport's end.
     */
    Planner(
        final String jobName,
        final List<Node> nodes,
        final JobContext context,
        final JobCounters counters,
        final StateFactory stateFactory,
        final Map<String, Integer> splitCounts,
        final boolean[] local)
    {
        this.stateFactory = stateFactory;
        this.splitCounts = splitCounts;
        this.jobName = jobName;
        this.nodes = nodes;
        this.context = context;
        this.counters = counters;
        this.shards = context.shards();
        validate();
        partialSchemas = new Schema[nodes.size()];
        for (final Node node : nodes)
        {
            if (TwoStageAggregation.applies(node, shards, context.windowTwoStage()))
            {
                partialSchemas[node.id] = TwoStageAggregation.partialSchema(node);
            }
        }
        for (final Node node : nodes)
        {
            if (node.kind == Node.Kind.KEY_BY)
            {
                keyBys.add(node);
            }
        }
        rings = new RingBuffer[keyBys.size()][shards][shards];
        for (int e = 0; e < keyBys.size(); e++)
        {
            for (int p = 0; p < shards; p++)
            {
                for (int c = 0; c < shards; c++)
                {
                    if (p != c && (local == null || local[p] || local[c]))
                    {
                        rings[e][p][c] = new OneToOneRingBuffer(
                            new UnsafeBuffer(BufferUtil.allocateDirectAligned(context.ringLength(), 64)));
                    }
                }
            }
        }
        firstSplitId = new int[nodes.size()];
        for (final Node node : nodes)
        {
            if (node.kind == Node.Kind.SOURCE)
            {
                firstSplitId[node.id] = splits.size();
                final int count = splitCount(node);
                for (int i = 0; i < count; i++)
                {
                    splits.add(new SplitInfo(node.name, i, node.source));
                }
            }
        }
        final Map<String, List<Integer>> groups = new java.util.HashMap<>();
        for (final Node node : nodes)
        {
            if (node.kind == Node.Kind.SOURCE && node.watermarks != null && node.watermarks.alignmentGroup() != null)
            {
                final List<Integer> ids = groups.computeIfAbsent(node.watermarks.alignmentGroup(), g -> new ArrayList<>());
                for (int i = 0; i < splitCount(node); i++)
                {
                    ids.add(firstSplitId[node.id] + i);
                }
            }
        }
        groups.forEach((group, ids) -> alignments.put(group,
            new WatermarkAlignment(group, ids.stream().mapToInt(Integer::intValue).toArray(), splits.size())));
    }

    /**
     * @param source a source node.
     * @return the alignment of its watermarks with those of its group, or null if it has none.
     */
    WatermarkAlignment alignment(final Node source)
    {
        final String group = source.watermarks == null ? null : source.watermarks.alignmentGroup();
        return group == null ? null : alignments.get(group);
    }

    /**
     * A restored job reads each source in as many splits as the run that took the checkpoint (the positions are per
     * split), whatever its own shard count.
     */
    int splitCount(final Node node)
    {
        final Integer restored = splitCounts == null ? null : splitCounts.get(node.name);
        return restored != null ? restored : node.source.splitCount(shards);
    }

    /**
     * @param parts names of the checkpointed parts as journaled.
     * @return split count of each source among them.
     */
    static Map<String, Integer> splitCounts(final List<String> parts)
    {
        final Map<String, Integer> counts = new HashMap<>();
        for (final String part : parts)
        {
            if (part.startsWith("source:"))
            {
                final int slash = part.lastIndexOf('/');
                counts.put(part.substring("source:".length(), slash), Integer.parseInt(part.substring(slash + 1)));
            }
        }
        return counts;
    }

    private void validate()
    {
        boolean hasSink = false;
        for (final Node node : nodes)
        {
            if (node.kind == Node.Kind.SINK)
            {
                hasSink = true;
            }
            for (final Node input : node.inputs)
            {
                if (node.isKeyed() && input.kind != Node.Kind.KEY_BY)
                {
                    throw new PipelineException("operator '" + node.name + "' keeps keyed state but its input '" +
                        input.name + "' is not keyed: call keyBy(...) before it");
                }
            }
            if (node.kind == Node.Kind.TOP_N && node.windows.kind() == Windows.Kind.SESSION)
            {
                throw new PipelineException("topN '" + node.name + "' over session windows is not supported: " +
                    "use tumbling or sliding windows");
            }
            if ((node.kind == Node.Kind.WINDOW || node.kind == Node.Kind.TOP_N) && !node.inputs.get(0).hasTimestamps())
            {
                throw new PipelineException("window '" + node.name + "' needs event time, but a source upstream has " +
                    "no timestamps: give it a WatermarkStrategy.boundedOutOfOrderness(field, bound)");
            }
        }
        if (context.checkpointDir() != null)
        {
            for (final Node node : nodes)
            {
                if (node.kind == Node.Kind.SOURCE && !node.source.isReplayable())
                {
                    throw new PipelineException("source '" + node.name + "' (" + node.source.getClass().getSimpleName() +
                        ") cannot be replayed from a checkpoint, so the job cannot take checkpoints: use a replayable " +
                        "source or run without " + Settings.CHECKPOINT_DIR.key());
                }
            }
        }
        if (!hasSink)
        {
            throw new PipelineException("pipeline '" + jobName + "' has no sink: nothing would come out of it");
        }
    }

    /**
     * @param node a node of the graph.
     * @return the translator of the node's kind.
     */
    private static NodeTranslator translator(final Node node)
    {
        final NodeTranslator translator = TRANSLATORS.get(node.kind);
        if (translator == null)
        {
            throw new IllegalStateException("unknown node " + node);
        }
        return translator;
    }

    /**
     * Translate every node for shard {@code s}, in the order the nodes were declared, then wire each node's output to
     * the inputs of its consumers: wiring waits until every node is translated because a consumer's input (a union's
     * input of its own) is known only then.
     */
    ShardAgent shard(final LocalJob job, final int s, final CheckpointCoordinator coordinator, final CheckpointStore restoreFrom)
    {
        final ShardPlan plan = new ShardPlan(this, s, nodes.size(), keyBys.size());
        for (final Node node : nodes)
        {
            final int before = plan.operatorCount();
            translator(node).translate(node, plan);
            if (errorPolicy(node) == ErrorPolicy.DEAD_LETTER)
            {
                for (int i = before; i < plan.operatorCount(); i++)
                {
                    final Operator op = plan.operator(i);
                    op.errors(new OperatorErrors(
                        context.deadLetterDir().resolve(jobName + "-" + op.name() + "-shard-" + s + ".tsv"),
                        plan.counters(op.name()).get(Metric.DEAD_LETTERED), splits));
                }
            }
        }
        for (final Node node : nodes)
        {
            final Consumer<Operator> exit = plan.exit(node);
            if (exit != null)
            {
                exit.accept(downstream(node, plan));
            }
        }
        return plan.agent(job, coordinator, restoreFrom);
    }

    /**
     * @return what the node's operators do when a user function throws: its own policy, else the job's.
     */
    private ErrorPolicy errorPolicy(final Node node)
    {
        if (node.kind == Node.Kind.SOURCE || node.kind == Node.Kind.KEY_BY || node.kind == Node.Kind.UNION)
        {
            return ErrorPolicy.FAIL;
        }
        return node.errorPolicy() != null ? node.errorPolicy() : context.errorPolicy();
    }

    /**
     * @param node a translated node with an output.
     * @param plan the shard's plan, every node translated.
     * @return where the node's output goes on the shard: the input of its one consumer, a fan-out to the inputs of
     * several, or a discard if nothing reads it; with the node's records out, each consumer's records in (and what
     * nothing reads as the node's dropped records) counted on the way. A source counts what it emits itself, a sink
     * what it writes.
     */
    private static Operator downstream(final Node node, final ShardPlan plan)
    {
        final List<Operator> targets = new ArrayList<>();
        final List<AtomicCounter> inputCounters = new ArrayList<>();
        final List<String> consumers = new ArrayList<>();
        for (final Node consumer : node.consumers)
        {
            final NodeTranslator translator = translator(consumer);
            for (int i = 0; i < consumer.inputs.size(); i++)
            {
                if (consumer.inputs.get(i) == node)
                {
                    final Operator target = translator.input(consumer, i, plan);
                    if (target != null)
                    {
                        targets.add(target);
                        consumers.add(consumer.name);
                        inputCounters.add(consumer.kind == Node.Kind.SINK ? null :
                            plan.counters(consumer.name).get(Metric.RECORDS_IN));
                    }
                }
            }
        }
        final AtomicCounter out = node.kind == Node.Kind.SOURCE ? null : plan.counters(node.name).get(Metric.RECORDS_OUT);
        final String name = node.name + "-out";
        if (targets.isEmpty())
        {
            return RecordCount.around(name, out, null, plan.dropped(node.name));
        }
        if (targets.size() == 1)
        {
            return RecordCount.blaming(consumers.get(0), RecordCount.around(name, out, inputCounters.get(0), targets.get(0)));
        }
        final Operator[] fanOut = new Operator[targets.size()];
        for (int i = 0; i < fanOut.length; i++)
        {
            fanOut[i] = RecordCount.blaming(consumers.get(i), RecordCount.around(name, inputCounters.get(i), null, targets.get(i)));
        }
        return RecordCount.around(name, out, null, new FanOut(node.name + "-fanout", fanOut));
    }

    JobContext context()
    {
        return context;
    }

    JobCounters counters()
    {
        return counters;
    }

    String jobName()
    {
        return jobName;
    }

    /**
     * @return the shard count.
     */
    int shards()
    {
        return shards;
    }

    /**
     * @return where every keyed operator of the job keeps its state.
     */
    StateFactory stateFactory()
    {
        return stateFactory;
    }

    /**
     * @param window a node of the graph.
     * @return the schema of the partial rows of a window planned in two stages; null for any other node.
     */
    Schema partialSchema(final Node window)
    {
        return partialSchemas[window.id];
    }

    /**
     * @param source a source node.
     * @return the id of the source's split 0 among the splits of every source.
     */
    int firstSplitId(final Node source)
    {
        return firstSplitId[source.id];
    }

    /**
     * @param keyBy a keyBy node.
     * @return the index of its exchange, in the order of the keyBys in the graph.
     */
    int exchange(final Node keyBy)
    {
        return keyBys.indexOf(keyBy);
    }

    /**
     * @return the number of exchanges (keyBys).
     */
    int exchanges()
    {
        return keyBys.size();
    }

    /**
     * @param exchange an exchange's index.
     * @return the keyBy node it belongs to.
     */
    Node keyBy(final int exchange)
    {
        return keyBys.get(exchange);
    }

    /**
     * @param exchange the exchange's index.
     * @param producer the sending shard.
     * @param consumer the receiving shard, not the producer (a shard passes its own records directly).
     * @return the ring between the two.
     */
    RingBuffer ring(final int exchange, final int producer, final int consumer)
    {
        return rings[exchange][producer][consumer];
    }
}
