package io.peregrine.runtime;

import io.peregrine.api.Row;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import io.peregrine.time.WatermarkTracker;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Merges several streams of one schema. Records pass straight through; the watermark out is the
 * minimum over the inputs; a checkpoint barrier goes on once every input has delivered it (the shard
 * reads nothing after a barrier from an input until the checkpoint is taken, so no input runs ahead).
 */
final class UnionOperator extends Operator implements Checkpointed
{
    private final WatermarkTracker tracker;
    private final Input[] inputs;
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(64);
    private boolean idleSent;
    private long barrierId;
    private int barriers;

    UnionOperator(final String name, final int inputCount)
    {
        super(name);
        tracker = new WatermarkTracker(inputCount);
        inputs = new Input[inputCount];
        for (int i = 0; i < inputCount; i++)
        {
            inputs[i] = new Input(name, i);
        }
    }

    Operator input(final int index)
    {
        return inputs[index];
    }

    public void onRecord(final Row row)
    {
        downstream.onRecord(row);
    }

    void watermark(final int input, final long watermark)
    {
        if (tracker.update(input, watermark))
        {
            idleSent = false;
            downstream.onWatermark(tracker.combined());
        }
    }

    void idle(final int input)
    {
        if (tracker.markIdle(input))
        {
            downstream.onWatermark(tracker.combined());
        }
        else if (tracker.isIdle() && !idleSent)
        {
            idleSent = true;
            downstream.onIdle();
        }
    }

    void barrier(final long id)
    {
        if (id != barrierId)
        {
            barrierId = id;
            barriers = 0;
        }
        if (++barriers == inputs.length)
        {
            downstream.onBarrier(id);
        }
    }

    public void snapshot(final int op, final SnapshotWriter writer)
    {
        scratch.putByte(0, (byte)(idleSent ? 1 : 0));
        final int length = 1 + tracker.encode(scratch, 1);
        writer.blob(op, scratch, 0, length);
    }

    private long[] restoredMin;

    /**
     * Each input restarts from the smallest watermark the shards that took the checkpoint had for it.
     */
    public void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
        if (restoredMin == null)
        {
            restoredMin = new long[inputs.length];
            java.util.Arrays.fill(restoredMin, Long.MAX_VALUE);
        }
        int at = offset + 13;
        for (int i = 0; i < inputs.length; i++, at += 9)
        {
            restoredMin[i] = Math.min(restoredMin[i], buffer.getLong(at));
        }
    }

    public void restoreEnd()
    {
        if (restoredMin != null)
        {
            for (int i = 0; i < inputs.length; i++)
            {
                tracker.restoreInput(i, restoredMin[i], false);
            }
        }
    }

    private final class Input extends Operator
    {
        private final int index;

        Input(final String name, final int index)
        {
            super(name + "#" + index);
            this.index = index;
        }

        public void onRecord(final Row row)
        {
            downstream.onRecord(row);
        }

        public void onWatermark(final long watermark)
        {
            watermark(index, watermark);
        }

        public void onIdle()
        {
            idle(index);
        }

        public void onBarrier(final long id)
        {
            barrier(id);
        }
    }

    public void downstream(final Operator downstream)
    {
        super.downstream(downstream);
        for (final Input input : inputs)
        {
            input.downstream(downstream);
        }
    }
}
