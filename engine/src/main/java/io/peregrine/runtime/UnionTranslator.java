package io.peregrine.runtime;

import io.peregrine.plan.Node;

/**
 * A {@code UNION} node: one {@link UnionOperator} with an input of its own for each of the node's inputs, so it can
 * track each one's watermark and barriers.
 */
final class UnionTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        plan.add(node, new UnionOperator(node.name, node.inputs.size()));
    }

    public Operator input(final Node node, final int index, final ShardPlan plan)
    {
        return ((UnionOperator)plan.entry(node)).input(index);
    }
}
