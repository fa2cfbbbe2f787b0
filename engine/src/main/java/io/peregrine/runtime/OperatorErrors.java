package io.peregrine.runtime;

import io.peregrine.api.Row;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.file.Path;
import java.util.List;

/**
 * The dead letters of one operator on one shard whose error policy is {@code DEAD_LETTER}: a record its user function
 * threw on is written to {@code <job>-<operator>-shard-<n>.tsv} as
 * {@code source position <TAB> reason <TAB> record} (the record printed through its schema) and counted, and the
 * operator goes on with the next record. Only the failure path allocates.
 */
final class OperatorErrors implements AutoCloseable
{
    static final String HEADER = "# source position\treason\trecord\n";

    private final DeadLetterFile file;
    private final AtomicCounter deadLettered;
    private final List<Planner.SplitInfo> splits;

    /**
     * @param path         of the dead-letter file, made at the first record.
     * @param deadLettered counts the records written there.
     * @param splits       of the job, by split id, to name a record's source.
     */
    OperatorErrors(final Path path, final AtomicCounter deadLettered, final List<Planner.SplitInfo> splits)
    {
        this.file = new DeadLetterFile(path, HEADER);
        this.deadLettered = deadLettered;
        this.splits = splits;
    }

    Path path()
    {
        return file.path();
    }

    /**
     * @param operator whose function threw.
     * @param row      the record it threw on, null for none (a timer).
     * @param cause    what it threw.
     */
    void deadLetter(final String operator, final Row row, final Throwable cause)
    {
        final String position = row == null ? "none" : position(splits, row.sourceSplit(), row.sourcePosition());
        final String record = row == null ? "" : OperatorException.render(row);
        file.write(position, "operator '" + operator + "' threw " + cause, record.replace('\t', ' ').replace('\n', ' '),
            "a record operator '" + operator + "' threw on");
        deadLettered.incrementRelease();
    }

    /**
     * @return {@code source 'name' split n, position p}, or what is known of it.
     */
    static String position(final List<Planner.SplitInfo> splits, final int split, final long position)
    {
        if (split < 0)
        {
            return "no source position (a record made by a timer or a window)";
        }
        // A CSV source says file:line, others their split and position.
        return split < splits.size() ? splits.get(split).describe(position) : "split " + split + ", position " + position;
    }

    public void close()
    {
        file.close();
    }
}
