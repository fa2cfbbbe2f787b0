package io.peregrine.runtime;

import io.peregrine.config.JobContext;
import io.peregrine.api.Schema;
import io.peregrine.api.Windows;
import io.peregrine.exchange.OutboundChannel;
import io.peregrine.metrics.Metric;
import io.peregrine.plan.Node;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * A {@code KEY_BY} node: the shard's side of an exchange. Its input enters a {@link KeyByOperator} that sends each
 * record to its key's shard, over a ring to each other shard and directly to its own; its output leaves from the
 * {@link ExchangeInput} that reads the rings from every shard, a checkpointed part.
 * <p>
 * When the keyBy's only consumer is a window planned in two stages, the window's local stage is fused before the
 * exchange: the input enters the local stage, which sends partials, keyed as the records were, through the exchange
 * to the window's global stage (see {@link TwoStageAggregation}).
 */
final class KeyByTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        final Planner planner = plan.planner();
        final JobContext context = planner.context();
        final int shards = planner.shards();
        final int s = plan.shard();
        final int e = planner.exchange(node);
        final RingBuffer[] consumerRings = new RingBuffer[shards];
        for (int p = 0; p < shards; p++)
        {
            consumerRings[p] = planner.ring(e, p, s);
        }
        final Node window = node.consumers.size() == 1 ? node.consumers.get(0) : null;
        final Schema partial = window == null ? null : planner.partialSchema(window);
        final ExchangeInput input = new ExchangeInput(
            node.name, partial != null ? partial : node.schema, s, consumerRings,
            plan.counters(node.name).get(Metric.MALFORMED_RECORDS));
        final OutboundChannel[] channels = new OutboundChannel[shards];
        for (int c = 0; c < shards; c++)
        {
            if (c != s)
            {
                channels[c] = new OutboundChannel(planner.ring(e, s, c));
            }
        }
        plan.exchange(e, input, channels);
        plan.part(input, "exchange:" + node.name + "/key-groups-" + context.keyGroups());
        plan.exit(node, input::downstream);
        if (partial != null)
        {
            final KeyByOperator keyBy = new KeyByOperator(
                node.name, TwoStageAggregation.partialKey(partial), plan.router(), s, channels, input);
            final String localName = window.name + "-local";
            final WindowOperator local = new WindowOperator(localName, node.key,
                Windows.tumbling(window.windows.slide()), 0, new TwoStageAggregation.Local(
                new AggregationsWindowFunction(window.aggregationArray(), window.schema), partial),
                partial, plan.stateFactory(localName), s, context.maxRowLength(),
                plan.counters(localName).get(Metric.LATE_RECORDS), context.windowFireBatch());
            local.localStageOf(window.windows.size());
            local.fireSlice(context.nanoClock(), context.windowFireSliceUs() * 1000L);
            local.downstream(keyBy);
            local.lateOutput(plan.dropped(localName));
            // Not a checkpointed part: it sends what it holds ahead of every barrier, and it exists only on some shard
            // counts, which must not change what a checkpoint holds.
            local.flushOnBarrier();
            plan.timed(local);
            plan.operator(local);
            plan.operator(keyBy);
            plan.entry(node, local);
        }
        else
        {
            final KeyByOperator keyBy = new KeyByOperator(node.name, node.key, plan.router(), s, channels, input);
            plan.operator(keyBy);
            plan.entry(node, keyBy);
        }
    }
}
