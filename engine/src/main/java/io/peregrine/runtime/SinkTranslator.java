package io.peregrine.runtime;

import io.peregrine.api.Sink;
import io.peregrine.metrics.Metric;
import io.peregrine.metrics.OperatorCounters;
import io.peregrine.plan.Node;

/**
 * A {@code SINK} node: one {@link SinkOperator} around the sink's writer for the shard, which ends its branch. The
 * writer is told whether the job takes checkpoints, so an exactly-once sink knows to commit with them.
 */
final class SinkTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        final Planner planner = plan.planner();
        final int s = plan.shard();
        final Sink.SinkWriter writer;
        try
        {
            writer = node.sink.createWriter(
                s, planner.shards(), node.schema, planner.context().checkpointDir() != null);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("sink '" + node.name + "' could not open on shard " + s + ": " + e, e);
        }
        final OperatorCounters counters = plan.counters(node.name);
        plan.addLast(node, new SinkOperator(node.name, writer, counters.get(Metric.SINK_RECORDS),
            counters.get(Metric.WATERMARK)));
    }
}
