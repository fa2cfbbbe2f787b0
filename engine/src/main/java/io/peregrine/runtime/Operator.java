package io.peregrine.runtime;

import io.peregrine.api.Row;

/**
 * A step of a fused chain. Records pass by direct call to {@link #downstream}; no queue, no copy.
 * Watermarks and idleness flow the same way, after the records that precede them.
 * <p>
 * An operator belongs to one shard and is only ever called by that shard's thread.
 */
public abstract class Operator
{
    protected final String name;
    protected Operator downstream;
    /** Where records this operator's function throws on go; null to fail the job (the default). */
    private OperatorErrors errors;

    protected Operator(final String name)
    {
        this.name = name;
    }

    public String name()
    {
        return name;
    }

    public void downstream(final Operator downstream)
    {
        this.downstream = downstream;
    }

    public Operator downstream()
    {
        return downstream;
    }

    /**
     * @param row the record; valid only during this call.
     */
    public abstract void onRecord(Row row);

    /**
     * @param errors where records this operator's user function throws on go instead of failing the job.
     */
    final void errors(final OperatorErrors errors)
    {
        this.errors = errors;
    }

    /**
     * @return the operator's dead letters, null if a throwing function fails the job.
     */
    final OperatorErrors errors()
    {
        return errors;
    }

    /**
     * This operator's user function threw {@code t} on {@code row}: fail the job naming the operator and the record,
     * or, under {@code ErrorPolicy.DEAD_LETTER}, dead-letter the record, count it and return, and the caller goes on
     * with its next record. A failure of a later operator (already an {@link OperatorException}), of the state
     * (a {@code StateFileException}: the disk is full) and a JVM {@link Error} always fail the job.
     *
     * @param row the record, null if there was none (a timer).
     * @param t   what the function threw.
     */
    protected final void onFailure(final Row row, final Throwable t)
    {
        if (t instanceof OperatorException)
        {
            throw (OperatorException)t;
        }
        if (errors == null || !(t instanceof Exception) || t instanceof io.peregrine.state.StateFileException)
        {
            throw OperatorException.wrap(name, row, t);
        }
        errors.deadLetter(name, row, t);
    }

    /**
     * @return the record's key, a failure of the user's key selector named after this operator.
     */
    protected final long keyOf(final io.peregrine.api.KeySelector key, final Row row)
    {
        try
        {
            return key.key(row);
        }
        catch (final Throwable t)
        {
            throw OperatorException.wrap(name, row, t);
        }
    }

    /**
     * Event time has reached {@code watermark}: no record with a smaller or equal timestamp follows
     * (late ones excepted). {@code Long.MAX_VALUE} is the final watermark of a bounded input.
     *
     * @param watermark in epoch milliseconds.
     */
    public void onWatermark(final long watermark)
    {
        downstream.onWatermark(watermark);
    }

    /**
     * The input has gone idle: it holds no watermark back until it sends one again.
     */
    public void onIdle()
    {
        downstream.onIdle();
    }

    /**
     * Checkpoint barrier {@code id}: every record before it has been passed on. An operator that holds output
     * back (a window firing in slices) emits it first; one with several inputs forwards the barrier once it
     * has it from all of them.
     *
     * @param id of the checkpoint.
     */
    public void onBarrier(final long id)
    {
        downstream.onBarrier(id);
    }

    /**
     * Checkpoint {@code id} is complete on every shard: output held for it may be made visible.
     *
     * @param id of the checkpoint.
     */
    public void onCheckpointComplete(final long id)
    {
    }

    /**
     * Called by the shard loop once per duty cycle for operators that registered for processing
     * time.
     *
     * @param nowMs current processing time.
     * @return work done.
     */
    public int onProcessingTime(final long nowMs)
    {
        return 0;
    }

    /**
     * The shard is stopping: release resources (files, state).
     */
    public void close()
    {
    }

    public String toString()
    {
        return getClass().getSimpleName() + "('" + name + "')";
    }
}
