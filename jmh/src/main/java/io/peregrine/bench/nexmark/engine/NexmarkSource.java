package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.InputPolicy;
import io.peregrine.api.Schema;
import io.peregrine.api.Source;
import io.peregrine.api.SourceContext;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import io.peregrine.bench.nexmark.NexmarkJson;
import io.peregrine.bench.nexmark.NexmarkJsonReader;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Nexmark events as an engine {@link Source} of {@link NexmarkRows#EVENT} rows.
 * <ul>
 *     <li>{@link #generator(NexmarkConfig, long, int)}: split s of k writes event numbers s, s + k, s + 2k, ... of
 *     {@link NexmarkGenerator#generate(long, NexmarkEvent)} (a pure function of the event number), so the union of
 *     the splits is the same event set for any split count; the position of a record is its event number. Bounded
 *     (events 0 to count - 1) or unbounded. Allocation-free per event: one reused {@link NexmarkEvent} per split,
 *     its text fields views of the generator's tables, copied once into the row.</li>
 *     <li>{@link #paced(NexmarkConfig, long, int, double)}: the same events on an absolute schedule, for latency at
 *     a fixed input rate: event n of the global sequence is due at {@link #intendedNs(long)} = {@code startNs +
 *     n * 1e9 / rate} of the job's nano clock, {@code startNs} being the clock when the first split reader is made.
 *     A split emits, in order, the events that are due when it is polled (up to the poll limit) and never one
 *     early; one that fell behind catches up at full speed without waiting and without skipping, so the schedule,
 *     not the source's progress, is the reference of a latency and a stall counts against every event it delays
 *     (no coordinated omission). The clock is read once per poll; no allocation per event.</li>
 *     <li>{@link #jsonFile(Path)}: one split over an events file in the JSON-lines form of
 *     {@link NexmarkJson}; the position is the line number; malformed lines go to the job's dead letters through
 *     {@link Source.SourceOutput#deadLetter(long, String, CharSequence)} (line number, reason, line). Missing and
 *     mistyped fields follow an {@link InputPolicy}, by default {@link InputPolicy#LENIENT} as Flink's JSON format
 *     ({@link #jsonFile(Path, InputPolicy)}); each field read leniently is counted in the job's counters.</li>
 * </ul>
 * Every form is replayable ({@link #isReplayable()}), so a job reading it can take checkpoints: a generator split
 * resumes at its next event number (a paced one with its schedule moved so that event is due at once, as
 * {@link io.peregrine.connector.GeneratorSource} does), the file split at the byte offset of its next line, its line
 * numbers going on from the checkpointed one.
 */
public final class NexmarkSource implements Source
{
    /** Event count of an unbounded generator source. */
    public static final long UNBOUNDED = -1;

    private final NexmarkConfig config;
    private final long events;
    private final int splits;
    private final Path file;
    private final InputPolicy policy;
    private final double eventsPerSecond;
    private final double nsPerEvent;
    private volatile long startNs;
    private boolean started;
    private boolean rebased;

    private NexmarkSource(
        final NexmarkConfig config, final long events, final int splits, final Path file, final double eventsPerSecond)
    {
        this(config, events, splits, file, eventsPerSecond, InputPolicy.LENIENT);
    }

    private NexmarkSource(final NexmarkConfig config, final long events, final int splits, final Path file,
        final double eventsPerSecond, final InputPolicy policy)
    {
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
        this.config = config;
        this.events = events;
        this.splits = splits;
        this.file = file;
        this.eventsPerSecond = eventsPerSecond;
        this.nsPerEvent = eventsPerSecond > 0 ? 1e9 / eventsPerSecond : 0;
    }

    /**
     * @param config generator settings (its {@code maxEvents} is ignored: {@code events} counts).
     * @param events events 0 to events - 1, or {@link #UNBOUNDED}.
     * @param splits split count; 0 for one split per shard.
     * @return the source.
     */
    public static NexmarkSource generator(final NexmarkConfig config, final long events, final int splits)
    {
        if (events < 0 && events != UNBOUNDED)
        {
            throw new IllegalArgumentException("events must be >= 0 or UNBOUNDED: " + events);
        }
        if (splits < 0)
        {
            throw new IllegalArgumentException("splits must be >= 0: " + splits);
        }
        config.conclude();
        return new NexmarkSource(config, events, splits, null, 0);
    }

    /**
     * Generated events paced on an absolute schedule: event n is due at {@link #intendedNs(long)}.
     *
     * @param config          generator settings (its {@code maxEvents} is ignored: {@code events} counts).
     * @param events          events 0 to events - 1, or {@link #UNBOUNDED}.
     * @param splits          split count; 0 for one split per shard.
     * @param eventsPerSecond total rate over all splits, events per second of the job's nano clock.
     * @return the source.
     */
    public static NexmarkSource paced(final NexmarkConfig config, final long events, final int splits,
        final double eventsPerSecond)
    {
        if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond))
        {
            throw new IllegalArgumentException("eventsPerSecond must be > 0 and finite: " + eventsPerSecond);
        }
        final NexmarkSource unpaced = generator(config, events, splits);
        return new NexmarkSource(unpaced.config, unpaced.events, unpaced.splits, null, eventsPerSecond);
    }

    /**
     * @param file events as JSON lines ({@link NexmarkJson}).
     * @return a bounded source of one split.
     */
    public static NexmarkSource jsonFile(final Path file)
    {
        return jsonFile(file, InputPolicy.LENIENT);
    }

    /**
     * @param file   events as JSON lines ({@link NexmarkJson}).
     * @param policy for missing and mistyped fields (see {@link NexmarkJsonReader}).
     * @return a bounded source of one split.
     */
    public static NexmarkSource jsonFile(final Path file, final InputPolicy policy)
    {
        return new NexmarkSource(null, 0, 1, file, 0, policy);
    }

    /**
     * {@inheritDoc}
     */
    public Schema schema()
    {
        return NexmarkRows.EVENT;
    }

    /**
     * {@inheritDoc}
     */
    public boolean isBounded()
    {
        return file != null || events != UNBOUNDED;
    }

    /**
     * {@inheritDoc}
     */
    public boolean isReplayable()
    {
        return true;
    }

    /**
     * {@inheritDoc}
     */
    public int splitCount(final int shards)
    {
        return file != null ? 1 : (splits == 0 ? shards : splits);
    }

    /**
     * {@inheritDoc}
     * <p>
     * A paced source fixes the start of its schedule here, from the context's nano clock, when the first reader is
     * made: it serves one job.
     */
    public synchronized SplitReader createReader(final int split, final int splitCount, final SourceContext context)
    {
        if (file != null)
        {
            return new JsonReader(file, policy);
        }
        final long end = events == UNBOUNDED ? Long.MAX_VALUE : events;
        if (nsPerEvent > 0)
        {
            if (!started)
            {
                started = true;
                startNs = context.nanoClock().nanoTime();
            }
            return new GeneratorReader(new NexmarkGenerator(config), split, splitCount, end, context.nanoClock(), this);
        }
        return new GeneratorReader(new NexmarkGenerator(config), split, splitCount, end, null, null);
    }

    /**
     * @return the total rate of a paced source, events per second; 0 if not paced.
     */
    public double eventsPerSecond()
    {
        return eventsPerSecond;
    }

    /**
     * @return the generator settings, or null for a file source.
     */
    public NexmarkConfig config()
    {
        return config;
    }

    /**
     * @return the event count of a generator source ({@link #UNBOUNDED} if unbounded).
     */
    public long events()
    {
        return events;
    }

    /**
     * @return start of a paced source's schedule (nano clock), set when the first reader was made.
     */
    public long startNs()
    {
        return startNs;
    }

    /**
     * @param n event number.
     * @return when a paced source intends to emit event n (the job's nano clock): {@code startNs + n * 1e9 / rate}.
     * Meaningful once the first reader was made.
     */
    public long intendedNs(final long n)
    {
        return intendedNs(startNs, nsPerEvent, n);
    }

    static long intendedNs(final long startNs, final double nsPerEvent, final long n)
    {
        return startNs + (long)(n * nsPerEvent);
    }

    /**
     * A paced split resumed from a checkpoint: move the schedule so that its next event is due now rather than after
     * the time the events before it took in the earlier run. The first split to resume sets the start, a later one
     * only moves it earlier (a split further behind catches up at full speed, never skips).
     */
    private synchronized void rebase(final long resumedStartNs)
    {
        if (!rebased || resumedStartNs < startNs)
        {
            startNs = resumedStartNs;
            rebased = true;
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return file != null ? "NexmarkSource{file=" + file + '}' :
            "NexmarkSource{events=" + (events == UNBOUNDED ? "unbounded" : Long.toString(events)) +
            (nsPerEvent > 0 ? ", paced at " + eventsPerSecond + " events/s" : "") + ", " + config + '}';
    }

    /**
     * One generator split: events {@code split, split + splitCount, ...}; unpaced (as fast as polled) or, with a clock,
     * on the absolute schedule, emitting at each poll the events due by then, in order (a late split catches up at the
     * poll limit, never skips).
     */
    private static final class GeneratorReader implements SplitReader
    {
        private final NexmarkGenerator generator;
        private final NexmarkEvent event = new NexmarkEvent();
        private final NanoClock clock;
        private final NexmarkSource schedule;
        private final double nsPerEvent;
        private final long step;
        private final long end;
        private long next;

        /**
         * @param schedule the source whose schedule a paced split follows (read once per poll: a resumed split may
         *                 move it), or null (with no clock) for an unpaced split.
         */
        GeneratorReader(final NexmarkGenerator generator, final int split, final int splitCount, final long end,
            final NanoClock clock, final NexmarkSource schedule)
        {
            this.generator = generator;
            this.clock = clock;
            this.schedule = schedule;
            this.nsPerEvent = schedule != null ? schedule.nsPerEvent : 0;
            this.step = splitCount;
            this.end = end;
            this.next = split;
        }

        public int poll(final SourceOutput out, final int limit)
        {
            if (next >= end)
            {
                return END;
            }
            final boolean paced = clock != null;
            final long now = paced ? clock.nanoTime() : Long.MAX_VALUE;
            final long startNs = paced ? schedule.startNs : 0;
            int count = 0;
            long n = next;
            while (count < limit && n < end && (!paced || intendedNs(startNs, nsPerEvent, n) <= now))
            {
                generator.generate(n, event);
                NexmarkRows.write(event, out.next());
                out.emit(n);
                count++;
                n += step;
                if (n < 0)
                {
                    n = Long.MAX_VALUE;
                }
            }
            next = n;
            return count;
        }

        public long position()
        {
            return next;
        }

        /**
         * @return the next event number of the split.
         */
        public long checkpointOffset()
        {
            return next;
        }

        /**
         * {@inheritDoc}
         */
        public void seek(final long offset, final long position)
        {
            next = offset;
            if (clock != null)
            {
                schedule.rebase(clock.nanoTime() - (long)(offset * nsPerEvent));
            }
        }
    }

    private static final class JsonReader implements SplitReader
    {
        private final NexmarkEvent event = new NexmarkEvent();
        private final DeadLetters deadLetters = new DeadLetters();
        private final InputStream in;
        private final NexmarkJsonReader reader;
        private boolean ended;

        JsonReader(final Path file, final InputPolicy policy)
        {
            try
            {
                in = Files.newInputStream(file);
                reader = new NexmarkJsonReader(in, deadLetters, policy);
            }
            catch (final IOException e)
            {
                throw new IllegalStateException("cannot open Nexmark events file " + file + ": " + e, e);
            }
        }

        public int poll(final SourceOutput out, final int limit) throws IOException
        {
            if (ended)
            {
                return END;
            }
            deadLetters.out = out;
            int count = 0;
            while (count < limit)
            {
                if (!reader.next(event))
                {
                    ended = true;
                    break;
                }
                NexmarkRows.write(event, out.next());
                if (reader.lastDefaulted() + reader.lastConverted() > 0)
                {
                    out.lenientFields(reader.lastDefaulted(), reader.lastConverted());
                }
                out.emit(reader.lineNumber());
                count++;
            }
            return count == 0 && ended ? END : count;
        }

        public long position()
        {
            return reader.lineNumber();
        }

        /**
         * @return the byte offset of the next line in the file (the line number is the {@link #position()}).
         */
        public long checkpointOffset()
        {
            return reader.nextLineOffset();
        }

        /**
         * Skip to the line at byte {@code offset}, numbering lines on from {@code position}.
         */
        public void seek(final long offset, final long position) throws IOException
        {
            in.skipNBytes(offset);
            reader.startAt(offset, position);
        }

        public void close() throws IOException
        {
            reader.close();
        }
    }

    /**
     * Receives the reader's dead-letter lines ({@code line number TAB reason TAB line}, one write per line) and
     * hands them to the engine's dead letters (counted, written to the job's dead-letter file).
     */
    private static final class DeadLetters extends OutputStream
    {
        SourceOutput out;

        public void write(final int b)
        {
            throw new UnsupportedOperationException("dead letters come a line at a time");
        }

        public void write(final byte[] bytes, final int offset, final int length)
        {
            int end = offset + length;
            if (end > offset && bytes[end - 1] == '\n')
            {
                end--;
            }
            final String line = new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
            final int tab1 = line.indexOf('\t');
            final int tab2 = tab1 < 0 ? -1 : line.indexOf('\t', tab1 + 1);
            long lineNumber = -1;
            String reason = "malformed";
            String raw = line;
            if (tab2 > 0)
            {
                try
                {
                    lineNumber = Long.parseLong(line.substring(0, tab1));
                }
                catch (final NumberFormatException ignore)
                {
                    // keep -1
                }
                reason = line.substring(tab1 + 1, tab2);
                raw = line.substring(tab2 + 1);
            }
            out.deadLetter(lineNumber, reason, raw);
        }
    }
}
