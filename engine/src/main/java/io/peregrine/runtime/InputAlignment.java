package io.peregrine.runtime;

import io.peregrine.api.Row;
import io.peregrine.time.WatermarkTracker;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Arrays;

/**
 * The inputs of an operator that has several (a union, a join): the operator's watermark is the minimum over its
 * inputs that are not idle, as Flink's for a two-input operator; it is idle when every input is; a checkpoint barrier
 * goes on once every input has delivered it (the shard reads nothing after a barrier from an input until the
 * checkpoint is taken, so no input runs ahead). Each input is an {@link Input} operator that passes records to its own
 * downstream and its watermarks, idleness and barriers here.
 */
final class InputAlignment
{
    /**
     * What the combined inputs say, to the operator that owns them.
     */
    interface Output
    {
        /**
         * @param watermark the new minimum over the inputs, higher than the last one.
         */
        void onWatermark(long watermark);

        /**
         * Every input is idle.
         */
        void onIdle();

        /**
         * @param id of the checkpoint whose barrier every input has now delivered.
         */
        void onBarrier(long id);
    }

    private final WatermarkTracker tracker;
    private final Output output;
    private final Input[] inputs;
    private boolean idleSent;
    private long barrierId;
    private int barriers;
    private long[] restoredMin;

    /**
     * @param name   of the owning operator; input i is named {@code name#i}.
     * @param count  of inputs.
     * @param output told of watermarks, idleness and barriers.
     */
    InputAlignment(final String name, final int count, final Output output)
    {
        this.tracker = new WatermarkTracker(count);
        this.output = output;
        this.inputs = new Input[count];
        for (int i = 0; i < count; i++)
        {
            inputs[i] = new Input(name + "#" + i, i);
        }
    }

    /**
     * @param index of the input.
     * @return the operator the input's upstream calls; records go to its downstream.
     */
    Input input(final int index)
    {
        return inputs[index];
    }

    /**
     * @return inputs.
     */
    int count()
    {
        return inputs.length;
    }

    /**
     * @return the combined watermark, {@code Long.MIN_VALUE} before any.
     */
    long watermark()
    {
        return tracker.combined();
    }

    private void watermark(final int input, final long watermark)
    {
        if (tracker.update(input, watermark))
        {
            idleSent = false;
            output.onWatermark(tracker.combined());
        }
    }

    private void idle(final int input)
    {
        if (tracker.markIdle(input))
        {
            output.onWatermark(tracker.combined());
        }
        else if (tracker.isIdle() && !idleSent)
        {
            idleSent = true;
            output.onIdle();
        }
    }

    private void barrier(final long id)
    {
        if (id != barrierId)
        {
            barrierId = id;
            barriers = 0;
        }
        if (++barriers == inputs.length)
        {
            output.onBarrier(id);
        }
    }

    /**
     * @return bytes {@link #encode} writes.
     */
    int encodedLength()
    {
        return 1 + tracker.encodedLength();
    }

    /**
     * Write {@code | idle sent (byte) | inputs' watermarks (see WatermarkTracker#encode) |} for a checkpoint.
     *
     * @return bytes written.
     */
    int encode(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putByte(offset, (byte)(idleSent ? 1 : 0));
        return 1 + tracker.encode(buffer, offset + 1);
    }

    /**
     * Read what {@link #encode} wrote, once per shard that took the checkpoint: each input restarts from the smallest
     * watermark those shards had for it (applied by {@link #restoreEnd()}).
     *
     * @return bytes read.
     */
    int restore(final DirectBuffer buffer, final int offset)
    {
        if (restoredMin == null)
        {
            restoredMin = new long[inputs.length];
            Arrays.fill(restoredMin, Long.MAX_VALUE);
        }
        int at = offset + 13;
        for (int i = 0; i < inputs.length; i++, at += 9)
        {
            restoredMin[i] = Math.min(restoredMin[i], buffer.getLong(at));
        }
        return at - offset;
    }

    void restoreEnd()
    {
        if (restoredMin != null)
        {
            for (int i = 0; i < inputs.length; i++)
            {
                tracker.restoreInput(i, restoredMin[i], false);
            }
        }
    }

    /**
     * One input: records to its downstream, the rest to the alignment.
     */
    final class Input extends Operator
    {
        private final int index;

        private Input(final String name, final int index)
        {
            super(name);
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
}
