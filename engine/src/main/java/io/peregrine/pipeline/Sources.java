package io.peregrine.pipeline;

import io.peregrine.api.Schema;
import io.peregrine.api.Source;
import io.peregrine.connector.ChronicleQueueSource;
import io.peregrine.connector.CollectionSource;
import io.peregrine.connector.CsvFileSource;
import io.peregrine.connector.GeneratorSource;
import io.peregrine.connector.RowGenerator;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The built-in sources.
 */
public final class Sources
{
    private Sources()
    {
    }

    /**
     * @param schema of the rows.
     * @param rows   values in field order.
     * @return a bounded source over the rows, one split read in list order.
     */
    public static Source collection(final Schema schema, final List<Object[]> rows)
    {
        return new CollectionSource(schema, rows);
    }

    /**
     * @param count     events in all, or {@code Long.MAX_VALUE} for unbounded.
     * @param generator writes event i, a pure function of i.
     * @return a deterministic generator, as fast as the shards pull.
     */
    public static GeneratorSource generator(final Schema schema, final long count, final RowGenerator generator)
    {
        return new GeneratorSource(schema, count, generator, 0, 0);
    }

    /**
     * @param eventsPerSecond total pace over all splits.
     * @return a generator paced to a fixed rate.
     */
    public static GeneratorSource generator(
        final Schema schema, final long count, final double eventsPerSecond, final RowGenerator generator)
    {
        return new GeneratorSource(schema, count, generator, eventsPerSecond, 0);
    }

    /**
     * @param header true if each file starts with a header line to skip.
     * @param files  one split each.
     * @return a bounded source of CSV lines; {@link CsvFileSource#inputPolicy(InputPolicy)} sets what it does with
     * missing and mistyped fields (default: reject the line).
     */
    public static CsvFileSource csv(final Schema schema, final boolean header, final Path... files)
    {
        return new CsvFileSource(schema, Arrays.asList(files), header);
    }

    /**
     * @param schema   of the rows.
     * @param queueDir of a Chronicle Queue of rows in the {@link io.peregrine.connector.ChronicleQueueRows} format
     *                 (a producer's, or a {@link Sinks#chronicleQueue(Path)}'s).
     * @param bounded  true to end once every excerpt is read, false to wait for more.
     * @return a replayable source of one split, read in index order.
     */
    public static ChronicleQueueSource chronicleQueue(final Schema schema, final Path queueDir, final boolean bounded)
    {
        return new ChronicleQueueSource(schema, queueDir, bounded);
    }
}
