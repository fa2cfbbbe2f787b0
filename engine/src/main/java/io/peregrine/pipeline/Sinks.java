package io.peregrine.pipeline;

import io.peregrine.api.Sink;
import io.peregrine.connector.ChronicleQueueSink;
import io.peregrine.connector.CollectSink;
import io.peregrine.connector.CsvFileSink;
import io.peregrine.connector.StdoutSink;

import java.nio.file.Path;

/**
 * The built-in sinks.
 */
public final class Sinks
{
    private Sinks()
    {
    }

    public static CollectSink collect()
    {
        return new CollectSink();
    }

    public static Sink stdout()
    {
        return new StdoutSink("", 1, System.out);
    }

    /**
     * @param prefix printed before each row.
     * @param every  print only every n-th row.
     */
    public static Sink stdout(final String prefix, final long every)
    {
        return new StdoutSink(prefix, every, System.out);
    }

    /**
     * CSV files, one per shard, each with a header line: {@code <dir>/part-<shard>.csv}, or with checkpoints (exactly
     * once) {@code <dir>/part-<shard>-<checkpoint>.csv}. The directory is created if missing; a job refuses to start
     * over an earlier run's {@code part-<shard>.csv}, naming it.
     *
     * @param dir where the files go.
     */
    public static CsvFileSink csv(final Path dir)
    {
        return new CsvFileSink(dir);
    }

    /**
     * @param queueDir of the Chronicle Queue the rows are appended to, in the
     *                 {@link io.peregrine.connector.ChronicleQueueRows} format (readable by
     *                 {@link Sources#chronicleQueue}); with checkpoints, exactly once through commit markers, read
     *                 back with {@link ChronicleQueueSink.CommittedReader}.
     */
    public static ChronicleQueueSink chronicleQueue(final Path queueDir)
    {
        return new ChronicleQueueSink(queueDir);
    }
}
