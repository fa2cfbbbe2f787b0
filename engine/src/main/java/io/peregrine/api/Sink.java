package io.peregrine.api;

/**
 * Where results go. One writer per shard.
 */
public interface Sink
{
    /**
     * @param shard  index.
     * @param shards total.
     * @param schema of the rows.
     * @return the shard's writer.
     */
    SinkWriter createWriter(int shard, int shards, Schema schema) throws Exception;

    /**
     * @param shard       index.
     * @param shards      total.
     * @param schema      of the rows.
     * @param exactlyOnce true when the job takes checkpoints: the writer should hold each checkpoint's output
     *                    until {@link SinkWriter#commit(long)} (a sink that cannot is at-least-once).
     * @return the shard's writer.
     */
    default SinkWriter createWriter(final int shard, final int shards, final Schema schema, final boolean exactlyOnce)
        throws Exception
    {
        return createWriter(shard, shards, schema);
    }

    /**
     * @return true if, with checkpoints, every result reaches readers exactly once (output is held until its
     * checkpoint completes); false if results after the last completed checkpoint are written again on recovery.
     */
    default boolean isExactlyOnce()
    {
        return false;
    }

    /**
     * Called once before any writer is created when a job with checkpoints starts: make visible the output held
     * for checkpoints up to {@code restoredCheckpoint} that was not yet (the previous run may have stopped between
     * completing a checkpoint and committing), and discard output held for any later one.
     *
     * @param restoredCheckpoint the checkpoint the job restores, 0 for a fresh start.
     */
    default void recover(final long restoredCheckpoint) throws Exception
    {
    }

    /**
     * Called once when the job has stopped and every writer is closed.
     */
    default void onJobEnd()
    {
    }

    /**
     * Writes the rows of one shard, on that shard's thread.
     */
    interface SinkWriter extends AutoCloseable
    {
        void write(Row row) throws Exception;

        default void onWatermark(final long watermark) throws Exception
        {
        }

        /**
         * A checkpoint barrier: everything written so far belongs to checkpoint {@code id}; seal it (flush, close
         * the part) so that it can be committed when the checkpoint completes.
         *
         * @param id of the checkpoint.
         */
        default void preCommit(final long id) throws Exception
        {
        }

        /**
         * Checkpoint {@code id} completed: make visible what was sealed for it and for earlier checkpoints.
         *
         * @param id of the checkpoint.
         */
        default void commit(final long id) throws Exception
        {
        }

        default void close() throws Exception
        {
        }
    }
}
