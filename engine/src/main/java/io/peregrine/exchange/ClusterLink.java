package io.peregrine.exchange;

/**
 * One node's end of a job spread over a cluster. Node 0 coordinates: it starts the job once every node has joined
 * with the same job and version, and ends it once every node's shards are done (so no node stops while another may
 * still send to it). A failure anywhere (a node failing, not joining, lost, or running another job or version) fails
 * the job on every node, with a message naming the node and the cause.
 */
public interface ClusterLink extends AutoCloseable
{
    /** What the link tells the job, from the transport's thread. */
    interface Listener
    {
        /**
         * Every node's shards are done: the job ends.
         */
        void onEnd();

        /**
         * @param message naming the node and the cause.
         */
        void onFailure(String message);
    }

    /**
     * Wait for the handshake: every node joined (node 0), or node 0 started the job (the others).
     *
     * @throws IllegalStateException naming the node and the cause when the job cannot start.
     */
    void awaitStart();

    /**
     * Every shard of this node is done (its sources ended and every input delivered its final watermark).
     */
    void localShardsDone();

    /**
     * This node's job failed: tell the other nodes.
     *
     * @param message the cause.
     */
    void fail(String message);

    /**
     * @return transport messages held back because a publication was back-pressured or not connected.
     */
    long backPressureEvents();

    /**
     * @return frames rejected: unknown sender, job, type or version, or malformed.
     */
    long rejectedFrames();

    /**
     * Stop the transport and release what it holds (the embedded media driver and its directory).
     */
    @Override
    void close();
}
