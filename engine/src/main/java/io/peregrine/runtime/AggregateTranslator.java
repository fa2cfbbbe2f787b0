package io.peregrine.runtime;

import io.peregrine.plan.Node;

/**
 * An {@code AGGREGATE} node: one {@link AggregateOperator}, keyed as its input, the keyBy, is.
 */
final class AggregateTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        final Planner planner = plan.planner();
        plan.add(node, new AggregateOperator(node.name, node.inputs.get(0).key, node.aggregationArray(), node.schema,
            planner.stateFactory(), plan.shard(), planner.context().maxRowLength()));
    }
}
