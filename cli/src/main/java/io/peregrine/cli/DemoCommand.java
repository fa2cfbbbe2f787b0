package io.peregrine.cli;

import io.peregrine.api.Field;
import io.peregrine.demo.LatencySink;
import io.peregrine.demo.MarketData;
import io.peregrine.demo.TradingJob;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.pipeline.Sources;
import io.peregrine.connector.GeneratorSource;
import io.peregrine.metrics.Metric;
import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code peregrine demo}: the trading-analytics job on the embedded default (one node, no
 * external process), with a progress line each second and a summary at the end.
 */
@CommandLine.Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    resourceBundle = "io.peregrine.cli.SettingOptions",
    description = {
        "Runs the trading-analytics demo on synthetic trades and quotes.",
        "Per instrument: 1 s OHLC/VWAP bars, price-move alerts over a 5 s window sliding by 1 s, average spreads;",
        "the top-N most active instruments per second; with --patterns, momentum-ignition and quote-fade alerts.",
        "Prints a progress line each second and a summary with throughput and latency percentiles.",
        "Ctrl-C or SIGTERM stops it and prints the summary (with --checkpoint-dir: after a final checkpoint).",
        "With --cluster FILE --node N it runs as node N of the cluster in FILE: start the same command on every node." })
public final class DemoCommand implements Callable<Integer>
{
    @CommandLine.Option(names = "--events", description = "Events to generate (default: ${DEFAULT-VALUE}). Ignored with --duration.")
    long events = 10_000_000;

    @CommandLine.Option(names = "--duration", description = "Run unbounded for this many seconds instead of a fixed event count.")
    int durationSeconds;

    // Settings: help from their declaration, values parsed and checked by it (SettingOptions).
    @CommandLine.Option(names = "--shards", descriptionKey = "peregrine.shards", paramLabel = "<n>")
    String shards;

    @CommandLine.Option(names = "--idle-strategy", descriptionKey = "peregrine.idle.strategy", paramLabel = "<name>")
    String idleStrategy;

    @CommandLine.Option(names = "--cpus", descriptionKey = "peregrine.cpus", paramLabel = "<list>")
    String cpus;

    @CommandLine.Option(names = "--warmup-seconds", description = "The first seconds of the run, whose latencies the " +
        "summary reports apart from the steady state's (default: ${DEFAULT-VALUE}).")
    double warmupSeconds = 2;

    @CommandLine.Option(names = "--instruments", description = "Instruments in the universe (default: ${DEFAULT-VALUE}).")
    int instruments = 10_000;

    @CommandLine.Option(names = "--rate", description = "Input pace in events/s, 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @CommandLine.Option(names = "--event-time-rate", description = "Events per second of event time (default: ${DEFAULT-VALUE}).")
    long eventTimeRate = 200_000;

    @CommandLine.Option(names = "--top", description = "Instruments in the most-active ranking (default: ${DEFAULT-VALUE}).")
    int top = 5;

    @CommandLine.Option(names = "--print-every",
        description = "Print the ranking every n-th event-time second (default: ${DEFAULT-VALUE}).")
    int printEvery = 20;

    @CommandLine.Option(names = "--checkpoint-dir", descriptionKey = "peregrine.checkpoint.dir", paramLabel = "<dir>")
    String checkpointDir;

    @CommandLine.Option(names = "--checkpoint-interval", descriptionKey = "peregrine.checkpoint.interval.ms",
        paramLabel = "<ms>")
    String checkpointIntervalMs;

    @CommandLine.Option(names = "--patterns", description = "Also detect momentum ignition and quote fade with " +
        "pattern detection (slow: the pattern operator runs at a fraction of the other operators' speed, see issue 12).")
    boolean patterns;

    @CommandLine.Option(names = "--metrics-port", descriptionKey = "peregrine.metrics.port", paramLabel = "<port>")
    String metricsPort;

    @CommandLine.Option(names = "--cluster", descriptionKey = "peregrine.cluster.file", paramLabel = "<file>")
    String clusterFile;

    @CommandLine.Option(names = "--node", descriptionKey = "peregrine.cluster.node", paramLabel = "<id>")
    String clusterNode;

    @CommandLine.Option(names = "--join-timeout", descriptionKey = "peregrine.cluster.join.timeout.ms", paramLabel = "<ms>")
    String joinTimeoutMs;

    @CommandLine.Option(names = "--peer-timeout", descriptionKey = "peregrine.cluster.peer.timeout.ms", paramLabel = "<ms>")
    String peerTimeoutMs;

    @CommandLine.Option(names = "--aeron-dir", descriptionKey = "peregrine.cluster.aeron.dir", paramLabel = "<dir>")
    String aeronDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final java.util.concurrent.CountDownLatch summaryPrinted = new java.util.concurrent.CountDownLatch(1);

    public Integer call() throws Exception
    {
        final PrintStream out = System.out;
        validate();
        final JobContext context = SettingOptions.applyTo(spec, new JobContext());
        final java.nio.file.Path checkpointPath = context.checkpointDir();
        final long count = durationSeconds > 0 ? Long.MAX_VALUE : events;
        // Paced, every event is stamped with its intended send time, so a stall counts against every
        // event it delays (no coordinated omission); unpaced, with the time it was generated.
        final GeneratorSource[] paced = new GeneratorSource[1];
        final MarketData marketData = new MarketData(instruments, eventTimeRate,
            rate > 0 ? index -> paced[0].intendedNs(index) : MarketData.IngestStamp.NOW);
        final GeneratorSource source = rate > 0 ?
            Sources.generator(MarketData.SCHEMA, count, rate, marketData) : Sources.generator(MarketData.SCHEMA, count, marketData);
        paced[0] = source;

        final AtomicLong alerts = new AtomicLong();
        final AtomicLong spreads = new AtomicLong();
        final TradingJob.Sinks sinks = new TradingJob.Sinks();
        final LatencySink latency = new LatencySink(TradingJob.B_INGEST, null);
        sinks.bars = latency;
        sinks.top = new TopPrinter(out, printEvery);
        sinks.alerts = new AlertPrinter(out, alerts, 5);
        final AtomicLong patternAlerts = new AtomicLong();
        sinks.patternAlerts = patterns ? new PatternAlertPrinter(out, patternAlerts, 5) : null;
        sinks.spreads = (shard, shardCount, schema) -> row -> spreads.incrementAndGet();
        final LatencySink ticks = new LatencySink(TradingJob.K_INGEST, null);
        sinks.ticks = ticks;
        final Pipeline pipeline = TradingJob.build(source, top, sinks);

        context.conclude();
        out.printf("Peregrine demo: %s events, %,d instruments, %d shard(s), idle strategy %s, %s%n",
            durationSeconds > 0 ? "unbounded for " + durationSeconds + " s of" : String.format("%,d", events),
            instruments, context.shards(), context.idleStrategy(),
            rate > 0 ? String.format("paced at %,.0f events/s", rate) : "as fast as possible");
        final long warmupEnd = System.nanoTime() + (long)(warmupSeconds * 1e9);
        ticks.warmupUntil(warmupEnd);
        latency.warmupUntil(warmupEnd);
        final Job job = pipeline.execute(context);
        out.println("  counters: " + job.counters().directory() + " (./peregrine stat " + job.counters().directory() + ")" +
            (job.metricsPort() < 0 ? "" : "; Prometheus: http://localhost:" + job.metricsPort() + "/metrics"));
        if (checkpointPath != null)
        {
            out.println(job.restoredFrom() == null ? "  no checkpoint in " + checkpointPath + ": starting from the beginning" :
                "  resumed from " + job.restoredFrom() + " in " + checkpointPath);
        }
        // SIGTERM or Ctrl-C: the job stops (the engine's own shutdown hook does the same: with a final checkpoint when
        // checkpoints are on, so the next run resumes where this one stopped; else cancelled, its working state
        // removed) and the main thread prints its summary before the JVM exits.
        final Thread signalled = new Thread(() ->
        {
            if (!job.isDone())
            {
                job.stopWithSavepoint();
                job.join(context.shutdownTimeoutMs());
            }
            try
            {
                summaryPrinted.await(context.shutdownTimeoutMs() + 10_000, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }, "peregrine-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(signalled);
        try
        {
            run(out, job, context, checkpointPath, latency, ticks, alerts, spreads, patternAlerts);
        }
        finally
        {
            summaryPrinted.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(signalled);
            }
            catch (final IllegalStateException e)
            {
                // the JVM is shutting down: the hook runs and finds the summary printed
            }
        }
        return 0;
    }

    private void run(final PrintStream out, final Job job, final JobContext context, final java.nio.file.Path checkpointPath,
        final LatencySink latency, final LatencySink ticks, final AtomicLong alerts, final AtomicLong spreads,
        final AtomicLong patternAlerts)
    {
        final long startNs = System.nanoTime();
        final long deadlineNs = durationSeconds > 0 ? startNs + durationSeconds * 1_000_000_000L : Long.MAX_VALUE;
        long lastEvents = 0;
        long lastNs = startNs;
        while (!job.join(1_000))
        {
            final long now = System.nanoTime();
            final DemoProgress progress = DemoProgress.of(job.counters());
            out.println(progress.line((now - startNs) / 1e9, (progress.events - lastEvents) * 1e9 / (now - lastNs)));
            lastEvents = progress.events;
            lastNs = now;
            if (now >= deadlineNs)
            {
                job.cancel();
            }
        }
        final long elapsedNs = System.nanoTime() - startNs;
        final long processed = job.counters().total(Metric.SOURCE_RECORDS);
        final Histogram h = latency.merged();
        final Histogram t = ticks.merged();
        out.println();
        out.println("Summary");
        out.printf("  events processed   %,d in %.2f s%n", processed, elapsedNs / 1e9);
        out.printf("  throughput         %,.0f events/s on %d shard(s)%n", processed * 1e9 / elapsedNs, context.shards());
        out.printf("  bars               %,d   alerts %,d   spread rows %,d%n",
            h.getTotalCount() + latency.warmup().getTotalCount(), alerts.get(), spreads.get());
        if (patterns)
        {
            out.printf("  pattern alerts     %,d (momentum ignition, quote fade)%n", patternAlerts.get());
        }
        final Histogram tw = ticks.warmup();
        out.printf("  tick latency (trade %s -> its instrument's running VWAP at the sink), steady state after the " +
            "first %.0f s, %,d trades:%n", rate > 0 ? "intended send time" : "generated", warmupSeconds, t.getTotalCount());
        out.printf("    p50 %s   p99 %s   p99.9 %s   p99.99 %s   max %s%n",
            micros(t.getValueAtPercentile(50)), micros(t.getValueAtPercentile(99)), micros(t.getValueAtPercentile(99.9)),
            micros(t.getValueAtPercentile(99.99)), micros(t.getMaxValue()));
        if (tw.getTotalCount() > 0)
        {
            out.printf("    warm-up (%,d trades): p50 %s   p99 %s   p99.99 %s   max %s%n", tw.getTotalCount(),
                micros(tw.getValueAtPercentile(50)), micros(tw.getValueAtPercentile(99)),
                micros(tw.getValueAtPercentile(99.99)), micros(tw.getMaxValue()));
        }
        out.printf("  bar latency (last trade of the bar generated -> bar at the sink), steady state, %,d bars:%n",
            h.getTotalCount());
        out.printf("    p50 %s   p99 %s   p99.9 %s   max %s%n",
            micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(99)),
            micros(h.getValueAtPercentile(99.9)), micros(h.getMaxValue()));
        if (job.checkpoints() != null)
        {
            out.printf("  checkpoints        %,d completed, last %,d (%,d bytes in %.1f ms) in %s%n",
                job.checkpoints().completedCount(), job.checkpoints().completed(), job.checkpoints().lastBytes(),
                job.checkpoints().lastDurationNs() / 1e6, checkpointPath);
        }
        final long malformed = job.counters().total(Metric.MALFORMED_RECORDS);
        out.printf("  late records %,d   malformed %,d%s   back-pressure events %,d%n",
            job.counters().total(Metric.LATE_RECORDS), malformed,
            malformed == 0 ? "" : " (dead-lettered to " + context.deadLetterDir().toAbsolutePath() + ")",
            job.counters().total(Metric.BACK_PRESSURE));
        if (jvmShuttingDown())
        {
            out.println(checkpointPath == null ? "  stopped by a signal: the job was cancelled and its working state removed" :
                "  stopped by a signal with a final checkpoint, " + job.checkpoints().completed() + " in " + checkpointPath +
                    ": run the same command again to resume");
        }
        out.flush();
    }

    /**
     * @return true once the JVM has begun to shut down (a signal, or {@code System.exit} elsewhere): the job ended
     * because of it.
     */
    private static boolean jvmShuttingDown()
    {
        final Thread probe = new Thread(() ->
        {
        });
        try
        {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        }
        catch (final IllegalStateException e)
        {
            return true;
        }
    }

    private void validate()
    {
        final CommandLine cl = spec.commandLine();
        if (events < 1)
        {
            throw new CommandLine.ParameterException(cl, "--events must be >= 1, was " + events);
        }
        if (durationSeconds < 0)
        {
            throw new CommandLine.ParameterException(cl, "--duration must be >= 0, was " + durationSeconds);
        }
        if (instruments < 1 || instruments > 1_000_000)
        {
            throw new CommandLine.ParameterException(cl, "--instruments must be in 1..1000000, was " + instruments);
        }
        if (!(warmupSeconds >= 0 && warmupSeconds < 1e6))
        {
            throw new CommandLine.ParameterException(cl, "--warmup-seconds must be a number of seconds >= 0, was " +
                warmupSeconds);
        }
        if (rate < 0)
        {
            throw new CommandLine.ParameterException(cl, "--rate must be >= 0, was " + rate);
        }
        if (top < 1 || top > 100)
        {
            throw new CommandLine.ParameterException(cl, "--top must be in 1..100, was " + top);
        }
        if (eventTimeRate < 1 || printEvery < 1)
        {
            throw new CommandLine.ParameterException(cl, "--event-time-rate and --print-every must be >= 1");
        }
    }

    private static String micros(final long nanos)
    {
        return nanos >= 10_000_000 ? String.format("%,.1f ms", nanos / 1e6) : String.format("%,.1f us", nanos / 1e3);
    }

    /**
     * Prints the ranking of every n-th second.
     */
    static final class TopPrinter implements Sink
    {
        private final PrintStream out;
        private final int every;

        TopPrinter(final PrintStream out, final int every)
        {
            this.out = out;
            this.every = every;
        }

        public SinkWriter createWriter(final int shard, final int shards, final Schema schema)
        {
            final Field.Timestamp start = schema.timestamp("window_start");
            final Field.Int32 rank = schema.int32("rank");
            final Field.Ascii symbol = schema.ascii("symbol");
            final Field.Int64 trades = schema.int64("trades");
            final Field.Float64 vwap = schema.float64("vwap");
            final Field.Float64 close = schema.float64("close");
            final Field.Int64 volume = schema.int64("volume");
            final StringBuilder sb = new StringBuilder();
            return row ->
            {
                final long second = (row.getTimestamp(start) - MarketData.START_MS) / 1000;
                if (second % every != 0)
                {
                    return;
                }
                sb.setLength(0);
                if (row.getInt(rank) == 1)
                {
                    sb.append("  most active, event second ").append(second).append(":\n");
                }
                sb.append("    #").append(row.getInt(rank)).append(' ');
                row.getAscii(symbol, sb);
                sb.append(String.format("  trades %,6d  volume %,9d  close %9.2f  vwap %10.4f",
                    row.getLong(trades), row.getLong(volume), row.getDouble(close), row.getDouble(vwap)));
                synchronized (out)
                {
                    out.println(sb);
                }
            };
        }
    }

    /**
     * Counts alerts and prints the first few.
     */
    static final class AlertPrinter implements Sink
    {
        private final PrintStream out;
        private final AtomicLong count;
        private final int printFirst;

        AlertPrinter(final PrintStream out, final AtomicLong count, final int printFirst)
        {
            this.out = out;
            this.count = count;
            this.printFirst = printFirst;
        }

        public SinkWriter createWriter(final int shard, final int shards, final Schema schema)
        {
            final Field.Ascii symbol = schema.ascii("symbol");
            final Field.Float64 low = schema.float64("low");
            final Field.Float64 high = schema.float64("high");
            final Field.Timestamp end = schema.timestamp("window_end");
            return (Row row) ->
            {
                if (count.incrementAndGet() <= printFirst)
                {
                    final String line = String.format("  ALERT %s moved %.1f%% (%.2f -> %.2f) in the 5 s to event second %d",
                        row.toText(symbol), (row.getDouble(high) - row.getDouble(low)) / row.getDouble(low) * 100,
                        row.getDouble(low), row.getDouble(high), (row.getTimestamp(end) - MarketData.START_MS) / 1000);
                    synchronized (out)
                    {
                        out.println(line);
                    }
                }
            };
        }
    }

    /**
     * Counts the pattern alerts (momentum ignition, quote fade) and prints the first few, like the price-move alerts.
     */
    static final class PatternAlertPrinter implements Sink
    {
        private final PrintStream out;
        private final AtomicLong count;
        private final int printFirst;

        PatternAlertPrinter(final PrintStream out, final AtomicLong count, final int printFirst)
        {
            this.out = out;
            this.count = count;
            this.printFirst = printFirst;
        }

        public SinkWriter createWriter(final int shard, final int shards, final Schema schema)
        {
            return (Row row) ->
            {
                if (count.incrementAndGet() <= printFirst)
                {
                    final String line = String.format("  ALERT %s %s %.2f -> %.2f at event ms %d",
                        row.toText(TradingJob.P_SYMBOL), row.toText(TradingJob.P_PATTERN), row.getDouble(TradingJob.P_FROM),
                        row.getDouble(TradingJob.P_TO), row.getTimestamp(TradingJob.P_TS) - MarketData.START_MS);
                    synchronized (out)
                    {
                        out.println(line);
                    }
                }
            };
        }
    }
}
