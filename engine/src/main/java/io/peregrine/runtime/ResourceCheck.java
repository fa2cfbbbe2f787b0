package io.peregrine.runtime;

import io.peregrine.config.JobContext;
import io.peregrine.config.Settings;
import io.peregrine.config.StateBackend;
import io.peregrine.plan.Node;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Refuses a job whose shards cannot get the memory they allocate when they start, before anything is allocated: the
 * exchange rings (a ring per producer and consumer shard pair of every {@code keyBy}) and the operators' output
 * rows come from direct memory (bounded by {@code -XX:MaxDirectMemorySize}, by default the heap's maximum); keyed
 * state starts with {@code peregrine.state.initial.capacity} slots per table, in native memory (the {@code direct}
 * backend) or in files under the state directory (the {@code mapped} backend). What a job needs later, as state
 * grows, is checked as it grows; this is the part every shard needs at once, a lower bound.
 */
final class ResourceCheck
{
    /** The smallest slot of a keyed-state table: its state word, its key and a value of 8 bytes. */
    static final int MIN_SLOT_BYTES = 24;
    /** The header of a mapped state file. */
    static final int STATE_FILE_HEADER = 4096;

    /**
     * What the machine offers, measured or (in tests) given.
     *
     * @param maxDirect    bytes of direct memory the JVM may allocate.
     * @param usedDirect   bytes of it in use.
     * @param freeDisk     bytes usable in the state directory, {@code Long.MAX_VALUE} if not known.
     */
    record Limits(long maxDirect, long usedDirect, long freeDisk)
    {
    }

    /**
     * What one shard needs when it starts.
     *
     * @param rings      bytes of the exchange rings it reads.
     * @param rows       bytes of its operators' output rows.
     * @param stateTables keyed-state tables it opens.
     * @param state      bytes of their initial slots (and file headers, mapped).
     */
    record Need(long rings, long rows, int stateTables, long state)
    {
        long direct()
        {
            return rings + rows;
        }
    }

    private ResourceCheck()
    {
    }

    /**
     * @param nodes   of the job.
     * @param context its settings.
     * @return what each shard needs when it starts.
     */
    static Need need(final List<Node> nodes, final JobContext context)
    {
        final int shards = context.shards();
        int exchanges = 0;
        int writers = 0;
        int tables = 0;
        for (final Node node : nodes)
        {
            if (node.kind == Node.Kind.KEY_BY)
            {
                exchanges++;
            }
            else if (node.kind != Node.Kind.SOURCE && node.kind != Node.Kind.SINK)
            {
                writers++;
            }
            if (node.isKeyed())
            {
                tables++;
            }
        }
        final long rings = (long)exchanges * (shards - 1) * context.ringLength();
        final long rows = (long)writers * ((context.maxRowLength() + 63) & ~63);
        long perTable = (long)context.stateInitialCapacity() * MIN_SLOT_BYTES;
        if (context.stateBackend() == StateBackend.MAPPED)
        {
            perTable += STATE_FILE_HEADER;
        }
        return new Need(rings, rows, tables, tables * perTable);
    }

    /**
     * @param context the job's settings.
     * @return the limits of this JVM and machine.
     */
    static Limits measure(final JobContext context)
    {
        long used = 0;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                used = pool.getMemoryUsed();
            }
        }
        long freeDisk = Long.MAX_VALUE;
        if (context.stateBackend() == StateBackend.MAPPED && context.stateFactory() == null)
        {
            Path dir = context.stateDir().toAbsolutePath();
            while (dir != null && !Files.exists(dir))
            {
                dir = dir.getParent();
            }
            if (dir != null)
            {
                try
                {
                    freeDisk = Files.getFileStore(dir).getUsableSpace();
                }
                catch (final IOException e)
                {
                    freeDisk = Long.MAX_VALUE; // not known: growth checks each file as it grows
                }
            }
        }
        return new Limits(maxDirectMemory(), used, freeDisk);
    }

    /**
     * @return {@code -XX:MaxDirectMemorySize}, or the heap's maximum when it is not set (the JVM's default).
     */
    static long maxDirectMemory()
    {
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("-XX:MaxDirectMemorySize="))
            {
                final long bytes = parseSize(argument.substring("-XX:MaxDirectMemorySize=".length()));
                if (bytes > 0)
                {
                    return bytes;
                }
            }
        }
        return Runtime.getRuntime().maxMemory();
    }

    static long parseSize(final String text)
    {
        try
        {
            final char unit = Character.toLowerCase(text.charAt(text.length() - 1));
            final int shift = unit == 'k' ? 10 : unit == 'm' ? 20 : unit == 'g' ? 30 : unit == 't' ? 40 : 0;
            final String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
            return Long.parseLong(digits) << shift;
        }
        catch (final RuntimeException e)
        {
            return -1;
        }
    }

    /**
     * @param job     name.
     * @param nodes   of the job.
     * @param context its settings.
     * @param limits  what the machine offers.
     * @throws IllegalStateException naming what each shard needs and what is available, if the shards cannot start.
     */
    static void check(final String job, final List<Node> nodes, final JobContext context, final Limits limits)
    {
        final int shards = context.shards();
        final Need need = need(nodes, context);
        // Against the maximum, not what is free: direct buffers of jobs that ended are freed by the next GC, which the
        // JVM runs when an allocation would pass the maximum.
        final long available = limits.maxDirect();
        if (need.direct() > 0 && need.direct() > available / shards)
        {
            throw new IllegalStateException("job '" + job + "' cannot start " + shards + " shard(s): each needs " +
                bytes(need.direct()) + " of direct memory (exchange rings " + bytes(need.rings()) + ": " +
                (shards - 1) + " producer shard(s) x " + bytes(context.ringLength()) + " per keyBy; output rows " +
                bytes(need.rows()) + "), " + bytes(need.direct() * shards) + " in all, and this JVM has " +
                bytes(available) + " of direct memory (MaxDirectMemorySize; " + bytes(limits.usedDirect()) +
                " in use now; heap maximum " + bytes(Runtime.getRuntime().maxMemory()) + "). Run fewer shards (" +
                Settings.SHARDS.key() + "), smaller rings (" + Settings.RING_CAPACITY.key() + ") or give the JVM " +
                "more (-XX:MaxDirectMemorySize, or -Xmx, its default)");
        }
        if (context.stateBackend() == StateBackend.MAPPED && need.state() * shards > limits.freeDisk())
        {
            throw new IllegalStateException("job '" + job + "' cannot start " + shards + " shard(s): each opens " +
                need.stateTables() + " keyed-state file(s) of at least " + bytes(need.state()) + " (" +
                Settings.STATE_INITIAL_CAPACITY.key() + "=" + context.stateInitialCapacity() + " slots), " +
                bytes(need.state() * shards) + " in all, and " + context.stateDir().toAbsolutePath() + " has " +
                bytes(limits.freeDisk()) + " free. Free disk space, set " + Settings.STATE_DIR.key() +
                " to a larger disk, or run fewer shards");
        }
    }

    /**
     * @return bytes in binary units, e.g. {@code 1.5 GiB (1610612736 bytes)}.
     */
    static String bytes(final long bytes)
    {
        final String[] units = { "KiB", "MiB", "GiB", "TiB", "PiB" };
        if (bytes < 1024)
        {
            return bytes + " bytes";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return String.format("%.1f %s (%d bytes)", value, units[unit], bytes);
    }
}
