package io.peregrine.connector;

import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes rows as CSV to {@code <dir>/part-<shard>.csv}, with a header line of the field names.
 */
public final class CsvFileSink implements Sink
{
    private final Path dir;

    public CsvFileSink(final Path dir)
    {
        this.dir = dir;
    }

    public Path dir()
    {
        return dir;
    }

    public SinkWriter createWriter(final int shard, final int shards, final Schema schema) throws IOException
    {
        Files.createDirectories(dir);
        final Path file = dir.resolve("part-" + shard + ".csv");
        final BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        for (int i = 0; i < schema.fieldCount(); i++)
        {
            if (i > 0)
            {
                writer.write(',');
            }
            writer.write(schema.field(i).name());
        }
        writer.write('\n');
        final StringBuilder line = new StringBuilder();
        return new SinkWriter()
        {
            private char[] chars = new char[256];

            public void write(final Row row) throws IOException
            {
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
                writer.close();
            }
        };
    }
}
