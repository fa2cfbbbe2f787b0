package io.peregrine.runtime;

import io.peregrine.metrics.Metric;
import io.peregrine.plan.Node;

/**
 * A {@code LATE_OUTPUT} node: a {@link Passthrough} that its window, the node's input, hands the records it dropped as
 * late. The window's own output goes to its other consumers, never here.
 */
final class LateOutputTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        final Operator op = new Passthrough(node.name);
        final Operator input = new RecordCount(node.name + "-in", plan.counters(node.name).get(Metric.RECORDS_IN), null, op);
        final Operator window = plan.entry(node.inputs.get(0));
        if (window instanceof WindowOperator)
        {
            ((WindowOperator)window).lateOutput(input);
        }
        else
        {
            ((SessionWindowOperator)window).lateOutput(input);
        }
        plan.add(node, op);
    }

    /**
     * @return null: the window feeds the late output in {@link #translate}, not through its downstream.
     */
    public Operator input(final Node node, final int index, final ShardPlan plan)
    {
        return null;
    }
}
