package io.peregrine.bench.micro;

import io.peregrine.bench.report.MicroResult;
import io.peregrine.bench.report.ReportWriter;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The suite's short JMH pass: the microbenchmarks ({@code io.peregrine.bench.micro.*} and the Nexmark generator) with
 * {@code -prof gc}, through JMH's Java API in the suite's process. Forks run on the same class path (the benchmarks
 * jar) and each benchmark's {@code @Fork(jvmArgsAppend = ...)} adds the production flags. Writes {@value #JSON}
 * (JMH's JSON result) and {@value #TEXT} (the human-readable log, also printed) into the report folder.
 * <p>
 * Iterations are shorter than the benchmarks' own annotations (see {@link Settings}): enough to see a regression and
 * the allocation per operation, not a substitute for {@code ./peregrine bench jmh} with its defaults.
 */
public final class MicroSuite
{
    /** JMH's JSON result in the report folder: {@value}. */
    public static final String JSON = "jmh.json";

    /** JMH's human-readable output in the report folder: {@value}. */
    public static final String TEXT = "jmh.txt";

    /** Benchmarks included (regular expressions JMH matches against full names). */
    public static final List<String> INCLUDES = List.of(
        "^io\\.peregrine\\.bench\\.micro\\.", "^io\\.peregrine\\.bench\\.nexmark\\.NexmarkGeneratorBenchmark\\.");

    private static final String ALLOCATION = "gc.alloc.rate.norm";

    /**
     * Iterations and forks of the pass.
     */
    public static final class Settings
    {
        final int forks;
        final int warmupIterations;
        final int warmupMs;
        final int iterations;
        final int iterationMs;

        Settings(final int forks, final int warmupIterations, final int warmupMs, final int iterations, final int iterationMs)
        {
            this.forks = forks;
            this.warmupIterations = warmupIterations;
            this.warmupMs = warmupMs;
            this.iterations = iterations;
            this.iterationMs = iterationMs;
        }

        /**
         * @return the default suite's pass: 1 fork, 3 x 300 ms warm-up, 5 x 400 ms measured (about 2 minutes for the 24
         * benchmark and parameter combinations on 2 cores).
         */
        public static Settings full()
        {
            return new Settings(1, 3, 300, 5, 400);
        }

        /**
         * @return {@code suite --quick}'s pass: 1 fork, 1 x 100 ms warm-up, 3 x 100 ms measured (about 25 s; three
         * iterations is the fewest for which JMH gives an error): a smoke test and the allocation per operation, not
         * a timing to quote.
         */
        public static Settings quick()
        {
            return new Settings(1, 1, 100, 3, 100);
        }

        public String toString()
        {
            return String.format(Locale.ROOT, "%d fork(s); warm-up %d x %d ms; measurement %d x %d ms; -prof gc", forks,
                warmupIterations, warmupMs, iterations, iterationMs);
        }
    }

    private MicroSuite()
    {
    }

    /**
     * Run the pass.
     *
     * @param settings iterations and forks.
     * @param folder   report folder for {@value #JSON} and {@value #TEXT}.
     * @param console  progress (JMH's log is printed here as well as written to {@value #TEXT}).
     * @return one result per benchmark and parameter set, in JMH's order.
     * @throws IOException     if the report files cannot be written.
     * @throws RunnerException if JMH fails as a whole (a single benchmark's failure is logged and skipped).
     */
    public static List<MicroResult> run(final Settings settings, final Path folder, final PrintStream console)
        throws IOException, RunnerException
    {
        Files.createDirectories(folder);
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .forks(settings.forks)
            .warmupIterations(settings.warmupIterations)
            .warmupTime(TimeValue.milliseconds(settings.warmupMs))
            .measurementIterations(settings.iterations)
            .measurementTime(TimeValue.milliseconds(settings.iterationMs))
            .addProfiler(GCProfiler.class)
            .resultFormat(ResultFormatType.JSON)
            .result(folder.resolve(JSON).toString())
            .shouldFailOnError(false);
        for (final String include : INCLUDES)
        {
            options.include(include);
        }
        final Collection<RunResult> runs;
        try (OutputStream file = Files.newOutputStream(folder.resolve(TEXT));
            PrintStream both = new PrintStream(new Tee(console, file), true, StandardCharsets.UTF_8))
        {
            runs = new Runner(options.build(), OutputFormatFactory.createFormatInstance(both, VerboseMode.NORMAL)).run();
        }
        return results(runs);
    }

    /**
     * Run the pass and add its section to a report. A failing pass does not stop the report: the section says what
     * failed.
     *
     * @param writer   the report.
     * @param settings iterations and forks.
     * @param folder   the report's folder, for {@value #JSON} and {@value #TEXT}.
     * @param console  progress.
     * @return {@code writer}.
     */
    public static ReportWriter runInto(
        final ReportWriter writer, final Settings settings, final Path folder, final PrintStream console)
    {
        console.println("JMH microbenchmarks (" + settings + ")");
        String description = "JMH over " + String.join(" and ", INCLUDES) + ": " + settings + "; forks run with the " +
            "production JVM flags. Short iterations: a regression and allocation check, not figures to quote.";
        List<MicroResult> results = List.of();
        try
        {
            results = run(settings, folder, console);
        }
        catch (final IOException | RunnerException | RuntimeException ex)
        {
            description += " The pass failed (" + ex + "); run it alone with ./peregrine bench jmh to see why.";
            console.println("  JMH pass failed: " + ex);
        }
        return writer.setting("jmh", settings).microbenchmarks(description, results, List.of(JSON, TEXT));
    }

    /**
     * @param runs JMH's results.
     * @return the report's rows.
     */
    public static List<MicroResult> results(final Collection<RunResult> runs)
    {
        final List<MicroResult> results = new ArrayList<>(runs.size());
        for (final RunResult run : runs)
        {
            final BenchmarkParams params = run.getParams();
            final Result<?> primary = run.getPrimaryResult();
            final Result<?> allocation = run.getSecondaryResults().get(ALLOCATION);
            results.add(new MicroResult(name(params), params.getMode().shortLabel(), primary.getScore(),
                primary.getScoreError(), primary.getScoreUnit(), allocation == null ? Double.NaN : allocation.getScore()));
        }
        return results;
    }

    private static String name(final BenchmarkParams params)
    {
        final String full = params.getBenchmark();
        final int method = full.lastIndexOf('.');
        final int type = method > 0 ? full.lastIndexOf('.', method - 1) : -1;
        final StringBuilder name = new StringBuilder(full.substring(type + 1));
        String separator = " (";
        for (final String key : params.getParamsKeys())
        {
            name.append(separator).append(key).append('=').append(params.getParam(key));
            separator = ", ";
        }
        return separator.equals(", ") ? name.append(')').toString() : name.toString();
    }

    /**
     * Writes to two streams: JMH's log to the console and to the report.
     */
    private static final class Tee extends OutputStream
    {
        private final OutputStream first;
        private final OutputStream second;

        Tee(final OutputStream first, final OutputStream second)
        {
            this.first = first;
            this.second = second;
        }

        public void write(final int b) throws IOException
        {
            first.write(b);
            second.write(b);
        }

        public void write(final byte[] bytes, final int offset, final int length) throws IOException
        {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }

        public void flush() throws IOException
        {
            first.flush();
            second.flush();
        }

        public void close() throws IOException
        {
            // The console is not ours to close.
            second.close();
        }
    }
}
