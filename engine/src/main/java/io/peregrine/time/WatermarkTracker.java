package io.peregrine.time;

import java.util.Arrays;

/**
 * Combines the watermarks of several inputs: the output is the minimum over the inputs that are
 * not idle, and never goes back. An idle input holds nothing back until it sends a watermark again;
 * when every input is idle the output is idle.
 */
public final class WatermarkTracker
{
    private final long[] watermarks;
    private final boolean[] idle;
    private long combined = Long.MIN_VALUE;
    private boolean allIdle;

    public WatermarkTracker(final int inputs)
    {
        watermarks = new long[inputs];
        idle = new boolean[inputs];
        Arrays.fill(watermarks, Long.MIN_VALUE);
    }

    public int inputs()
    {
        return watermarks.length;
    }

    /**
     * @param input     index.
     * @param watermark of that input.
     * @return true if the combined watermark advanced.
     */
    public boolean update(final int input, final long watermark)
    {
        idle[input] = false;
        if (watermark > watermarks[input])
        {
            watermarks[input] = watermark;
        }
        return recompute();
    }

    /**
     * @param input that went idle.
     * @return true if the combined watermark advanced because of it.
     */
    public boolean markIdle(final int input)
    {
        idle[input] = true;
        return recompute();
    }

    private boolean recompute()
    {
        long min = Long.MAX_VALUE;
        boolean anyActive = false;
        for (int i = 0; i < watermarks.length; i++)
        {
            if (!idle[i])
            {
                anyActive = true;
                min = Math.min(min, watermarks[i]);
            }
        }
        allIdle = !anyActive;
        if (anyActive && min > combined)
        {
            combined = min;
            return true;
        }
        return false;
    }

    /**
     * @return the combined watermark, {@code Long.MIN_VALUE} before any.
     */
    public long combined()
    {
        return combined;
    }

    /**
     * @return true if every input is idle.
     */
    public boolean isIdle()
    {
        return allIdle;
    }

    /**
     * @return true if every input has sent the final watermark.
     */
    public boolean isEnded()
    {
        for (final long watermark : watermarks)
        {
            if (watermark != Long.MAX_VALUE)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return bytes {@link #encode} writes.
     */
    public int encodedLength()
    {
        return 12 + watermarks.length * 9;
    }

    /**
     * Write the state (for a checkpoint):
     * {@code | inputs (int) | combined (long) | per input: watermark (long), idle (byte) |}.
     *
     * @return bytes written.
     */
    public int encode(final org.agrona.MutableDirectBuffer buffer, final int offset)
    {
        buffer.putInt(offset, watermarks.length);
        buffer.putLong(offset + 4, combined);
        int at = offset + 12;
        for (int i = 0; i < watermarks.length; i++)
        {
            buffer.putLong(at, watermarks[i]);
            buffer.putByte(at + 8, (byte)(idle[i] ? 1 : 0));
            at += 9;
        }
        return at - offset;
    }

    /**
     * Restore the state {@link #encode} wrote; the number of inputs must match.
     *
     * @return bytes read.
     */
    public int decode(final org.agrona.DirectBuffer buffer, final int offset)
    {
        final int inputs = buffer.getInt(offset);
        if (inputs != watermarks.length)
        {
            throw new IllegalStateException("checkpointed watermarks of " + inputs + " inputs, this operator has " +
                watermarks.length + ": was the checkpoint taken with another shard count or pipeline?");
        }
        combined = buffer.getLong(offset + 4);
        int at = offset + 12;
        boolean anyActive = false;
        for (int i = 0; i < inputs; i++)
        {
            watermarks[i] = buffer.getLong(at);
            idle[i] = buffer.getByte(at + 8) != 0;
            anyActive |= !idle[i];
            at += 9;
        }
        allIdle = !anyActive;
        return at - offset;
    }

    /**
     * Set one input as a checkpoint recorded it (restore): the combined watermark follows, and may only rise.
     */
    public void restoreInput(final int input, final long watermark, final boolean idle)
    {
        watermarks[input] = watermark;
        this.idle[input] = idle;
        long min = Long.MAX_VALUE;
        boolean anyActive = false;
        for (int i = 0; i < watermarks.length; i++)
        {
            if (!this.idle[i])
            {
                anyActive = true;
                min = Math.min(min, watermarks[i]);
            }
        }
        allIdle = !anyActive;
        combined = anyActive ? min : combined;
    }

    public long watermark(final int input)
    {
        return watermarks[input];
    }

    public boolean isIdle(final int input)
    {
        return idle[input];
    }
}
