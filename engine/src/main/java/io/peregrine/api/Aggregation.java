package io.peregrine.api;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * An aggregate over the rows of a key (or of a key's window) whose accumulator is a fixed-size
 * slot of off-heap state, updated in place. Built-ins are in {@link Aggregations}; subclass this
 * for a user-defined accumulator.
 * <p>
 * The accumulator starts as zero bytes; {@link #init} runs once when it is created.
 */
public abstract class Aggregation
{
    protected final String outputName;

    protected Aggregation(final String outputName)
    {
        this.outputName = outputName;
    }

    public String outputName()
    {
        return outputName;
    }

    /**
     * @return bytes of the accumulator.
     */
    public abstract int accumulatorLength();

    /**
     * Check the input fields belong to the stream's schema and have usable types.
     *
     * @param input schema of the rows aggregated.
     * @param where operator name, for messages.
     */
    public void bindInput(final Schema input, final String where)
    {
    }

    /**
     * Declare the output field(s) of this aggregate.
     *
     * @param out builder of the output schema.
     */
    public abstract void declare(Schema.Builder out);

    /**
     * Look up the output field handles in the built output schema.
     *
     * @param out the output schema.
     */
    public abstract void bindOutput(Schema out);

    public void init(final MutableDirectBuffer acc, final int offset)
    {
    }

    public abstract void add(MutableDirectBuffer acc, int offset, Row row);

    /**
     * Merge accumulator {@code other} into {@code acc}: used when session windows merge, and by two-stage window
     * aggregation ({@code peregrine.window.two.stage}, on by default), which folds each shard's records into its own
     * accumulator and merges those on the key's shard, in no particular order. A merge must therefore give the
     * result {@link #add} would have given over all the rows, whatever the order of the parts (as the built-ins do:
     * first and last compare event time, then source position).
     *
     * @param acc         accumulator slot merged into.
     * @param offset      of this aggregate's accumulator in {@code acc}.
     * @param other       accumulator merged from.
     * @param otherOffset of this aggregate's accumulator in {@code other}.
     */
    public abstract void merge(MutableDirectBuffer acc, int offset, DirectBuffer other, int otherOffset);

    public abstract void result(DirectBuffer acc, int offset, RowWriter out);
}
