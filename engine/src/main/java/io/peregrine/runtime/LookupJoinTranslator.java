package io.peregrine.runtime;

import io.peregrine.plan.JoinSpec;
import io.peregrine.plan.Node;

/**
 * A {@code LOOKUP_JOIN} node: a {@link LookupJoinOperator} on every shard, each with its own copy of the reference
 * data, read here, before the shard starts.
 */
final class LookupJoinTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        plan.add(node, new LookupJoinOperator(node.name, node.join.function, node.join.streamKey, node.join.reference,
            node.join.referenceKey, node.join.type == JoinSpec.Type.LEFT_OUTER, node.schema,
            SourceTranslator.sourceContext(plan.planner().context())));
    }
}
