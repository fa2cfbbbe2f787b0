package io.peregrine.bench.cluster;

import io.peregrine.api.Job;
import io.peregrine.api.Row;
import io.peregrine.api.Sink;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkBaselines;
import io.peregrine.bench.nexmark.engine.NexmarkQueries;
import io.peregrine.bench.nexmark.engine.NexmarkResultSink;
import io.peregrine.bench.nexmark.engine.NexmarkSource;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.config.StateBackend;
import io.peregrine.connector.GeneratorSource;
import io.peregrine.demo.LatencySink;
import io.peregrine.demo.MarketData;
import io.peregrine.demo.TradingJob;
import io.peregrine.metrics.Metric;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sources;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One process of {@code peregrine bench cluster}: a workload as one node of a cluster, or whole in one process, with
 * an order-independent summary of its results (sums of row hashes and counts, which add up over nodes) and its
 * elapsed time written to a file.
 * <pre>
 *   ClusterBenchNode WORKLOAD CLUSTER_FILE|- NODE|SHARDS EVENTS OUT [EVENTS_PER_SECOND]
 * </pre>
 * OUT gets one line: {@code <elapsed ns> <source records> <result fields ...>}. With a rate (trading only) the source
 * is paced on an absolute schedule, each trade stamped with its intended send time, and a second line holds the
 * tick latency histogram (trade's intended time to its running VWAP at the sink; HdrHistogram, compressed, base64).
 */
public final class ClusterBenchNode
{
    private ClusterBenchNode()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String workload = args[0];
        final long events = Long.parseLong(args[3]);
        final JobContext context = new JobContext().idleStrategy(IdleStrategyKind.BACKOFF).stateBackend(StateBackend.DIRECT)
            .stateInitialCapacity(16 * 1024);
        if ("-".equals(args[1]))
        {
            context.shards(Integer.parseInt(args[2]));
        }
        else
        {
            context.clusterFile(Paths.get(args[1])).clusterNode(Integer.parseInt(args[2]));
        }
        final String result;
        final long startNs;
        final Job job;
        final double rate = args.length > 5 ? Double.parseDouble(args[5]) : 0;
        Histogram latency = null;
        if (workload.equals("trading"))
        {
            final AtomicLong bars = new AtomicLong();
            final AtomicLong alerts = new AtomicLong();
            final AtomicLong top = new AtomicLong();
            final AtomicLong spreads = new AtomicLong();
            final AtomicLong ticks = new AtomicLong();
            final TradingJob.Sinks sinks = new TradingJob.Sinks();
            sinks.bars = counting(bars, null);
            sinks.alerts = counting(alerts, null);
            sinks.top = counting(new AtomicLong(), top);
            sinks.spreads = counting(spreads, null);
            sinks.ticks = counting(ticks, null);
            final GeneratorSource[] paced = new GeneratorSource[1];
            final MarketData data = new MarketData(10_000, 200_000,
                rate > 0 ? index -> paced[0].intendedNs(index) : MarketData.IngestStamp.NONE);
            final LatencySink latencySink = new LatencySink(TradingJob.K_INGEST, sinks.ticks);
            if (rate > 0)
            {
                sinks.ticks = latencySink;
            }
            paced[0] = rate > 0 ? Sources.generator(MarketData.SCHEMA, events, rate, data) :
                Sources.generator(MarketData.SCHEMA, events, data);
            final Pipeline pipeline = TradingJob.build(paced[0], 5, sinks);
            startNs = System.nanoTime();
            job = pipeline.execute(context);
            job.join();
            // Bars' floating-point notionals depend on the order two shards' records meet, on one process as on
            // several: bars and alerts are compared by count, the rankings by their rows.
            latency = rate > 0 ? latencySink.merged() : null;
            result = "bars=" + bars.get() + " alerts=" + alerts.get() + " top-digest=" + top.get() + " spreads=" +
                spreads.get() + " ticks=" + ticks.get();
        }
        else
        {
            final NexmarkResultSink sink = NexmarkQueries.resultSink(workload, shard -> new NexmarkBaselines.DigestSink());
            final Pipeline pipeline = NexmarkQueries.build(workload, NexmarkSource.generator(new NexmarkConfig(), events, 0),
                sink);
            startNs = System.nanoTime();
            job = pipeline.execute(context);
            job.join();
            result = "rows=" + sink.digestRows() + " digest=" + sink.digest();
        }
        final long elapsedNs = System.nanoTime() - startNs;
        String line = elapsedNs + " " + job.counters().total(Metric.SOURCE_RECORDS) + " " + result + "\n";
        if (latency != null)
        {
            final ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
            final int length = latency.encodeIntoCompressedByteBuffer(buffer);
            line += Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)) + "\n";
        }
        Files.write(Paths.get(args[4]), line.getBytes(StandardCharsets.UTF_8));
        System.exit(0);
    }

    /** Counts rows and, with {@code digest}, adds up their text's hashes (an order-independent digest). */
    private static Sink counting(final AtomicLong count, final AtomicLong digest)
    {
        return (shard, shards, schema) -> new Sink.SinkWriter()
        {
            long rows;
            long sum;

            public void write(final Row row)
            {
                rows++;
                if (digest != null)
                {
                    sum += mix(row.toString().hashCode());
                }
            }

            public void close()
            {
                count.addAndGet(rows);
                if (digest != null)
                {
                    digest.addAndGet(sum);
                }
            }
        };
    }

    private static long mix(final long x)
    {
        long z = x * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }
}
