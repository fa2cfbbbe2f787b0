package io.peregrine.api;

/**
 * A job stopped because an operator failed; the message names the operator and the record.
 */
public final class JobFailedException extends RuntimeException
{
    public JobFailedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
