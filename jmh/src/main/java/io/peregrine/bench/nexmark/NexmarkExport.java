package io.peregrine.bench.nexmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an events file and the baselines' results for it, to compare another system (e.g. the Flink suite reading
 * the file through its Kafka DDL) with Peregrine's baselines:
 * <ul>
 *     <li>{@code events.json}: the generator's events as JSON lines ({@link NexmarkJson});</li>
 *     <li>{@code <query>.csv}: header and result rows in canonical order ({@link NexmarkBaselines#canonical});</li>
 *     <li>{@code config.txt}: the generator settings.</li>
 * </ul>
 * q12 is left out: its result depends on processing time.
 * <p>
 * {@code java -cp jmh/target/benchmarks.jar io.peregrine.bench.nexmark.NexmarkExport <dir> [events] [eventRate]}
 */
public final class NexmarkExport
{
    private NexmarkExport()
    {
    }

    /**
     * Write the events file and one CSV per query.
     *
     * @param dir    output folder, created if missing.
     * @param config generator settings; {@link NexmarkConfig#maxEvents()} must be set.
     * @return the files written.
     * @throws IOException if a file cannot be written.
     */
    public static List<Path> export(final Path dir, final NexmarkConfig config) throws IOException
    {
        if (config.maxEvents() <= 0)
        {
            throw new IllegalArgumentException("maxEvents must be set for an export");
        }
        Files.createDirectories(dir);
        final Path events = dir.resolve("events.json");
        NexmarkJson.writeFile(new NexmarkGenerator(config), events);
        Files.writeString(dir.resolve("config.txt"), config + "\n");
        final NexmarkEvent event = new NexmarkEvent();
        final java.util.ArrayList<Path> files = new java.util.ArrayList<>();
        files.add(events);
        for (final String query : NexmarkBaselines.QUERIES)
        {
            if (query.equals("q12"))
            {
                continue;
            }
            final NexmarkBaselines.CollectingSink sink = new NexmarkBaselines.CollectingSink();
            final NexmarkBaseline baseline = NexmarkBaselines.create(query, sink, () -> 0);
            NexmarkBaselines.run(new NexmarkGenerator(config), baseline, event);
            final Path csv = dir.resolve(query + ".csv");
            NexmarkBaselines.writeCanonicalCsv(csv, baseline.header(), sink.rows());
            files.add(csv);
        }
        return files;
    }

    /**
     * @param args output folder, events (default 1,000,000), event-time rate (default 10,000,000).
     * @throws IOException if a file cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        if (args.length < 1)
        {
            System.err.println("usage: NexmarkExport <dir> [events] [eventRate]");
            System.exit(2);
        }
        final NexmarkConfig config = new NexmarkConfig()
            .maxEvents(args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L)
            .eventRate(args.length > 2 ? Integer.parseInt(args[2]) : NexmarkConfig.DEFAULT_EVENT_RATE);
        for (final Path file : export(Path.of(args[0]), config))
        {
            System.out.println(file + " " + Files.size(file) + " bytes");
        }
    }
}
