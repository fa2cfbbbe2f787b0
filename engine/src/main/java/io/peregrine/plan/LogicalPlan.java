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
            throw new PipelineException("pipeline '" + name + "' already has an operator named '" + builder.name + "'");
        }
        final Node node = builder.build(nodes.size());
        nodes.add(node);
        return node;
    }

    /**
     * @return the nodes in declaration (and topological) order, read-only.
     */
    public List<Node> nodes()
    {
        return view;
    }
}
