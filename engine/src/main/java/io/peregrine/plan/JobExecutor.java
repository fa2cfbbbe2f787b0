package io.peregrine.plan;

import io.peregrine.api.Job;
import io.peregrine.config.JobContext;

/**
 * The one way from a pipeline to a runtime: {@code Pipeline.execute} finds the implementation with
 * {@link java.util.ServiceLoader} (the engine's own is {@code io.peregrine.runtime.LocalJobExecutor}, registered in
 * {@code META-INF/services}), so the user API never imports the runtime.
 */
public interface JobExecutor
{
    /**
     * Plans the logical graph onto shards and starts it.
     *
     * @param plan    the pipeline's logical graph.
     * @param context the job's settings.
     * @return the running job.
     */
    Job execute(LogicalPlan plan, JobContext context);
}
