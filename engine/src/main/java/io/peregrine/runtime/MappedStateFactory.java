package io.peregrine.runtime;

import io.peregrine.config.JobContext;
import io.peregrine.config.StateFactory;

import io.peregrine.state.SlotTable;
import io.peregrine.state.StateDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Keyed state in memory-mapped files: one {@link StateDirectory} per job under the node's state
 * directory, one table file per operator per shard (window panes: one per live window, pooled).
 * The files are the job's working copy of its state and do not outlive the job: the directory is
 * deleted when the job ends. What outlives it is its checkpoints, from which a restarted job
 * rebuilds its tables (see {@link JobContext#checkpointDir()}).
 */
final class MappedStateFactory implements StateFactory, AutoCloseable
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MappedStateFactory.class);
    private static final AtomicLong JOBS = new AtomicLong();

    private final StateDirectory directory;
    private final Path path;
    private final Map<String, Integer> uses = new HashMap<>();

    MappedStateFactory(final JobContext context, final String job)
    {
        for (final StateDirectory.Abandoned left : StateDirectory.removeAbandoned(context.stateDir()))
        {
            LOG.warn("removed the state directory {} left by process {}, which is no longer running (killed before " +
                "its job ended); a job's working state does not outlive it: checkpoints are what a restart restores from",
                left.dir(), left.pid() < 0 ? "unknown" : Long.toString(left.pid()));
        }
        this.path = context.stateDir().resolve(job + "-" + ProcessHandle.current().pid() + "-" + JOBS.incrementAndGet());
        this.directory = StateDirectory.open(new StateDirectory.Context()
            .dir(path)
            .initialCapacity(context.stateInitialCapacity())
            .loadFactor(context.stateLoadFactor())
            .growthStepSlots(context.stateGrowthStepSlots())
            .deleteOnStart(true));
    }

    Path path()
    {
        return path;
    }

    public synchronized SlotTable create(final String operator, final int shard, final int valueLength)
    {
        final String base = StateDirectory.tableName(operator, shard);
        final int n = uses.merge(base, 1, Integer::sum);
        return directory.openOrCreate(n == 1 ? base : base + "-" + n, valueLength);
    }

    public synchronized void close()
    {
        Throwable closing = null;
        try
        {
            directory.close();
        }
        catch (final RuntimeException | InternalError e)
        {
            closing = e; // a table that cannot be closed (its disk is full): its files are deleted all the same
        }
        deleteFiles();
        if (closing instanceof RuntimeException)
        {
            throw (RuntimeException)closing;
        }
        if (closing != null)
        {
            throw (InternalError)closing;
        }
    }

    private void deleteFiles()
    {
        try (Stream<Path> files = Files.walk(path))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p ->
            {
                try
                {
                    Files.deleteIfExists(p);
                }
                catch (final IOException e)
                {
                    throw new UncheckedIOException("cannot delete state file " + p, e);
                }
            });
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot delete the job's state directory " + path, e);
        }
    }
}
