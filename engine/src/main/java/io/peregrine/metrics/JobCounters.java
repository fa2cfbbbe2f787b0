package io.peregrine.metrics;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters of a job: an Agrona {@link CountersManager} over a memory-mapped {@link CountersFile} in the job's own
 * directory, {@code <root>/peregrine-<job>-<pid>/counters.dat}, which {@code peregrine stat} and the Prometheus
 * endpoint read, in this process or another.
 * <p>
 * Every operator on every shard has its own counters ({@link #operator(int, String)}), every shard its own
 * ({@link #counter(int, Metric)}): a counter has one writer, the shard's thread, which publishes with ordered stores
 * (no atomic read-modify-write, no allocation). Counters are allocated while the job is planned, before its shards
 * start; any thread may read them, while the job runs and after it has ended.
 */
public final class JobCounters implements AutoCloseable
{
    private static final Set<Path> IN_USE = ConcurrentHashMap.newKeySet();

    private final CountersFile file;
    private final CountersManager manager;
    private final Path directory;
    private final int shards;
    private final AtomicCounter[][] shardCounters;
    private final Map<String, OperatorCounters> operators = new HashMap<>();
    private final List<Allocated> allocated = new ArrayList<>();
    private boolean closed;

    private static final class Allocated
    {
        final Metric metric;
        final int shard;
        final String operator;
        final AtomicCounter counter;

        Allocated(final Metric metric, final int shard, final String operator, final AtomicCounter counter)
        {
            this.metric = metric;
            this.shard = shard;
            this.operator = operator;
            this.counter = counter;
        }
    }

    private JobCounters(final Path directory, final CountersFile file, final int shards)
    {
        this.directory = directory;
        this.file = file;
        this.shards = shards;
        this.manager = new CountersManager(file.metadata(), file.values(), StandardCharsets.UTF_8);
        this.shardCounters = new AtomicCounter[shards][Metric.values().length];
        for (int s = 0; s < shards; s++)
        {
            for (final Metric metric : Metric.values())
            {
                if (metric.scope() == Metric.Scope.SHARD)
                {
                    shardCounters[s][metric.ordinal()] = allocate(s, null, metric);
                }
            }
        }
    }

    /**
     * @param shards            of the job.
     * @param operatorsPerShard most operators a shard may have counters for.
     * @return counters to make room for: every shard's own and every operator kind for each operator.
     */
    public static int capacity(final int shards, final int operatorsPerShard)
    {
        int shardKinds = 0;
        for (final Metric metric : Metric.values())
        {
            shardKinds += metric.scope() == Metric.Scope.SHARD ? 1 : 0;
        }
        return shards * (shardKinds + operatorsPerShard * (Metric.values().length - shardKinds));
    }

    /**
     * Create the job's directory and counters file, with the shards' counters allocated.
     *
     * @param root     directory under which the job's directory is made (created if missing).
     * @param job      the job's name.
     * @param shards   of the job.
     * @param capacity counters, see {@link #capacity(int, int)}.
     * @param startMs  the job's start, epoch ms.
     * @return the job's counters.
     */
    public static JobCounters create(final Path root, final String job, final int shards, final int capacity,
        final long startMs)
    {
        final long pid = ProcessHandle.current().pid();
        final String base = "peregrine-" + job.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + pid;
        try
        {
            Files.createDirectories(root);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create the metrics directory " + root + ": " + e, e);
        }
        for (int n = 1; ; n++)
        {
            final Path directory = root.resolve(n == 1 ? base : base + "-" + n);
            if (!IN_USE.add(directory))
            {
                continue; // another job of this process, of the same name
            }
            try
            {
                deleteStale(directory);
                Files.createDirectory(directory);
                final CountersFile file = CountersFile.create(directory.resolve(CountersFile.FILE_NAME), capacity, pid,
                    startMs, shards, job);
                final JobCounters counters = new JobCounters(directory, file, shards);
                file.ready();
                return counters;
            }
            catch (final FileAlreadyExistsException e)
            {
                IN_USE.remove(directory);
                throw new UncheckedIOException("cannot create the job's metrics directory " + directory, e);
            }
            catch (final IOException e)
            {
                IN_USE.remove(directory);
                throw new UncheckedIOException("cannot create the job's metrics directory " + directory + ": " + e, e);
            }
            catch (final RuntimeException e)
            {
                IN_USE.remove(directory);
                throw e;
            }
        }
    }

    /**
     * Remove the metrics directories under {@code root} that a process which is no longer running left behind (it
     * was killed, or crashed, before its job ended). The directory of a running job, in any process, is kept.
     *
     * @param root the metrics root, as given to {@link #create}.
     * @return each removed directory with the pid that wrote it.
     */
    public static java.util.Map<Path, Long> removeAbandoned(final Path root)
    {
        final java.util.Map<Path, Long> removed = new java.util.TreeMap<>();
        if (!Files.isDirectory(root))
        {
            return removed;
        }
        final java.util.List<Path> candidates = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> children = Files.list(root))
        {
            children.filter(child -> child.getFileName().toString().startsWith("peregrine-") &&
                Files.isRegularFile(child.resolve(CountersFile.FILE_NAME))).forEach(candidates::add);
        }
        catch (final IOException e)
        {
            return removed;
        }
        final long self = ProcessHandle.current().pid();
        for (final Path directory : candidates)
        {
            final long pid = writerPid(directory.resolve(CountersFile.FILE_NAME));
            if (pid > 0 && pid != self && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            {
                try
                {
                    Files.deleteIfExists(directory.resolve(CountersFile.FILE_NAME));
                    Files.deleteIfExists(directory);
                    removed.put(directory, pid);
                }
                catch (final IOException e)
                {
                    throw new UncheckedIOException("cannot remove the metrics directory " + directory + " that process " +
                        pid + " left (" + e + "): remove it by hand", e);
                }
            }
        }
        return removed;
    }

    private static long writerPid(final Path file)
    {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file))
        {
            final java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(CountersFile.PID_OFFSET + Long.BYTES)
                .order(java.nio.ByteOrder.nativeOrder()); // as UnsafeBuffer wrote it
            while (header.hasRemaining() && channel.read(header) > 0)
            {
                // read the magic, version and pid
            }
            return header.position() == header.capacity() && header.getInt(CountersFile.MAGIC_OFFSET) == CountersFile.MAGIC ?
                header.getLong(CountersFile.PID_OFFSET) : -1;
        }
        catch (final IOException e)
        {
            return -1;
        }
    }

    /**
     * A directory of this pid that no job of this process uses was left by an earlier process of the same pid.
     */
    private static void deleteStale(final Path directory) throws IOException
    {
        if (Files.isDirectory(directory))
        {
            Files.deleteIfExists(directory.resolve(CountersFile.FILE_NAME));
            Files.delete(directory);
        }
    }

    private synchronized AtomicCounter allocate(final int shard, final String operator, final Metric metric)
    {
        if (manager.available() == 0)
        {
            throw new IllegalStateException("the counters file " + file.file() + " is full (" + manager.capacity() +
                " counters): cannot count '" + CounterKey.label(shard, operator, metric) + "'");
        }
        final AtomicCounter counter = manager.newCounter(
            CounterKey.label(shard, operator, metric), metric.typeId(), key -> CounterKey.write(key, shard, operator));
        allocated.add(new Allocated(metric, shard, operator, counter));
        return counter;
    }

    /**
     * @param shard    the shard.
     * @param operator the operator's name, unique in the job.
     * @return the operator's counters on the shard, made on first use.
     */
    public synchronized OperatorCounters operator(final int shard, final String operator)
    {
        return operators.computeIfAbsent(shard + "/" + operator, k -> new OperatorCounters(this, shard, operator));
    }

    AtomicCounter allocateForOperator(final int shard, final String operator, final Metric metric)
    {
        if (metric.scope() != Metric.Scope.OPERATOR)
        {
            throw new IllegalArgumentException(metric + " is a shard's counter, not an operator's");
        }
        return allocate(shard, operator, metric);
    }

    /**
     * @param shard  the shard.
     * @param metric a {@link Metric.Scope#SHARD} metric.
     * @return the shard's counter.
     */
    public AtomicCounter counter(final int shard, final Metric metric)
    {
        final AtomicCounter counter = shardCounters[shard][metric.ordinal()];
        if (counter == null)
        {
            throw new IllegalArgumentException(metric + " is an operator's counter: use operator(shard, name)");
        }
        return counter;
    }

    /**
     * @return the sum over every shard and operator.
     */
    public synchronized long total(final Metric metric)
    {
        long sum = 0;
        for (final Allocated a : allocated)
        {
            if (a.metric == metric)
            {
                sum += a.counter.get();
            }
        }
        return sum;
    }

    /**
     * @return the sum over the shards of one operator's counters.
     */
    public synchronized long total(final Metric metric, final String operator)
    {
        long sum = 0;
        for (final Allocated a : allocated)
        {
            if (a.metric == metric && operator.equals(a.operator))
            {
                sum += a.counter.get();
            }
        }
        return sum;
    }

    /**
     * @return the minimum over every shard and operator (for watermarks), {@link Long#MAX_VALUE} if there is none.
     */
    public synchronized long min(final Metric metric)
    {
        long min = Long.MAX_VALUE;
        for (final Allocated a : allocated)
        {
            if (a.metric == metric)
            {
                min = Math.min(min, a.counter.get());
            }
        }
        return min;
    }

    public int shards()
    {
        return shards;
    }

    /**
     * @return the job's metrics directory, which {@code peregrine stat} takes.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @return the counters file in it.
     */
    public Path file()
    {
        return file.file();
    }

    /**
     * @return a reader of the job's counters, as another process sees them.
     */
    public CountersReader reader()
    {
        return file.reader();
    }

    /**
     * The job ended: delete its counters file and directory. The mapping itself stays until this object is collected,
     * so the counters can still be read (a job's summary reads them after it ended), and a shard that has not yet
     * stopped never writes to unmapped memory.
     */
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        try
        {
            Files.deleteIfExists(file.file());
            Files.deleteIfExists(directory);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot delete the job's metrics directory " + directory + ": " + e, e);
        }
        finally
        {
            IN_USE.remove(directory);
        }
    }

    /**
     * @return what became of the input that was not taken as it came, for a job's summary: {@code late records 0,
     * malformed inputs 0, fields read as zero 0, fields converted 0} (the last two by the sources'
     * {@link io.peregrine.api.InputPolicy}).
     */
    public String inputSummary()
    {
        return String.format("late records %,d, malformed inputs %,d, fields read as zero %,d, fields converted %,d",
            total(Metric.LATE_RECORDS), total(Metric.MALFORMED_RECORDS), total(Metric.DEFAULTED_FIELDS),
            total(Metric.CONVERTED_FIELDS));
    }
}
