package io.peregrine.exchange;

import io.peregrine.api.Row;

/**
 * Key -> key group -> shard. The number of key groups is fixed for the life of the state (so state
 * can be re-spread when the shard count changes); contiguous ranges of groups map to shards, as
 * in Flink's {@code KeyGroupRangeAssignment}.
 */
public final class KeyGroupRouter
{
    private final int keyGroups;
    private final int shards;

    public KeyGroupRouter(final int keyGroups, final int shards)
    {
        this.keyGroups = keyGroups;
        this.shards = shards;
    }

    public int keyGroup(final long key)
    {
        return (int)((Row.mix(key) >>> 1) % keyGroups);
    }

    public int shardOfGroup(final int keyGroup)
    {
        return (int)((long)keyGroup * shards / keyGroups);
    }

    public int shard(final long key)
    {
        return shardOfGroup(keyGroup(key));
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
