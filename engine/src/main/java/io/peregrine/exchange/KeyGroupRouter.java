package io.peregrine.exchange;

import io.peregrine.api.Row;

/**
 * Key -> key group -> shard. The number of key groups is fixed for the life of the state (so state
 * can be re-spread when the shard count changes); contiguous ranges of groups map to shards, as in
 * Flink's {@code KeyGroupRangeAssignment}. The group is picked by multiply-shift of the key's
 * mixed hash (no division), the shard by a table lookup.
 */
public final class KeyGroupRouter
{
    private final int keyGroups;
    private final int shards;
    private final int[] shardOfGroup;

    public KeyGroupRouter(final int keyGroups, final int shards)
    {
        this.keyGroups = keyGroups;
        this.shards = shards;
        this.shardOfGroup = new int[keyGroups];
        for (int g = 0; g < keyGroups; g++)
        {
            shardOfGroup[g] = (int)((long)g * shards / keyGroups);
        }
    }

    public int keyGroup(final long key)
    {
        return (int)(((Row.mix(key) >>> 32) * keyGroups) >>> 32);
    }

    public int shardOfGroup(final int keyGroup)
    {
        return shardOfGroup[keyGroup];
    }

    public int shard(final long key)
    {
        return shardOfGroup[keyGroup(key)];
    }

    public int keyGroups()
    {
        return keyGroups;
    }

    public int shards()
    {
        return shards;
    }
}
