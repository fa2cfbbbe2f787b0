package io.peregrine.config;

/**
 * What an operator does with a record its user function throws on ({@link Settings#ERROR_POLICY} for the whole job,
 * {@code DataStream.onError(policy)} for one operator).
 */
public enum ErrorPolicy
{
    /** Fail the job, naming the operator, the shard, the record and where it came from. */
    FAIL,
    /**
     * Write the record (printed through its schema), its source position and the exception to the operator's
     * dead-letter file, count it ({@code records dead-lettered}) and go on with the next record.
     */
    DEAD_LETTER;

    /**
     * @return the name {@link Settings#ERROR_POLICY} takes, e.g. {@code dead-letter}.
     */
    public String toString()
    {
        return ConfigOption.textOf(this);
    }
}
