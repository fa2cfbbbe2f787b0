package io.peregrine.api;

/**
 * The kind of change a row of a changelog stream stands for, as Flink's {@code org.apache.flink.types.RowKind}
 * (same codes): most streams are append-only (every row an insert); a left outer regular join also retracts the
 * null-padded row it emitted once the row finds its first match.
 * <p>
 * The convention: a schema that carries the kind has an {@link FieldType#INT32} field named {@value #FIELD}
 * holding {@link #code()}; an operator that emits changes (a left outer {@code join}) refuses an output schema
 * without it, and any other operator that finds it in its output schema leaves it 0, an insert.
 */
public enum RowKind
{
    /** {@code +I}: a new row. */
    INSERT("+I", 0),
    /** {@code -U}: the old content of an updated row. */
    UPDATE_BEFORE("-U", 1),
    /** {@code +U}: the new content of an updated row. */
    UPDATE_AFTER("+U", 2),
    /** {@code -D}: a row taken back. */
    DELETE("-D", 3);

    /** Name of the {@code int32} field that carries the kind of a row. */
    public static final String FIELD = "row_kind";

    private static final RowKind[] BY_CODE = values();

    private final String shortString;
    private final int code;

    RowKind(final String shortString, final int code)
    {
        this.shortString = shortString;
        this.code = code;
    }

    /**
     * @return the code stored in the {@value #FIELD} field (Flink's byte value).
     */
    public int code()
    {
        return code;
    }

    /**
     * @return {@code +I}, {@code -U}, {@code +U} or {@code -D}.
     */
    public String shortString()
    {
        return shortString;
    }

    /**
     * @param code as stored in the {@value #FIELD} field.
     * @return the kind.
     * @throws IllegalArgumentException if the code is not one of the four.
     */
    public static RowKind of(final int code)
    {
        if (code < 0 || code >= BY_CODE.length)
        {
            throw new IllegalArgumentException("no row kind has code " + code);
        }
        return BY_CODE[code];
    }
}
