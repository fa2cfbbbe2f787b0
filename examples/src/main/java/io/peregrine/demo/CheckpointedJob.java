package io.peregrine.demo;

import io.peregrine.api.Aggregations;
import io.peregrine.pipeline.DataStream;
import io.peregrine.api.Field;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Schema;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.api.Job;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The keyed job the checkpoint tests run, in this JVM or in a child JVM they kill: tumbling windows (two-stage on
 * two shards), session windows and a running reduce over a generated stream, each into an exactly-once CSV sink.
 * {@link #main} runs it and prints a line per completed checkpoint, for the kill trials ({@link RecoveryTrials}).
 */
public final class CheckpointedJob
{
    public static final Schema EVENT = Schema.builder("event").int64("key").timestamp("ts").int64("value").build();
    public static final Field.Int64 KEY = EVENT.int64("key");
    public static final Field.Timestamp TS = EVENT.timestamp("ts");
    public static final Field.Int64 VALUE = EVENT.int64("value");
    public static final String[] SINKS = {"windows", "sessions", "maxima"};

    private CheckpointedJob()
    {
    }

    private static final io.peregrine.connector.RowGenerator EVENTS = (i, w) -> w
        .putLong(KEY, (i * 7919) % 100)
        .putTimestamp(TS, i / 20 + ((i * 31) % 50))
        .putLong(VALUE, (i * 2654435761L) % 100_003);

    public static Pipeline pipeline(final long events, final Path out)
    {
        return pipeline(Sources.generator(EVENT, events, EVENTS), out);
    }

    /**
     * The job over a source whose splits stop at event number {@code gate.getAsLong()} until it is raised: a test
     * can then stop the job with a savepoint midway, wherever the job's threads are, without depending on timing.
     */
    public static Pipeline pipeline(final long events, final java.util.function.LongSupplier gate, final Path out)
    {
        return pipeline(new GatedSource(Sources.generator(EVENT, events, EVENTS), gate), out);
    }

    private static Pipeline pipeline(final io.peregrine.api.Source events, final Path out)
    {
        final Pipeline p = Pipeline.create("checkpointed");
        final DataStream source = p.source("gen", events, WatermarkStrategy.boundedOutOfOrderness(TS, 60));
        source.keyBy("by-key", KEY)
            .window(Windows.tumbling(1000))
            .aggregate("tumbling", Aggregations.count("n"), Aggregations.sum("sum", VALUE), Aggregations.min("min", VALUE),
                Aggregations.max("max", VALUE), Aggregations.first("first", VALUE), Aggregations.last("last", VALUE))
            .sink("windows-out", Sinks.csv(out.resolve("windows")));
        source.filter("sparse", row -> row.getLong(VALUE) % 97 == 0)
            .keyBy("by-key-sparse", KEY)
            .window(Windows.session(300))
            .aggregate("sessions", Aggregations.count("n"), Aggregations.sum("sum", VALUE))
            .sink("sessions-out", Sinks.csv(out.resolve("sessions")));
        source.filter("rare", row -> row.getLong(VALUE) % 1009 == 0)
            .keyBy("by-key-rare", KEY)
            .aggregate("maxima", Aggregations.max("max", VALUE), Aggregations.count("n"))
            .sink("maxima-out", Sinks.csv(out.resolve("maxima")));
        return p;
    }

    /**
     * A replayable source whose readers emit nothing at or past the gate (and do not end there). A split's position
     * is compared with the gate either as an event number read {@code splitCount} apart (a generator: split s reads
     * events s, s + splitCount, ...) or as the split's own count (a file's line number).
     */
    public static final class GatedSource implements io.peregrine.api.Source
    {
        private final io.peregrine.api.Source source;
        private final java.util.function.LongSupplier gate;
        private final boolean positionsPerSplit;

        /**
         * @param source a generator-like source: positions are event numbers, splits interleaved.
         * @param gate   event number the splits stop at.
         */
        public GatedSource(final io.peregrine.api.Source source, final java.util.function.LongSupplier gate)
        {
            this(source, gate, false);
        }

        /**
         * @param positionsPerSplit true if each split counts its own positions (a file's line numbers), so the gate
         *                          applies to each split alone.
         */
        public GatedSource(
            final io.peregrine.api.Source source, final java.util.function.LongSupplier gate, final boolean positionsPerSplit)
        {
            this.source = source;
            this.gate = gate;
            this.positionsPerSplit = positionsPerSplit;
        }

        public io.peregrine.api.Schema schema()
        {
            return source.schema();
        }

        public boolean isBounded()
        {
            return source.isBounded();
        }

        public boolean isReplayable()
        {
            return source.isReplayable();
        }

        public int splitCount(final int shards)
        {
            return source.splitCount(shards);
        }

        public SplitReader createReader(final int split, final int splitCount, final io.peregrine.api.SourceContext context)
        {
            final SplitReader reader = source.createReader(split, splitCount, context);
            return new SplitReader()
            {
                public int poll(final SourceOutput out, final int limit) throws Exception
                {
                    // A generator's position is the next event number, splitCount of them a round.
                    final long room = (gate.getAsLong() - reader.position()) / (positionsPerSplit ? 1 : splitCount);
                    return room <= 0 ? 0 : reader.poll(out, (int)Math.min(limit, room));
                }

                public long position()
                {
                    return reader.position();
                }

                public long checkpointOffset()
                {
                    return reader.checkpointOffset();
                }

                public void seek(final long offset, final long position) throws Exception
                {
                    reader.seek(offset, position);
                }

                public void close() throws Exception
                {
                    reader.close();
                }
            };
        }
    }

    public static JobContext context(final int shards, final Path checkpoints, final long intervalMs)
    {
        return new JobContext().shards(shards).idleStrategy(IdleStrategyKind.YIELD).checkpointDir(checkpoints)
            .checkpointIntervalMs(intervalMs).checkpointFullEvery(4)
            // One shard may run seconds of event time ahead of the other (nothing but ring capacity bounds the skew),
            // and a key's sessions stay open until the slower shard's watermark passes them.
            .sessionCapacity(256);
    }

    /**
     * @return every committed row of a sink, sorted: the output a reader sees, independent of how it was cut into
     * part files.
     */
    public static List<List<String>> outputs(final Path out) throws IOException
    {
        final List<List<String>> outputs = new ArrayList<>();
        for (final String sink : SINKS)
        {
            outputs.add(committed(out, sink));
        }
        return outputs;
    }

    public static List<String> committed(final Path out, final String sink) throws IOException
    {
        final List<String> rows = new ArrayList<>();
        final Path dir = out.resolve(sink);
        if (!Files.isDirectory(dir))
        {
            return rows;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "part-*.csv"))
        {
            for (final Path file : files)
            {
                final List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
                rows.addAll(lines.subList(1, lines.size()));
            }
        }
        Collections.sort(rows);
        return rows;
    }

    /**
     * Run the job: {@code events checkpointDir outDir shards intervalMs [gate]}; with a gate, the source stops at that
     * event number and the job runs (taking checkpoints) until it is killed.
     */
    public static void main(final String[] args)
    {
        final long events = Long.parseLong(args[0]);
        final Path checkpoints = Path.of(args[1]);
        final Path out = Path.of(args[2]);
        final int shards = Integer.parseInt(args[3]);
        final long intervalMs = Long.parseLong(args[4]);
        final long gate = args.length > 5 ? Long.parseLong(args[5]) : Long.MAX_VALUE;
        final Job job = pipeline(events, () -> gate, out).execute(context(shards, checkpoints, intervalMs));
        System.out.println("started " + (job.restoredFrom() == null ? 0 : job.restoredFrom().id));
        System.out.flush();
        long seen = job.checkpoints().completed();
        while (!job.join(1))
        {
            final long completed = job.checkpoints().completed();
            if (completed != seen)
            {
                seen = completed;
                System.out.println("completed " + completed);
                System.out.flush();
            }
        }
        System.out.println("finished");
        System.out.flush();
    }
}
