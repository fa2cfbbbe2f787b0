package io.peregrine.runtime;

import io.peregrine.config.JobContext;
import io.peregrine.api.Schema;
import io.peregrine.api.Windows;
import io.peregrine.metrics.Metric;
import io.peregrine.plan.Node;

/**
 * A {@code WINDOW} node: a {@link SessionWindowOperator} over session windows, otherwise a timed
 * {@link WindowOperator}, keyed as its input, the keyBy, is; when the window is planned in two stages, the global stage
 * over the partials that the keyBy's local stage sends (see {@link TwoStageAggregation} and {@link KeyByTranslator}).
 */
final class WindowTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        final AggregationsWindowFunction fn = new AggregationsWindowFunction(node.aggregationArray(), node.schema);
        final Schema partial = plan.planner().partialSchema(node);
        if (node.windows.kind() == Windows.Kind.SESSION)
        {
            plan.add(node, session(node, fn, plan));
        }
        else if (partial != null)
        {
            final Planner planner = plan.planner();
            final JobContext context = planner.context();
            final int s = plan.shard();
            final WindowOperator op = new WindowOperator(node.name, TwoStageAggregation.partialKey(partial), node.windows,
                0, new TwoStageAggregation.Global(fn, partial), node.schema, plan.stateFactory(node.name), s,
                context.maxRowLength(), plan.counters(node.name).get(Metric.LATE_RECORDS), context.windowFireBatch());
            op.lateOutput(plan.dropped(node.name));
            op.fireSlice(context.nanoClock(), context.windowFireSliceUs() * 1000L);
            plan.timed(op);
            plan.add(node, op);
        }
        else
        {
            final Operator op = windowed(node, fn, plan);
            plan.timed(op);
            plan.add(node, op);
        }
    }

    /**
     * @param node a window over session windows.
     * @param fn   what the window computes when it fires.
     * @param plan the shard's plan.
     * @return the operator of the window on the shard.
     */
    static Operator session(final Node node, final WindowFunction fn, final ShardPlan plan)
    {
        final Planner planner = plan.planner();
        final JobContext context = planner.context();
        final int s = plan.shard();
        final SessionWindowOperator op = new SessionWindowOperator(node.name, node.inputs.get(0).key,
            node.windows.size(), node.allowedLatenessMs, fn, node.schema, plan.stateFactory(node.name), s,
            context.sessionCapacity(), context.maxRowLength(), plan.counters(node.name).get(Metric.LATE_RECORDS));
        op.lateOutput(plan.dropped(node.name)); // a late output, if the window has one, takes over
        return op;
    }

    /**
     * @param node a window over tumbling or sliding windows, planned in one stage.
     * @param fn   what the window computes when it fires.
     * @param plan the shard's plan.
     * @return the operator of the window on the shard, to be registered as timed.
     */
    static Operator windowed(final Node node, final WindowFunction fn, final ShardPlan plan)
    {
        final Planner planner = plan.planner();
        final JobContext context = planner.context();
        final int s = plan.shard();
        final WindowOperator op = new WindowOperator(node.name, node.inputs.get(0).key, node.windows,
            node.allowedLatenessMs, fn, node.schema, plan.stateFactory(node.name), s, context.maxRowLength(),
            plan.counters(node.name).get(Metric.LATE_RECORDS), context.windowFireBatch());
        op.lateOutput(plan.dropped(node.name)); // a late output, if the window has one, takes over
        op.fireSlice(context.nanoClock(), context.windowFireSliceUs() * 1000L);
        return op;
    }
}
