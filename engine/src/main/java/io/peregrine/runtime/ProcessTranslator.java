package io.peregrine.runtime;

import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.PipelineException;
import io.peregrine.exchange.KeyGroupRouter;
import io.peregrine.plan.Node;

/**
 * A {@code PROCESS} node: one timed {@link ProcessOperator}, keyed as its input, the keyBy, is. A function declared
 * by a factory is made once per shard; the operator is opened with the shard's index and told which keys the shard
 * owns.
 */
final class ProcessTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        final Planner planner = plan.planner();
        final int s = plan.shard();
        final KeyedProcessFunction fn = node.processFactory != null ? node.processFactory.get() : node.process;
        if (fn == null)
        {
            throw new PipelineException("process '" + node.name + "': the function factory returned null");
        }
        final ProcessOperator process = new ProcessOperator(node.name, node.inputs.get(0).key, fn,
            node.valueState, node.stateLength, node.schema, plan.stateFactory(node.name), s, planner.context().maxRowLength(),
            planner.context().epochClock().time());
        process.open(s, planner.shards());
        final KeyGroupRouter router = plan.router();
        process.ownsKey(k -> router.shard(k) == s);
        plan.timed(process);
        plan.add(node, process);
    }
}
