package io.peregrine.runtime;

import io.peregrine.plan.Node;

/**
 * Translates the nodes of one {@link Node.Kind} into the operators of one shard. Each kind has its own translator,
 * registered with the {@link Planner} by kind, so a new kind of node (a two-input join, a pattern operator) is a new
 * translator and leaves the planner's loops and the other translations as they are.
 * <p>
 * Translators hold no state of their own: everything a translation builds is registered with the {@link ShardPlan},
 * which the planner then wires and hands to the shard.
 */
interface NodeTranslator
{
    /**
     * Build the node's operators on the plan's shard and register them: where the node's input enters, where its
     * output leaves, and which of them are timed or checkpointed. Nodes are translated in the order they were
     * declared, so the operators of the node's inputs already exist.
     *
     * @param node the node, of this translator's kind.
     * @param plan the shard's plan being built.
     */
    void translate(Node node, ShardPlan plan);

    /**
     * The operator that receives the records of one of the node's inputs, called when the planner wires the outputs
     * of the node's inputs once every node is translated.
     *
     * @param node  the node, already translated.
     * @param index of the input among {@code node.inputs}.
     * @param plan  the shard's plan.
     * @return the receiving operator; by default the node's entry, the same for every input; null when the input is
     * connected by the translation itself rather than through its downstream.
     */
    default Operator input(final Node node, final int index, final ShardPlan plan)
    {
        return plan.entry(node);
    }
}
