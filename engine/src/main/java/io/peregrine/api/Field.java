package io.peregrine.api;

/**
 * A field of a {@link Schema}: its name, type and byte offset in the fixed part of a row. Typed
 * subclasses make a read of the wrong type a compile error ({@code row.getLong(Field.Int64)}); a
 * lookup by name with the wrong type fails when the pipeline is built.
 */
public abstract class Field
{
    final Schema schema;
    final String name;
    final FieldType type;
    final int index;
    final int offset;
    final int width;

    Field(final Schema schema, final String name, final FieldType type, final int index, final int offset, final int width)
    {
        this.schema = schema;
        this.name = name;
        this.type = type;
        this.index = index;
        this.offset = offset;
        this.width = width;
    }

    public String name()
    {
        return name;
    }

    public FieldType type()
    {
        return type;
    }

    public int index()
    {
        return index;
    }

    /**
     * @return byte offset of the field in the fixed part of the row.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return bytes the field takes in the fixed part of the row.
     */
    public int width()
    {
        return width;
    }

    public Schema schema()
    {
        return schema;
    }

    public String toString()
    {
        return name + ":" + type + (type == FieldType.ASCII ? "(" + width + ")" : "");
    }

    /**
     * @return the SQL-ish name of the type, e.g. {@code INT64} or {@code DECIMAL(23, 3)}, for messages.
     */
    public String typeName()
    {
        return type.name();
    }

    public static final class Int32 extends Field
    {
        Int32(final Schema s, final String n, final int i, final int o)
        {
            super(s, n, FieldType.INT32, i, o, 4);
        }
    }

    public static final class Int64 extends Field
    {
        Int64(final Schema s, final String n, final int i, final int o)
        {
            super(s, n, FieldType.INT64, i, o, 8);
        }
    }

    public static final class Float64 extends Field
    {
        Float64(final Schema s, final String n, final int i, final int o)
        {
            super(s, n, FieldType.FLOAT64, i, o, 8);
        }
    }

    public static final class Timestamp extends Field
    {
        Timestamp(final Schema s, final String n, final int i, final int o)
        {
            super(s, n, FieldType.TIMESTAMP, i, o, 8);
        }
    }

    public static final class Ascii extends Field
    {
        Ascii(final Schema s, final String n, final int i, final int o, final int length)
        {
            super(s, n, FieldType.ASCII, i, o, length);
        }

        public int length()
        {
            return width;
        }
    }

    public static final class VarString extends Field
    {
        VarString(final Schema s, final String n, final int i, final int o)
        {
            super(s, n, FieldType.VAR_STRING, i, o, 8);
        }
    }

    /**
     * An exact {@code DECIMAL(precision, scale)}: read with {@link Row#getDecimalUnscaled(Field.Decimal)} (or the
     * high and low words of a wide one), written with {@link RowWriter#putDecimal(Field.Decimal, long)} and its
     * siblings, which refuse a value of more digits than the precision rather than wrap it.
     */
    public static final class Decimal extends Field
    {
        final int precision;
        final int scale;

        Decimal(final Schema s, final String n, final int i, final int o, final int precision, final int scale)
        {
            super(s, n, FieldType.DECIMAL, i, o, precision <= Decimals.MAX_COMPACT_PRECISION ? 8 : 16);
            this.precision = precision;
            this.scale = scale;
        }

        /**
         * @return most digits of the unscaled value, 1 to 38.
         */
        public int precision()
        {
            return precision;
        }

        /**
         * @return digits after the point.
         */
        public int scale()
        {
            return scale;
        }

        /**
         * @return true if the value is one long (precision up to 18), false if two (128 bits).
         */
        public boolean isCompact()
        {
            return width == 8;
        }

        public String typeName()
        {
            return "DECIMAL(" + precision + ", " + scale + ")";
        }

        public String toString()
        {
            return name + ":" + typeName();
        }
    }

    public static final class VarBytes extends Field
    {
        VarBytes(final Schema s, final String n, final int i, final int o)
        {
            super(s, n, FieldType.VAR_BYTES, i, o, 8);
        }
    }
}
