package io.peregrine.pipeline;

import io.peregrine.api.Job;
import io.peregrine.api.PipelineException;
import io.peregrine.api.Source;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.config.JobContext;
import io.peregrine.plan.JobExecutor;
import io.peregrine.plan.LogicalPlan;
import io.peregrine.plan.Node;

import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;

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
    private final LogicalPlan plan;

    private Pipeline(final String name)
    {
        this.plan = new LogicalPlan(name);
    }

    public static Pipeline create(final String name)
    {
        return new Pipeline(name);
    }

    public String name()
    {
        return plan.name();
    }

    /**
     * @param name     of the source, unique in the pipeline.
     * @param source   to read.
     * @param strategy how event time and watermarks are assigned.
     * @return the source's stream.
     */
    public DataStream source(final String name, final Source source, final WatermarkStrategy strategy)
    {
        if (strategy.hasTimestamps())
        {
            source.schema().checkOwns(strategy.timestampField(), "source '" + name + "' timestamp");
        }
        return new DataStream(this, add(Node.builder(Node.Kind.SOURCE, name, List.of(), source.schema())
            .source(source, strategy)));
    }

    /**
     * A source without event time (processing-time operators only).
     */
    public DataStream source(final String name, final Source source)
    {
        return source(name, source, WatermarkStrategy.none());
    }

    Node add(final Node.Builder node)
    {
        return plan.add(node);
    }

    /**
     * @return the logical graph declared so far (read-only nodes in declaration order).
     */
    public LogicalPlan plan()
    {
        return plan;
    }

    /**
     * Plan and start the job on the context's shards.
     *
     * @param context settings; see {@link JobContext}.
     * @return the running job.
     */
    public Job execute(final JobContext context)
    {
        return executor().execute(plan, context);
    }

    private static JobExecutor executor()
    {
        final Iterator<JobExecutor> executors = ServiceLoader.load(JobExecutor.class).iterator();
        if (!executors.hasNext())
        {
            throw new PipelineException("no Peregrine runtime on the class path (no " + JobExecutor.class.getName() +
                " in META-INF/services): add the peregrine-engine jar");
        }
        return executors.next();
    }
}
