package io.peregrine.bench.profile;

import io.peregrine.bench.report.ProfileSummary;
import one.profiler.AsyncProfiler;
import one.profiler.Counter;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Profiles the engine's timed rounds with async-profiler through its Java API, in the benchmark's own process.
 * {@link #start(String, int)} before a timed engine run and {@link #stop()} after it; every call to {@code start}
 * begins a fresh profile (async-profiler holds one at a time and the harness interleaves shard counts and baselines),
 * so after each round the stacks are taken out in collapsed form and merged per (workload, shards). Into
 * {@code <report>/profiles/} go, per (workload, shards):
 * <ul>
 *     <li>{@code <workload>-<shards>shards.html}: async-profiler's flame graph of the last profiled round;</li>
 *     <li>{@code <workload>-<shards>shards.txt}: the flat profile (top {@value #FLAT_TOP} self frames) and every
 *     stack, merged over all profiled rounds.</li>
 * </ul>
 * The whole process is sampled: shard threads, the JIT compilers, GC and the harness thread waiting in
 * {@code join}. Time-based events sample every {@value #INTERVAL_NS} ns of CPU (or wall) time; {@code alloc} samples
 * at async-profiler's default (every 512 KiB allocated) and counts bytes.
 * <p>
 * Where async-profiler cannot load (not Linux x64/arm64 or macOS, or the library refuses), {@link #open} returns a
 * profiler that does nothing and says why in {@link #description()}: the benchmark runs on without profiles.
 */
public final class WorkloadProfiler
{
    /** Sampling interval of time-based events: {@value} ns (1 ms). */
    public static final long INTERVAL_NS = 1_000_000;

    /** Frames in the flat profile of each text file: {@value}. */
    public static final int FLAT_TOP = 30;

    /** Frames per workload in the report README: {@value}. */
    public static final int README_TOP = 5;

    private final AsyncProfiler profiler;
    private final Path folder;
    private final PrintStream out;
    private final String version;
    private final Map<String, StackProfile> profiles = new LinkedHashMap<>();
    private final Map<String, ProfileKey> keys = new LinkedHashMap<>();
    private ProfileEvent event;
    private String unavailable;
    private ProfileKey current;

    private static final class ProfileKey
    {
        final String workload;
        final int shards;
        final String file;

        ProfileKey(final String workload, final int shards)
        {
            this.workload = workload;
            this.shards = shards;
            this.file = workload.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + shards + "shards";
        }
    }

    private WorkloadProfiler(
        final AsyncProfiler profiler, final String version, final ProfileEvent event, final String unavailable,
        final Path folder, final PrintStream out)
    {
        this.profiler = profiler;
        this.version = version;
        this.event = event;
        this.unavailable = unavailable;
        this.folder = folder;
        this.out = out;
    }

    /**
     * Load async-profiler (4.6 extracts its native library from its jar to a temporary file by itself) and choose the
     * event.
     *
     * @param requested    event asked for, one of {@link ProfileEvent#EVENTS}.
     * @param reportFolder the report folder; profiles go to its {@code profiles/} subfolder.
     * @param out          where to say which event is used, or why profiling is off.
     * @return a profiler; inactive, with the reason in {@link #description()}, where async-profiler cannot run.
     * @throws IllegalArgumentException for an unknown event.
     */
    public static WorkloadProfiler open(final String requested, final Path reportFolder, final PrintStream out)
    {
        final Path folder = reportFolder.resolve("profiles");
        final String paranoid = ProfileEvent.perfEventParanoid();
        ProfileEvent.choose(requested, true, paranoid); // refuses an unknown event before any native code loads
        final AsyncProfiler profiler;
        final String version;
        final boolean perfEvents;
        try
        {
            profiler = AsyncProfiler.getInstance();
            version = profiler.getVersion();
            perfEvents = profiler.execute("list").contains("Perf events:");
        }
        catch (final UnsatisfiedLinkError | UnsupportedOperationException | IllegalStateException | IOException |
            SecurityException ex)
        {
            final String reason = "async-profiler cannot run on " + System.getProperty("os.name") + " " +
                System.getProperty("os.arch") + " (" + ex + "); it ships native code for Linux x64/arm64 and macOS only";
            out.println("  profiling off: " + reason + ". Continuing without profiles.");
            return new WorkloadProfiler(null, "-", null, reason, folder, out);
        }
        final ProfileEvent chosen = ProfileEvent.choose(requested, perfEvents, paranoid);
        out.println("  profiling with async-profiler " + version + ", event " + chosen.note());
        return new WorkloadProfiler(profiler, version, chosen, null, folder, out);
    }

    /**
     * @return true while profiles are being taken.
     */
    public boolean isActive()
    {
        return unavailable == null;
    }

    /**
     * Start a fresh profile for one timed engine run.
     *
     * @param workload workload name, as in the throughput table.
     * @param shards   engine shard count.
     */
    public void start(final String workload, final int shards)
    {
        if (!isActive())
        {
            return;
        }
        if (current != null)
        {
            throw new IllegalStateException("profile of " + current.workload + " on " + current.shards +
                " shard(s) still running: call stop() after each start()");
        }
        try
        {
            profiler.execute(startCommand());
        }
        catch (final IllegalStateException | IllegalArgumentException | IOException ex)
        {
            if (!"cpu".equals(event.event()))
            {
                disable("starting event " + event.event() + " failed: " + ex.getMessage());
                return;
            }
            event = ProfileEvent.fallback("and starting it failed (" + ex.getMessage() + ")");
            out.println("  profiling: " + event.note());
            try
            {
                profiler.execute(startCommand());
            }
            catch (final IllegalStateException | IllegalArgumentException | IOException again)
            {
                disable("starting event " + event.event() + " failed too: " + again.getMessage());
                return;
            }
        }
        current = keys.computeIfAbsent(workload + "\u0000" + shards, k -> new ProfileKey(workload, shards));
    }

    /**
     * Stop the profile started last, merge its stacks into its workload's and write its files.
     */
    public void stop()
    {
        final ProfileKey key = current;
        if (key == null)
        {
            return;
        }
        current = null;
        final String collapsed;
        final String html;
        final StackProfile profile = profiles.computeIfAbsent(key.file, k -> new StackProfile());
        try
        {
            profiler.execute("stop");
            collapsed = profiler.dumpCollapsed(event.isAllocation() ? Counter.TOTAL : Counter.SAMPLES);
            // A title must not contain commas: they separate async-profiler's arguments.
            html = profiler.execute("flamegraph" + (event.isAllocation() ? ",total" : "") + ",title=" +
                key.workload.replace(',', ' ') + " on " + key.shards + " shard(s) - " + event.event() + " - round " +
                (profile.rounds() + 1));
        }
        catch (final IllegalStateException | IllegalArgumentException | IOException ex)
        {
            disable("stopping the profile of " + key.workload + " failed: " + ex.getMessage());
            return;
        }
        profile.add(collapsed);
        try
        {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(key.file + ".html"), html, StandardCharsets.UTF_8);
            Files.writeString(folder.resolve(key.file + ".txt"), profile.text(heading(key), unit(), FLAT_TOP,
                event.isAllocation()),
                StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the profile of " + key.workload + " to " + folder +
                ": " + ex.getMessage() + "; check the report folder is writable and the disk not full", ex);
        }
    }

    /**
     * @return which profiler and event ran, how, and over what; or why profiling is off.
     */
    public String description()
    {
        if (event == null)
        {
            return "Profiling was requested but is off: " + unavailable + ".";
        }
        final String how = "async-profiler " + version + ", event " + event.note() + ", " +
            (event.isAllocation() ? "a sample every 512 KiB allocated, weighted by bytes" :
            "a sample every " + INTERVAL_NS / 1_000_000 + " ms of " + ("wall".equals(event.event()) ? "wall" : "CPU") +
            " time") + ", over the whole process during each timed engine run (not the baselines, warm-up or checks)";
        return unavailable == null ? how + "." : how + "; then stopped: " + unavailable + ".";
    }

    /**
     * @return one summary per profiled (workload, shards), in the order first profiled.
     */
    public List<ProfileSummary> summaries()
    {
        final List<ProfileSummary> summaries = new ArrayList<>();
        for (final ProfileKey key : keys.values())
        {
            final StackProfile profile = profiles.get(key.file);
            if (profile == null)
            {
                continue;
            }
            final List<ProfileSummary.FrameShare> top = new ArrayList<>();
            for (final StackProfile.Frame frame : profile.topSelf(README_TOP, event.isAllocation()))
            {
                top.add(new ProfileSummary.FrameShare(StackProfile.shortName(frame.name()), profile.percent(frame)));
            }
            summaries.add(new ProfileSummary(key.workload, key.shards, profile.rounds(), profile.total(), unit(), top,
                "profiles/" + key.file + ".html", "profiles/" + key.file + ".txt"));
        }
        return summaries;
    }

    private String startCommand()
    {
        return "start,event=" + event.event() + (event.isAllocation() || "lock".equals(event.event()) ? "" :
            ",interval=" + INTERVAL_NS);
    }

    private String unit()
    {
        return event.isAllocation() ? "bytes" : "samples";
    }

    private String heading(final ProfileKey key)
    {
        return "# " + key.workload + " on " + key.shards + " shard(s)\n# " + description() + "\n" +
            "# The flame graph beside this file shows the last profiled round; the figures below merge every round.";
    }

    private void disable(final String reason)
    {
        unavailable = reason;
        current = null;
        out.println("  profiling off: " + reason + ". Continuing without profiles.");
    }
}
