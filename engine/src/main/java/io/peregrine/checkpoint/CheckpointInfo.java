package io.peregrine.checkpoint;

/**
 * A completed checkpoint as its COMPLETE document records it.
 */
public final class CheckpointInfo
{
    public final long id;
    public final long base;
    public final boolean full;
    public final boolean isFinal;
    public final int shards;
    public final long triggerEpochMs;
    public final long durationNs;
    public final long bytes;
    public final long maxPauseNs;

    public CheckpointInfo(
        final long id, final long base, final boolean full, final boolean isFinal, final int shards,
        final long triggerEpochMs, final long durationNs, final long bytes, final long maxPauseNs)
    {
        this.id = id;
        this.base = base;
        this.full = full;
        this.isFinal = isFinal;
        this.shards = shards;
        this.triggerEpochMs = triggerEpochMs;
        this.durationNs = durationNs;
        this.bytes = bytes;
        this.maxPauseNs = maxPauseNs;
    }

    public String toString()
    {
        return "checkpoint " + id + (full ? " (full)" : " (incremental on " + base + ")") + (isFinal ? " final" : "") +
            ", " + shards + " shard(s), " + bytes + " bytes";
    }
}
