package io.peregrine.bench.join;

import io.peregrine.api.Row;

/**
 * An order-independent digest of as-of join rows (a sum of mixed hashes, and a count), folded by the engine's sink
 * on each shard and by the baseline, compared after a run.
 */
final class AsOfDigest
{
    long rows;
    long sum;

    void add(final long instrument, final long ts, final long qty, final long quoteTs, final double bps)
    {
        rows++;
        sum += Row.mix(Row.mix(Row.mix(Row.mix(instrument * 31 + ts) ^ qty) ^ quoteTs) ^ Double.doubleToLongBits(bps));
    }

    synchronized void merge(final AsOfDigest other)
    {
        rows += other.rows;
        sum += other.sum;
    }

    boolean same(final AsOfDigest other)
    {
        return rows == other.rows && sum == other.sum;
    }

    public String toString()
    {
        return String.format("%,d rows, digest %016x", rows, sum);
    }
}
