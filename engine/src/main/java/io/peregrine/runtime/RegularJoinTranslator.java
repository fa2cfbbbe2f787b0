package io.peregrine.runtime;

import io.peregrine.plan.JoinSpec;
import io.peregrine.plan.Node;

/**
 * A {@code REGULAR_JOIN} node: a {@link RegularJoinOperator} on the job's processing-time clock.
 */
final class RegularJoinTranslator extends JoinTranslator
{
    JoinOperator create(final Node node, final ShardPlan plan)
    {
        return new RegularJoinOperator(node.name, left(node).key, right(node).key, left(node).schema,
            right(node).schema, node.schema, node.join.function, node.join.condition,
            node.join.type == JoinSpec.Type.LEFT_OUTER,
            node.join.stateTtlMs, maxRowLength(plan), counters(plan), plan.shard(),
            plan.planner().context().epochClock().time());
    }
}
