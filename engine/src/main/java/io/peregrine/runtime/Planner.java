package io.peregrine.runtime;

import io.peregrine.api.PipelineException;
import io.peregrine.api.Sink;
import io.peregrine.api.Source;
import io.peregrine.api.SourceContext;
import io.peregrine.api.Schema;
import io.peregrine.api.Windows;
import io.peregrine.checkpoint.CheckpointCoordinator;
import io.peregrine.checkpoint.CheckpointStore;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.exchange.KeyGroupRouter;
import io.peregrine.exchange.OutboundChannel;
import io.peregrine.metrics.JobCounters;
import io.peregrine.metrics.Metric;
import io.peregrine.plan.Node;
import org.agrona.BufferUtil;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the logical graph into one fused operator chain per shard: every node becomes one operator
 * per shard, consecutive operators call each other directly, and each keyBy becomes an exchange of
 * one ring per (producer shard, consumer shard) pair.
 */
final class Planner
{
    static final class SplitInfo
    {
        final String source;
        final int split;

        SplitInfo(final String source, final int split)
        {
            this.source = source;
            this.split = split;
        }

        public String toString()
        {
            return "source '" + source + "' split " + split;
        }
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

    private final StateFactory stateFactory;
    private final java.util.Map<String, Integer> splitCounts;

    Planner(
        final String jobName,
        final List<Node> nodes,
        final JobContext context,
        final JobCounters counters,
        final StateFactory stateFactory,
        final java.util.Map<String, Integer> splitCounts)
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
                    if (p != c)
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
                    splits.add(new SplitInfo(node.name, i));
                }
            }
        }
    }

    /**
     * A restored job reads each source in as many splits as the run that took the checkpoint (the positions are per
     * split), whatever its own shard count.
     */
    private int splitCount(final Node node)
    {
        final Integer restored = splitCounts == null ? null : splitCounts.get(node.name);
        return restored != null ? restored : node.source.splitCount(shards);
    }

    /**
     * @param parts names of the checkpointed parts as journaled.
     * @return split count of each source among them.
     */
    static java.util.Map<String, Integer> splitCounts(final List<String> parts)
    {
        final java.util.Map<String, Integer> counts = new java.util.HashMap<>();
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
            if (node.isKeyed() && node.inputs.get(0).kind != Node.Kind.KEY_BY)
            {
                throw new PipelineException("operator '" + node.name + "' keeps keyed state but its input '" +
                    node.inputs.get(0).name + "' is not keyed: call keyBy(...) before it");
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
                        "source or run without " + JobContext.CHECKPOINT_DIR_PROP);
                }
            }
        }
        if (!hasSink)
        {
            throw new PipelineException("pipeline '" + jobName + "' has no sink: nothing would come out of it");
        }
    }

    ShardAgent shard(final Job job, final int s, final CheckpointCoordinator coordinator, final CheckpointStore restoreFrom)
    {
        final List<Checkpointed> parts = new ArrayList<>();
        final List<String> partNames = new ArrayList<>();
        final int maxRow = context.maxRowLength();
        final StateFactory state = stateFactory;
        final Operator[] in = new Operator[nodes.size()];
        final Object[] out = new Object[nodes.size()];
        final List<SourceRunner> sources = new ArrayList<>();
        final List<Operator> all = new ArrayList<>();
        final List<Operator> timed = new ArrayList<>();
        final ExchangeInput[] inputs = new ExchangeInput[keyBys.size()];
        final OutboundChannel[][] outbound = new OutboundChannel[keyBys.size()][];
        final KeyGroupRouter router = new KeyGroupRouter(context.keyGroups(), shards);

        for (final Node node : nodes)
        {
            final Operator op;
            switch (node.kind)
            {
                case SOURCE:
                {
                    final SourceRunner runner = sourceRunner(node, s);
                    sources.add(runner);
                    parts.add(runner);
                    partNames.add("source:" + node.name + "/" + splitCount(node));
                    out[node.id] = runner;
                    continue;
                }
                case MAP: op = new MapOperator(node.name, node.map, node.schema, maxRow); break;
                case FILTER: op = new FilterOperator(node.name, node.filter); break;
                case FLAT_MAP: op = new FlatMapOperator(node.name, node.flatMap, node.schema, maxRow); break;
                case UNION: op = new UnionOperator(node.name, node.inputs.size()); break;
                case KEY_BY:
                {
                    final int e = keyBys.indexOf(node);
                    final RingBuffer[] consumerRings = new RingBuffer[shards];
                    for (int p = 0; p < shards; p++)
                    {
                        consumerRings[p] = rings[e][p][s];
                    }
                    final Node window = node.consumers.size() == 1 ? node.consumers.get(0) : null;
                    final Schema partial = window == null ? null : partialSchemas[window.id];
                    final ExchangeInput input = new ExchangeInput(
                        node.name, partial != null ? partial : node.schema, s, consumerRings);
                    final OutboundChannel[] channels = new OutboundChannel[shards];
                    for (int c = 0; c < shards; c++)
                    {
                        if (c != s)
                        {
                            channels[c] = new OutboundChannel(rings[e][s][c]);
                        }
                    }
                    inputs[e] = input;
                    outbound[e] = channels;
                    parts.add(input);
                    partNames.add("exchange:" + node.name + "/key-groups-" + context.keyGroups());
                    if (partial != null)
                    {
                        // Two-stage: the local window stage sits before the exchange and sends partials keyed as
                        // the records were.
                        final KeyByOperator keyBy = new KeyByOperator(
                            node.name, TwoStageAggregation.partialKey(partial), router, s, channels, input);
                        final WindowOperator local = new WindowOperator(window.name + "-local", node.key,
                            Windows.tumbling(window.windows.slide()), 0, new TwoStageAggregation.Local(
                            new AggregationsWindowFunction(window.aggregations, window.schema), partial),
                            partial, state, s, maxRow, counters.counter(s, Metric.LATE_RECORDS), context.windowFireBatch());
                        local.downstream(keyBy);
                        // Not a checkpointed part: it sends what it holds ahead of every barrier, and it exists only
                        // on some shard counts, which must not change what a checkpoint holds.
                        local.flushOnBarrier();
                        timed.add(local);
                        all.add(local);
                        all.add(keyBy);
                        in[node.id] = local;
                        out[node.id] = input;
                        continue;
                    }
                    op = new KeyByOperator(node.name, node.key, router, s, channels, input);
                    in[node.id] = op;
                    out[node.id] = input;
                    all.add(op);
                    continue;
                }
                case AGGREGATE:
                    op = new AggregateOperator(node.name, node.inputs.get(0).key, node.aggregations, node.schema, state, s, maxRow);
                    break;
                case REDUCE:
                    op = new ReduceOperator(node.name, node.inputs.get(0).key, node.reduce, node.schema, state, s, maxRow);
                    break;
                case WINDOW:
                case TOP_N:
                {
                    final WindowFunction fn = node.kind == Node.Kind.WINDOW ?
                        new AggregationsWindowFunction(node.aggregations, node.schema) :
                        new TopNWindowFunction(node.topN, node.rankField, node.inputs.get(0).schema, node.schema);
                    if (node.windows.kind() == Windows.Kind.SESSION)
                    {
                        op = new SessionWindowOperator(node.name, node.inputs.get(0).key, node.windows.size(),
                            node.allowedLatenessMs, fn, node.schema, state, s, context.sessionCapacity(), maxRow,
                            counters.counter(s, Metric.LATE_RECORDS));
                    }
                    else if (partialSchemas[node.id] != null)
                    {
                        final Schema partial = partialSchemas[node.id];
                        op = new WindowOperator(node.name, TwoStageAggregation.partialKey(partial), node.windows, 0,
                            new TwoStageAggregation.Global((AggregationsWindowFunction)fn, partial), node.schema, state, s,
                            maxRow, counters.counter(s, Metric.LATE_RECORDS), context.windowFireBatch());
                        timed.add(op);
                    }
                    else
                    {
                        op = new WindowOperator(node.name, node.inputs.get(0).key, node.windows, node.allowedLatenessMs,
                            fn, node.schema, state, s, maxRow, counters.counter(s, Metric.LATE_RECORDS), context.windowFireBatch());
                        timed.add(op);
                    }
                    break;
                }
                case PROCESS:
                {
                    final io.peregrine.api.KeyedProcessFunction fn =
                        node.processFactory != null ? node.processFactory.get() : node.process;
                    if (fn == null)
                    {
                        throw new PipelineException("process '" + node.name + "': the function factory returned null");
                    }
                    final ProcessOperator process = new ProcessOperator(node.name, node.inputs.get(0).key, fn,
                        node.stateLength, node.schema, state, s, maxRow, context.epochClock().time());
                    process.open(s, shards);
                    process.ownsKey(k -> router.shard(k) == s);
                    op = process;
                    timed.add(op);
                    break;
                }
                case LATE_OUTPUT:
                {
                    op = new Passthrough(node.name);
                    final Operator window = in[node.inputs.get(0).id];
                    if (window instanceof WindowOperator)
                    {
                        ((WindowOperator)window).lateOutput(op);
                    }
                    else
                    {
                        ((SessionWindowOperator)window).lateOutput(op);
                    }
                    break;
                }
                case SINK:
                {
                    final Sink.SinkWriter writer;
                    try
                    {
                        writer = node.sink.createWriter(s, shards, node.schema, context.checkpointDir() != null);
                    }
                    catch (final Exception e)
                    {
                        throw new IllegalStateException("sink '" + node.name + "' could not open on shard " + s + ": " + e, e);
                    }
                    op = new SinkOperator(node.name, writer, counters.counter(s, Metric.SINK_RECORDS),
                        counters.counter(s, Metric.WATERMARK));
                    break;
                }
                default:
                    throw new IllegalStateException("unknown node " + node);
            }
            in[node.id] = op;
            out[node.id] = op;
            all.add(op);
            if (op instanceof Checkpointed)
            {
                parts.add((Checkpointed)op);
                partNames.add(op.name());
            }
        }

        for (final Node node : nodes)
        {
            if (node.kind == Node.Kind.SINK)
            {
                continue;
            }
            final List<Operator> targets = new ArrayList<>();
            for (final Node consumer : node.consumers)
            {
                if (consumer.kind == Node.Kind.LATE_OUTPUT)
                {
                    continue;
                }
                if (consumer.kind == Node.Kind.UNION)
                {
                    for (int i = 0; i < consumer.inputs.size(); i++)
                    {
                        if (consumer.inputs.get(i) == node)
                        {
                            targets.add(((UnionOperator)in[consumer.id]).input(i));
                        }
                    }
                }
                else
                {
                    targets.add(in[consumer.id]);
                }
            }
            final Operator downstream = targets.isEmpty() ? new Discard(node.name + "-unread") :
                targets.size() == 1 ? targets.get(0) : new FanOut(node.name + "-fanout", targets.toArray(new Operator[0]));
            final Object source = out[node.id];
            if (source instanceof SourceRunner)
            {
                ((SourceRunner)source).downstream(downstream);
            }
            else if (source instanceof ExchangeInput)
            {
                ((ExchangeInput)source).downstream(downstream);
            }
            else
            {
                ((Operator)source).downstream(downstream);
            }
        }

        return new ShardAgent(job, s, context, counters,
            sources.toArray(new SourceRunner[0]), inputs, outbound, timed.toArray(new Operator[0]), all.toArray(new Operator[0]),
            coordinator, parts.toArray(new Checkpointed[0]), partNames, restoreFrom);
    }

    private SourceRunner sourceRunner(final Node node, final int s)
    {
        final int count = splitCount(node);
        final List<Integer> owned = new ArrayList<>();
        for (int i = s; i < count; i += shards)
        {
            owned.add(i);
        }
        final Source.SplitReader[] readers = new Source.SplitReader[owned.size()];
        final int[] ids = new int[owned.size()];
        final Path[] deadLetters = new Path[owned.size()];
        final SourceContext sourceContext = new SourceContext()
        {
            public EpochClock epochClock()
            {
                return context.epochClock();
            }

            public NanoClock nanoClock()
            {
                return context.nanoClock();
            }

            public int maxRowLength()
            {
                return context.maxRowLength();
            }
        };
        for (int i = 0; i < readers.length; i++)
        {
            final int split = owned.get(i);
            try
            {
                readers[i] = node.source.createReader(split, count, sourceContext);
            }
            catch (final RuntimeException e)
            {
                throw new IllegalStateException("source '" + node.name + "' split " + split + " could not open: " +
                    e.getMessage(), e);
            }
            ids[i] = firstSplitId[node.id] + split;
            deadLetters[i] = context.deadLetterDir().resolve(jobName + "-" + node.name + "-split-" + split + ".tsv");
        }
        return new SourceRunner(node.name, node.source, node.watermarks, readers, ids, deadLetters,
            context.maxRowLength(), counters.counter(s, Metric.SOURCE_RECORDS), counters.counter(s, Metric.MALFORMED_RECORDS),
            counters.counter(s, Metric.SOURCE_WATERMARK), context.watermarkIntervalMs());
    }
}
