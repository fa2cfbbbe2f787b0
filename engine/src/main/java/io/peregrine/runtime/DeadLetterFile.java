package io.peregrine.runtime;

import io.peregrine.config.Settings;
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
    private final Path path;
    private BufferedWriter writer;

    DeadLetterFile(final Path path)
    {
        this.path = path;
    }

    Path path()
    {
        return path;
    }

    void write(final long position, final String reason, final CharSequence raw)
    {
        try
        {
            if (writer == null)
            {
                Files.createDirectories(path.getParent());
                writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
                writer.write("# position\treason\tinput\n");
                System.err.println("[peregrine] malformed input at position " + position + " (" + reason +
                    "): dead-lettered to " + path.toAbsolutePath() + "; further ones go there too and are counted");
            }
            writer.write(Long.toString(position));
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
