package io.peregrine.api;

import io.peregrine.plan.Node;
import io.peregrine.runtime.Job;
import io.peregrine.runtime.JobContext;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A dataflow: sources, operators and sinks, declared with {@link DataStream}'s fluent methods and
 * run with {@link #execute(JobContext)}. The same pipeline runs unbounded or, over bounded sources,
 * as a batch job that ends by itself.
 * <pre>{@code
 * Pipeline p = Pipeline.create("bars");
 * p.source("trades", source, WatermarkStrategy.boundedOutOfOrderness(TS, 100))
 *  .keyBy("by-instrument", INSTRUMENT)
 *  .window(Windows.tumbling(1_000))
 *  .aggregate("ohlc", Aggregations.first("open", PRICE), Aggregations.max("high", PRICE), ...)
 *  .sink("out", Sinks.stdout());
 * p.execute(new JobContext()).join();
 * }</pre>
 */
public final class Pipeline
{
    private final String name;
    private final List<Node> nodes = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    private Pipeline(final String name)
    {
        this.name = name;
    }

    public static Pipeline create(final String name)
    {
        return new Pipeline(name);
    }

    public String name()
    {
        return name;
    }

    /**
     * @param name     of the source, unique in the pipeline.
     * @param source   to read.
     * @param strategy how event time and watermarks are assigned.
     * @return the source's stream.
     */
    public DataStream source(final String name, final Source source, final WatermarkStrategy strategy)
    {
        final Node node = add(Node.Kind.SOURCE, name, List.of(), source.schema());
        node.source = source;
        node.watermarks = strategy;
        if (strategy.hasTimestamps())
        {
            source.schema().checkOwns(strategy.timestampField(), "source '" + name + "' timestamp");
        }
        return new DataStream(this, node);
    }

    /**
     * A source without event time (processing-time operators only).
     */
    public DataStream source(final String name, final Source source)
    {
        return source(name, source, WatermarkStrategy.none());
    }

    Node add(final Node.Kind kind, final String name, final List<Node> inputs, final Schema schema)
    {
        if (name == null || name.isEmpty())
        {
            throw new PipelineException("every operator needs a name (it appears in metrics and errors)");
        }
        if (!names.add(name))
        {
            throw new PipelineException("pipeline '" + this.name + "' already has an operator named '" + name + "'");
        }
        final Node node = new Node(nodes.size(), kind, name, inputs, schema);
        nodes.add(node);
        return node;
    }

    public List<Node> nodes()
    {
        return Collections.unmodifiableList(nodes);
    }

    /**
     * Plan and start the job on the context's shards.
     *
     * @param context settings; see {@link JobContext}.
     * @return the running job.
     */
    public Job execute(final JobContext context)
    {
        return Job.start(this, context);
    }
}
