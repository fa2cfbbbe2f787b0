package io.peregrine.config;

/**
 * Where keyed state lives ({@link Settings#STATE_BACKEND}).
 */
public enum StateBackend
{
    /** Memory-mapped files under the job's subdirectory of the state directory: larger than the heap, off it. */
    MAPPED,
    /** Direct memory. */
    DIRECT;

    /**
     * @return the name {@link Settings#STATE_BACKEND} takes, e.g. {@code mapped}.
     */
    public String toString()
    {
        return ConfigOption.textOf(this);
    }
}
