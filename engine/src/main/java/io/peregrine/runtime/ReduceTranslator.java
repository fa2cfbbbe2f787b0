package io.peregrine.runtime;

import io.peregrine.plan.Node;

/**
 * A {@code REDUCE} node: one {@link ReduceOperator}, keyed as its input, the keyBy, is.
 */
final class ReduceTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        final Planner planner = plan.planner();
        plan.add(node, new ReduceOperator(node.name, node.inputs.get(0).key, node.reduce, node.schema,
            plan.stateFactory(node.name), plan.shard(), planner.context().maxRowLength()));
    }
}
