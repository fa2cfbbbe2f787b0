package io.peregrine.api;

import io.peregrine.checkpoint.CheckpointCoordinator;
import io.peregrine.checkpoint.CheckpointInfo;
import io.peregrine.config.JobContext;
import io.peregrine.metrics.JobCounters;

/**
 * A running pipeline, as {@code Pipeline.execute} returns it. A job over bounded sources ends by itself once the
 * final watermark has passed through every shard; any job ends on {@link #cancel()}, on
 * {@link #stopWithSavepoint()} or on the first failure, which {@link #join()} rethrows naming the operator and the
 * record.
 * <p>
 * With a checkpoint directory ({@link JobContext#checkpointDir(java.nio.file.Path)}) the job restores the newest
 * whole checkpoint found there, takes one every {@link JobContext#checkpointIntervalMs()}, and ends with a final
 * checkpoint: when a bounded input is exhausted, or on {@link #stopWithSavepoint()}.
 */
public interface Job extends AutoCloseable
{
    /**
     * @return the pipeline's name.
     */
    String name();

    /**
     * @return the settings the job runs with, concluded (defaults filled in).
     */
    JobContext context();

    /**
     * @return the job's counters: records in and out per operator and shard, late and dead-lettered records.
     */
    JobCounters counters();

    /**
     * @return the checkpoint this job was restored from, or null if it started from the beginning.
     */
    CheckpointInfo restoredFrom();

    /**
     * @return the job's checkpoint coordinator (completed checkpoints, their sizes and durations), or null without a
     * checkpoint directory.
     */
    CheckpointCoordinator checkpoints();

    /**
     * Stop the job with a final checkpoint (a savepoint): once it is complete and every exactly-once sink has
     * committed its output, the job ends and {@link #join()} returns. A later job over the same checkpoint
     * directory resumes from it. Without a checkpoint directory this is {@link #cancel()}.
     */
    void stopWithSavepoint();

    /**
     * Stop the job (an unbounded job ends only this way). {@link #join()} then returns normally.
     */
    void cancel();

    /**
     * @return true if the job was cancelled.
     */
    boolean isCancelled();

    /**
     * @return true when every shard finished, the job failed or was cancelled.
     */
    boolean isDone();

    /**
     * Wait for the job to end, stop its threads and close its operators and sinks.
     *
     * @throws JobFailedException if an operator failed.
     */
    void join();

    /**
     * @param timeoutMs longest wait.
     * @return true if the job ended (and was closed), false on time-out (still running).
     * @throws JobFailedException if an operator failed.
     */
    boolean join(long timeoutMs);

    /**
     * @return nanoseconds since the job started.
     */
    long elapsedNs();

    /**
     * Stop the job's threads and release its state; a running job is cancelled first.
     */
    @Override
    void close();
}
