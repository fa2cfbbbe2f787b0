package io.peregrine.bench;

import io.peregrine.bench.profile.EngineRunMeter;
import io.peregrine.bench.profile.ProfileEvent;
import io.peregrine.bench.profile.WorkloadProfiler;
import io.peregrine.bench.report.ReportWriter;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The {@code --profile[=event]} option of the measuring commands, and the {@link EngineRunMeter} every timed engine
 * run goes through (it always counts allocation; with {@code --profile} it also profiles).
 */
final class ProfileOptions
{
    @CommandLine.Option(names = "--profile", arity = "0..1", fallbackValue = ProfileEvent.DEFAULT, paramLabel = "event",
        description = "Profile every timed engine run with async-profiler (not baselines, warm-ups or checks) and " +
            "write flame graphs and flat profiles to the report's profiles/ folder. Event: cpu (the default; itimer " +
            "where perf_events are unavailable), itimer, ctimer, wall, alloc or lock. Default: off.")
    String event;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    private WorkloadProfiler profiler;

    /**
     * @param reportFolder where the report (and its profiles/) will be written.
     * @param out          progress.
     * @return the meter for the workloads' timed engine runs.
     */
    EngineRunMeter meter(final Path reportFolder, final PrintStream out)
    {
        if (event == null)
        {
            return new EngineRunMeter();
        }
        try
        {
            profiler = WorkloadProfiler.open(event, reportFolder, out);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--profile: " + ex.getMessage());
        }
        return new EngineRunMeter(profiler);
    }

    /**
     * @param writer the report.
     * @return {@code writer}, with a "Where the time goes" section when profiling was asked for.
     */
    ReportWriter addTo(final ReportWriter writer)
    {
        if (profiler != null)
        {
            writer.setting("profile", profiler.description()).profiles(profiler.description(), profiler.summaries());
        }
        return writer;
    }
}
