package io.peregrine.runtime;

import io.peregrine.plan.Node;

/**
 * A {@code WINDOW_JOIN} node: a {@link WindowJoinOperator}.
 */
final class WindowJoinTranslator extends JoinTranslator
{
    JoinOperator create(final Node node, final ShardPlan plan)
    {
        return new WindowJoinOperator(node.name, left(node).key, right(node).key, left(node).schema,
            right(node).schema, node.schema, node.join.windowFunction, node.join.windows, node.join.distinct,
            plan.planner().stateFactory(), plan.shard(), plan.planner().context().sessionCapacity(), maxRowLength(plan),
            counters(plan));
    }
}
