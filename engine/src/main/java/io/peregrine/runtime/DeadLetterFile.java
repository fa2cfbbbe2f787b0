package io.peregrine.runtime;

import io.peregrine.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Malformed inputs of one source split: one line each, {@code position<TAB>reason<TAB>raw input},
 * opened on the first one. Nothing malformed is ever dropped without a line here and a count.
 */
final class DeadLetterFile implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFile.class);

    private static final String INPUT_HEADER = "# position\treason\tinput\n";

    private Path path;
    private final String header;
    private BufferedWriter writer;

    DeadLetterFile(final Path path)
    {
        this(path, INPUT_HEADER);
    }

    /**
     * @param path   of the file, made (with its directory) at the first line.
     * @param header its first line, with its line end.
     */
    DeadLetterFile(final Path path, final String header)
    {
        this.path = path;
        this.header = header;
    }

    Path path()
    {
        return path;
    }

    void write(final long position, final String reason, final CharSequence raw)
    {
        write(Long.toString(position), reason, raw, "malformed input");
    }

    /**
     * @param position where the input came from.
     * @param reason   why it is here.
     * @param raw      the input (tabs and line ends are kept: the caller writes it as one field).
     * @param what     the kind of input, for the warning logged at the first line.
     */
    void write(final String position, final String reason, final CharSequence raw, final String what)
    {
        try
        {
            if (writer == null)
            {
                Files.createDirectories(path.getParent());
                writer = openNew();
                writer.write(header);
                LOG.warn("{} at {} ({}): dead-lettered to {}; further ones go there too and are counted", what,
                    position, reason, path.toAbsolutePath());
            }
            writer.write(position);
            writer.write('\t');
            writer.write(reason.replace('\t', ' ').replace('\n', ' '));
            writer.write('\t');
            writer.append(raw);
            writer.write('\n');
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot write dead-letter file " + path + ": " + e.getMessage() +
                "; set " + Settings.DEAD_LETTER_DIR.key() + " to a writable directory", e);
        }
    }

    /**
     * The file at {@link #path}, or if an earlier run left one there, the first free {@code <name>.<n>.tsv} (n = 2,
     * 3, ...): a run never overwrites another's dead letters. Created exclusively, so two jobs never share one.
     */
    private BufferedWriter openNew() throws IOException
    {
        final String name = path.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        final String stem = dot > 0 ? name.substring(0, dot) : name;
        final String extension = dot > 0 ? name.substring(dot) : "";
        for (int run = 1; ; run++)
        {
            final Path candidate = run == 1 ? path : path.resolveSibling(stem + "." + run + extension);
            try
            {
                final BufferedWriter opened = Files.newBufferedWriter(candidate, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                path = candidate;
                return opened;
            }
            catch (final java.nio.file.FileAlreadyExistsException e)
            {
                // an earlier run's dead letters: keep them, try the next name
            }
        }
    }

    public void close()
    {
        if (writer != null)
        {
            try
            {
                writer.close();
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("cannot close dead-letter file " + path, e);
            }
        }
    }
}
