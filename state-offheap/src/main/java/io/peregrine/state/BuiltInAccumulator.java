package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Sum, count, min, max and average of {@code long} inputs.
 * <pre>
 *   SUM, COUNT, MIN, MAX: | value (long) |
 *   AVG:                  | sum (long) | count (long) |
 * </pre>
 * Sums wrap on overflow as Java longs do.
 */
public enum BuiltInAccumulator implements Accumulator
{
    SUM
    {
        public void add(final MutableDirectBuffer acc, final int offset, final long value)
        {
            acc.putLong(offset, acc.getLong(offset) + value);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            acc.putLong(offset, acc.getLong(offset) + other.getLong(otherOffset));
        }
    },

    COUNT
    {
        public void add(final MutableDirectBuffer acc, final int offset, final long value)
        {
            acc.putLong(offset, acc.getLong(offset) + 1);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            acc.putLong(offset, acc.getLong(offset) + other.getLong(otherOffset));
        }
    },

    MIN
    {
        public void init(final MutableDirectBuffer acc, final int offset)
        {
            acc.putLong(offset, Long.MAX_VALUE);
        }

        public void add(final MutableDirectBuffer acc, final int offset, final long value)
        {
            if (value < acc.getLong(offset))
            {
                acc.putLong(offset, value);
            }
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            add(acc, offset, other.getLong(otherOffset));
        }
    },

    MAX
    {
        public void init(final MutableDirectBuffer acc, final int offset)
        {
            acc.putLong(offset, Long.MIN_VALUE);
        }

        public void add(final MutableDirectBuffer acc, final int offset, final long value)
        {
            if (value > acc.getLong(offset))
            {
                acc.putLong(offset, value);
            }
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            add(acc, offset, other.getLong(otherOffset));
        }
    },

    AVG
    {
        public int length()
        {
            return 16;
        }

        public void init(final MutableDirectBuffer acc, final int offset)
        {
            acc.putLong(offset, 0);
            acc.putLong(offset + 8, 0);
        }

        public void add(final MutableDirectBuffer acc, final int offset, final long value)
        {
            acc.putLong(offset, acc.getLong(offset) + value);
            acc.putLong(offset + 8, acc.getLong(offset + 8) + 1);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            acc.putLong(offset, acc.getLong(offset) + other.getLong(otherOffset));
            acc.putLong(offset + 8, acc.getLong(offset + 8) + other.getLong(otherOffset + 8));
        }

        public double result(final DirectBuffer acc, final int offset)
        {
            final long count = acc.getLong(offset + 8);
            return count == 0 ? Double.NaN : (double)acc.getLong(offset) / count;
        }
    };

    public int length()
    {
        return 8;
    }

    public void init(final MutableDirectBuffer acc, final int offset)
    {
        acc.putLong(offset, 0);
    }

    public double result(final DirectBuffer acc, final int offset)
    {
        return acc.getLong(offset);
    }
}
