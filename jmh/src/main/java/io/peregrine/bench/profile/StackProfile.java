package io.peregrine.bench.profile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stack samples of one workload at one shard count, merged over its profiled rounds: async-profiler's collapsed
 * form, one line per distinct stack, {@code root;caller;...;leaf count}, with Java classes written
 * {@code io/peregrine/runtime/ShardAgent.doWork}. The flat profile is the self count of each leaf frame: where the
 * CPU was when sampled (or, for the {@code alloc} event, which type was allocated).
 * <p>
 * Not for hot paths: allocates freely.
 */
public final class StackProfile
{
    /** Joins a leaf and its caller in {@link #topSelf(int, boolean)}. */
    public static final String FROM = " from ";

    private final Map<String, Long> stacks = new HashMap<>();
    private long total;
    private int rounds;
    private long malformed;

    /**
     * A frame and its self count.
     */
    public static final class Frame
    {
        private final String name;
        private final long count;

        Frame(final String name, final long count)
        {
            this.name = name;
            this.count = count;
        }

        /**
         * @return the frame as async-profiler names it, Java classes with dots: {@code io.peregrine.runtime.ShardAgent.doWork}.
         */
        public String name()
        {
            return name;
        }

        /**
         * @return samples (or bytes, for allocation) with this frame at the top of the stack.
         */
        public long count()
        {
            return count;
        }

        public String toString()
        {
            return name + " " + count;
        }
    }

    /**
     * Merge one round's collapsed stacks. Blank lines are skipped; a line not ending in a count is counted as
     * malformed and skipped, so a format surprise costs a line, not the run.
     *
     * @param collapsed async-profiler's {@code collapsed} output.
     * @return this.
     */
    public StackProfile add(final String collapsed)
    {
        rounds++;
        for (final String raw : collapsed.split("\n"))
        {
            final String line = raw.strip();
            if (line.isEmpty())
            {
                continue;
            }
            final int space = line.lastIndexOf(' ');
            final long count = space > 0 ? parseCount(line.substring(space + 1)) : -1;
            if (count < 0)
            {
                malformed++;
                continue;
            }
            stacks.merge(line.substring(0, space), count, Long::sum);
            total += count;
        }
        return this;
    }

    /**
     * @return the sum of all counts.
     */
    public long total()
    {
        return total;
    }

    /**
     * @return how many rounds were merged.
     */
    public int rounds()
    {
        return rounds;
    }

    /**
     * @return lines skipped as malformed.
     */
    public long malformed()
    {
        return malformed;
    }

    /**
     * @param n how many frames.
     * @return the n frames with the largest self counts, largest first (ties by name).
     */
    public List<Frame> topSelf(final int n)
    {
        return topSelf(n, false);
    }

    /**
     * @param n          how many frames.
     * @param withCaller name each leaf with its caller, {@code leaf from caller}: for allocation profiles, whose
     *                   leaf is the type allocated and whose caller is the allocation site.
     * @return the n frames (or leaf-caller pairs) with the largest self counts, largest first (ties by name).
     */
    public List<Frame> topSelf(final int n, final boolean withCaller)
    {
        final Map<String, Long> self = new HashMap<>();
        for (final Map.Entry<String, Long> e : stacks.entrySet())
        {
            final String stack = e.getKey();
            final int leaf = stack.lastIndexOf(';');
            String name = javaName(stack.substring(leaf + 1));
            if (withCaller && leaf > 0)
            {
                name += FROM + javaName(stack.substring(stack.lastIndexOf(';', leaf - 1) + 1, leaf));
            }
            self.merge(name, e.getValue(), Long::sum);
        }
        final List<Frame> frames = new ArrayList<>(self.size());
        for (final Map.Entry<String, Long> e : self.entrySet())
        {
            frames.add(new Frame(e.getKey(), e.getValue()));
        }
        frames.sort((a, b) -> a.count != b.count ? Long.compare(b.count, a.count) : a.name.compareTo(b.name));
        return frames.subList(0, Math.min(n, frames.size()));
    }

    /**
     * @param frame a frame's count.
     * @return its share of {@link #total()} in percent (0 for an empty profile).
     */
    public double percent(final Frame frame)
    {
        return total == 0 ? 0.0 : 100.0 * frame.count / total;
    }

    /**
     * The text file beside a flame graph: a heading, the flat profile (top {@code flatTop} self frames) and every
     * merged stack, most frequent first, in collapsed form (input for any flame-graph tool).
     *
     * @param heading  first lines, e.g. what was profiled and how.
     * @param unit     what a count is: {@code samples} or {@code bytes}.
     * @param flatTop  frames in the flat profile.
     * @return the text.
     */
    public String text(final String heading, final String unit, final int flatTop)
    {
        return text(heading, unit, flatTop, false);
    }

    /**
     * As {@link #text(String, String, int)}, the flat profile naming each leaf with its caller if asked.
     *
     * @param heading    first lines, e.g. what was profiled and how.
     * @param unit       what a count is: {@code samples} or {@code bytes}.
     * @param flatTop    frames in the flat profile.
     * @param withCaller see {@link #topSelf(int, boolean)}.
     * @return the text.
     */
    public String text(final String heading, final String unit, final int flatTop, final boolean withCaller)
    {
        final StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append(heading.strip()).append('\n');
        sb.append(String.format(Locale.ROOT, "%,d %s over %d round(s), %,d distinct stacks%s%n%n", total, unit, rounds,
            stacks.size(), malformed == 0 ? "" : String.format(Locale.ROOT, ", %,d malformed lines skipped", malformed)));
        sb.append("--- Flat profile: self ").append(unit).append(", top ").append(flatTop).append(" ---\n");
        sb.append(String.format(Locale.ROOT, "%15s  %7s  %s%n", unit, "percent", "frame"));
        for (final Frame frame : topSelf(flatTop, withCaller))
        {
            sb.append(String.format(Locale.ROOT, "%,15d  %6.2f%%  %s%n", frame.count, percent(frame), frame.name));
        }
        sb.append("\n--- Collapsed stacks (root;...;leaf ").append(unit).append("), most frequent first ---\n");
        final List<Map.Entry<String, Long>> sorted = new ArrayList<>(stacks.entrySet());
        sorted.sort((a, b) -> !a.getValue().equals(b.getValue()) ?
            Long.compare(b.getValue(), a.getValue()) : a.getKey().compareTo(b.getKey()));
        for (final Map.Entry<String, Long> e : sorted)
        {
            sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    /**
     * @param frame a collapsed-stack frame.
     * @return Java frames with dots for slashes ({@code io.peregrine.runtime.ShardAgent.doWork}); native frames
     * (C++ {@code ::} names, {@code [...]} markers, library paths) as they are.
     */
    public static String javaName(final String frame)
    {
        if (frame.startsWith("/") || frame.startsWith("[") || frame.contains("::") || frame.indexOf('/') < 0)
        {
            return frame;
        }
        return frame.replace('/', '.');
    }

    /**
     * @param frame a frame named by {@link #javaName(String)}.
     * @return the frame without its package, for tables: {@code ShardAgent.doWork}.
     */
    public static String shortName(final String frame)
    {
        final int from = frame.indexOf(FROM);
        if (from > 0)
        {
            return shortName(frame.substring(0, from)) + FROM + shortName(frame.substring(from + FROM.length()));
        }
        if (frame.startsWith("/") || frame.startsWith("[") || frame.contains("::"))
        {
            return frame;
        }
        // The package is the lower-case dotted prefix before the class name, which starts with a capital letter.
        int start = 0;
        int dot;
        while ((dot = frame.indexOf('.', start)) > 0 && dot + 1 < frame.length() && Character.isLowerCase(frame.charAt(start)))
        {
            start = dot + 1;
        }
        return start > 0 && start < frame.length() && Character.isUpperCase(frame.charAt(start)) ? frame.substring(start) : frame;
    }

    private static long parseCount(final String text)
    {
        if (text.isEmpty() || text.length() > 18)
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
