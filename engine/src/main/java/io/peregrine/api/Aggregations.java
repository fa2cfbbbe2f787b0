package io.peregrine.api;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Built-in aggregates: count, sum, min, max, avg, first and last (by event time), and keep (a
 * field's value from the first row, to carry descriptive columns such as a symbol).
 */
public final class Aggregations
{
    private Aggregations()
    {
    }

    public static Aggregation count(final String name)
    {
        return new Count(name);
    }

    public static Aggregation sum(final String name, final Field field)
    {
        return new Sum(name, numeric(field, "sum"));
    }

    public static Aggregation min(final String name, final Field field)
    {
        return new MinMax(name, numeric(field, "min"), true);
    }

    public static Aggregation max(final String name, final Field field)
    {
        return new MinMax(name, numeric(field, "max"), false);
    }

    public static Aggregation avg(final String name, final Field field)
    {
        return new Avg(name, numeric(field, "avg"));
    }

    /**
     * @return the value of the row with the smallest event time (ties: the earliest source position).
     */
    public static Aggregation first(final String name, final Field field)
    {
        return new FirstLast(name, numeric(field, "first"), true);
    }

    /**
     * @return the value of the row with the largest event time (ties: the latest source position).
     */
    public static Aggregation last(final String name, final Field field)
    {
        return new FirstLast(name, numeric(field, "last"), false);
    }

    /**
     * @return the field's value in the first row seen (a fixed-width field: typically one that is
     * the same for every row of the key, such as the symbol of an instrument id).
     */
    public static Aggregation keep(final Field field)
    {
        if (field.type().isVariableLength())
        {
            throw new PipelineException("keep('" + field.name() + "'): only fixed-width fields can be kept in state");
        }
        return new Keep(field);
    }

    private static Field numeric(final Field field, final String what)
    {
        switch (field.type())
        {
            case INT32:
            case INT64:
            case FLOAT64:
            case TIMESTAMP:
                return field;
            default:
                throw new PipelineException(what + "('" + field.name() + "'): field is " + field.type() +
                    "; " + what + " needs INT32, INT64, FLOAT64 or TIMESTAMP");
        }
    }

    static boolean isFloating(final Field field)
    {
        return field.type() == FieldType.FLOAT64;
    }

    static long readLong(final Row row, final Field field)
    {
        switch (field.type())
        {
            case INT32: return row.getInt((Field.Int32)field);
            case INT64: return row.getLong((Field.Int64)field);
            default: return row.getTimestamp((Field.Timestamp)field);
        }
    }

    static void checkInput(final Field field, final Schema input, final String where)
    {
        input.checkOwns(field, where);
    }

    /**
     * An aggregate over one numeric field whose output has the field's kind: FLOAT64 for a FLOAT64
     * input, INT64 otherwise.
     */
    private abstract static class OnField extends Aggregation
    {
        final Field field;
        final boolean floating;
        Field outField;

        OnField(final String name, final Field field)
        {
            super(name);
            this.field = field;
            this.floating = isFloating(field);
        }

        public void bindInput(final Schema input, final String where)
        {
            checkInput(field, input, where);
        }

        public void declare(final Schema.Builder builder)
        {
            if (floating)
            {
                builder.float64(outputName);
            }
            else
            {
                builder.int64(outputName);
            }
        }

        public void bindOutput(final Schema schema)
        {
            outField = floating ? schema.float64(outputName) : schema.int64(outputName);
        }
    }

    static final class Count extends Aggregation
    {
        private Field.Int64 out;

        Count(final String name)
        {
            super(name);
        }

        public int accumulatorLength()
        {
            return 8;
        }

        public void declare(final Schema.Builder builder)
        {
            builder.int64(outputName);
        }

        public void bindOutput(final Schema schema)
        {
            out = schema.int64(outputName);
        }

        public void add(final MutableDirectBuffer acc, final int offset, final Row row)
        {
            acc.putLong(offset, acc.getLong(offset) + 1);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            acc.putLong(offset, acc.getLong(offset) + other.getLong(otherOffset));
        }

        public void result(final DirectBuffer acc, final int offset, final RowWriter writer)
        {
            writer.putLong(out, acc.getLong(offset));
        }
    }

    static final class Sum extends OnField
    {
        Sum(final String name, final Field field)
        {
            super(name, field);
        }

        public int accumulatorLength()
        {
            return 8;
        }

        public void add(final MutableDirectBuffer acc, final int offset, final Row row)
        {
            if (floating)
            {
                acc.putDouble(offset, acc.getDouble(offset) + row.getDouble((Field.Float64)field));
            }
            else
            {
                acc.putLong(offset, acc.getLong(offset) + readLong(row, field));
            }
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            if (floating)
            {
                acc.putDouble(offset, acc.getDouble(offset) + other.getDouble(otherOffset));
            }
            else
            {
                acc.putLong(offset, acc.getLong(offset) + other.getLong(otherOffset));
            }
        }

        public void result(final DirectBuffer acc, final int offset, final RowWriter writer)
        {
            if (floating)
            {
                writer.putDouble((Field.Float64)outField, acc.getDouble(offset));
            }
            else
            {
                writer.putLong((Field.Int64)outField, acc.getLong(offset));
            }
        }
    }

    static final class MinMax extends OnField
    {
        private final boolean min;
        MinMax(final String name, final Field field, final boolean min)
        {
            super(name, field);
            this.min = min;
        }

        public int accumulatorLength()
        {
            return 8;
        }

        public void init(final MutableDirectBuffer acc, final int offset)
        {
            if (floating)
            {
                acc.putDouble(offset, min ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
            }
            else
            {
                acc.putLong(offset, min ? Long.MAX_VALUE : Long.MIN_VALUE);
            }
        }

        public void add(final MutableDirectBuffer acc, final int offset, final Row row)
        {
            if (floating)
            {
                combineDouble(acc, offset, row.getDouble((Field.Float64)field));
            }
            else
            {
                combineLong(acc, offset, readLong(row, field));
            }
        }

        private void combineDouble(final MutableDirectBuffer acc, final int offset, final double value)
        {
            final double current = acc.getDouble(offset);
            if (min ? value < current : value > current)
            {
                acc.putDouble(offset, value);
            }
        }

        private void combineLong(final MutableDirectBuffer acc, final int offset, final long value)
        {
            final long current = acc.getLong(offset);
            if (min ? value < current : value > current)
            {
                acc.putLong(offset, value);
            }
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            if (floating)
            {
                combineDouble(acc, offset, other.getDouble(otherOffset));
            }
            else
            {
                combineLong(acc, offset, other.getLong(otherOffset));
            }
        }

        public void result(final DirectBuffer acc, final int offset, final RowWriter writer)
        {
            if (floating)
            {
                writer.putDouble((Field.Float64)outField, acc.getDouble(offset));
            }
            else
            {
                writer.putLong((Field.Int64)outField, acc.getLong(offset));
            }
        }
    }

    /**
     * Accumulator: sum (double) at 0, count (long) at 8.
     */
    static final class Avg extends OnField
    {
        private Field.Float64 out;

        Avg(final String name, final Field field)
        {
            super(name, field);
        }

        public int accumulatorLength()
        {
            return 16;
        }

        public void declare(final Schema.Builder builder)
        {
            builder.float64(outputName);
        }

        public void bindOutput(final Schema schema)
        {
            out = schema.float64(outputName);
        }

        public void add(final MutableDirectBuffer acc, final int offset, final Row row)
        {
            final double value = floating ? row.getDouble((Field.Float64)field) : readLong(row, field);
            acc.putDouble(offset, acc.getDouble(offset) + value);
            acc.putLong(offset + 8, acc.getLong(offset + 8) + 1);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            acc.putDouble(offset, acc.getDouble(offset) + other.getDouble(otherOffset));
            acc.putLong(offset + 8, acc.getLong(offset + 8) + other.getLong(otherOffset + 8));
        }

        public void result(final DirectBuffer acc, final int offset, final RowWriter writer)
        {
            final long count = acc.getLong(offset + 8);
            writer.putDouble(out, count == 0 ? Double.NaN : acc.getDouble(offset) / count);
        }
    }

    /**
     * Accumulator: event time at 0, split at 8, position at 16, value (long bits or double) at 24,
     * set flag at 32.
     */
    static final class FirstLast extends OnField
    {
        private final boolean first;
        FirstLast(final String name, final Field field, final boolean first)
        {
            super(name, field);
            this.first = first;
        }

        public int accumulatorLength()
        {
            return 40;
        }

        public void add(final MutableDirectBuffer acc, final int offset, final Row row)
        {
            final long value = floating ? Double.doubleToRawLongBits(row.getDouble((Field.Float64)field)) : readLong(row, field);
            offer(acc, offset, row.eventTime(), row.sourceSplit(), row.sourcePosition(), value);
        }

        private void offer(
            final MutableDirectBuffer acc, final int offset, final long time, final long split, final long position, final long value)
        {
            boolean take = acc.getLong(offset + 32) == 0;
            if (!take)
            {
                int cmp = Long.compare(time, acc.getLong(offset));
                if (cmp == 0)
                {
                    cmp = Long.compare(position, acc.getLong(offset + 16));
                }
                if (cmp == 0)
                {
                    cmp = Long.compare(split, acc.getLong(offset + 8));
                }
                take = first ? cmp < 0 : cmp > 0;
            }
            if (take)
            {
                acc.putLong(offset, time);
                acc.putLong(offset + 8, split);
                acc.putLong(offset + 16, position);
                acc.putLong(offset + 24, value);
                acc.putLong(offset + 32, 1);
            }
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            if (other.getLong(otherOffset + 32) != 0)
            {
                offer(acc, offset, other.getLong(otherOffset), other.getLong(otherOffset + 8),
                    other.getLong(otherOffset + 16), other.getLong(otherOffset + 24));
            }
        }

        public void result(final DirectBuffer acc, final int offset, final RowWriter writer)
        {
            final long value = acc.getLong(offset + 24);
            if (floating)
            {
                writer.putDouble((Field.Float64)outField, Double.longBitsToDouble(value));
            }
            else
            {
                writer.putLong((Field.Int64)outField, value);
            }
        }
    }

    /**
     * Accumulator: set flag (long) at 0, the field's bytes at 8.
     */
    static final class Keep extends Aggregation
    {
        private final Field field;
        private Field outField;
        Keep(final Field field)
        {
            super(field.name());
            this.field = field;
        }

        public int accumulatorLength()
        {
            return 8 + field.width();
        }

        public void bindInput(final Schema input, final String where)
        {
            checkInput(field, input, where);
        }

        public void declare(final Schema.Builder builder)
        {
            builder.like(field);
        }

        public void bindOutput(final Schema schema)
        {
            outField = schema.field(outputName);
        }

        public void add(final MutableDirectBuffer acc, final int offset, final Row row)
        {
            if (acc.getLong(offset) == 0)
            {
                acc.putLong(offset, 1);
                acc.putBytes(offset + 8, row.buffer(), row.offset() + field.offset(), field.width());
            }
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            if (acc.getLong(offset) == 0 && other.getLong(otherOffset) != 0)
            {
                acc.putBytes(offset, other, otherOffset, 8 + field.width());
            }
        }

        public void result(final DirectBuffer acc, final int offset, final RowWriter writer)
        {
            writer.buffer().putBytes(writer.offset() + outField.offset(), acc, offset + 8, field.width());
        }
    }
}
