package io.peregrine.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The layout of a row: named, typed fields at fixed offsets, then a variable-length area.
 * <pre>
 *   0                                       fixedLength                 length
 *   +--------+--------+-------+-------------+---------------------------+
 *   | field0 | field1 |  ...  | var: off,len|  variable-length bytes ...|
 *   +--------+--------+-------+-------------+---------------------------+
 *   fixed fields at Field.offset(); a variable-length field stores (offset:int, length:int)
 *   relative to the row start, pointing into the variable area.
 * </pre>
 * Fields are laid out in declaration order without padding; all multi-byte values are little-endian
 * (the native order on x86 and ARM).
 */
public final class Schema
{
    private final String name;
    private final Field[] fields;
    private final Map<String, Field> byName = new HashMap<>();
    private final int fixedLength;
    private final boolean variableLength;

    private Schema(final String name, final List<Spec> specs)
    {
        this.name = name;
        this.fields = new Field[specs.size()];
        int offset = 0;
        boolean hasVar = false;
        for (int i = 0; i < fields.length; i++)
        {
            final Spec spec = specs.get(i);
            final Field field;
            switch (spec.type)
            {
                case INT32: field = new Field.Int32(this, spec.name, i, offset); break;
                case INT64: field = new Field.Int64(this, spec.name, i, offset); break;
                case FLOAT64: field = new Field.Float64(this, spec.name, i, offset); break;
                case TIMESTAMP: field = new Field.Timestamp(this, spec.name, i, offset); break;
                case ASCII: field = new Field.Ascii(this, spec.name, i, offset, spec.length); break;
                case VAR_STRING: field = new Field.VarString(this, spec.name, i, offset); hasVar = true; break;
                case VAR_BYTES: field = new Field.VarBytes(this, spec.name, i, offset); hasVar = true; break;
                case DECIMAL: field = new Field.Decimal(this, spec.name, i, offset, spec.length, spec.scale); break;
                default: throw new IllegalStateException("unknown type " + spec.type);
            }
            if (byName.put(spec.name, field) != null)
            {
                throw new IllegalArgumentException("schema '" + name + "' declares field '" + spec.name + "' twice");
            }
            fields[i] = field;
            offset += field.width;
        }
        this.fixedLength = offset;
        this.variableLength = hasVar;
    }

    public static Builder builder(final String name)
    {
        return new Builder(name);
    }

    public String name()
    {
        return name;
    }

    public int fieldCount()
    {
        return fields.length;
    }

    public Field field(final int index)
    {
        return fields[index];
    }

    /**
     * Look a field up by name: a build-time call. Look each field up once, when the pipeline is built (a constant, a
     * local captured by a lambda) or in a function's {@code open()}, and use the handle per record; on a thread
     * running operators (a shard thread) a lookup is refused.
     *
     * @param name of the field.
     * @return the field.
     * @throws IllegalArgumentException naming the schema and its fields if there is no such field.
     * @throws IllegalStateException on a thread that runs operators.
     */
    public Field field(final String name)
    {
        final String running = OperatorThread.current();
        if (running != null)
        {
            throw new IllegalStateException("field '" + name + "' of schema '" + this.name + "' looked up by name on " +
                running + ", which runs operators: look fields up once, when the pipeline is built or in open(), " +
                "and keep the handle (a lookup per record is a hash lookup per record)");
        }
        final Field field = byName.get(name);
        if (field == null)
        {
            throw new IllegalArgumentException(
                "schema '" + this.name + "' has no field '" + name + "'; fields: " + Arrays.toString(fields));
        }
        return field;
    }

    /** A typed {@link #field(String)}: a build-time call. */
    public Field.Int32 int32(final String name)
    {
        return typed(name, FieldType.INT32, Field.Int32.class);
    }

    /** A typed {@link #field(String)}: a build-time call. */
    public Field.Int64 int64(final String name)
    {
        return typed(name, FieldType.INT64, Field.Int64.class);
    }

    /** A typed {@link #field(String)}: a build-time call. */
    public Field.Float64 float64(final String name)
    {
        return typed(name, FieldType.FLOAT64, Field.Float64.class);
    }

    /** A typed {@link #field(String)}: a build-time call. */
    public Field.Timestamp timestamp(final String name)
    {
        return typed(name, FieldType.TIMESTAMP, Field.Timestamp.class);
    }

    /** A typed {@link #field(String)}: a build-time call. */
    public Field.Ascii ascii(final String name)
    {
        return typed(name, FieldType.ASCII, Field.Ascii.class);
    }

    /** A typed {@link #field(String)}: a build-time call. */
    public Field.VarString varString(final String name)
    {
        return typed(name, FieldType.VAR_STRING, Field.VarString.class);
    }

    /** A typed {@link #field(String)}: a build-time call. */
    public Field.VarBytes varBytes(final String name)
    {
        return typed(name, FieldType.VAR_BYTES, Field.VarBytes.class);
    }

    public Field.Decimal decimal(final String name)
    {
        return typed(name, FieldType.DECIMAL, Field.Decimal.class);
    }

    private <T extends Field> T typed(final String name, final FieldType type, final Class<T> clazz)
    {
        final Field field = field(name);
        if (field.type != type)
        {
            throw new IllegalArgumentException("field '" + name + "' of schema '" + this.name + "' is " + field.type +
                ", not " + type + ": read it with the accessor of its type");
        }
        return clazz.cast(field);
    }

    /**
     * @return bytes of the fixed part of a row.
     */
    public int fixedLength()
    {
        return fixedLength;
    }

    /**
     * @return true if any field is variable-length, so rows differ in length.
     */
    public boolean hasVariableLength()
    {
        return variableLength;
    }

    /**
     * @param field to check.
     * @return true if the field is one of this schema's own (not only of the same name).
     */
    public boolean owns(final Field field)
    {
        return field.schema == this;
    }

    /**
     * @param field that must belong to this schema.
     * @param what  operator or use, for the message.
     * @throws IllegalArgumentException if the field is from another schema.
     */
    public void checkOwns(final Field field, final String what)
    {
        if (field.schema != this)
        {
            throw new IllegalArgumentException(what + ": field '" + field.name + "' belongs to schema '" +
                field.schema.name + "', but the stream's schema is '" + name + "'");
        }
    }

    public String toString()
    {
        return name + Arrays.toString(fields);
    }

    public static final class Builder
    {
        private final String name;
        private final List<Spec> specs = new ArrayList<>();

        Builder(final String name)
        {
            this.name = name;
        }

        public Builder int32(final String name)
        {
            return add(name, FieldType.INT32, 4);
        }

        public Builder int64(final String name)
        {
            return add(name, FieldType.INT64, 8);
        }

        public Builder float64(final String name)
        {
            return add(name, FieldType.FLOAT64, 8);
        }

        public Builder timestamp(final String name)
        {
            return add(name, FieldType.TIMESTAMP, 8);
        }

        /**
         * @param name   of the field.
         * @param length in bytes; shorter values are padded with zero bytes, longer ones refused.
         * @return this.
         */
        public Builder ascii(final String name, final int length)
        {
            if (length <= 0)
            {
                throw new IllegalArgumentException("ascii field '" + name + "' needs a positive length: " + length);
            }
            return add(name, FieldType.ASCII, length);
        }

        public Builder varString(final String name)
        {
            return add(name, FieldType.VAR_STRING, 8);
        }

        public Builder varBytes(final String name)
        {
            return add(name, FieldType.VAR_BYTES, 8);
        }

        /**
         * An exact decimal, {@code DECIMAL(precision, scale)} in SQL: 8 bytes up to precision 18, 16 above.
         *
         * @param name      of the field.
         * @param precision most digits, 1 to 38.
         * @param scale     digits after the point, 0 to precision.
         * @return this.
         */
        public Builder decimal(final String name, final int precision, final int scale)
        {
            if (precision < 1 || precision > Decimals.MAX_PRECISION || scale < 0 || scale > precision)
            {
                throw new IllegalArgumentException("decimal field '" + name + "': DECIMAL(" + precision + ", " + scale +
                    ") is invalid: precision must be 1 to " + Decimals.MAX_PRECISION + " and scale 0 to the precision");
            }
            specs.add(new Spec(name, FieldType.DECIMAL, precision, scale));
            return this;
        }

        /**
         * Add a copy of a field of another schema, same name and type.
         *
         * @param field to copy.
         * @return this.
         */
        public Builder like(final Field field)
        {
            return like(field.name, field);
        }

        /**
         * Add a field of the same type as another, under a new name.
         */
        public Builder like(final String name, final Field field)
        {
            if (field instanceof Field.Decimal)
            {
                return decimal(name, ((Field.Decimal)field).precision, ((Field.Decimal)field).scale);
            }
            return add(name, field.type, field.width);
        }

        /**
         * @return true if a field of that name was added already.
         */
        public boolean has(final String name)
        {
            for (final Spec spec : specs)
            {
                if (spec.name.equals(name))
                {
                    return true;
                }
            }
            return false;
        }

        private Builder add(final String name, final FieldType type, final int length)
        {
            specs.add(new Spec(name, type, length));
            return this;
        }

        public Schema build()
        {
            if (specs.isEmpty())
            {
                throw new IllegalArgumentException("schema '" + name + "' has no fields");
            }
            return new Schema(name, specs);
        }
    }

    private static final class Spec
    {
        final String name;
        final FieldType type;
        final int length;
        final int scale;

        Spec(final String name, final FieldType type, final int length)
        {
            this(name, type, length, 0);
        }

        /** A decimal's length is its precision. */
        Spec(final String name, final FieldType type, final int length, final int scale)
        {
            this.name = name;
            this.type = type;
            this.length = length;
            this.scale = scale;
        }
    }
}
