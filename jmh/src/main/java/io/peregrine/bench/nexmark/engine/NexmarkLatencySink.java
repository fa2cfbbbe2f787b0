package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;

/**
 * Records the end-to-end latency of each result row of a Nexmark query over a paced {@link NexmarkSource}:
 * {@code sink time - due time}, the due time being the intended send time of the event that made the row due
 * ({@link NexmarkEffectTime}, per query), or for q12 the end of its processing-time window. Because the reference
 * is the schedule and not the moment an event was actually sent, a stall counts against every row it delays: no
 * coordinated omission.
 * <p>
 * One {@link Histogram} per shard's writer, recorded on that shard's thread without allocation, added into the
 * sink's total when the writer closes. Rows due before the end of the warm-up (the intended time of event
 * {@code warmupEvents}) are counted but not recorded. A row that reaches the sink before its due time is recorded
 * as 0 and counted ({@link #early()}): for every query but q12 it would mean the due time was derived wrongly.
 */
public final class NexmarkLatencySink implements Sink
{
    /** Highest latency recorded; longer ones are recorded as this. */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.MINUTES.toNanos(10);

    private static final int SIGNIFICANT_DIGITS = 3;
    /** Clock readings to wait for the epoch clock's next tick: tens of milliseconds at most. */
    private static final int MAX_CALIBRATION_READINGS = 1_000_000;

    private final String query;
    private final NexmarkSource source;
    private final long warmupEvents;
    private final NanoClock clock;
    private final long epochToNanoOffsetNs;
    private final Histogram total = new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private long rows;
    private long early;

    /**
     * @param query        one of {@link NexmarkQueries#QUERIES}.
     * @param source       the paced, bounded source of the job.
     * @param warmupEvents rows due before this event's intended time are not recorded.
     * @param clock        the job's nano clock (the source's schedule is on it).
     * @param epochClock   the job's epoch clock (q12's processing time), calibrated against {@code clock} here.
     */
    public NexmarkLatencySink(
        final String query,
        final NexmarkSource source,
        final long warmupEvents,
        final NanoClock clock,
        final EpochClock epochClock)
    {
        if (source.eventsPerSecond() <= 0 || !source.isBounded() || source.events() < 1)
        {
            throw new IllegalArgumentException("a latency sink needs a paced, bounded, non-empty source: " + source);
        }
        NexmarkEffectTime.kind(query);
        this.query = query;
        this.source = source;
        this.warmupEvents = warmupEvents;
        this.clock = clock;
        this.epochToNanoOffsetNs = epochToNanoOffsetNs(clock, epochClock);
    }

    /**
     * The nano clock's reading at epoch ms 0, to place an epoch-ms time on the nano clock: spins to the next tick
     * of the epoch clock (about a millisecond) and takes the nano clock there, so the error is that of one loop
     * iteration rather than up to a millisecond. A clock that does not tick (a test's) gives up after a bounded
     * number of readings and gives the plain offset.
     */
    static long epochToNanoOffsetNs(final NanoClock clock, final EpochClock epochClock)
    {
        final long startMs = epochClock.time();
        long nowNs;
        long nowMs;
        int readings = 0;
        do
        {
            nowNs = clock.nanoTime();
            nowMs = epochClock.time();
        }
        while (nowMs == startMs && ++readings < MAX_CALIBRATION_READINGS);
        return nowNs - nowMs * 1_000_000L;
    }

    /**
     * {@inheritDoc}
     */
    public SinkWriter createWriter(final int shard, final int shards, final Schema schema)
    {
        return new Writer(new NexmarkEffectTime(query, source.config(), source.events(), source.splitCount(shards), schema));
    }

    /**
     * @return the latencies of every writer closed so far (all, once the job has ended), in nanoseconds.
     */
    public synchronized Histogram histogram()
    {
        return total.copy();
    }

    /**
     * @return result rows seen by every writer closed so far, warm-up included.
     */
    public synchronized long rows()
    {
        return rows;
    }

    /**
     * @return rows that reached the sink before their due time (recorded as 0).
     */
    public synchronized long early()
    {
        return early;
    }

    private synchronized void add(final Histogram histogram, final long writerRows, final long writerEarly)
    {
        total.add(histogram);
        rows += writerRows;
        early += writerEarly;
    }

    private final class Writer implements SinkWriter
    {
        private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
        private final NexmarkEffectTime effect;
        private final boolean processingTime;
        private boolean scheduleKnown;
        private long warmupEndNs;
        private long lastIntendedNs;
        private long rows;
        private long early;

        Writer(final NexmarkEffectTime effect)
        {
            this.effect = effect;
            this.processingTime = effect.kind() == NexmarkEffectTime.Kind.PROCESSING_TIME_WINDOW;
        }

        public void write(final Row row)
        {
            final long nowNs = clock.nanoTime();
            rows++;
            if (!scheduleKnown)
            {
                // The schedule starts when the source's first reader is made, before any row can exist.
                scheduleKnown = true;
                warmupEndNs = source.intendedNs(warmupEvents);
                lastIntendedNs = source.intendedNs(effect.lastEvent());
            }
            final long dueNs = processingTime ?
                Math.min(epochToNanoOffsetNs + effect.windowEndMs(row) * 1_000_000L, lastIntendedNs) :
                source.intendedNs(effect.dueEvent(row));
            if (dueNs < warmupEndNs)
            {
                return;
            }
            long latencyNs = nowNs - dueNs;
            if (latencyNs < 0)
            {
                early++;
                latencyNs = 0;
            }
            histogram.recordValue(Math.min(latencyNs, HIGHEST_TRACKABLE_NS));
        }

        public void close()
        {
            add(histogram, rows, early);
        }
    }
}
