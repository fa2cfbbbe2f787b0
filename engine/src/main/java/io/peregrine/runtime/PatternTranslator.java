package io.peregrine.runtime;

import io.peregrine.plan.Node;

/**
 * A {@code PATTERN} node: one {@link PatternOperator}, keyed as its input, the keyBy, is; its {@code PATTERN_TIMEOUT}
 * and {@code PATTERN_LATE} side outputs: a {@link Passthrough} that the pattern operator feeds directly.
 */
final class PatternTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        final int maxRowLength = plan.planner().context().maxRowLength();
        if (node.kind == Node.Kind.PATTERN)
        {
            final Node keyBy = node.inputs.get(0);
            final PatternOperator op = new PatternOperator(node.name, keyBy.key, keyBy.schema, node.pattern,
                node.patternSelect, node.schema, maxRowLength, plan.planner().context().cepMaxPartialMatches());
            if (node.patternProcessingTime)
            {
                op.inProcessingTime(plan.planner().context().epochClock().time());
                plan.timed(op);
            }
            plan.add(node, op);
            return;
        }
        final Operator side = new Passthrough(node.name);
        final PatternOperator pattern = (PatternOperator)plan.entry(node.inputs.get(0));
        if (node.kind == Node.Kind.PATTERN_TIMEOUT)
        {
            pattern.timeoutOutput(side, node.schema, node.patternTimeout, maxRowLength);
        }
        else
        {
            pattern.lateOutput(side);
        }
        plan.add(node, side);
    }

    /**
     * @return the pattern operator's entry for the pattern node; null for a side output, fed by the pattern operator
     * itself.
     */
    public Operator input(final Node node, final int index, final ShardPlan plan)
    {
        return node.kind == Node.Kind.PATTERN ? plan.entry(node) : null;
    }
}
