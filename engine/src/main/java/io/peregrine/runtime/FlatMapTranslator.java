package io.peregrine.runtime;

import io.peregrine.plan.Node;

/**
 * A {@code FLAT_MAP} node: one {@link FlatMapOperator}.
 */
final class FlatMapTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        plan.add(node, new FlatMapOperator(node.name, node.flatMap, node.schema,
            plan.planner().context().maxRowLength()));
    }
}
