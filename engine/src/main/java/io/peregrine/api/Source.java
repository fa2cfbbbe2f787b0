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
    }
}
