package io.peregrine.runtime;

import io.peregrine.plan.JoinSpec;
import io.peregrine.plan.Node;

/**
 * A {@code TEMPORAL_JOIN} node: a {@link TemporalJoinOperator}, the probe stream its left input, the versions its
 * right.
 */
final class TemporalJoinTranslator extends JoinTranslator
{
    JoinOperator create(final Node node, final ShardPlan plan)
    {
        return new TemporalJoinOperator(node.name, left(node).key, right(node).key, left(node).schema,
            right(node).schema, node.schema, node.join.function, node.join.type == JoinSpec.Type.LEFT_OUTER,
            plan.planner().stateFactory(), plan.shard(), maxRowLength(plan), counters(plan));
    }
}
