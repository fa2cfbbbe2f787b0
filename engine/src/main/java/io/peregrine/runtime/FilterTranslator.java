package io.peregrine.runtime;

import io.peregrine.plan.Node;

/**
 * A {@code FILTER} node: one {@link FilterOperator}.
 */
final class FilterTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        plan.add(node, new FilterOperator(node.name, node.filter));
    }
}
