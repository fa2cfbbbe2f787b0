package io.peregrine.demo;

import io.peregrine.api.Field;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Records {@code now - ingest_ns} of every row into a per-shard HdrHistogram (no sharing, no lock
 * on the hot path); {@link #merged()} adds them up once the job has ended.
 */
public final class LatencySink implements Sink
{
    private final Field.Int64 ingestField;
    private final Sink next;
    private final List<Histogram> histograms = new ArrayList<>();
    private final List<Histogram> warmupHistograms = new ArrayList<>();
    private volatile long warmupEndNs = Long.MIN_VALUE;

    /**
     * @param ingestField nano time the event entered the job.
     * @param next        sink to pass rows on to, or null.
     */
    public LatencySink(final Field.Int64 ingestField, final Sink next)
    {
        this.ingestField = ingestField;
        this.next = next;
    }

    /**
     * Rows that entered the job before {@code nanoTime} are the warm-up (JIT compilation, class loading, first touch
     * of state): recorded apart ({@link #warmup()}), not in {@link #merged()}. Set before the job starts.
     *
     * @param nanoTime end of the warm-up, by {@link System#nanoTime()}.
     * @return this.
     */
    public LatencySink warmupUntil(final long nanoTime)
    {
        this.warmupEndNs = nanoTime;
        return this;
    }

    public SinkWriter createWriter(final int shard, final int shards, final Schema schema) throws Exception
    {
        final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        final Histogram warm = new Histogram(3_600_000_000_000L, 3);
        final long warmupEnd = warmupEndNs;
        synchronized (histograms)
        {
            histograms.add(histogram);
            warmupHistograms.add(warm);
        }
        final SinkWriter downstream = next == null ? null : next.createWriter(shard, shards, schema);
        return new SinkWriter()
        {
            public void write(final Row row) throws Exception
            {
                final long ingest = row.getLong(ingestField);
                final long latency = System.nanoTime() - ingest;
                (ingest - warmupEnd < 0 ? warm : histogram).recordValue(
                    Math.max(0, Math.min(latency, histogram.getHighestTrackableValue())));
                if (downstream != null)
                {
                    downstream.write(row);
                }
            }

            public void close() throws Exception
            {
                if (downstream != null)
                {
                    downstream.close();
                }
            }
        };
    }

    /**
     * @return the latencies of the rows that entered during the warm-up ({@link #warmupUntil}), all shards.
     */
    public Histogram warmup()
    {
        final Histogram all = new Histogram(3_600_000_000_000L, 3);
        synchronized (histograms)
        {
            for (final Histogram h : warmupHistograms)
            {
                all.add(h);
            }
        }
        return all;
    }

    /**
     * @return the latencies of the rows after the warm-up (all of them without one), all shards.
     */
    public Histogram merged()
    {
        final Histogram all = new Histogram(3_600_000_000_000L, 3);
        synchronized (histograms)
        {
            for (final Histogram h : histograms)
            {
                all.add(h);
            }
        }
        return all;
    }
}
