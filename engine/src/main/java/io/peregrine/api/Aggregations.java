package io.peregrine.api;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Built-in aggregates: count, sum, min, max, avg, first and last (by event time), and keep (a
 * field's value from the first row, to carry descriptive columns such as a symbol).
 * <p>
 * <b>Exact.</b> Counts and integer sums never wrap: a count or an {@code INT64} sum that would pass
 * {@code Long.MAX_VALUE} fails the record with an {@link ArithmeticException} naming the aggregate and its field
 * (Flink's {@code SUM} over {@code BIGINT} wraps silently); sum a {@link FieldType#DECIMAL} field instead for
 * totals beyond 9.2 * 10^18. The sum of a {@code DECIMAL(p, s)} is a {@code DECIMAL(38, s)} (as Flink's), kept in 128
 * bits, and a sum of more than 38 digits fails the same way (Flink's gives {@code NULL}). min, max, first, last and
 * keep take decimals of precision up to 18 and give the field's own type; avg takes none (its division would round:
 * sum and count instead, and divide where the rounding is chosen).
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
        return new MinMax(name, compact(numeric(field, "min"), "min"), true);
    }

    public static Aggregation max(final String name, final Field field)
    {
        return new MinMax(name, compact(numeric(field, "max"), "max"), false);
    }

    public static Aggregation avg(final String name, final Field field)
    {
        if (field.type() == FieldType.DECIMAL)
        {
            throw new PipelineException("avg('" + field.name() + "'): an average of a DECIMAL would have to round; " +
                "aggregate sum and count instead and divide where the rounding is chosen");
        }
        return new Avg(name, numeric(field, "avg"));
    }

    /**
     * @return the value of the row with the smallest event time (ties: the earliest source position).
     */
    public static Aggregation first(final String name, final Field field)
    {
        return new FirstLast(name, compact(numeric(field, "first"), "first"), true);
    }

    /**
     * @return the value of the row with the largest event time (ties: the latest source position).
     */
    public static Aggregation last(final String name, final Field field)
    {
        return new FirstLast(name, compact(numeric(field, "last"), "last"), false);
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
            case DECIMAL:
                return field;
            default:
                throw new PipelineException(what + "('" + field.name() + "'): field is " + field.type() +
                    "; " + what + " needs INT32, INT64, FLOAT64, TIMESTAMP or DECIMAL");
        }
    }

    private static Field compact(final Field field, final String what)
    {
        if (field instanceof Field.Decimal && !((Field.Decimal)field).isCompact())
        {
            throw new PipelineException(what + "('" + field.name() + "'): " + field.typeName() + " is wider than " +
                "a long; " + what + " takes a DECIMAL of precision up to " + Decimals.MAX_COMPACT_PRECISION);
        }
        return field;
    }

    /**
     * @return the failure of a count or sum that would leave its type, naming the aggregate and the field.
     */
    static ArithmeticException overflow(final String aggregate, final String what, final String remedy)
    {
        return new ArithmeticException("aggregate '" + aggregate + "' overflows: " + what + "; " + remedy);
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
            case DECIMAL: return row.getDecimalUnscaled((Field.Decimal)field);
            default: return row.getTimestamp((Field.Timestamp)field);
        }
    }

    static void checkInput(final Field field, final Schema input, final String where)
    {
        input.checkOwns(field, where);
    }

    /**
     * An aggregate over one numeric field whose output has the field's kind: FLOAT64 for a FLOAT64
     * input, the same DECIMAL for a DECIMAL, INT64 otherwise.
     */
    private abstract static class OnField extends Aggregation
    {
        final Field field;
        final boolean floating;
        final boolean decimal;
        Field outField;

        OnField(final String name, final Field field)
        {
            super(name);
            this.field = field;
            this.floating = isFloating(field);
            this.decimal = field.type() == FieldType.DECIMAL;
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
            else if (decimal)
            {
                builder.like(outputName, field);
            }
            else
            {
                builder.int64(outputName);
            }
        }

        public void bindOutput(final Schema schema)
        {
            outField = schema.field(outputName);
        }

        /** Write a long result: an INT64, or the unscaled value of a compact DECIMAL. */
        final void putLong(final RowWriter writer, final long value)
        {
            if (decimal)
            {
                writer.putDecimal((Field.Decimal)outField, value);
            }
            else
            {
                writer.putLong((Field.Int64)outField, value);
            }
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
            final long count = acc.getLong(offset);
            if (count == Long.MAX_VALUE)
            {
                throw overflow(outputName, "count(*) passes " + Long.MAX_VALUE, "split the key or the window");
            }
            acc.putLong(offset, count + 1);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            final long a = acc.getLong(offset);
            final long b = other.getLong(otherOffset);
            final long sum = a + b;
            if (((a ^ sum) & (b ^ sum)) < 0)
            {
                throw overflow(outputName, "count(*) passes " + Long.MAX_VALUE + " (" + a + " + " + b + ")",
                    "split the key or the window");
            }
            acc.putLong(offset, sum);
        }

        public void result(final DirectBuffer acc, final int offset, final RowWriter writer)
        {
            writer.putLong(out, acc.getLong(offset));
        }
    }

    /**
     * Accumulator: the sum as a long or double (8 bytes), or for a DECIMAL as 128 bits (low word, high word).
     */
    static final class Sum extends OnField
    {
        Sum(final String name, final Field field)
        {
            super(name, field);
        }

        public int accumulatorLength()
        {
            return decimal ? 16 : 8;
        }

        public void declare(final Schema.Builder builder)
        {
            if (decimal)
            {
                builder.decimal(outputName, Decimals.MAX_PRECISION, ((Field.Decimal)field).scale());
            }
            else
            {
                super.declare(builder);
            }
        }

        public void add(final MutableDirectBuffer acc, final int offset, final Row row)
        {
            if (floating)
            {
                acc.putDouble(offset, acc.getDouble(offset) + row.getDouble((Field.Float64)field));
            }
            else if (decimal)
            {
                final Field.Decimal d = (Field.Decimal)field;
                addWide(acc, offset, row.getDecimalHigh(d), row.getDecimalLow(d));
            }
            else
            {
                addLong(acc, offset, readLong(row, field));
            }
        }

        private void addLong(final MutableDirectBuffer acc, final int offset, final long value)
        {
            final long a = acc.getLong(offset);
            final long sum = a + value;
            if (((a ^ sum) & (value ^ sum)) < 0)
            {
                throw overflow(outputName, "sum of '" + field.name() + "' leaves INT64 (" + a + " + " + value + ")",
                    "sum a DECIMAL copy of the field (up to 38 digits, e.g. DECIMAL(38, 0)) instead");
            }
            acc.putLong(offset, sum);
        }

        private void addWide(final MutableDirectBuffer acc, final int offset, final long high, final long low)
        {
            final long accLow = acc.getLong(offset);
            final long accHigh = acc.getLong(offset + 8);
            final long sumHigh = Decimals.addHigh(accHigh, accLow, high, low);
            final long sumLow = accLow + low;
            if (!Decimals.fits(sumHigh, sumLow, Decimals.MAX_PRECISION))
            {
                final int scale = ((Field.Decimal)field).scale();
                throw overflow(outputName, "sum of '" + field.name() + "' has more than " + Decimals.MAX_PRECISION +
                    " digits (" + Decimals.toString(accHigh, accLow, scale) + " + " +
                    Decimals.toString(high, low, scale) + ")", "declare the field with a smaller scale");
            }
            acc.putLong(offset, sumLow);
            acc.putLong(offset + 8, sumHigh);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            if (floating)
            {
                acc.putDouble(offset, acc.getDouble(offset) + other.getDouble(otherOffset));
            }
            else if (decimal)
            {
                addWide(acc, offset, other.getLong(otherOffset + 8), other.getLong(otherOffset));
            }
            else
            {
                addLong(acc, offset, other.getLong(otherOffset));
            }
        }

        public void result(final DirectBuffer acc, final int offset, final RowWriter writer)
        {
            if (floating)
            {
                writer.putDouble((Field.Float64)outField, acc.getDouble(offset));
            }
            else if (decimal)
            {
                writer.putDecimal((Field.Decimal)outField, acc.getLong(offset + 8), acc.getLong(offset));
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
                putLong(writer, acc.getLong(offset));
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
            acc.putLong(offset + 8, Math.incrementExact(acc.getLong(offset + 8)));
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            acc.putDouble(offset, acc.getDouble(offset) + other.getDouble(otherOffset));
            acc.putLong(offset + 8, Math.addExact(acc.getLong(offset + 8), other.getLong(otherOffset + 8)));
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
                putLong(writer, value);
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
