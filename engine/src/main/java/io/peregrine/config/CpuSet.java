package io.peregrine.config;

import java.util.Arrays;
import java.util.BitSet;

/**
 * A list of CPUs in the form Linux's {@code taskset -c} and {@code isolcpus} take: {@code 2-5}, {@code 0,2,4},
 * {@code 1,4-6}; empty for none. Shard {@code i} of a job with CPUs is pinned to the {@code i}-th CPU of the list
 * (round robin when there are more shards than CPUs).
 */
public final class CpuSet
{
    /** No CPUs: threads are not pinned. */
    public static final CpuSet NONE = new CpuSet(new int[0]);

    private final int[] cpus;

    private CpuSet(final int[] cpus)
    {
        this.cpus = cpus;
    }

    /**
     * @param text such as {@code 2-5} or {@code 0,2,4}; blank or {@code none} for none.
     * @return the set, in the order written, each CPU once.
     * @throws IllegalArgumentException naming the part that is not a CPU or a range of CPUs.
     */
    public static CpuSet parse(final String text)
    {
        final String trimmed = text.trim();
        if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("none"))
        {
            return NONE;
        }
        final BitSet seen = new BitSet();
        final int[] list = new int[1024];
        int n = 0;
        for (final String part : trimmed.split(","))
        {
            final String p = part.trim();
            final int dash = p.indexOf('-');
            final int from;
            final int to;
            try
            {
                from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).trim());
            }
            catch (final NumberFormatException e)
            {
                throw new IllegalArgumentException("'" + p + "' in CPU list '" + text + "' is not a CPU number or a " +
                    "range such as 2-5");
            }
            if (from < 0 || to < from || to >= list.length)
            {
                throw new IllegalArgumentException("'" + p + "' in CPU list '" + text + "' is not a range of CPUs " +
                    "from 0 to " + (list.length - 1));
            }
            for (int cpu = from; cpu <= to; cpu++)
            {
                if (!seen.get(cpu))
                {
                    seen.set(cpu);
                    list[n++] = cpu;
                }
            }
        }
        return new CpuSet(Arrays.copyOf(list, n));
    }

    /**
     * @return true if no CPU is listed.
     */
    public boolean isEmpty()
    {
        return cpus.length == 0;
    }

    /**
     * @return CPUs listed.
     */
    public int size()
    {
        return cpus.length;
    }

    /**
     * @param shard a shard.
     * @return the CPU it is pinned to: the shard-th of the list, round robin.
     */
    public int cpuOf(final int shard)
    {
        return cpus[shard % cpus.length];
    }

    /**
     * @return the largest CPU listed, -1 if none.
     */
    public int max()
    {
        int max = -1;
        for (final int cpu : cpus)
        {
            max = Math.max(max, cpu);
        }
        return max;
    }

    public boolean equals(final Object o)
    {
        return o instanceof CpuSet && Arrays.equals(cpus, ((CpuSet)o).cpus);
    }

    public int hashCode()
    {
        return Arrays.hashCode(cpus);
    }

    /**
     * @return the list as {@link #parse} takes it, {@code none} if empty.
     */
    public String toString()
    {
        if (cpus.length == 0)
        {
            return "none";
        }
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < cpus.length; i++)
        {
            int j = i;
            while (j + 1 < cpus.length && cpus[j + 1] == cpus[j] + 1)
            {
                j++;
            }
            if (b.length() > 0)
            {
                b.append(',');
            }
            b.append(cpus[i]);
            if (j > i)
            {
                b.append('-').append(cpus[j]);
            }
            i = j;
        }
        return b.toString();
    }
}
