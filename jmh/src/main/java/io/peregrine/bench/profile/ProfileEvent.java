package io.peregrine.bench.profile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which async-profiler event a {@code --profile[=event]} run uses, and why.
 * <p>
 * {@code cpu} (the default) samples on CPU time through perf_events, which the kernel may refuse
 * ({@code kernel.perf_event_paranoid} above 2, seccomp in containers). async-profiler 4.6 then quietly switches
 * {@code cpu} to another engine, so the choice is made here, in the open: without perf_events, {@code cpu} becomes
 * {@code itimer} (setitimer: CPU time of the whole process, works everywhere on Linux) and the report says so. The
 * paranoid level is reported beside the event: above 1 an unprivileged process gets no kernel frames (root and
 * {@code CAP_PERFMON} are not limited by it).
 */
public final class ProfileEvent
{
    /** Event of a bare {@code --profile}: {@value}. */
    public static final String DEFAULT = "cpu";

    /** Event used when {@code cpu} cannot have perf_events: {@value}. */
    public static final String FALLBACK = "itimer";

    /** Events the benchmarks accept: CPU time, timers, wall clock, heap allocation, lock contention. */
    public static final List<String> EVENTS = List.of("cpu", "itimer", "ctimer", "wall", "alloc", "lock");

    private final String requested;
    private final String event;
    private final String note;

    private ProfileEvent(final String requested, final String event, final String note)
    {
        this.requested = requested;
        this.event = event;
        this.note = note;
    }

    /**
     * @param requested           the event asked for, one of {@link #EVENTS}.
     * @param perfEventsAvailable whether perf_events can be opened (async-profiler lists perf events only then).
     * @param perfEventParanoid   {@code /proc/sys/kernel/perf_event_paranoid}, or null if unknown.
     * @return the event to use and a note saying why.
     * @throws IllegalArgumentException for an unknown event, naming the known ones.
     */
    public static ProfileEvent choose(final String requested, final boolean perfEventsAvailable, final String perfEventParanoid)
    {
        if (!EVENTS.contains(requested))
        {
            throw new IllegalArgumentException("unknown profile event '" + requested + "'; use one of " + EVENTS);
        }
        final String paranoid = perfEventParanoid == null ? "unknown" : perfEventParanoid;
        if (!"cpu".equals(requested))
        {
            return new ProfileEvent(requested, requested, requested + " as requested");
        }
        if (!perfEventsAvailable)
        {
            return fallback("perf_events unavailable (perf_event_paranoid=" + paranoid + ")");
        }
        return new ProfileEvent(requested, requested, "cpu via perf_events (perf_event_paranoid=" + paranoid + ")");
    }

    /**
     * @param reason why {@code cpu} cannot be used, e.g. the profiler's error on starting it.
     * @return {@link #FALLBACK} with a note giving the reason.
     */
    public static ProfileEvent fallback(final String reason)
    {
        return new ProfileEvent("cpu", FALLBACK, "itimer: cpu needs perf_events, " + reason);
    }

    /**
     * @return {@code /proc/sys/kernel/perf_event_paranoid}, or null where there is none (not Linux, not readable).
     */
    public static String perfEventParanoid()
    {
        try
        {
            return Files.readString(Path.of("/proc/sys/kernel/perf_event_paranoid"), StandardCharsets.US_ASCII).trim();
        }
        catch (final Exception ex)
        {
            return null;
        }
    }

    /**
     * @return the event asked for.
     */
    public String requested()
    {
        return requested;
    }

    /**
     * @return the event to pass to async-profiler.
     */
    public String event()
    {
        return event;
    }

    /**
     * @return which event is used and why, for the report.
     */
    public String note()
    {
        return note;
    }

    /**
     * @return true for events that count heap bytes rather than samples of time.
     */
    public boolean isAllocation()
    {
        return "alloc".equals(event);
    }

    public String toString()
    {
        return note;
    }
}
