package io.peregrine.runtime;

import io.peregrine.config.StateFactory;

import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;

import io.peregrine.api.Aggregation;
import io.peregrine.api.KeySelector;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.state.SlotTable;
import org.agrona.MutableDirectBuffer;

/**
 * Running aggregates per key: the accumulators of all aggregates sit side by side in one state
 * slot, updated in place; every record emits the key's current result.
 */
final class AggregateOperator extends CollectingOperator implements Checkpointed
{
    private final KeySelector key;
    private final Aggregation[] aggregations;
    private final int[] offsets;
    private final SlotTable state;
    private final KeyColumn keyColumn;

    AggregateOperator(
        final String name,
        final KeySelector key,
        final Aggregation[] aggregations,
        final Schema outSchema,
        final StateFactory stateFactory,
        final int shard,
        final int maxRowLength)
    {
        super(name, outSchema, maxRowLength);
        this.key = key;
        this.aggregations = aggregations;
        this.offsets = new int[aggregations.length];
        int length = 0;
        for (int i = 0; i < aggregations.length; i++)
        {
            offsets[i] = length;
            length += aggregations[i].accumulatorLength();
        }
        this.state = stateFactory.create(name, shard, length);
        this.keyColumn = new KeyColumn(outSchema);
            }

    public void onRecord(final Row row)
    {
        final long k = keyOf(key, row);
        final boolean inserted = state.findOrInsert(k);
        final MutableDirectBuffer acc = state.value();
        if (inserted)
        {
            for (int i = 0; i < aggregations.length; i++)
            {
                aggregations[i].init(acc, offsets[i]);
            }
        }
        final RowWriter writer = out.next();
        try
        {
            for (int i = 0; i < aggregations.length; i++)
            {
                aggregations[i].add(acc, offsets[i], row);
            }
            keyColumn.write(writer, k);
            for (int i = 0; i < aggregations.length; i++)
            {
                aggregations[i].result(acc, offsets[i], writer);
            }
        }
        catch (final Throwable t)
        {
            onFailure(row, t);
            return;
        }
        out.current = row;
        out.emit(row.eventTime());
    }

    public void snapshot(final int op, final SnapshotWriter writer)
    {
        writer.table(op, 0, state);
    }

    public SlotTable restoreTable(final long tag, final boolean reset)
    {
        return Checkpointed.single(state, reset);
    }

    public String toString()
    {
        return "aggregate '" + name + "'";
    }

    public void close()
    {
        state.close();
    }
}
