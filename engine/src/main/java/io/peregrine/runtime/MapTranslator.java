package io.peregrine.runtime;

import io.peregrine.plan.Node;

/**
 * A {@code MAP} node: one {@link MapOperator}.
 */
final class MapTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        plan.add(node, new MapOperator(node.name, node.map, node.schema, plan.planner().context().maxRowLength()));
    }
}
