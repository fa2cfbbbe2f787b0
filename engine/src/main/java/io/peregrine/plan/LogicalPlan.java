package io.peregrine.plan;

import io.peregrine.api.PipelineException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The logical graph of one pipeline: its nodes in the order they were declared, each with a unique name. A node's
 * inputs are always declared before it, so the list is in topological order. Nodes are immutable once added; the
 * plan only grows.
 */
public final class LogicalPlan
{
    private final String name;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Node> view = Collections.unmodifiableList(nodes);
    private final Set<String> names = new HashSet<>();

    /**
     * @param name the pipeline's name, used in errors and metrics.
     */
    public LogicalPlan(final String name)
    {
        this.name = name;
    }

    /**
     * @return the pipeline's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Adds the node the builder describes, checking that its name is unique in the plan.
     *
     * @param builder the node's description.
     * @return the node, with its id.
     * @throws PipelineException if the name is empty or already used.
     */
    public Node add(final Node.Builder builder)
    {
        if (builder.name == null || builder.name.isEmpty())
        {
            throw new PipelineException("every operator needs a name (it appears in metrics and errors)");
        }
        if (!names.add(builder.name))
        {
            throw new PipelineException("pipeline '" + name + "' already has an operator named '" + builder.name +
                "' (an operator declared without a name is named after its kind and ordinal, e.g. 'map-1')");
        }
        final Node node = builder.build(nodes.size());
        nodes.add(node);
        return node;
    }

    /**
     * A name for an operator declared without one: its kind and its ordinal among the operators of that kind in the
     * plan ({@code map-1}, {@code map-2}, {@code key-by-1}, ...), the next free one if a name was already taken. It
     * depends only on the declarations so far, so the same pipeline gets the same names in every run; a change of the
     * pipeline can change them.
     *
     * @param kind of the operator about to be added.
     * @return a name no operator of the plan has.
     */
    public String generatedName(final Node.Kind kind)
    {
        int ordinal = 1;
        for (final Node node : nodes)
        {
            if (node.kind == kind)
            {
                ordinal++;
            }
        }
        final String label = kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-";
        while (names.contains(label + ordinal))
        {
            ordinal++;
        }
        return label + ordinal;
    }

    /**
     * @return the nodes in declaration (and topological) order, read-only.
     */
    public List<Node> nodes()
    {
        return view;
    }
}
