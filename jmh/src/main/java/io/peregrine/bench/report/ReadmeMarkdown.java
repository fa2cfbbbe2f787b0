package io.peregrine.bench.report;

import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code README.md} of a benchmark report: the throughput table (engine and baseline median with min-max over
 * the rounds, ratio engine/baseline with its spread, allocation and CPU per event), the latency table (p50, p99,
 * p99.9, p99.99 and max, linking each {@code .hgrm} file), the notes passed in, then the optional "Where the time
 * goes" (top self frames per profiled workload) and "Microbenchmarks (JMH)" sections.
 */
final class ReadmeMarkdown
{
    private final List<String> notes = new ArrayList<>();
    private String title = "Peregrine Nexmark benchmark";
    private String profileDescription;
    private List<ProfileSummary> profiles = List.of();
    private String microDescription;
    private List<MicroResult> micro = List.of();
    private List<String> microFiles = List.of();

    /**
     * @param title heading of the README.
     */
    void title(final String title)
    {
        this.title = title;
    }

    /**
     * @param markdown a paragraph to add after the tables.
     */
    void note(final String markdown)
    {
        notes.add(markdown);
    }

    /**
     * @param description which profiler and event ran and how, or why profiling was off.
     * @param summaries   one per profiled workload and shard count.
     */
    void profiles(final String description, final List<ProfileSummary> summaries)
    {
        this.profileDescription = description;
        this.profiles = List.copyOf(summaries);
    }

    /**
     * @param description how JMH ran (forks, iterations, profilers).
     * @param results     one per benchmark and parameter set.
     * @param rawFiles    files JMH wrote into the folder, linked from the section.
     */
    void microbenchmarks(final String description, final List<MicroResult> results, final List<String> rawFiles)
    {
        this.microDescription = description;
        this.micro = List.copyOf(results);
        this.microFiles = List.copyOf(rawFiles);
    }

    /**
     * @param results    measurements, in report order.
     * @param hgrmFiles  the {@code .hgrm} file of each measurement with a latency histogram, in the same order.
     * @param throughput whether to write the throughput table (some measurement is not fixed-rate).
     * @param latency    whether to write the latency table.
     * @param chart      whether {@code latency.png} was drawn.
     * @return the markdown of {@code README.md}.
     */
    String render(
        final List<QueryMeasurement> results,
        final List<String> hgrmFiles,
        final boolean throughput,
        final boolean latency,
        final boolean chart)
    {
        final StringBuilder sb = new StringBuilder(4096);
        sb.append("# ").append(title).append("\n\n");
        sb.append("Written ").append(Instant.now()).append(". Environment, command and settings: ")
            .append("[environment.md](environment.md).\n\n");
        sb.append("Engine and baseline ran interleaved in the same process; the ratio is the figure to quote ")
            .append("(absolute events/s move by tens of percent between runs on shared machines). Values are the ")
            .append("median over the rounds with min-max in brackets.\n\n");

        if (throughput)
        {
            sb.append("## Throughput\n\n");
            sb.append("| query | shards | rounds | engine events/s | baseline events/s | engine / baseline | engine B/event | " +
                "CPU ns/event engine / baseline | CPU ratio |\n");
            sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (final QueryMeasurement m : results)
            {
                if (ReportWriter.isFixedRate(m))
                {
                    continue;
                }
                final double[] engine = m.engineEventsPerSecond();
                final double[] baseline = m.baselineEventsPerSecond();
                final double[] ratios = m.ratios();
                sb.append("| ").append(m.query()).append(" | ").append(m.shards()).append(" | ").append(engine.length)
                    .append(" | ").append(spread(engine, "%,.0f"))
                    .append(" | ").append(baseline.length == 0 ? "-" : spread(baseline, "%,.0f"))
                    .append(" | ").append(ratios.length == 0 ? "-" : spread(ratios, "%.2f"))
                    .append(" | ").append(bytesPerEvent(m.engineBytesPerEvent()))
                    .append(" | ").append(cpuPerEvent(m.engineCpuNanosPerEvent(), m.baselineCpuNanosPerEvent()))
                    .append(" | ").append(m.cpuRatios().length == 0 || Double.isNaN(QueryMeasurement.median(m.cpuRatios())) ?
                        "-" : spread(m.cpuRatios(), "%.2f")).append(" |\n");
            }
            sb.append("\nengine B/event: heap bytes allocated on the engine's shard threads per input event, from the JVM's ")
                .append("per-thread allocation counters over each timed run (source, operators and sinks all run on those ")
                .append("threads; the generator too).\n")
                .append("\nCPU ns/event: CPU time of all the engine's shard threads together (over the job's whole life) ")
                .append("and of the baseline's thread, per input event, medians over the rounds; CPU ratio = baseline / engine ")
                .append("per round (1.00: the engine spends as much CPU per event as the hand-written loop; at 2 shards the ")
                .append("engine's CPU is the sum over both). On a machine shared with other work these move much less than ")
                .append("events/s, which also count time spent waiting for a core.\n");
            sb.append("\n![throughput](throughput.png)\n\n");
        }

        if (latency)
        {
            sb.append("## Latency (microseconds, corrected for coordinated omission)\n\n");
            sb.append("| query | shards | input kept up | count | p50 | p99 | p99.9 | p99.99 | max | raw |\n");
            sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
            int file = 0;
            for (final QueryMeasurement m : results)
            {
                final Histogram h = m.latencyNanos();
                if (h == null)
                {
                    continue;
                }
                final String hgrm = hgrmFiles.get(file++);
                final double achieved = m.achievedEventsPerSecond();
                sb.append("| ").append(m.query()).append(" | ").append(m.shards()).append(" | ")
                    .append(Double.isNaN(achieved) ? "-" : String.format("%.0f%%", 100 * Math.min(1.0,
                        achieved / m.engineEventsPerSecond()[0])))
                    .append(" | ").append(h.getTotalCount()).append(" | ")
                    .append(micros(h.getValueAtPercentile(50.0))).append(" | ")
                    .append(micros(h.getValueAtPercentile(99.0))).append(" | ")
                    .append(micros(h.getValueAtPercentile(99.9))).append(" | ")
                    .append(micros(h.getValueAtPercentile(99.99))).append(" | ")
                    .append(micros(h.getMaxValue())).append(" | [").append(hgrm).append("](").append(hgrm)
                    .append(") |\n");
            }
            if (chart)
            {
                sb.append("\ninput kept up: the input rate the run achieved over its whole length against its schedule ")
                    .append("(100%: the engine kept pace, so the rate is sustainable; below, the latencies include a ")
                    .append("growing queue).\n");
                sb.append("\n![latency](latency.png)\n\n");
                sb.append("The x axis is 1/(1 - percentile) on a log scale, as HdrHistogram's plotter draws the ")
                    .append("`.hgrm` files: 10 = p90, 100 = p99, 1000 = p99.9; the y axis is log scale too (values ")
                    .append("below ").append(ReportCharts.LOWEST_PLOTTED_MICROS).append(" us are drawn at ")
                    .append(ReportCharts.LOWEST_PLOTTED_MICROS).append(" us).\n");
            }
        }
        for (final String note : notes)
        {
            sb.append('\n').append(note).append('\n');
        }
        appendProfiles(sb);
        appendMicrobenchmarks(sb);
        return sb.toString();
    }

    private void appendProfiles(final StringBuilder sb)
    {
        if (profileDescription == null)
        {
            return;
        }
        sb.append("\n## Where the time goes\n\n").append(profileDescription).append("\n\n");
        if (profiles.isEmpty())
        {
            return;
        }
        sb.append("A self frame is where the sampled thread was executing (for `alloc`: the type allocated, from ")
            .append("the method allocating it). The ")
            .append("figures merge every profiled round; the flame graph shows the last. Throughput of profiled runs ")
            .append("includes the profiler's overhead.\n\n");
        sb.append("| workload | shards | rounds | ").append(profiles.get(0).unit())
            .append(" | top self frames | files |\n");
        sb.append("| --- | ---: | ---: | ---: | --- | --- |\n");
        for (final ProfileSummary p : profiles)
        {
            final StringBuilder frames = new StringBuilder();
            for (final ProfileSummary.FrameShare f : p.top())
            {
                frames.append(frames.length() == 0 ? "" : "<br>").append('`').append(f.frame().replace("|", "\\|"))
                    .append("` ").append(String.format(Locale.ROOT, "%.1f%%", f.percent()));
            }
            sb.append("| ").append(p.workload()).append(" | ").append(p.shards()).append(" | ").append(p.rounds())
                .append(" | ").append(String.format(Locale.ROOT, "%,d", p.total())).append(" | ")
                .append(frames.length() == 0 ? "-" : frames).append(" | [flame graph](").append(p.flameGraph())
                .append("), [flat + stacks](").append(p.text()).append(") |\n");
        }
    }

    private void appendMicrobenchmarks(final StringBuilder sb)
    {
        if (microDescription == null)
        {
            return;
        }
        sb.append("\n## Microbenchmarks (JMH)\n\n").append(microDescription);
        if (!microFiles.isEmpty())
        {
            sb.append(" Raw output:");
            for (int i = 0; i < microFiles.size(); i++)
            {
                sb.append(i == 0 ? " " : ", ").append('[').append(microFiles.get(i)).append("](")
                    .append(microFiles.get(i)).append(')');
            }
            sb.append('.');
        }
        sb.append("\n\n");
        if (micro.isEmpty())
        {
            return;
        }
        sb.append("| benchmark | mode | score | error | unit | gc.alloc.rate.norm B/op |\n");
        sb.append("| --- | --- | ---: | ---: | --- | ---: |\n");
        for (final MicroResult r : micro)
        {
            sb.append("| ").append(r.benchmark()).append(" | ").append(r.mode()).append(" | ").append(figure(r.score()))
                .append(" | ").append(Double.isNaN(r.error()) ? "-" : "± " + figure(r.error())).append(" | ")
                .append(r.unit()).append(" | ").append(figure(r.allocatedBytesPerOp())).append(" |\n");
        }
    }

    private static String cpuPerEvent(final double[] engine, final double[] baseline)
    {
        if (engine.length == 0)
        {
            return "-";
        }
        final double e = QueryMeasurement.median(engine);
        final double b = baseline.length == 0 ? Double.NaN : QueryMeasurement.median(baseline);
        return (Double.isNaN(e) ? "-" : String.format("%.0f", e)) + " / " + (Double.isNaN(b) ? "-" : String.format("%.0f", b));
    }

    private static String bytesPerEvent(final double[] values)
    {
        if (values.length == 0)
        {
            return "-";
        }
        for (final double v : values)
        {
            if (Double.isNaN(v))
            {
                return "-";
            }
        }
        return spread(values, "%,.2f");
    }

    private static String figure(final double value)
    {
        if (Double.isNaN(value))
        {
            return "-";
        }
        final double magnitude = Math.abs(value);
        return String.format(Locale.ROOT, magnitude >= 1000 ? "%,.0f" : magnitude >= 10 ? "%.1f" : "%.3f", value);
    }

    private static String spread(final double[] values, final String format)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final String median = String.format(Locale.ROOT, format, QueryMeasurement.median(values));
        if (sorted.length == 1)
        {
            return median;
        }
        return median + " (" + String.format(Locale.ROOT, format, sorted[0]) + " - " +
            String.format(Locale.ROOT, format, sorted[sorted.length - 1]) + ")";
    }

    private static String micros(final long nanos)
    {
        return String.format(Locale.ROOT, "%,.1f", nanos / ReportWriter.NANOS_PER_MICRO);
    }

}
