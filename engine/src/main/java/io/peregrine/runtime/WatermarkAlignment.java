package io.peregrine.runtime;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The watermarks of the splits of one alignment group ({@link io.peregrine.api.WatermarkStrategy#withAlignment}),
 * shared by the shards that read them: each split's owner publishes its watermark, and every owner reads the group's
 * smallest to decide whether its splits may read on. One entry per split on its own cache line, written by one
 * shard only; {@link #EXCLUDED} for a split that is idle, ended or has no watermark yet.
 */
final class WatermarkAlignment
{
    /** A split that does not hold its group back. */
    static final long EXCLUDED = Long.MAX_VALUE;
    private static final int STRIDE = 8; // longs: 64 bytes per split
    private final String group;
    private final int[] splitIds;
    private final AtomicLongArray watermarks;

    /**
     * @param group      name of the group.
     * @param splitIds   the job-wide ids of the group's splits.
     * @param splitCount of the job (ids are below it).
     */
    WatermarkAlignment(final String group, final int[] splitIds, final int splitCount)
    {
        this.group = group;
        this.splitIds = splitIds.clone();
        this.watermarks = new AtomicLongArray(Math.max(1, splitCount) * STRIDE);
        for (int i = 0; i < splitCount; i++)
        {
            watermarks.set(i * STRIDE, EXCLUDED);
        }
    }

    String group()
    {
        return group;
    }

    /**
     * @param splitId   job-wide id of a split of the group.
     * @param watermark its watermark, or {@link #EXCLUDED}.
     */
    void publish(final int splitId, final long watermark)
    {
        final int index = splitId * STRIDE;
        if (watermarks.get(index) != watermark)
        {
            watermarks.lazySet(index, watermark);
        }
    }

    /**
     * @param maxDriftMs how far ahead of the group's smallest watermark a split may read.
     * @return the largest watermark a split may have and still be read: the group's smallest plus the drift, or
     * {@code Long.MAX_VALUE} if no split holds the group back.
     */
    long limit(final long maxDriftMs)
    {
        long min = EXCLUDED;
        for (final int id : splitIds)
        {
            min = Math.min(min, watermarks.get(id * STRIDE));
        }
        return min == EXCLUDED || min > Long.MAX_VALUE - maxDriftMs ? Long.MAX_VALUE : min + maxDriftMs;
    }
}
