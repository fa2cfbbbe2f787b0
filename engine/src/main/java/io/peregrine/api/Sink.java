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

        default void close() throws Exception
        {
        }
    }
}
