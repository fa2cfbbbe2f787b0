package io.peregrine.runtime;

import io.peregrine.api.Row;
import io.peregrine.time.WatermarkTracker;

/**
 * Merges several streams of one schema. Records pass straight through; the watermark out is the
 * minimum over the inputs.
 */
final class UnionOperator extends Operator
{
    private final WatermarkTracker tracker;
    private final Input[] inputs;
    private boolean idleSent;

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
