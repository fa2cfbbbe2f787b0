package io.peregrine.runtime;

import io.peregrine.api.Row;
import io.peregrine.api.Sink;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Hands rows to a sink writer, counts them and records the watermark that reached it.
 */
final class SinkOperator extends Operator
{
    private final Sink.SinkWriter writer;
    private final AtomicCounter records;
    private final AtomicCounter watermarkCounter;
    private long count;

    SinkOperator(final String name, final Sink.SinkWriter writer, final AtomicCounter records, final AtomicCounter watermark)
    {
        super(name);
        this.writer = writer;
        this.records = records;
        this.watermarkCounter = watermark;
    }

    public void onRecord(final Row row)
    {
        try
        {
            writer.write(row);
        }
        catch (final Throwable t)
        {
            onFailure(row, t);
            return;
        }
        records.setOrdered(++count);
    }

    public void onWatermark(final long watermark)
    {
        watermarkCounter.setOrdered(watermark);
        try
        {
            writer.onWatermark(watermark);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("sink '" + name + "' failed on watermark " + watermark + ": " + e, e);
        }
    }

    public void onBarrier(final long id)
    {
        try
        {
            writer.preCommit(id);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("sink '" + name + "' failed to seal its output for checkpoint " + id + ": " +
                e, e);
        }
    }

    public void onCheckpointComplete(final long id)
    {
        try
        {
            writer.commit(id);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("sink '" + name + "' failed to commit its output of checkpoint " + id + ": " +
                e, e);
        }
    }

    public void onIdle()
    {
    }

    public void close()
    {
        try
        {
            writer.close();
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("sink '" + name + "' failed to close: " + e, e);
        }
    }
}
