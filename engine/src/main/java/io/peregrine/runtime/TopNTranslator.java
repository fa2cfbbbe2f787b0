package io.peregrine.runtime;

import io.peregrine.plan.Node;

/**
 * A {@code TOP_N} node: a timed {@link WindowOperator}, planned as {@link WindowTranslator} plans a window in one
 * stage, whose function ranks the window's records instead of aggregating them. Its windows are tumbling or sliding:
 * the planner rejects a topN over session windows before translating.
 */
final class TopNTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        final WindowFunction fn = new TopNWindowFunction(node.topN, node.rankField, node.inputs.get(0).schema,
            node.schema);
        final Operator op = WindowTranslator.windowed(node, fn, plan);
        plan.timed(op);
        plan.add(node, op);
    }
}
