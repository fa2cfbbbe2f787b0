package io.peregrine.bench.nexmark.engine;

import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.api.Job;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * One Nexmark latency run: a query over a {@link NexmarkSource#paced paced} bounded source at a fixed total rate,
 * every result row's {@code sink time - due time} recorded by a {@link NexmarkLatencySink} (due times per query:
 * {@link NexmarkEffectTime}). The first part of the schedule is warm-up: rows due in it are not recorded.
 * <p>
 * <b>Event time and wall time.</b> The generator's event time advances {@code eventRate} events per second of
 * event time, the schedule {@code rate} events per wall-clock second; the run sets the event rate to
 * {@code rate / eventTimeSpeed}, so event time runs {@code eventTimeSpeed} times faster than the wall clock and the
 * 10 s windows of q5, q7, q8 (and q11's 10 s session gap, and the 4 s watermark delay) close several times within a
 * run of a few seconds. At the suite's throughput-phase event rate (10M events per event-time second) a run of a few
 * seconds at a few million events/s would cover less than one window and every windowed row would come from the
 * end of the input. The due times never assume that event time equals wall time: they map event numbers to the
 * schedule.
 */
public final class NexmarkLatency
{
    /** What the report says about the measurement (Markdown). */
    public static final String DEFINITION =
        "Nexmark latency: each query runs over a source paced on an absolute schedule (event n due at " +
        "`start + n / rate`; a late source catches up without skipping) at a fixed fraction of the throughput " +
        "measured for that query and shard count in the same run. Every result row records `sink time - due time` " +
        "in an HdrHistogram; the due time is the *intended* send time of the event that made the row due, so a " +
        "stall counts against every row it delays (no coordinated omission). Due times: " +
        "**q0, q1, q2** the row's own event; " +
        "**q3** (incremental join) the later of the joined person and auction; " +
        "**q5, q7, q8, q11** (event-time windows) the first event after which every source split has sent an " +
        "event of time >= T + 4 s (T the window's firing time: end - 1, q7's end), i.e. the earliest moment the " +
        "watermark (max - 4 s, sent at most every `peregrine.watermark.interval.ms`) can close the window, or the " +
        "last event for windows closed by the end of the input; " +
        "**q4** (a final aggregate, emitted once at the end of the input) the last event; " +
        "**q12** (processing-time windows) the window's end in processing time, or the last event if the input " +
        "ends first. Event time runs `event-time speed` times faster than the wall clock (generator event rate = " +
        "rate / speed) so that windows close within the run; the first 20% of each run is warm-up and not recorded.";

    private NexmarkLatency()
    {
    }

    /**
     * The result of one run.
     */
    public static final class Result
    {
        private final Histogram histogram;
        private final long rows;
        private final long early;
        private final long events;
        private final int eventRate;
        private final long elapsedNs;

        Result(final Histogram histogram, final long rows, final long early, final long events, final int eventRate,
            final long elapsedNs)
        {
            this.histogram = histogram;
            this.rows = rows;
            this.early = early;
            this.events = events;
            this.eventRate = eventRate;
            this.elapsedNs = elapsedNs;
        }

        /**
         * @return latencies of the rows due after the warm-up, nanoseconds.
         */
        public Histogram histogram()
        {
            return histogram;
        }

        /**
         * @return result rows, warm-up included.
         */
        public long rows()
        {
            return rows;
        }

        /**
         * @return rows that reached the sink before their due time (see {@link NexmarkLatencySink#early()}).
         */
        public long early()
        {
            return early;
        }

        /**
         * @return events sent.
         */
        public long events()
        {
            return events;
        }

        /**
         * @return the generator's event rate, events per second of event time.
         */
        public int eventRate()
        {
            return eventRate;
        }

        /**
         * @return the job's run time, from start to the last result: about events / rate if it kept up.
         */
        public long elapsedNs()
        {
            return elapsedNs;
        }
    }

    /**
     * @param rate           total input rate, events per wall-clock second.
     * @param eventTimeSpeed event-time seconds per wall-clock second.
     * @return the generator settings of a run: the defaults with event rate {@code rate / eventTimeSpeed}.
     */
    public static NexmarkConfig config(final double rate, final double eventTimeSpeed)
    {
        if (!(rate > 0) || !(eventTimeSpeed > 0))
        {
            throw new IllegalArgumentException("rate and eventTimeSpeed must be > 0: " + rate + ", " + eventTimeSpeed);
        }
        return new NexmarkConfig().eventRate((int)Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(rate / eventTimeSpeed))));
    }

    /**
     * Run one query at a fixed rate.
     *
     * @param query          one of {@link NexmarkQueries#QUERIES}.
     * @param config         generator settings, e.g. {@link #config(double, double)}.
     * @param events         events to send.
     * @param warmupEvents   rows due before this event's intended time are not recorded.
     * @param rate           total input rate, events per second.
     * @param context        job settings (shards, idle strategy); its clocks must be the system's.
     * @return the latencies and counts.
     */
    public static Result run(final String query, final NexmarkConfig config, final long events, final long warmupEvents,
        final double rate, final JobContext context)
    {
        final NexmarkSource source = NexmarkSource.paced(config, events, 0, rate);
        final NexmarkLatencySink sink = new NexmarkLatencySink(
            query, source, warmupEvents, context.nanoClock(), context.epochClock());
        final Job job = NexmarkQueries.build(query, source, sink).execute(context);
        job.join();
        return new Result(sink.histogram(), sink.rows(), sink.early(), events, config.eventRate(), job.elapsedNs());
    }

    /**
     * @param shards       shard threads.
     * @param idleStrategy shard idle strategy ({@link JobContext#idleStrategy(IdleStrategyKind)}).
     * @return the settings of a latency run: {@link NexmarkRunner#context(int)} with the system clocks and the idle
     * strategy.
     */
    public static JobContext context(final int shards, final IdleStrategyKind idleStrategy)
    {
        return NexmarkRunner.context(shards).idleStrategy(idleStrategy)
            .nanoClock(SystemNanoClock.INSTANCE).epochClock(SystemEpochClock.INSTANCE);
    }
}
