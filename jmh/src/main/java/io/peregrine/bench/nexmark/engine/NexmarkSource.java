package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Schema;
import io.peregrine.api.Source;
import io.peregrine.api.SourceContext;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import io.peregrine.bench.nexmark.NexmarkJson;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
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
 *     (events 0 to count - 1) or unbounded. Allocation-free per event: one reused {@link NexmarkEvent} and one
 *     {@link UnsafeBuffer} wrapper per split.</li>
 *     <li>{@link #jsonFile(Path)}: one split over an events file in the JSON-lines form of
 *     {@link NexmarkJson}; the position is the line number; malformed lines go to the job's dead letters through
 *     {@link Source.SourceOutput#deadLetter(long, String, CharSequence)} (line number, reason, line).</li>
 * </ul>
 */
public final class NexmarkSource implements Source
{
    /** Event count of an unbounded generator source. */
    public static final long UNBOUNDED = -1;

    private final NexmarkConfig config;
    private final long events;
    private final int splits;
    private final Path file;

    private NexmarkSource(final NexmarkConfig config, final long events, final int splits, final Path file)
    {
        this.config = config;
        this.events = events;
        this.splits = splits;
        this.file = file;
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
        return new NexmarkSource(config, events, splits, null);
    }

    /**
     * @param file events as JSON lines ({@link NexmarkJson}).
     * @return a bounded source of one split.
     */
    public static NexmarkSource jsonFile(final Path file)
    {
        return new NexmarkSource(null, 0, 1, file);
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
    public int splitCount(final int shards)
    {
        return file != null ? 1 : (splits == 0 ? shards : splits);
    }

    /**
     * {@inheritDoc}
     */
    public SplitReader createReader(final int split, final int splitCount, final SourceContext context)
    {
        if (file != null)
        {
            return new JsonReader(file);
        }
        return new GeneratorReader(new NexmarkGenerator(config), split, splitCount,
            events == UNBOUNDED ? Long.MAX_VALUE : events);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return file != null ? "NexmarkSource{file=" + file + '}' :
            "NexmarkSource{events=" + (events == UNBOUNDED ? "unbounded" : Long.toString(events)) + ", " + config + '}';
    }

    private static final class GeneratorReader implements SplitReader
    {
        private final NexmarkGenerator generator;
        private final NexmarkEvent event = new NexmarkEvent();
        private final UnsafeBuffer text = new UnsafeBuffer(new byte[1]);
        private final long step;
        private final long end;
        private long next;

        GeneratorReader(final NexmarkGenerator generator, final int split, final int splitCount, final long end)
        {
            this.generator = generator;
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
            int count = 0;
            long n = next;
            while (count < limit && n < end)
            {
                generator.generate(n, event);
                NexmarkRows.write(event, out.next(), text);
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
    }

    private static final class JsonReader implements SplitReader
    {
        private final NexmarkEvent event = new NexmarkEvent();
        private final UnsafeBuffer text = new UnsafeBuffer(new byte[1]);
        private final DeadLetters deadLetters = new DeadLetters();
        private final NexmarkJson.Reader reader;
        private boolean ended;

        JsonReader(final Path file)
        {
            try
            {
                reader = new NexmarkJson.Reader(Files.newInputStream(file), deadLetters);
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
                NexmarkRows.write(event, out.next(), text);
                out.emit(reader.lineNumber());
                count++;
            }
            return count == 0 && ended ? END : count;
        }

        public long position()
        {
            return reader.lineNumber();
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
