package io.peregrine.runtime;

import io.peregrine.config.StateFactory;

import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;

import io.peregrine.api.KeySelector;
import io.peregrine.api.ReduceFunction;
import io.peregrine.api.MutableRow;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.state.SlotTable;
import org.agrona.MutableDirectBuffer;

/**
 * Rolling reduce per key: the kept row lives in the key's state slot; the user function combines
 * it with each new row, and the result replaces it and is emitted.
 */
final class ReduceOperator extends CollectingOperator implements Checkpointed
{
    private final KeySelector key;
    private final ReduceFunction fn;
    private final Schema schema;
    private final SlotTable state;
    private final MutableRow accumulated = new MutableRow();

    ReduceOperator(
        final String name,
        final KeySelector key,
        final ReduceFunction fn,
        final Schema schema,
        final StateFactory stateFactory,
        final int shard,
        final int maxRowLength)
    {
        super(name, schema, maxRowLength);
        this.key = key;
        this.fn = fn;
        this.schema = schema;
        this.state = stateFactory.create(name, shard, schema.fixedLength());
            }

    public void onRecord(final Row row)
    {
        final long k = keyOf(key, row);
        final int length = schema.fixedLength();
        final boolean inserted = state.findOrInsert(k);
        final MutableDirectBuffer slot = state.value();
        if (inserted)
        {
            slot.putBytes(0, row.buffer(), row.offset(), length);
            out.current = row;
            downstream.onRecord(row);
            return;
        }
        accumulated.wrap(schema, slot, 0, length).meta(row.eventTime(), row.sourceSplit(), row.sourcePosition(),
            row.recordWatermark());
        final RowWriter writer = out.next();
        try
        {
            fn.reduce(accumulated, row, writer);
        }
        catch (final Throwable t)
        {
            onFailure(row, t);
            return;
        }
        slot.putBytes(0, out.scratch, 0, length);
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
        return "reduce '" + name + "'";
    }

    public void close()
    {
        state.close();
    }
}
