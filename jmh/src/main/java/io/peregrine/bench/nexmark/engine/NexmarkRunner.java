package io.peregrine.bench.nexmark.engine;

import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Source;
import io.peregrine.bench.nexmark.NexmarkBaseline;
import io.peregrine.bench.nexmark.NexmarkBaselines;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import io.peregrine.bench.nexmark.NexmarkJson;
import io.peregrine.bench.nexmark.NexmarkJsonReader;
import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import io.peregrine.config.StateBackend;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Runs the engine's Nexmark queries ({@link NexmarkQueries}) to completion over a bounded input and returns or
 * writes their result rows as the baselines' CSV lines, in the canonical order of
 * {@link NexmarkBaselines#canonical(List)}, so they compare line for line with the hand-written baselines
 * ({@link #baseline(String, NexmarkConfig, long, LongSupplier)}).
 * <p>
 * For tests and result checks, not for measuring: every row is kept as a String.
 */
public final class NexmarkRunner
{
    private NexmarkRunner()
    {
    }

    /**
     * Run a query on generated events.
     *
     * @param query  one of {@link NexmarkQueries#QUERIES}.
     * @param cfg    generator settings (its {@code maxEvents} is ignored).
     * @param events events 0 to events - 1.
     * @param shards shard threads (one generator split per shard).
     * @return the result rows in canonical order.
     */
    public static List<String> run(final String query, final NexmarkConfig cfg, final long events, final int shards)
    {
        return run(query, NexmarkSource.generator(cfg, events, 0), context(shards));
    }

    /**
     * Run a query on any bounded source of {@link NexmarkRows#EVENT} rows.
     *
     * @param query   one of {@link NexmarkQueries#QUERIES}.
     * @param source  bounded source.
     * @param context job settings, e.g. {@link #context(int)}.
     * @return the result rows in canonical order.
     */
    public static List<String> run(final String query, final Source source, final JobContext context)
    {
        return run(query, source, context, (summary) -> { });
    }

    /**
     * Run a query on any bounded source of {@link NexmarkRows#EVENT} rows, and report what became of the input.
     *
     * @param query   one of {@link NexmarkQueries#QUERIES}.
     * @param source  bounded source.
     * @param context job settings, e.g. {@link #context(int)}.
     * @param summary receives {@link io.peregrine.metrics.JobCounters#inputSummary()} once the job has ended.
     * @return the result rows in canonical order.
     */
    public static List<String> run(final String query, final Source source, final JobContext context,
        final java.util.function.Consumer<String> summary)
    {
        if (!source.isBounded())
        {
            throw new IllegalArgumentException("NexmarkRunner runs bounded sources only: " + source);
        }
        final NexmarkResultSink sink = NexmarkQueries.resultSink(query, (shard) -> new NexmarkBaselines.CollectingSink());
        final Pipeline pipeline = NexmarkQueries.build(query, source, sink);
        final Job job = pipeline.execute(context);
        job.join();
        summary.accept(job.counters().inputSummary());
        return NexmarkBaselines.canonical(sink.rows());
    }

    /**
     * Run a query keeping no rows: each shard folds its CSV lines into an order-independent digest
     * ({@link NexmarkBaselines.DigestSink}), comparable with a baseline's digest over the same events.
     *
     * @param query   one of {@link NexmarkQueries#QUERIES}.
     * @param source  bounded source.
     * @param context job settings.
     * @return row count and digest.
     */
    public static Digest digest(final String query, final Source source, final JobContext context)
    {
        if (!source.isBounded())
        {
            throw new IllegalArgumentException("NexmarkRunner runs bounded sources only: " + source);
        }
        final NexmarkResultSink sink = NexmarkQueries.resultSink(query, (shard) -> new NexmarkBaselines.DigestSink());
        NexmarkQueries.build(query, source, sink).execute(context).join();
        return new Digest(sink.digestRows(), sink.digest());
    }

    /**
     * Row count and order-independent digest of a result.
     */
    public static final class Digest
    {
        private final long rows;
        private final long digest;

        /**
         * @param rows   row count.
         * @param digest sum of the rows' hashes ({@link NexmarkBaselines.DigestSink}).
         */
        public Digest(final long rows, final long digest)
        {
            this.rows = rows;
            this.digest = digest;
        }

        /**
         * @return row count.
         */
        public long rows()
        {
            return rows;
        }

        /**
         * @return digest.
         */
        public long digest()
        {
            return digest;
        }

        /**
         * {@inheritDoc}
         */
        public boolean equals(final Object o)
        {
            return o instanceof Digest && ((Digest)o).rows == rows && ((Digest)o).digest == digest;
        }

        /**
         * {@inheritDoc}
         */
        public int hashCode()
        {
            return Long.hashCode(rows * 31 + digest);
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return String.format("%,d rows, digest %016x", rows, digest);
        }
    }

    /**
     * Run query {@code query} on the generator or on an events file and write its rows to a CSV file: the header
     * of the reference select list ({@link NexmarkQueries#header(String)}), then the rows in canonical order. The
     * entry point for a command line.
     *
     * @param query      one of {@link NexmarkQueries#QUERIES}.
     * @param eventsFile JSON-lines events ({@link NexmarkJson}), or null to generate.
     * @param cfg        generator settings when generating (ignored for a file).
     * @param events     events to generate (ignored for a file).
     * @param shards     shard threads.
     * @param csv        file to write.
     * @return rows written (without the header).
     * @throws IOException if the file cannot be written.
     */
    public static long runToCsv(final String query, final Path eventsFile, final NexmarkConfig cfg, final long events,
        final int shards, final Path csv) throws IOException
    {
        return runToCsv(query, eventsFile, cfg, events, shards, csv, (summary) -> { });
    }

    /**
     * {@link #runToCsv(String, Path, NexmarkConfig, long, int, Path)}, reporting what became of the input (late
     * records, malformed lines, fields read leniently).
     *
     * @param summary receives the job's {@link io.peregrine.metrics.JobCounters#inputSummary()}.
     */
    public static long runToCsv(final String query, final Path eventsFile, final NexmarkConfig cfg, final long events,
        final int shards, final Path csv, final java.util.function.Consumer<String> summary) throws IOException
    {
        final Source source = eventsFile != null ? NexmarkSource.jsonFile(eventsFile) : NexmarkSource.generator(cfg, events, 0);
        final List<String> rows = run(query, source, context(shards), summary);
        NexmarkBaselines.writeCanonicalCsv(csv, NexmarkQueries.header(query), rows);
        return rows.size();
    }

    /**
     * @param shards shard threads.
     * @return the settings the runner uses: that many shards, keyed state in direct memory.
     */
    public static JobContext context(final int shards)
    {
        return new JobContext().shards(shards).stateBackend(StateBackend.DIRECT);
    }

    /**
     * Run a query's hand-written baseline on the same generated events as {@link #run(String, NexmarkConfig, long,
     * int)}.
     *
     * @param query           one of {@link NexmarkBaselines#QUERIES}.
     * @param cfg             generator settings (its {@code maxEvents} is ignored).
     * @param events          events 0 to events - 1, in order.
     * @param processingClock processing time for q12.
     * @return the baseline's rows in canonical order.
     */
    public static List<String> baseline(final String query, final NexmarkConfig cfg, final long events,
        final LongSupplier processingClock)
    {
        final NexmarkBaselines.CollectingSink sink = new NexmarkBaselines.CollectingSink();
        final NexmarkBaseline baseline = NexmarkBaselines.create(query, sink, processingClock);
        final NexmarkGenerator generator = new NexmarkGenerator(cfg.conclude());
        final NexmarkEvent event = new NexmarkEvent();
        for (long n = 0; n < events; n++)
        {
            generator.generate(n, event);
            baseline.onEvent(event);
        }
        baseline.finish();
        return NexmarkBaselines.canonical(sink.rows());
    }

    /**
     * Run a query's baseline on an events file.
     *
     * @param query           one of {@link NexmarkBaselines#QUERIES}.
     * @param eventsFile      JSON-lines events; malformed lines are skipped.
     * @param processingClock processing time for q12.
     * @return the baseline's rows in canonical order.
     * @throws IOException from the file.
     */
    public static List<String> baseline(final String query, final Path eventsFile, final LongSupplier processingClock)
        throws IOException
    {
        final NexmarkBaselines.CollectingSink sink = new NexmarkBaselines.CollectingSink();
        final NexmarkBaseline baseline = NexmarkBaselines.create(query, sink, processingClock);
        try (NexmarkJsonReader reader = new NexmarkJsonReader(Files.newInputStream(eventsFile), OutputStream.nullOutputStream()))
        {
            NexmarkBaselines.run(reader, baseline, new NexmarkEvent());
        }
        return NexmarkBaselines.canonical(sink.rows());
    }
}
