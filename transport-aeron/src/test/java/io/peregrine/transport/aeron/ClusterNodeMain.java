package io.peregrine.transport.aeron;

import io.peregrine.api.Aggregations;
import io.peregrine.api.Field;
import io.peregrine.api.Job;
import io.peregrine.api.Schema;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.config.JobContext;
import io.peregrine.connector.CollectSink;
import io.peregrine.connector.GeneratorSource;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * One node of the test cluster (or the whole job in one process): a keyed tumbling-window aggregation over a
 * bounded generator, with its sorted output rows written to a file.
 * <pre>
 *   ClusterNodeMain CLUSTER_FILE|- NODE|SHARDS OUT EVENTS JOB_NAME [EVENTS_PER_SECOND]
 * </pre>
 * Prints {@code STARTED} once the job has started (every node joined), then exits 0 with the rows in OUT, or 2 with
 * the failure's message in OUT.error.
 */
public final class ClusterNodeMain
{
    static final Schema EVENT = Schema.builder("event").int64("key").timestamp("ts").int64("value").build();
    static final Field.Int64 KEY = EVENT.int64("key");
    static final Field.Timestamp TS = EVENT.timestamp("ts");
    static final Field.Int64 VALUE = EVENT.int64("value");
    static final int KEYS = 700;

    private ClusterNodeMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path out = Paths.get(args[2]);
        final long events = Long.parseLong(args[3]);
        final String jobName = args[4];
        final double rate = args.length > 5 ? Double.parseDouble(args[5]) : 0;
        final JobContext context = new JobContext().windowTwoStage(false);
        if ("-".equals(args[0]))
        {
            context.shards(Integer.parseInt(args[1]));
        }
        else
        {
            context.clusterFile(Paths.get(args[0])).clusterNode(Integer.parseInt(args[1]));
        }
        try
        {
            final CollectSink sink = Sinks.collect();
            final Job job = pipeline(jobName, events, rate, sink).execute(context);
            System.out.println("STARTED");
            System.out.flush();
            job.join();
            Files.write(out, String.join("\n", sink.sortedRows()).concat("\n").getBytes(StandardCharsets.UTF_8));
            System.exit(0);
        }
        catch (final Throwable t)
        {
            Files.write(Paths.get(out + ".error"), String.valueOf(t.getMessage()).getBytes(StandardCharsets.UTF_8));
            t.printStackTrace();
            System.exit(2);
        }
    }

    static Pipeline pipeline(final String name, final long events, final double rate, final CollectSink sink)
    {
        final Pipeline p = Pipeline.create(name);
        final io.peregrine.connector.RowGenerator generator = (i, w) -> w
            .putLong(KEY, (i * 7919) % KEYS)
            .putTimestamp(TS, i / 4 + ((i * 31) % 50))
            .putLong(VALUE, (i * 2654435761L) % 100_003);
        final GeneratorSource source = rate > 0 ? Sources.generator(EVENT, events, rate, generator) :
            Sources.generator(EVENT, events, generator);
        p.source("gen", source, WatermarkStrategy.boundedOutOfOrderness(TS, 60))
            .keyBy("by-key", KEY)
            .window(Windows.tumbling(1000))
            .aggregate("agg", Aggregations.count("n"), Aggregations.sum("sum", VALUE), Aggregations.min("min", VALUE),
                Aggregations.max("max", VALUE), Aggregations.first("first", VALUE), Aggregations.last("last", VALUE))
            .sink("out", sink);
        return p;
    }
}
