package io.peregrine.connector;

import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints rows as CSV lines with a prefix; optionally only every n-th row, so a fast job can show
 * a sample of its results without drowning the terminal.
 */
public final class StdoutSink implements Sink
{
    private final String prefix;
    private final long every;
    private final PrintStream out;
    private final AtomicLong seen = new AtomicLong();

    public StdoutSink(final String prefix, final long every, final PrintStream out)
    {
        if (every < 1)
        {
            throw new IllegalArgumentException("every must be >= 1: " + every);
        }
        this.prefix = prefix;
        this.every = every;
        this.out = out;
    }

    public SinkWriter createWriter(final int shard, final int shards, final Schema schema)
    {
        final StringBuilder line = new StringBuilder();
        return new SinkWriter()
        {
            public void write(final Row row)
            {
                if (seen.incrementAndGet() % every != 0)
                {
                    return;
                }
                line.setLength(0);
                line.append(prefix);
                row.appendCsv(line);
                synchronized (out)
                {
                    out.println(line);
                }
            }
        };
    }
}
