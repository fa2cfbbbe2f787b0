package io.peregrine.bench.report;

import java.util.List;

/**
 * What a profile of one workload at one shard count says, for the report's "Where the time goes" table: the top
 * self frames with their shares, and the files (relative to the report folder) holding the flame graph and the
 * full flat profile and stacks.
 */
public final class ProfileSummary
{
    private final String workload;
    private final int shards;
    private final int rounds;
    private final long total;
    private final String unit;
    private final List<FrameShare> top;
    private final String flameGraph;
    private final String text;

    /**
     * A frame and its share of the profile.
     */
    public static final class FrameShare
    {
        private final String frame;
        private final double percent;

        /**
         * @param frame   frame name, as short as is still clear ({@code ShardAgent.doWork}).
         * @param percent share of all samples (or bytes) with this frame on top, 0-100.
         */
        public FrameShare(final String frame, final double percent)
        {
            this.frame = frame;
            this.percent = percent;
        }

        /**
         * @return frame name.
         */
        public String frame()
        {
            return frame;
        }

        /**
         * @return share in percent.
         */
        public double percent()
        {
            return percent;
        }
    }

    /**
     * @param workload   workload name, as in the throughput table ({@code chain}, {@code q5}).
     * @param shards     engine shard count.
     * @param rounds     profiled rounds merged.
     * @param total      samples (or bytes) in all.
     * @param unit       what {@code total} counts: {@code samples} or {@code bytes}.
     * @param top        the top self frames, largest first.
     * @param flameGraph flame-graph file, relative to the report folder.
     * @param text       flat profile and stacks file, relative to the report folder.
     */
    public ProfileSummary(
        final String workload,
        final int shards,
        final int rounds,
        final long total,
        final String unit,
        final List<FrameShare> top,
        final String flameGraph,
        final String text)
    {
        this.workload = workload;
        this.shards = shards;
        this.rounds = rounds;
        this.total = total;
        this.unit = unit;
        this.top = List.copyOf(top);
        this.flameGraph = flameGraph;
        this.text = text;
    }

    public String workload()
    {
        return workload;
    }

    public int shards()
    {
        return shards;
    }

    public int rounds()
    {
        return rounds;
    }

    public long total()
    {
        return total;
    }

    public String unit()
    {
        return unit;
    }

    public List<FrameShare> top()
    {
        return top;
    }

    public String flameGraph()
    {
        return flameGraph;
    }

    public String text()
    {
        return text;
    }
}
