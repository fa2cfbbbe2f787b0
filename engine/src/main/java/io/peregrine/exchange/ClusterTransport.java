package io.peregrine.exchange;

/**
 * Moves a job's exchange frames between the nodes of a cluster: the engine finds an implementation with
 * {@link java.util.ServiceLoader} (the Aeron UDP one is in the {@code peregrine-transport-aeron} module) when a job
 * has a cluster file, so the engine itself knows nothing of the network.
 * <p>
 * The engine hands over rings, not records: each exchange ring whose producer shard is on this node and whose consumer
 * is on another is read by the transport and sent, and each ring whose producer is on another node is written by the
 * transport with what arrives, so a shard's duty cycle is the same whether a consumer is local or not. A transport
 * that cannot send leaves the message in its ring; the ring fills and the producing shard stops pulling its sources,
 * as for a slow local consumer.
 */
public interface ClusterTransport
{
    /**
     * Open this node's end of the cluster (bind, connect to the other nodes); the handshake follows in
     * {@link ClusterLink#awaitStart()}.
     *
     * @param spec the job, the layout and the rings.
     * @return this node's link.
     */
    ClusterLink open(ClusterSpec spec);
}
