package io.peregrine.bench.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Writes a benchmark report folder from measured results:
 * <ul>
 *     <li>{@code README.md}: throughput per query and shard count (engine and baseline median with min-max over the
 *     rounds, ratio engine/baseline with its spread) and latency p50, p99, p99.9, p99.99 and max, then the notes
 *     passed in ({@link #note(String)});</li>
 *     <li>{@code throughput.png}: bar chart of median events/s per query, one series per shard count plus the
 *     baseline;</li>
 *     <li>{@code latency.png}: latency by percentile on a log x axis, x = 1/(1 - percentile), as HdrHistogram's
 *     plotter draws {@code .hgrm} files, and a log y axis; one panel per workload (the part of a measurement's name
 *     before {@code @}, e.g. {@code q5} for {@code q5@1200k}), one line per rate and shard count;</li>
 *     <li>{@code latency-<query>-<shards>shards.hgrm}: {@link Histogram#outputPercentileDistribution(PrintStream,
 *     Double)} in microseconds;</li>
 *     <li>{@code environment.md}: CPU, cores, memory, OS and kernel, JVM and its arguments, git commit, the command
 *     and every setting passed in;</li>
 *     <li>when given, a "Where the time goes" section (top self frames per profiled workload, linking the flame
 *     graphs and flat profiles a {@code WorkloadProfiler} wrote to {@code profiles/}) and a "Microbenchmarks (JMH)"
 *     table (score, error, allocation per operation; linking the raw JMH JSON and text).</li>
 * </ul>
 * A measurement at a fixed rate (a latency histogram and no baseline) is a latency result only: it appears in the
 * latency table and plot, not in the throughput table and chart (its "events/s" would only repeat the rate that was
 * set, which its name carries).
 * <p>
 * Not for hot paths: allocates freely.
 */
public final class ReportWriter
{
    private static final double NANOS_PER_MICRO = 1000.0;
    private static final int CHART_WIDTH = 1000;
    private static final int CHART_HEIGHT = 600;
    private static final int PANEL_WIDTH = 600;
    private static final int PANEL_HEIGHT = 400;
    private static final int PANEL_COLUMNS = 3;
    private static final double LOWEST_PLOTTED_MICROS = 0.1;

    private final Path folder;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private String title = "Peregrine Nexmark benchmark";
    private String command = "";
    private Path gitDirectory = Path.of(".");
    private String profileDescription;
    private List<ProfileSummary> profiles = List.of();
    private String microDescription;
    private List<MicroResult> micro = List.of();
    private List<String> microFiles = List.of();

    /**
     * @param folder report folder, created if missing.
     */
    public ReportWriter(final Path folder)
    {
        this.folder = folder;
    }

    /**
     * @param title heading of the README.
     * @return this for a fluent API.
     */
    public ReportWriter title(final String title)
    {
        this.title = title;
        return this;
    }

    /**
     * @param command the exact command line that produced the results.
     * @return this for a fluent API.
     */
    public ReportWriter command(final String command)
    {
        this.command = command;
        return this;
    }

    /**
     * Record one setting of the run (rate, events, rounds, generator config, ...).
     *
     * @param name  setting name.
     * @param value setting value.
     * @return this for a fluent API.
     */
    public ReportWriter setting(final String name, final Object value)
    {
        settings.put(name, String.valueOf(value));
        return this;
    }

    /**
     * Add a paragraph to the README after the tables, e.g. what a latency is measured from.
     *
     * @param markdown the paragraph.
     * @return this for a fluent API.
     */
    public ReportWriter note(final String markdown)
    {
        notes.add(markdown);
        return this;
    }

    /**
     * @param m a measurement.
     * @return true if it was taken at a fixed rate: a latency histogram and no baseline.
     */
    static boolean isFixedRate(final QueryMeasurement m)
    {
        return m.latencyNanos() != null && m.baselineEventsPerSecond().length == 0;
    }

    /**
     * @param directory where to ask {@code git rev-parse HEAD} for the commit (default: the working directory).
     * @return this for a fluent API.
     */
    public ReportWriter gitDirectory(final Path directory)
    {
        this.gitDirectory = directory;
        return this;
    }

    /**
     * Add the "Where the time goes" section.
     *
     * @param description which profiler and event ran and how, or why profiling was off.
     * @param summaries   one per profiled workload and shard count; their files must already be in the folder.
     * @return this for a fluent API.
     */
    public ReportWriter profiles(final String description, final List<ProfileSummary> summaries)
    {
        this.profileDescription = description;
        this.profiles = List.copyOf(summaries);
        return this;
    }

    /**
     * Add the "Microbenchmarks (JMH)" section.
     *
     * @param description how JMH ran (forks, iterations, profilers).
     * @param results     one per benchmark and parameter set.
     * @param rawFiles    files JMH wrote into the folder (JSON, text), linked from the section.
     * @return this for a fluent API.
     */
    public ReportWriter microbenchmarks(final String description, final List<MicroResult> results, final List<String> rawFiles)
    {
        this.microDescription = description;
        this.micro = List.copyOf(results);
        this.microFiles = List.copyOf(rawFiles);
        return this;
    }

    /**
     * Write the report.
     *
     * @param results measurements, in the order to report them.
     * @return the README path.
     * @throws IOException if a file cannot be written.
     */
    public Path write(final List<QueryMeasurement> results) throws IOException
    {
        Files.createDirectories(folder);
        final List<String> hgrmFiles = writeHistograms(results);
        final boolean hasThroughput = results.stream().anyMatch((m) -> !isFixedRate(m));
        if (hasThroughput)
        {
            writeThroughputChart(results);
        }
        final boolean hasLatency = !hgrmFiles.isEmpty();
        final boolean hasLatencyChart = hasLatency && writeLatencyChart(results);
        Files.writeString(folder.resolve("environment.md"), environment(), StandardCharsets.UTF_8);
        final Path readme = folder.resolve("README.md");
        Files.writeString(readme, readme(results, hgrmFiles, hasThroughput, hasLatency, hasLatencyChart), StandardCharsets.UTF_8);
        return readme;
    }

    private String readme(
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
                if (isFixedRate(m))
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
                    .append("below ").append(LOWEST_PLOTTED_MICROS).append(" us are drawn at ")
                    .append(LOWEST_PLOTTED_MICROS).append(" us).\n");
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

    private List<String> writeHistograms(final List<QueryMeasurement> results) throws IOException
    {
        final List<String> files = new ArrayList<>();
        for (final QueryMeasurement m : results)
        {
            final Histogram h = m.latencyNanos();
            if (h == null)
            {
                continue;
            }
            final String name = "latency-" + m.query() + "-" + m.shards() + "shards.hgrm";
            try (PrintStream out = new PrintStream(Files.newOutputStream(folder.resolve(name)), false,
                StandardCharsets.UTF_8))
            {
                h.outputPercentileDistribution(out, NANOS_PER_MICRO);
            }
            files.add(name);
        }
        return files;
    }

    private void writeThroughputChart(final List<QueryMeasurement> results) throws IOException
    {
        final List<String> queries = new ArrayList<>();
        final TreeSet<Integer> shardCounts = new TreeSet<>();
        for (final QueryMeasurement m : results)
        {
            if (isFixedRate(m))
            {
                continue;
            }
            if (!queries.contains(m.query()))
            {
                queries.add(m.query());
            }
            shardCounts.add(m.shards());
        }

        final CategoryChart chart = new CategoryChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT)
            .title("Throughput (median of rounds)").xAxisTitle("query").yAxisTitle("events/s").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisDecimalPattern("#,###");

        final List<Double> baseline = new ArrayList<>();
        boolean hasBaseline = false;
        for (final String query : queries)
        {
            double value = 0;
            for (final QueryMeasurement m : results)
            {
                if (m.query().equals(query) && m.baselineEventsPerSecond().length > 0)
                {
                    value = QueryMeasurement.median(m.baselineEventsPerSecond());
                    hasBaseline = true;
                    break;
                }
            }
            baseline.add(value);
        }
        if (hasBaseline)
        {
            chart.addSeries("baseline (1 thread)", queries, baseline);
        }
        for (final int shards : shardCounts)
        {
            final List<Double> values = new ArrayList<>();
            for (final String query : queries)
            {
                double value = 0;
                for (final QueryMeasurement m : results)
                {
                    if (m.query().equals(query) && m.shards() == shards && !isFixedRate(m))
                    {
                        value = QueryMeasurement.median(m.engineEventsPerSecond());
                    }
                }
                values.add(value);
            }
            chart.addSeries("engine, " + shards + (shards == 1 ? " shard" : " shards"), queries, values);
        }
        BitmapEncoder.saveBitmap(chart, folder.resolve("throughput.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private boolean writeLatencyChart(final List<QueryMeasurement> results) throws IOException
    {
        final Map<String, List<QueryMeasurement>> byWorkload = new LinkedHashMap<>();
        for (final QueryMeasurement m : results)
        {
            if (m.latencyNanos() != null && m.latencyNanos().getTotalCount() > 0)
            {
                byWorkload.computeIfAbsent(workload(m.query()), (k) -> new ArrayList<>()).add(m);
            }
        }
        if (byWorkload.isEmpty())
        {
            return false;
        }
        final boolean single = byWorkload.size() == 1;
        final List<XYChart> charts = new ArrayList<>();
        for (final Map.Entry<String, List<QueryMeasurement>> workload : byWorkload.entrySet())
        {
            final XYChart chart = new XYChartBuilder()
                .width(single ? CHART_WIDTH : PANEL_WIDTH).height(single ? CHART_HEIGHT : PANEL_HEIGHT)
                .title("Latency by percentile: " + workload.getKey())
                .xAxisTitle("1/(1 - percentile): 10 = p90, 100 = p99, 1000 = p99.9, ...")
                .yAxisTitle("latency (us)").build();
            // No tick-label formatting function: XChart then falls back to a linear tick calculator.
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setYAxisLogarithmic(true);
            // Percentile curves rise to the right: the lower right corner is the emptiest.
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
            double lowest = Double.MAX_VALUE;
            double highest = LOWEST_PLOTTED_MICROS;
            for (final QueryMeasurement m : workload.getValue())
            {
                final double[] range = addPercentileSeries(chart, m);
                lowest = Math.min(lowest, range[0]);
                highest = Math.max(highest, range[1]);
            }
            // Whole decades, so that even a panel whose values lie within one decade has labelled ticks.
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(lowest))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(highest * 1.0001))));
            charts.add(chart);
        }
        final String file = folder.resolve("latency.png").toString();
        if (single)
        {
            BitmapEncoder.saveBitmap(charts.get(0), file, BitmapEncoder.BitmapFormat.PNG);
        }
        else
        {
            // XChart's own matrix wants a full grid; a last row with gaps is drawn here instead.
            final int columns = Math.min(PANEL_COLUMNS, charts.size());
            final int rows = (charts.size() + columns - 1) / columns;
            final BufferedImage grid = new BufferedImage(columns * PANEL_WIDTH, rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
            final Graphics2D g = grid.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < charts.size(); i++)
            {
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)),
                    (i % columns) * PANEL_WIDTH, (i / columns) * PANEL_HEIGHT, null);
            }
            g.dispose();
            ImageIO.write(grid, "png", new File(file));
        }
        return true;
    }

    /**
     * @return the lowest and highest value drawn, microseconds.
     */
    private static double[] addPercentileSeries(final XYChart chart, final QueryMeasurement m)
    {
        final Histogram h = m.latencyNanos();
        final List<Double> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        for (final HistogramIterationValue v : h.percentiles(5))
        {
            final double percentile = v.getPercentileLevelIteratedTo();
            if (percentile >= 100.0)
            {
                break;
            }
            x.add(1.0 / (1.0 - percentile / 100.0));
            y.add(Math.max(LOWEST_PLOTTED_MICROS, h.highestEquivalentValue(v.getValueIteratedTo()) / NANOS_PER_MICRO));
        }
        if (x.isEmpty())
        {
            x.add(1.0);
            y.add(Math.max(LOWEST_PLOTTED_MICROS, h.getMaxValue() / NANOS_PER_MICRO));
        }
        final XYSeries series = chart.addSeries(m.query() + ", " + m.shards() + " shards", x, y);
        series.setMarker(SeriesMarkers.NONE);
        return new double[]{ Collections.min(y), Collections.max(y) };
    }

    /**
     * @param query a measurement's name, e.g. {@code q5@1200k} or {@code trading@1000k}.
     * @return the workload it belongs to: the part before {@code @}.
     */
    static String workload(final String query)
    {
        final int at = query.indexOf('@');
        return at < 0 ? query : query.substring(0, at);
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
        return String.format(Locale.ROOT, "%,.1f", nanos / NANOS_PER_MICRO);
    }

    /**
     * Write only {@code environment.md} (machine, JVM, commit, command, settings), for a report whose README its
     * benchmark writes itself.
     *
     * @return the file.
     */
    public Path writeEnvironment() throws IOException
    {
        Files.createDirectories(folder);
        final Path file = folder.resolve("environment.md");
        Files.writeString(file, environment(), StandardCharsets.UTF_8);
        return file;
    }

    private String environment()
    {
        final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        final StringBuilder sb = new StringBuilder(2048);
        sb.append("# Environment\n\n");
        sb.append("| item | value |\n| --- | --- |\n");
        row(sb, "CPU model", cpuModel());
        row(sb, "cores (available to the JVM)", String.valueOf(Runtime.getRuntime().availableProcessors()));
        row(sb, "logical processors (/proc/cpuinfo)", String.valueOf(countCpuInfo("processor")));
        row(sb, "memory (/proc/meminfo MemTotal)", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        row(sb, "OS", osName());
        row(sb, "kernel", System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")");
        row(sb, "JVM", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " " +
            System.getProperty("java.runtime.version", System.getProperty("java.version")));
        row(sb, "JVM max heap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        row(sb, "JVM input arguments", "`" + String.join(" ", runtime.getInputArguments()) + "`");
        row(sb, "git commit", gitCommit());
        row(sb, "command", command.isEmpty() ? "-" : "`" + command + "`");
        row(sb, "written", Instant.now().toString());
        sb.append("\n## Settings\n\n");
        if (settings.isEmpty())
        {
            sb.append("(none passed in)\n");
        }
        else
        {
            sb.append("| setting | value |\n| --- | --- |\n");
            for (final Map.Entry<String, String> e : settings.entrySet())
            {
                row(sb, e.getKey(), e.getValue());
            }
        }
        return sb.toString();
    }

    private static void row(final StringBuilder sb, final String name, final String value)
    {
        sb.append("| ").append(name).append(" | ").append(value.replace("|", "\\|").replace("\n", "<br>"))
            .append(" |\n");
    }

    private static String cpuModel()
    {
        final String model = firstValue(Path.of("/proc/cpuinfo"), "model name");
        return model.equals("unknown") ? System.getProperty("os.arch") + " (no model name in /proc/cpuinfo)" : model;
    }

    private static int countCpuInfo(final String key)
    {
        try
        {
            int count = 0;
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8))
            {
                if (line.startsWith(key) && line.substring(key.length()).trim().startsWith(":"))
                {
                    count++;
                }
            }
            return count;
        }
        catch (final IOException | RuntimeException ex)
        {
            return 0;
        }
    }

    private static String firstValue(final Path file, final String key)
    {
        try
        {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
            {
                if (line.startsWith(key))
                {
                    final int colon = line.indexOf(':');
                    if (colon > 0)
                    {
                        return line.substring(colon + 1).trim();
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // Not Linux, or not readable: reported as unknown.
        }
        return "unknown";
    }

    private static String osName()
    {
        String pretty = "";
        try
        {
            for (final String line : Files.readAllLines(Path.of("/etc/os-release"), StandardCharsets.UTF_8))
            {
                if (line.startsWith("PRETTY_NAME="))
                {
                    pretty = " - " + line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // No os-release: the JVM's name is enough.
        }
        return System.getProperty("os.name") + pretty;
    }

    private String gitCommit()
    {
        try
        {
            final Process process = new ProcessBuilder("git", "rev-parse", "HEAD")
                .directory(gitDirectory.toFile()).redirectErrorStream(true).start();
            final String output;
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                output = reader.readLine();
            }
            if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 && output != null)
            {
                return output.trim();
            }
            process.destroy();
        }
        catch (final IOException ex)
        {
            return "unavailable (" + ex.getMessage() + ")";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return "unavailable";
    }
}
