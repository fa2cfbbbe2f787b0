package io.peregrine.bench.state;

import java.util.SplittableRandom;

/**
 * Precomputed key sequences for the state benchmarks: key {@code i} of a table of {@code n} keys is
 * {@link #key(long)} of {@code i} (a bijective mix, so keys look random and are not clustered for any
 * hash function), drawn uniformly or Zipf-skewed (YCSB's scrambled Zipfian, theta 0.99).
 */
public final class KeyStreams
{
    /** Length of a precomputed stream; a power of two. */
    public static final int STREAM_LENGTH = 1 << 22;
    /** Zipf exponent of YCSB's default distribution. */
    public static final double ZIPF_THETA = 0.99;

    private KeyStreams()
    {
    }

    /**
     * @param i index of the key, 0..n-1.
     * @return the key: SplitMix64's finaliser of {@code i}, a bijection on longs.
     */
    public static long key(final long i)
    {
        long z = i + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * @param keys         number of keys in the table.
     * @param distribution "uniform" or "zipf".
     * @param seed         random seed.
     * @return {@link #STREAM_LENGTH} keys, each one of the table's keys.
     */
    public static long[] stream(final long keys, final String distribution, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] stream = new long[STREAM_LENGTH];
        if ("uniform".equals(distribution))
        {
            for (int i = 0; i < STREAM_LENGTH; i++)
            {
                stream[i] = key(random.nextLong(keys));
            }
        }
        else if ("zipf".equals(distribution))
        {
            final double zetan = zeta(keys, ZIPF_THETA);
            final double zeta2 = zeta(2, ZIPF_THETA);
            final double alpha = 1.0 / (1.0 - ZIPF_THETA);
            final double eta = (1 - Math.pow(2.0 / keys, 1 - ZIPF_THETA)) / (1 - zeta2 / zetan);
            final double half = 1.0 + Math.pow(0.5, ZIPF_THETA);
            for (int i = 0; i < STREAM_LENGTH; i++)
            {
                final double u = random.nextDouble();
                final double uz = u * zetan;
                final long rank;
                if (uz < 1.0)
                {
                    rank = 0;
                }
                else if (uz < half)
                {
                    rank = 1;
                }
                else
                {
                    rank = Math.min(keys - 1, (long)(keys * Math.pow(eta * u - eta + 1, alpha)));
                }
                // Scramble: the hot ranks are spread over the key space, not the first keys.
                stream[i] = key(Math.floorMod(key(rank), keys));
            }
        }
        else
        {
            throw new IllegalArgumentException("distribution must be uniform or zipf: " + distribution);
        }
        return stream;
    }

    private static double zeta(final long n, final double theta)
    {
        double sum = 0;
        for (long i = 1; i <= n; i++)
        {
            sum += 1.0 / Math.pow(i, theta);
        }
        return sum;
    }
}
