package io.peregrine.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The state directory of one node: owns the directory (a lock file refuses a second process),
 * creates and opens the {@link MappedSlotTable}s of every stateful operator on every shard by name,
 * and closes them all.
 * <pre>
 *   ${peregrine.state.dir}/
 *     state.lock                      held with an OS file lock while open; holds the owner's pid
 *     window-sum.shard-0.state        one file per table: header + slots (see MappedSlotTable)
 *     window-sum.shard-0.state.grow   only while that table grows
 * </pre>
 * Configuration follows Aeron's Context pattern: see {@link Context}.
 */
public final class StateDirectory implements AutoCloseable
{
    /** Name of the lock file in the directory. */
    public static final String LOCK_FILE_NAME = "state.lock";

    /**
     * Directories this JVM holds open. {@link #removeAbandoned} never opens their lock files: the OS's record locks
     * belong to the process, and closing any descriptor of a locked file would release the lock this JVM holds.
     */
    private static final java.util.Set<Path> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Context ctx;
    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Map<String, MappedSlotTable> tables = new LinkedHashMap<>();
    private boolean closed;

    private StateDirectory(final Context ctx, final FileChannel lockChannel, final FileLock lock)
    {
        this.ctx = ctx;
        this.dir = ctx.dir();
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Take the directory: conclude the context, create the directory if needed, lock it.
     *
     * @param ctx settings; concluded here.
     * @return the open directory.
     * @throws StateFileException naming the lock file if another process (or another StateDirectory
     *                            in this process) holds the directory.
     */
    public static StateDirectory open(final Context ctx)
    {
        ctx.conclude();
        final Path dir = ctx.dir();
        final Path lockFile = dir.resolve(LOCK_FILE_NAME);
        FileChannel channel = null;
        try
        {
            Files.createDirectories(dir);
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                lock = null;
            }
            if (lock == null)
            {
                final String owner = readOwner(channel);
                channel.close();
                throw new StateFileException(lockFile, "the state directory is in use by process " + owner +
                    ": stop it, or give this node another directory (" + Context.DIR_PROP_NAME + ")");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(
                Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
            if (ctx.deleteOnStart())
            {
                deleteTableFiles(dir); // only once the directory is ours
            }
            OPEN.add(dir.toAbsolutePath().normalize());
            return new StateDirectory(ctx, channel, lock);
        }
        catch (final IOException ex)
        {
            if (channel != null)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException ignore)
                {
                    // reported through ex
                }
            }
            throw new StateFileException(lockFile, "cannot take the state directory (" + ex + ")", ex);
        }
    }

    /**
     * A state directory another process left behind: the process that held it is gone (killed, or it crashed) and
     * nothing holds its lock.
     *
     * @param dir the directory, now removed.
     * @param pid the process that owned it, or -1 if its lock file names none.
     */
    public record Abandoned(Path dir, long pid)
    {
    }

    /**
     * Remove the state directories under {@code parent} (each with a {@value #LOCK_FILE_NAME} file) whose owner is no
     * longer running. A directory is removed only when its lock file names a process that is not alive (or names
     * none) and the OS lock on it can be taken, so a live job's directory, in this process or another, is never
     * touched.
     *
     * @param parent the directory that holds jobs' state directories, e.g. {@code ${java.io.tmpdir}/peregrine-state}.
     * @return what was removed.
     * @throws StateFileException naming the directory if one that was abandoned cannot be removed.
     */
    public static java.util.List<Abandoned> removeAbandoned(final Path parent)
    {
        final java.util.List<Abandoned> removed = new ArrayList<>();
        if (!Files.isDirectory(parent))
        {
            return removed;
        }
        final java.util.List<Path> candidates = new ArrayList<>();
        try (Stream<Path> children = Files.list(parent))
        {
            children.filter(child -> !OPEN.contains(child.toAbsolutePath().normalize()) &&
                Files.isRegularFile(child.resolve(LOCK_FILE_NAME))).forEach(candidates::add);
        }
        catch (final IOException ex)
        {
            return removed; // the parent went away or cannot be listed: nothing to clean
        }
        for (final Path dir : candidates)
        {
            final long pid = abandonedBy(dir.resolve(LOCK_FILE_NAME));
            if (pid != Long.MIN_VALUE)
            {
                deleteTree(dir);
                removed.add(new Abandoned(dir, pid));
            }
        }
        return removed;
    }

    /**
     * @return the dead owner's pid (-1 if none is written) when the directory is abandoned, else Long.MIN_VALUE.
     */
    private static long abandonedBy(final Path lockFile)
    {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            long pid = -1;
            try
            {
                pid = Long.parseLong(readOwner(channel).trim());
            }
            catch (final NumberFormatException ex)
            {
                // an owner that died before writing its pid
            }
            if (pid == ProcessHandle.current().pid() || pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                .orElse(false))
            {
                return Long.MIN_VALUE;
            }
            final FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                return Long.MIN_VALUE; // held in this JVM
            }
            if (lock == null)
            {
                return Long.MIN_VALUE; // held by a live process (its pid was reused or not yet written)
            }
            lock.release();
            return pid;
        }
        catch (final IOException ex)
        {
            return Long.MIN_VALUE; // removed meanwhile, or not ours to read
        }
    }

    private static void deleteTree(final Path dir)
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : (Iterable<Path>)files.sorted(java.util.Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final IOException ex)
        {
            throw new StateFileException(dir, "cannot remove the state directory a stopped process left (" + ex +
                "): remove it by hand", ex);
        }
    }

    /**
     * @param operator name of the stateful operator, [A-Za-z0-9_.-].
     * @param shard    shard index.
     * @return the table name of that operator's state on that shard.
     */
    public static String tableName(final String operator, final int shard)
    {
        return operator + ".shard-" + shard;
    }

    /**
     * @return the directory.
     */
    public Path path()
    {
        return dir;
    }

    /**
     * @return the concluded settings.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @param name table name.
     * @return true if the table's file exists.
     */
    public boolean exists(final String name)
    {
        return Files.exists(dir.resolve(name + MappedSlotTable.FILE_SUFFIX));
    }

    /**
     * Open the table if its file exists (checking its layout), else create it with the configured
     * initial capacity, load factor and growth step.
     *
     * @param name        table name, e.g. {@link #tableName(String, int)}.
     * @param valueLength bytes per value.
     * @return the open table, owned by this directory until closed by either.
     */
    public MappedSlotTable openOrCreate(final String name, final int valueLength)
    {
        ensureOpen();
        final MappedSlotTable existing = tables.get(name);
        if (existing != null && existing.isOpen())
        {
            throw new IllegalStateException("table " + name + " is already open in " + dir);
        }
        final MappedSlotTable table = exists(name) ?
            MappedSlotTable.open(dir, name, valueLength, ctx.loadFactor(), ctx.growthStepSlots()) :
            MappedSlotTable.create(
                dir, name, valueLength, ctx.initialCapacity(), ctx.loadFactor(), ctx.growthStepSlots());
        tables.put(name, table);
        return table;
    }

    /**
     * Delete a table's file; the table must not be open.
     *
     * @param name table name.
     * @return true if a file was deleted.
     */
    public boolean delete(final String name)
    {
        ensureOpen();
        final MappedSlotTable table = tables.get(name);
        if (table != null && table.isOpen())
        {
            throw new IllegalStateException("table " + name + " is open: close it first");
        }
        tables.remove(name);
        try
        {
            Files.deleteIfExists(dir.resolve(name + MappedSlotTable.GROW_SUFFIX));
            return Files.deleteIfExists(dir.resolve(name + MappedSlotTable.FILE_SUFFIX));
        }
        catch (final IOException ex)
        {
            throw new StateFileException(dir.resolve(name + MappedSlotTable.FILE_SUFFIX), "cannot delete", ex);
        }
    }

    /**
     * @return names of the tables this directory opened and that are still open.
     */
    public java.util.List<String> openTables()
    {
        final ArrayList<String> names = new ArrayList<>();
        for (final Map.Entry<String, MappedSlotTable> e : tables.entrySet())
        {
            if (e.getValue().isOpen())
            {
                names.add(e.getKey());
            }
        }
        return names;
    }

    /**
     * Close every table (finishing growth, writing headers) and release the directory.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        RuntimeException error = null;
        for (final MappedSlotTable table : tables.values())
        {
            try
            {
                table.close();
            }
            catch (final RuntimeException ex)
            {
                if (error == null)
                {
                    error = ex;
                }
                else
                {
                    error.addSuppressed(ex);
                }
            }
        }
        tables.clear();
        try
        {
            lock.release();
            lockChannel.close();
            OPEN.remove(dir.toAbsolutePath().normalize());
            Files.deleteIfExists(dir.resolve(LOCK_FILE_NAME));
        }
        catch (final IOException ex)
        {
            if (error == null)
            {
                error = new StateFileException(dir.resolve(LOCK_FILE_NAME), "cannot release the lock", ex);
            }
        }
        if (error != null)
        {
            throw error;
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("state directory " + dir + " is closed");
        }
    }

    private static String readOwner(final FileChannel channel)
    {
        try
        {
            final ByteBuffer buffer = ByteBuffer.allocate(32);
            final int read = channel.read(buffer, 0);
            return read > 0 ? new String(buffer.array(), 0, read, StandardCharsets.US_ASCII).trim() : "unknown";
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }

    private static void deleteTableFiles(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final String name = file.getFileName().toString();
                if (name.endsWith(MappedSlotTable.FILE_SUFFIX) || name.endsWith(MappedSlotTable.GROW_SUFFIX))
                {
                    Files.delete(file);
                }
            }
        }
    }

    /**
     * Settings of a state directory. Each has a system property, a default and a fluent setter;
     * {@link #conclude()} validates them.
     */
    public static final class Context
    {
        /** Directory of the node's state files. */
        public static final String DIR_PROP_NAME = "peregrine.state.dir";
        /** Default: {@code ${java.io.tmpdir}/peregrine-state}. */
        public static final String DIR_DEFAULT =
            Path.of(System.getProperty("java.io.tmpdir"), "peregrine-state").toString();

        /** Fraction of used slots at which a table starts growing. */
        public static final String LOAD_FACTOR_PROP_NAME = "peregrine.state.load.factor";
        /** Default load factor. */
        public static final float LOAD_FACTOR_DEFAULT = MappedSlotTable.DEFAULT_LOAD_FACTOR;

        /**
         * Default slots of a newly created table (rounded up to a power of two) when the state module is used on its
         * own. A job sets it from its own setting, {@code peregrine.state.initial.capacity} (declared once, in the
         * engine's {@code io.peregrine.config.Settings}), so this context reads no system property for it.
         */
        public static final long INITIAL_CAPACITY_DEFAULT = 1 << 16;

        /** Old slots migrated per insert while a table grows. */
        public static final String GROWTH_STEP_SLOTS_PROP_NAME = "peregrine.state.growth.step.slots";
        /** Default growth step. */
        public static final int GROWTH_STEP_SLOTS_DEFAULT = MappedSlotTable.DEFAULT_GROWTH_STEP_SLOTS;

        /** Delete every table file in the directory when it is opened (tests, benchmarks, fresh starts). */
        public static final String DELETE_ON_START_PROP_NAME = "peregrine.state.dir.delete.on.start";
        /** Default: keep the files. */
        public static final boolean DELETE_ON_START_DEFAULT = false;

        private Path dir = Path.of(System.getProperty(DIR_PROP_NAME, DIR_DEFAULT));
        private float loadFactor = Float.parseFloat(
            System.getProperty(LOAD_FACTOR_PROP_NAME, Float.toString(LOAD_FACTOR_DEFAULT)));
        private long initialCapacity = INITIAL_CAPACITY_DEFAULT;
        private int growthStepSlots = Integer.getInteger(GROWTH_STEP_SLOTS_PROP_NAME, GROWTH_STEP_SLOTS_DEFAULT);
        private boolean deleteOnStart = Boolean.parseBoolean(
            System.getProperty(DELETE_ON_START_PROP_NAME, Boolean.toString(DELETE_ON_START_DEFAULT)));

        /**
         * Validate the settings.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (dir == null)
            {
                throw new IllegalArgumentException(DIR_PROP_NAME + " must be set");
            }
            if (loadFactor <= 0.1f || loadFactor >= 0.95f)
            {
                throw new IllegalArgumentException(LOAD_FACTOR_PROP_NAME + " must be in (0.1, 0.95): " + loadFactor);
            }
            if (initialCapacity < 1)
            {
                throw new IllegalArgumentException("initial capacity must be >= 1: " + initialCapacity);
            }
            if (growthStepSlots < 4)
            {
                throw new IllegalArgumentException(GROWTH_STEP_SLOTS_PROP_NAME + " must be >= 4: " + growthStepSlots);
            }
            return this;
        }

        /**
         * @return the directory, {@link #DIR_PROP_NAME}.
         */
        public Path dir()
        {
            return dir;
        }

        /**
         * @param dir the directory, {@link #DIR_PROP_NAME}.
         * @return this.
         */
        public Context dir(final Path dir)
        {
            this.dir = dir;
            return this;
        }

        /**
         * @return the load factor, {@link #LOAD_FACTOR_PROP_NAME}.
         */
        public float loadFactor()
        {
            return loadFactor;
        }

        /**
         * @param loadFactor the load factor, {@link #LOAD_FACTOR_PROP_NAME}.
         * @return this.
         */
        public Context loadFactor(final float loadFactor)
        {
            this.loadFactor = loadFactor;
            return this;
        }

        /**
         * @return slots of a new table, {@link #INITIAL_CAPACITY_DEFAULT} by default.
         */
        public long initialCapacity()
        {
            return initialCapacity;
        }

        /**
         * @param initialCapacity slots of a new table, {@link #INITIAL_CAPACITY_DEFAULT} by default.
         * @return this.
         */
        public Context initialCapacity(final long initialCapacity)
        {
            this.initialCapacity = initialCapacity;
            return this;
        }

        /**
         * @return old slots migrated per insert while growing, {@link #GROWTH_STEP_SLOTS_PROP_NAME}.
         */
        public int growthStepSlots()
        {
            return growthStepSlots;
        }

        /**
         * @param growthStepSlots old slots migrated per insert while growing.
         * @return this.
         */
        public Context growthStepSlots(final int growthStepSlots)
        {
            this.growthStepSlots = growthStepSlots;
            return this;
        }

        /**
         * @return true to delete table files when the directory is opened, {@link #DELETE_ON_START_PROP_NAME}.
         */
        public boolean deleteOnStart()
        {
            return deleteOnStart;
        }

        /**
         * @param deleteOnStart true to delete table files when the directory is opened.
         * @return this.
         */
        public Context deleteOnStart(final boolean deleteOnStart)
        {
            this.deleteOnStart = deleteOnStart;
            return this;
        }

        public String toString()
        {
            return "StateDirectory.Context{" +
                "dir=" + dir +
                ", loadFactor=" + loadFactor +
                ", initialCapacity=" + initialCapacity +
                ", growthStepSlots=" + growthStepSlots +
                ", deleteOnStart=" + deleteOnStart +
                '}';
        }
    }
}
