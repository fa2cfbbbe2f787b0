package io.peregrine.runtime;

import io.peregrine.api.Field;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;

/**
 * A user function failed: carries the operator, the shard, the record printed through its schema and the source
 * position of the record it failed on, so the job's error can say where to look.
 */
public final class OperatorException extends RuntimeException
{
    /** Longest record text kept: a record of long text fields is cut, marked with {@code ...}. */
    static final int MAX_RECORD_TEXT = 1_000;

    private final String operator;
    private final int sourceSplit;
    private final long sourcePosition;
    private final String record;
    private volatile int shard = -1;

    OperatorException(
        final String operator, final int sourceSplit, final long sourcePosition, final String record, final Throwable cause)
    {
        super(null, cause);
        this.operator = operator;
        this.sourceSplit = sourceSplit;
        this.sourcePosition = sourcePosition;
        this.record = record;
    }

    /**
     * @param operator name.
     * @param row      being processed.
     * @param cause    what the user function threw.
     * @return the exception to throw (the cause itself if it is already an OperatorException).
     */
    public static RuntimeException wrap(final String operator, final Row row, final Throwable cause)
    {
        if (cause instanceof OperatorException)
        {
            return (OperatorException)cause;
        }
        return row == null ? new OperatorException(operator, -1, -1, null, cause) :
            new OperatorException(operator, row.sourceSplit(), row.sourcePosition(), render(row), cause);
    }

    /**
     * @param row a record.
     * @return its fields as {@code schema(name=value, ...)}, cut at {@link #MAX_RECORD_TEXT} characters; allocates.
     */
    static String render(final Row row)
    {
        final Schema schema = row.schema();
        if (schema == null)
        {
            return "(no schema)";
        }
        final StringBuilder text = new StringBuilder(schema.name()).append('(');
        try
        {
            for (int i = 0, n = schema.fieldCount(); i < n && text.length() < MAX_RECORD_TEXT; i++)
            {
                final Field field = schema.field(i);
                text.append(i > 0 ? ", " : "").append(field.name()).append('=').append(row.toText(field));
            }
        }
        catch (final RuntimeException | LinkageError e)
        {
            // Rendering must never hide the failure it describes (a class that cannot load on a stack near its end).
            text.append(" <unreadable: ").append(e).append('>');
        }
        if (text.length() > MAX_RECORD_TEXT)
        {
            text.setLength(MAX_RECORD_TEXT);
            text.append("...");
        }
        return text.append(')').toString();
    }

    /**
     * @param shard the shard whose thread the operator failed on; set once, by that shard.
     */
    void shard(final int shard)
    {
        if (this.shard < 0)
        {
            this.shard = shard;
        }
    }

    public String getMessage()
    {
        return "operator '" + operator + "'" + (shard >= 0 ? " on shard " + shard : "") + " failed on " +
            (record == null ? "no record" : "the record " + record) + " at split " + sourceSplit + " position " +
            sourcePosition + ": " + getCause();
    }

    public String operator()
    {
        return operator;
    }

    /**
     * @return the shard the operator failed on, -1 if not known.
     */
    public int shard()
    {
        return shard;
    }

    /**
     * @return the record printed through its schema, {@code schema(name=value, ...)}; null if there was none (a
     * timer).
     */
    public String record()
    {
        return record;
    }

    public int sourceSplit()
    {
        return sourceSplit;
    }

    public long sourcePosition()
    {
        return sourcePosition;
    }
}
