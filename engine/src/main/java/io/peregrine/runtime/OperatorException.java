package io.peregrine.runtime;

import io.peregrine.api.Row;

/**
 * A user function failed: carries the operator and the source position of the record it failed
 * on, so the job's error can say where to look.
 */
public final class OperatorException extends RuntimeException
{
    private final String operator;
    private final int sourceSplit;
    private final long sourcePosition;

    OperatorException(final String operator, final int sourceSplit, final long sourcePosition, final Throwable cause)
    {
        super("operator '" + operator + "' failed on the record at split " + sourceSplit + " position " +
            sourcePosition + ": " + cause, cause);
        this.operator = operator;
        this.sourceSplit = sourceSplit;
        this.sourcePosition = sourcePosition;
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
        return new OperatorException(operator, row.sourceSplit(), row.sourcePosition(), cause);
    }

    public String operator()
    {
        return operator;
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
