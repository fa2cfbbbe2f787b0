package io.peregrine.runtime;

import io.peregrine.api.Row;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Counts the records that pass from one operator of a chain to the next (the producer's records out, the consumer's
 * records in, or both), then hands them on; watermarks, idleness and barriers pass through. The planner puts one on
 * each edge of a shard's graph, so every operator's counts are its own without operators counting anything. Several
 * of them may count into one counter (a union's inputs): each increments what the counter holds, and all of them run
 * on the shard's one thread.
 */
final class RecordCount extends Operator
{
    private final AtomicCounter first;
    private final AtomicCounter second;
    /** The consuming operator, named in a failure it did not name itself; null if this edge has no one consumer. */
    private String consumer;

    /**
     * @param name   for messages.
     * @param first  counted for every record.
     * @param second counted too, if not null.
     * @param target where the records go.
     */
    RecordCount(final String name, final AtomicCounter first, final AtomicCounter second, final Operator target)
    {
        super(name);
        this.first = first;
        this.second = second;
        downstream(target);
    }

    public void onRecord(final Row row)
    {
        first.incrementRelease();
        if (second != null)
        {
            second.incrementRelease();
        }
        try
        {
            downstream.onRecord(row);
        }
        catch (final OperatorException e)
        {
            throw e;
        }
        catch (final RuntimeException | InternalError e)
        {
            // A failure no operator named (an engine check, an aggregate's result, an InternalError: a fault on a page
            // of a mapped state file): it happened in the consumer, never in the operator upstream whose function
            // called the collector.
            if (consumer == null)
            {
                throw e;
            }
            throw OperatorException.wrap(consumer, row, e);
        }
    }

    /**
     * @param name of the operator this edge feeds, blamed for a failure below it that names no operator.
     * @param edge an edge made by {@link #around}, or the target itself.
     * @return edge.
     */
    static Operator blaming(final String name, final Operator edge)
    {
        if (edge instanceof RecordCount)
        {
            ((RecordCount)edge).consumer = name;
        }
        return edge;
    }

    /**
     * @return an operator that counts into both counters, either of which may be null, before {@code target}; the
     * target itself if both are null.
     */
    static Operator around(final String name, final AtomicCounter a, final AtomicCounter b, final Operator target)
    {
        if (a == null)
        {
            return b == null ? target : new RecordCount(name, b, null, target);
        }
        return new RecordCount(name, a, b, target);
    }
}
