package io.peregrine.metrics;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A job's counters file, laid out as Aeron's CnC file: a header, then the metadata and values buffers of an Agrona
 * {@link org.agrona.concurrent.status.CountersManager}, all memory-mapped, so that another process maps the same file
 * and reads the counters while the job writes them.
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +---------------------------------------------------------------+
 *   |                     magic 'PGCT' (int)                        |    0
 *   +---------------------------------------------------------------+
 *   |           version (int): written last, 0 until ready          |    4
 *   +---------------------------------------------------------------+
 *   |                        pid of the job (long)                  |    8
 *   |                                                               |
 *   +---------------------------------------------------------------+
 *   |                 start time, epoch ms (long)                   |   16
 *   |                                                               |
 *   +---------------------------------------------------------------+
 *   |                 metadata buffer length (int)                  |   24
 *   +---------------------------------------------------------------+
 *   |                  values buffer length (int)                   |   28
 *   +---------------------------------------------------------------+
 *   |                          shards (int)                         |   32
 *   +---------------------------------------------------------------+
 *   |                  job name length (int, bytes)                 |   36
 *   +---------------------------------------------------------------+
 *   |            job name, UTF-8, at most 216 bytes                ...  40
 *   +---------------------------------------------------------------+
 *   |       metadata buffer: 512 bytes per counter (labels, keys)  ...  256
 *   +---------------------------------------------------------------+
 *   |       values buffer: 128 bytes per counter                   ...  256 + metadata length
 *   +---------------------------------------------------------------+
 * </pre>
 * The writer fills everything else, then the version with an ordered store: a reader that sees the version sees a
 * whole header. All numbers are little-endian (Agrona's buffers).
 */
public final class CountersFile implements AutoCloseable
{
    public static final String FILE_NAME = "counters.dat";
    public static final int MAGIC = 0x54434750; // "PGCT" little-endian
    public static final int VERSION = 1;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int PID_OFFSET = 8;
    public static final int START_TIME_OFFSET = 16;
    public static final int METADATA_LENGTH_OFFSET = 24;
    public static final int VALUES_LENGTH_OFFSET = 28;
    public static final int SHARDS_OFFSET = 32;
    public static final int JOB_NAME_LENGTH_OFFSET = 36;
    public static final int JOB_NAME_OFFSET = 40;
    public static final int HEADER_LENGTH = 256;
    public static final int MAX_JOB_NAME_LENGTH = HEADER_LENGTH - JOB_NAME_OFFSET;

    private final Path file;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final UnsafeBuffer metadata;
    private final UnsafeBuffer values;
    private final CountersReader reader;

    private CountersFile(final Path file, final MappedByteBuffer mapped, final int metadataLength, final int valuesLength)
    {
        this.file = file;
        this.mapped = mapped;
        this.header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        this.metadata = new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength);
        this.values = new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength);
        this.reader = new CountersReader(metadata, values, StandardCharsets.UTF_8);
    }

    /**
     * Create and map a new counters file with room for {@code capacity} counters. The caller allocates counters in
     * {@link #metadata()} and {@link #values()} with a {@code CountersManager}, then calls {@link #ready()}.
     *
     * @param file      to create; must not exist.
     * @param capacity  counters.
     * @param pid       of the writing process.
     * @param startMs   the job's start, epoch ms.
     * @param shards    of the job.
     * @param jobName   the job's name, cut to {@link #MAX_JOB_NAME_LENGTH} bytes.
     * @return the mapped file.
     */
    static CountersFile create(
        final Path file, final int capacity, final long pid, final long startMs, final int shards, final String jobName)
    {
        final int valuesLength = capacity * CountersReader.COUNTER_LENGTH;
        final int metadataLength = capacity * CountersReader.METADATA_LENGTH;
        final long length = (long)HEADER_LENGTH + metadataLength + valuesLength;
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE))
        {
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create the counters file " + file + ": " + e, e);
        }
        final CountersFile counters = new CountersFile(file, mapped, metadataLength, valuesLength);
        final UnsafeBuffer h = counters.header;
        h.putInt(MAGIC_OFFSET, MAGIC);
        h.putLong(PID_OFFSET, pid);
        h.putLong(START_TIME_OFFSET, startMs);
        h.putInt(METADATA_LENGTH_OFFSET, metadataLength);
        h.putInt(VALUES_LENGTH_OFFSET, valuesLength);
        h.putInt(SHARDS_OFFSET, shards);
        final byte[] name = jobName.getBytes(StandardCharsets.UTF_8);
        final int nameLength = Math.min(name.length, MAX_JOB_NAME_LENGTH);
        h.putInt(JOB_NAME_LENGTH_OFFSET, nameLength);
        h.putBytes(JOB_NAME_OFFSET, name, 0, nameLength);
        return counters;
    }

    /**
     * Map an existing counters file read-only and check it is one this version understands.
     *
     * @param path a job's counters file, or its metrics directory.
     * @return the mapped file, to read with {@link #reader()}; close it to unmap.
     * @throws IllegalStateException naming the file if it is not a counters file, of another version, not yet ready
     *                               or cut short.
     */
    public static CountersFile open(final Path path)
    {
        final Path file = resolve(path);
        final long fileLength;
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            fileLength = channel.size();
            if (fileLength < HEADER_LENGTH)
            {
                throw new IllegalStateException(file + " is not a Peregrine counters file: " + fileLength +
                    " bytes, shorter than the " + HEADER_LENGTH + "-byte header");
            }
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, fileLength);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read the counters file " + file + ": " + e, e);
        }
        try
        {
            final UnsafeBuffer h = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
            final int magic = h.getInt(MAGIC_OFFSET);
            if (magic != MAGIC)
            {
                throw new IllegalStateException(file + " is not a Peregrine counters file: magic 0x" +
                    Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC));
            }
            final int version = h.getIntVolatile(VERSION_OFFSET);
            if (version == 0)
            {
                throw new IllegalStateException(file + " is not ready: its job is starting, or failed while starting");
            }
            if (version != VERSION)
            {
                throw new IllegalStateException(file + " is a counters file of version " + version +
                    "; this Peregrine reads version " + VERSION);
            }
            final int metadataLength = h.getInt(METADATA_LENGTH_OFFSET);
            final int valuesLength = h.getInt(VALUES_LENGTH_OFFSET);
            if (metadataLength < 0 || valuesLength < 0 || valuesLength % CountersReader.COUNTER_LENGTH != 0 ||
                (long)metadataLength != (long)valuesLength / CountersReader.COUNTER_LENGTH * CountersReader.METADATA_LENGTH ||
                HEADER_LENGTH + (long)metadataLength + valuesLength != fileLength ||
                h.getInt(JOB_NAME_LENGTH_OFFSET) < 0 || h.getInt(JOB_NAME_LENGTH_OFFSET) > MAX_JOB_NAME_LENGTH)
            {
                throw new IllegalStateException(file + " is corrupt: metadata " + metadataLength + " bytes and values " +
                    valuesLength + " bytes do not fit a file of " + fileLength + " bytes");
            }
            return new CountersFile(file, mapped, metadataLength, valuesLength);
        }
        catch (final RuntimeException e)
        {
            IoUtil.unmap(mapped);
            throw e;
        }
    }

    /**
     * Publish the header: readers accept the file from now on.
     */
    void ready()
    {
        header.putIntOrdered(VERSION_OFFSET, VERSION);
    }

    public Path file()
    {
        return file;
    }

    public long pid()
    {
        return header.getLong(PID_OFFSET);
    }

    public long startMs()
    {
        return header.getLong(START_TIME_OFFSET);
    }

    public int shards()
    {
        return header.getInt(SHARDS_OFFSET);
    }

    public String jobName()
    {
        final byte[] name = new byte[header.getInt(JOB_NAME_LENGTH_OFFSET)];
        header.getBytes(JOB_NAME_OFFSET, name);
        return new String(name, StandardCharsets.UTF_8);
    }

    /**
     * @return whether the process that wrote the file is still running (a job killed without closing leaves its file).
     */
    public boolean isWriterAlive()
    {
        return ProcessHandle.of(pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    UnsafeBuffer metadata()
    {
        return metadata;
    }

    UnsafeBuffer values()
    {
        return values;
    }

    /**
     * @return a reader of the counters: labels, type ids, keys ({@link CounterKey}) and values.
     */
    public CountersReader reader()
    {
        return reader;
    }

    /**
     * Unmap the file. Only a reader's copy is unmapped this way: the job's own mapping stays until it is collected, so
     * that its counters can be read after the job has ended (see {@link JobCounters#close()}).
     */
    public void close()
    {
        IoUtil.unmap(mapped);
    }

    /**
     * @param path a counters file or the directory that holds one.
     * @return the counters file.
     */
    public static Path resolve(final Path path)
    {
        return Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
    }
}
