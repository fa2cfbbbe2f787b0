package io.peregrine.bench.report;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
 * This class collects what the report says and lays out its folder; the README is {@link ReadmeMarkdown}, the plots
 * {@link ReportCharts}, the environment {@link EnvironmentMarkdown}.
 * <p>
 * Not for hot paths: allocates freely.
 */
public final class ReportWriter
{
    static final double NANOS_PER_MICRO = 1000.0;

    private final Path folder;
    private final ReadmeMarkdown readme = new ReadmeMarkdown();
    private final EnvironmentMarkdown environment = new EnvironmentMarkdown();

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
        readme.title(title);
        return this;
    }

    /**
     * @param command the exact command line that produced the results.
     * @return this for a fluent API.
     */
    public ReportWriter command(final String command)
    {
        environment.command(command);
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
        environment.setting(name, value);
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
        readme.note(markdown);
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
        environment.gitDirectory(directory);
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
        readme.profiles(description, summaries);
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
        readme.microbenchmarks(description, results, rawFiles);
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
            ReportCharts.writeThroughputChart(folder, results);
        }
        final boolean hasLatency = !hgrmFiles.isEmpty();
        final boolean hasLatencyChart = hasLatency && ReportCharts.writeLatencyChart(folder, results);
        Files.writeString(folder.resolve("environment.md"), environment.render(), StandardCharsets.UTF_8);
        final Path readmeFile = folder.resolve("README.md");
        Files.writeString(readmeFile, readme.render(results, hgrmFiles, hasThroughput, hasLatency, hasLatencyChart),
            StandardCharsets.UTF_8);
        return readmeFile;
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
        Files.writeString(file, environment.render(), StandardCharsets.UTF_8);
        return file;
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
}
