package io.peregrine.runtime;

import io.peregrine.api.Row;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Merges several streams of one schema. Records pass straight through; the watermark out is the
 * minimum over the inputs; a checkpoint barrier goes on once every input has delivered it (see
 * {@link InputAlignment}).
 */
final class UnionOperator extends Operator implements Checkpointed, InputAlignment.Output
{
    private final InputAlignment alignment;
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(64);

    UnionOperator(final String name, final int inputCount)
    {
        super(name);
        alignment = new InputAlignment(name, inputCount, this);
    }

    Operator input(final int index)
    {
        return alignment.input(index);
    }

    public void onRecord(final Row row)
    {
        downstream.onRecord(row);
    }

    public void snapshot(final int op, final SnapshotWriter writer)
    {
        writer.blob(op, scratch, 0, alignment.encode(scratch, 0));
    }

    /**
     * Each input restarts from the smallest watermark the shards that took the checkpoint had for it.
     */
    public void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
        alignment.restore(buffer, offset);
    }

    public void restoreEnd()
    {
        alignment.restoreEnd();
    }

    public void downstream(final Operator downstream)
    {
        super.downstream(downstream);
        for (int i = 0; i < alignment.count(); i++)
        {
            alignment.input(i).downstream(downstream);
        }
    }
}
