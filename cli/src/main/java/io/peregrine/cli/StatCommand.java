package io.peregrine.cli;

import io.peregrine.config.JobContext;
import io.peregrine.metrics.CountersFile;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code peregrine stat [DIR]}: a running job's counters, read from its counters file by another process, as Aeron's
 * AeronStat reads the CnC file. Refreshes each second until the job ends, or prints once.
 */
@CommandLine.Command(name = "stat", mixinStandardHelpOptions = true,
    description = { "Print a job's counters each second, read live from its counters file: per shard the duty " +
        "cycles, busy and idle time, longest cycle; per operator and shard records in and out, late, malformed, " +
        "dropped, back-pressure events, records exchanged, state entries and bytes, watermarks.",
        "DIR is a job's metrics directory (each job prints it at start) or its counters.dat, or a directory of them: " +
            "the one job of a running process there is taken." })
public final class StatCommand implements Callable<Integer>
{
    static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";

    @CommandLine.Parameters(index = "0", arity = "0..1", description = "A job's metrics directory or counters file, " +
        "or a directory of them (default: peregrine.metrics.dir, else peregrine.state.dir: ${DEFAULT-VALUE}).")
    Path dir = new JobContext().metricsDir();

    @CommandLine.Option(names = "--once", description = "Print the counters once and exit.")
    boolean once;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public Integer call() throws Exception
    {
        final PrintStream out = System.out;
        final Path file = counters();
        try (CountersFile counters = CountersFile.open(file))
        {
            while (true)
            {
                final List<String> lines = CountersTable.lines(counters, System.currentTimeMillis());
                final boolean ended = !Files.exists(file) || !counters.isWriterAlive();
                if (!once)
                {
                    out.print(CLEAR_SCREEN);
                }
                for (final String line : lines)
                {
                    out.println(line);
                }
                out.flush();
                if (once)
                {
                    return 0;
                }
                if (ended)
                {
                    out.println();
                    out.println("the job has ended: these are its last counters");
                    return 0;
                }
                Thread.sleep(1000);
            }
        }
    }

    /**
     * @return the counters file {@link #dir} names: its own, or the one of a running job under it.
     */
    private Path counters()
    {
        final Path direct = CountersFile.resolve(dir);
        if (Files.isRegularFile(direct))
        {
            return direct;
        }
        if (!Files.isDirectory(dir))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), dir + ": no such file or directory");
        }
        final List<Path> running = new ArrayList<>();
        final List<String> found = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir))
        {
            children.map(d -> d.resolve(CountersFile.FILE_NAME)).filter(Files::isRegularFile).sorted().forEach(f ->
            {
                try (CountersFile c = CountersFile.open(f))
                {
                    final boolean alive = c.isWriterAlive();
                    found.add(f.getParent() + "  job '" + c.jobName() + "', pid " + c.pid() +
                        (alive ? " (running)" : " (not running)"));
                    if (alive)
                    {
                        running.add(f);
                    }
                }
                catch (final RuntimeException e)
                {
                    found.add(f + ": " + e.getMessage());
                }
            });
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot list " + dir + ": " + e, e);
        }
        if (running.size() == 1)
        {
            return running.get(0);
        }
        if (found.isEmpty())
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "no job's counters in " + dir +
                ": give the metrics directory a job printed when it started");
        }
        throw new CommandLine.ParameterException(spec.commandLine(), (running.isEmpty() ? "no running job in " :
            "several running jobs in ") + dir + ", name one:\n  " + String.join("\n  ", found));
    }
}
