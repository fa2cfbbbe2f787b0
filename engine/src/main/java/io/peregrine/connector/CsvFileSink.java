package io.peregrine.connector;

import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import org.agrona.collections.LongArrayList;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes rows as CSV, each file starting with a header line of the field names.
 * <ul>
 *   <li>Without checkpoints: to {@code <dir>/part-<shard>.csv} (the directory is created if missing). A job refuses
 *   to start if one of these files exists already (an earlier run's output): nothing is overwritten silently.</li>
 *   <li>With checkpoints, exactly once, as Flink's {@code FileSink}: a shard writes to
 *   {@code .part-<shard>.inprogress}; at barrier N the file is closed and renamed
 *   {@code .part-<shard>-<N>.pending}; when checkpoint N completes, every pending file up to N becomes
 *   {@code part-<shard>-<N>.csv}. Readers see only {@code part-*.csv} files, so a result is visible once its
 *   checkpoint is complete, and never twice: at recovery, pending files of checkpoints up to the restored one are
 *   committed and everything else not committed is deleted. Should recovery fall back past a damaged checkpoint,
 *   the parts committed by the checkpoints it drops are deleted too, since their output is written again.</li>
 * </ul>
 */
public final class CsvFileSink implements Sink
{
    private static final Pattern PENDING = Pattern.compile("\\.part-(\\d+)-(\\d+)\\.pending");
    private static final Pattern IN_PROGRESS = Pattern.compile("\\.part-(\\d+)\\.inprogress");
    private static final Pattern COMMITTED = Pattern.compile("part-(\\d+)-(\\d+)\\.csv");

    private final Path dir;

    public CsvFileSink(final Path dir)
    {
        this.dir = dir;
    }

    public Path dir()
    {
        return dir;
    }

    public boolean isExactlyOnce()
    {
        return true;
    }

    public SinkWriter createWriter(final int shard, final int shards, final Schema schema) throws IOException
    {
        return createWriter(shard, shards, schema, false);
    }

    public SinkWriter createWriter(final int shard, final int shards, final Schema schema, final boolean exactlyOnce)
        throws IOException
    {
        Files.createDirectories(dir);
        if (exactlyOnce)
        {
            return new TransactionalWriter(shard, schema);
        }
        final Path part = dir.resolve("part-" + shard + ".csv");
        if (Files.exists(part))
        {
            throw new IOException("output file " + part.toAbsolutePath() + " exists, from an earlier run: a file sink " +
                "never overwrites one; move the earlier output away or give the sink another directory");
        }
        return new Writer(schema, part);
    }

    public void recover(final long restoredCheckpoint) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "part-*.csv"))
        {
            for (final Path file : files)
            {
                // Committed by a checkpoint after the restored one: recovery fell back past a damaged checkpoint,
                // and the output of the checkpoints it drops will be written again.
                final Matcher committed = COMMITTED.matcher(file.getFileName().toString());
                if (committed.matches() && Long.parseLong(committed.group(2)) > restoredCheckpoint)
                {
                    Files.delete(file);
                }
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".part-*"))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                final Matcher pending = PENDING.matcher(name);
                if (pending.matches() && Long.parseLong(pending.group(2)) <= restoredCheckpoint)
                {
                    Files.move(file, dir.resolve("part-" + pending.group(1) + "-" + pending.group(2) + ".csv"),
                        StandardCopyOption.ATOMIC_MOVE);
                }
                else if (pending.matches() || IN_PROGRESS.matcher(name).matches())
                {
                    Files.delete(file);
                }
            }
        }
    }

    private static class Writer implements SinkWriter
    {
        private final Schema schema;
        private final StringBuilder line = new StringBuilder();
        private char[] chars = new char[256];
        protected final Path file;
        protected BufferedWriter writer;

        Writer(final Schema schema, final Path file)
        {
            this.schema = schema;
            this.file = file;
        }

        protected void open() throws IOException
        {
            writer = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
            for (int i = 0; i < schema.fieldCount(); i++)
            {
                if (i > 0)
                {
                    writer.write(',');
                }
                writer.write(schema.field(i).name());
            }
            writer.write('\n');
        }

        public void write(final Row row) throws IOException
        {
            if (writer == null)
            {
                open();
            }
            line.setLength(0);
            row.appendCsv(line).append('\n');
            final int length = line.length();
            if (length > chars.length)
            {
                chars = new char[Math.max(length, chars.length * 2)];
            }
            line.getChars(0, length, chars, 0);
            writer.write(chars, 0, length);
        }

        public void close() throws IOException
        {
            if (writer == null)
            {
                open();
            }
            writer.close();
        }
    }

    private final class TransactionalWriter extends Writer
    {
        private final int shard;
        private final LongArrayList pending = new LongArrayList();

        TransactionalWriter(final int shard, final Schema schema)
        {
            super(schema, dir.resolve(".part-" + shard + ".inprogress"));
            this.shard = shard;
        }

        public void preCommit(final long id) throws IOException
        {
            if (writer == null)
            {
                return; // nothing written since the last barrier: no part
            }
            writer.close();
            writer = null;
            Files.move(file, pendingFile(id), StandardCopyOption.ATOMIC_MOVE);
            pending.addLong(id);
        }

        public void commit(final long id) throws IOException
        {
            int kept = 0;
            for (int i = 0; i < pending.size(); i++)
            {
                final long p = pending.getLong(i);
                if (p <= id)
                {
                    Files.move(pendingFile(p), dir.resolve("part-" + shard + "-" + p + ".csv"), StandardCopyOption.ATOMIC_MOVE);
                }
                else
                {
                    pending.setLong(kept++, p);
                }
            }
            while (pending.size() > kept)
            {
                pending.removeAt(pending.size() - 1);
            }
        }

        private Path pendingFile(final long id)
        {
            return dir.resolve(".part-" + shard + "-" + id + ".pending");
        }

        public void close() throws IOException
        {
            // Output after the last completed checkpoint stays uncommitted: a restart replays it.
            if (writer != null)
            {
                writer.close();
            }
        }
    }
}
