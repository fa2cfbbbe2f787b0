package io.peregrine.runtime;

import io.peregrine.exchange.KeyGroupRouter;
import io.peregrine.metrics.JobCounters;
import io.peregrine.plan.Node;

/**
 * What the translations of the two-input join nodes share: the node's inputs are two keyBys (left, right), whose
 * exchanges bring equal keys of both sides to one shard; the join's {@link JoinOperator} takes each one's records
 * through an input of its own (wired by {@link #input}), is told which keys the shard owns, fires its timers from
 * the shard loop and is a checkpointed part under its own name.
 */
abstract class JoinTranslator implements NodeTranslator
{
    public final void translate(final Node node, final ShardPlan plan)
    {
        final JoinOperator op = create(node, plan);
        final KeyGroupRouter router = plan.router();
        final int s = plan.shard();
        op.ownsKey(k -> router.shard(k) == s);
        plan.timed(op);
        plan.add(node, op);
    }

    /**
     * @param node the join node.
     * @param plan the shard's plan.
     * @return the join's operator on the shard.
     */
    abstract JoinOperator create(Node node, ShardPlan plan);

    public final Operator input(final Node node, final int index, final ShardPlan plan)
    {
        return ((JoinOperator)plan.entry(node)).input(index);
    }

    static Node left(final Node node)
    {
        return node.inputs.get(JoinOperator.LEFT);
    }

    static Node right(final Node node)
    {
        return node.inputs.get(JoinOperator.RIGHT);
    }

    static JobCounters counters(final ShardPlan plan)
    {
        return plan.planner().counters();
    }

    static int maxRowLength(final ShardPlan plan)
    {
        return plan.planner().context().maxRowLength();
    }
}
