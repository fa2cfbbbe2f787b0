package io.peregrine.api;

/**
 * A source of rows, read in splits. Each split is owned by exactly one shard and knows its replay
 * position. A bounded source's splits end; an unbounded source's never do.
 */
public interface Source
{
    Schema schema();

    boolean isBounded();

    /**
     * @param shards the job runs on.
     * @return how many splits to read (spread over shards round-robin).
     */
    int splitCount(int shards);

    /**
     * @param split      index, 0 to splitCount - 1.
     * @param splitCount total.
     * @param context    of the job: clock, dead-letter directory.
     * @return the reader of that split.
     */
    SplitReader createReader(int split, int splitCount, SourceContext context);

    /**
     * @return true if a split can be read again from a checkpointed position ({@link SplitReader#checkpointOffset()}
     * and {@link SplitReader#seek(long, long)}): a job with checkpoints needs every source to be.
     */
    default boolean isReplayable()
    {
        return false;
    }

    /**
     * Where a record is, for an error message: a file source names the file and line ({@code trades.csv:7}).
     *
     * @param split    the record's split.
     * @param position the replay position it was emitted with.
     * @return e.g. {@code "split 0, position 41"}.
     */
    default String describePosition(final int split, final long position)
    {
        return "split " + split + ", position " + position;
    }

    /**
     * Reads one split.
     */
    interface SplitReader extends AutoCloseable
    {
        /** Returned by {@link #poll(SourceOutput, int)} when the split is exhausted. */
        int END = -1;

        /**
         * Emit up to {@code limit} records.
         *
         * @param out   to emit through.
         * @param limit most records to emit.
         * @return records emitted (0 if none is ready now), or {@link #END}.
         */
        int poll(SourceOutput out, int limit) throws Exception;

        /**
         * @return replay position of the next record.
         */
        long position();

        /**
         * @return where a restored job resumes this split (an index, a byte offset): taken at a checkpoint barrier,
         * when every record before it has been emitted and none after.
         */
        default long checkpointOffset()
        {
            throw new UnsupportedOperationException(getClass().getName() + " cannot be checkpointed");
        }

        /**
         * Resume from a checkpoint, before the first poll.
         *
         * @param offset   as {@link #checkpointOffset()} returned it.
         * @param position as {@link #position()} returned it at the same time.
         */
        default void seek(final long offset, final long position) throws Exception
        {
            throw new UnsupportedOperationException(getClass().getName() + " cannot be replayed");
        }

        default void close() throws Exception
        {
        }
    }

    /**
     * Where a split reader writes its records.
     */
    interface SourceOutput
    {
        /**
         * @return a writer started on a fresh row of the source's schema.
         */
        RowWriter next();

        /**
         * @param position replay position of the record just written.
         */
        void emit(long position);

        /**
         * Count a malformed input and write it to the dead-letter file.
         *
         * @param position of the input (line number, offset).
         * @param reason   what is wrong with it.
         * @param raw      the input as read.
         */
        void deadLetter(long position, String reason, CharSequence raw);

        /**
         * Count the fields of the next record emitted that the source's {@link InputPolicy} read leniently.
         *
         * @param defaulted missing fields read as their type's zero.
         * @param converted fields of another form converted exactly.
         */
        default void lenientFields(final int defaulted, final int converted)
        {
        }
    }
}
