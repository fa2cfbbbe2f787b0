package io.peregrine.runtime;

import io.peregrine.plan.Node;

/**
 * An {@code INTERVAL_JOIN} node: an {@link IntervalJoinOperator}.
 */
final class IntervalJoinTranslator extends JoinTranslator
{
    JoinOperator create(final Node node, final ShardPlan plan)
    {
        return new IntervalJoinOperator(node.name, left(node).key, right(node).key, left(node).schema,
            right(node).schema, node.schema, node.join.function, node.join.lowerMs, node.join.upperMs,
            maxRowLength(plan), counters(plan), plan.shard());
    }
}
