package io.peregrine.pipeline;

import io.peregrine.api.Schema;
import io.peregrine.plan.Node;

/**
 * A sink declared in a pipeline, as {@link DataStream#sink} returns it: the end of a branch, named so that what the
 * job reports of it (its counters, its errors) can be found again.
 */
public final class SinkHandle
{
    private final Node node;

    SinkHandle(final Node node)
    {
        this.node = node;
    }

    /**
     * @return the sink's name, unique in the pipeline (given, or generated as {@code sink-<n>}).
     */
    public String name()
    {
        return node.name;
    }

    /**
     * @return the schema of the rows it receives.
     */
    public Schema schema()
    {
        return node.schema;
    }

    /**
     * What the sink does when writing a record throws (see {@link DataStream#onError}).
     *
     * @param policy the sink's policy.
     * @return this.
     */
    public SinkHandle onError(final io.peregrine.config.ErrorPolicy policy)
    {
        node.errorPolicy(java.util.Objects.requireNonNull(policy, "policy"));
        return this;
    }

    public String toString()
    {
        return "sink '" + node.name + "'";
    }
}
