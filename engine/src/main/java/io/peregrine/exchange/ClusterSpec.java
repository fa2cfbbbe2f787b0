package io.peregrine.exchange;

import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.nio.file.Path;

/**
 * What a {@link ClusterTransport} needs to link one node of a job to the others.
 */
public final class ClusterSpec
{
    /** The exchange rings of a job, as the planner made them. */
    @FunctionalInterface
    public interface Rings
    {
        /**
         * @param exchange an exchange (keyBy) index.
         * @param producer a producer shard.
         * @param consumer a consumer shard.
         * @return the ring between them; null when neither is on this node (or they are the same shard).
         */
        RingBuffer ring(int exchange, int producer, int consumer);
    }

    public final ClusterLayout layout;
    public final int node;
    public final String jobName;
    /** The job's shape and the frame versions: every node must run the same. */
    public final String fingerprint;
    public final int exchanges;
    public final Rings rings;
    public final long joinTimeoutMs;
    public final long peerTimeoutMs;
    /** An external media driver's directory, or null for an embedded one. */
    public final Path aeronDir;
    public final ClusterLink.Listener listener;

    public ClusterSpec(
        final ClusterLayout layout,
        final int node,
        final String jobName,
        final String fingerprint,
        final int exchanges,
        final Rings rings,
        final long joinTimeoutMs,
        final long peerTimeoutMs,
        final Path aeronDir,
        final ClusterLink.Listener listener)
    {
        this.layout = layout;
        this.node = node;
        this.jobName = jobName;
        this.fingerprint = fingerprint;
        this.exchanges = exchanges;
        this.rings = rings;
        this.joinTimeoutMs = joinTimeoutMs;
        this.peerTimeoutMs = peerTimeoutMs;
        this.aeronDir = aeronDir;
        this.listener = listener;
    }
}
