package io.peregrine.api;

/**
 * A pipeline that cannot run as declared, found when it is built or planned.
 */
public final class PipelineException extends RuntimeException
{
    public PipelineException(final String message)
    {
        super(message);
    }
}
