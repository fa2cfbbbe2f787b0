package io.peregrine.metrics;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.nio.ByteBuffer;

/**
 * The counters of a job: one {@link AtomicCounter} per (shard, {@link Metric}) in an Agrona
 * {@link CountersManager}. A shard thread is the only writer of its own counters (ordered puts);
 * any thread may read them, as a progress line does.
 */
public final class JobCounters
{
    private final AtomicCounter[][] counters;

    public JobCounters(final int shards)
    {
        final int count = shards * Metric.values().length;
        final UnsafeBuffer meta = new UnsafeBuffer(ByteBuffer.allocateDirect(count * CountersManager.METADATA_LENGTH));
        final UnsafeBuffer values = new UnsafeBuffer(ByteBuffer.allocateDirect(count * CountersManager.COUNTER_LENGTH));
        final CountersManager manager = new CountersManager(meta, values);
        counters = new AtomicCounter[shards][];
        for (int s = 0; s < shards; s++)
        {
            counters[s] = new AtomicCounter[Metric.values().length];
            for (final Metric metric : Metric.values())
            {
                counters[s][metric.ordinal()] = manager.newCounter("shard-" + s + ": " + metric.label(), metric.typeId());
            }
        }
    }

    public AtomicCounter counter(final int shard, final Metric metric)
    {
        return counters[shard][metric.ordinal()];
    }

    /**
     * @return the sum over shards.
     */
    public long total(final Metric metric)
    {
        long sum = 0;
        for (final AtomicCounter[] shard : counters)
        {
            sum += shard[metric.ordinal()].get();
        }
        return sum;
    }

    /**
     * @return the minimum over shards (for watermarks).
     */
    public long min(final Metric metric)
    {
        long min = Long.MAX_VALUE;
        for (final AtomicCounter[] shard : counters)
        {
            min = Math.min(min, shard[metric.ordinal()].get());
        }
        return min;
    }

    public int shards()
    {
        return counters.length;
    }

    /**
     * @return what became of the input that was not taken as it came, for a job's summary: {@code late records 0,
     * malformed inputs 0, fields read as zero 0, fields converted 0} (the last two by the sources'
     * {@link io.peregrine.api.InputPolicy}).
     */
    public String inputSummary()
    {
        return String.format("late records %,d, malformed inputs %,d, fields read as zero %,d, fields converted %,d",
            total(Metric.LATE_RECORDS), total(Metric.MALFORMED_RECORDS), total(Metric.DEFAULTED_FIELDS),
            total(Metric.CONVERTED_FIELDS));
    }
}
