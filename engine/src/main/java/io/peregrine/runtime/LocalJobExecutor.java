package io.peregrine.runtime;

import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import io.peregrine.plan.JobExecutor;
import io.peregrine.plan.LogicalPlan;

/**
 * The engine's own {@link JobExecutor}: runs the plan in this process, one shard loop per thread
 * ({@link LocalJob}). Registered in {@code META-INF/services/io.peregrine.plan.JobExecutor}.
 */
public final class LocalJobExecutor implements JobExecutor
{
    @Override
    public Job execute(final LogicalPlan plan, final JobContext context)
    {
        return LocalJob.start(plan, context);
    }
}
