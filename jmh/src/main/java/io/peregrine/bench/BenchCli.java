package io.peregrine.bench;

import io.peregrine.bench.micro.MicroSuite;
import io.peregrine.bench.profile.EngineRunMeter;
import io.peregrine.bench.report.QueryMeasurement;
import io.peregrine.bench.report.ReportWriter;
import io.peregrine.bench.engine.ChainWorkload;
import io.peregrine.bench.nexmark.engine.NexmarkLatency;
import io.peregrine.bench.nexmark.engine.NexmarkQueries;
import io.peregrine.bench.nexmark.engine.NexmarkRunner;
import io.peregrine.bench.nexmark.engine.NexmarkWorkload;
import io.peregrine.bench.trading.TradingBenchmark;
import io.peregrine.config.ConfigException;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.Settings;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code peregrine bench}: the benchmark suite. {@code trading} runs the trading workload and
 * writes a report; {@code jmh ...} runs the JMH microbenchmarks with JMH's own options.
 */
@CommandLine.Command(
    name = "peregrine bench",
    mixinStandardHelpOptions = true,
    versionProvider = BenchCli.Version.class,
    description = "Peregrine's benchmark suite; reports go to perf-reports/.",
    subcommands = { BenchCli.Suite.class, BenchCli.Chain.class, BenchCli.Trading.class, BenchCli.Nexmark.class,
        BenchCli.NexmarkQuery.class, BenchCli.Recovery.class, BenchCli.Checkpoint.class, BenchCli.Joins.class,
        BenchCli.Latency.class, BenchCli.Jmh.class, BenchCli.Cep.class, BenchCli.Cluster.class,
        CommandLine.HelpCommand.class })
public final class BenchCli implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: see 'peregrine bench --help'");
    }

    /**
     * {@code peregrine bench -V}: the project's version, the same line as {@code peregrine -V}.
     */
    public static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            return new String[] { io.peregrine.demo.ProjectVersion.text() + " (benchmarks)" };
        }
    }

    /**
     * Options every measuring command shares: the shard range and where the report goes.
     */
    static final class ReportOptions
    {
        @CommandLine.Option(names = "--shards", description = "Largest shard count (default: available processors).")
        int shards = Runtime.getRuntime().availableProcessors();

        @CommandLine.Option(names = "--out", description = "Report root (default: ${DEFAULT-VALUE}).")
        Path out = Path.of("perf-reports");

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;

        /**
         * @return {@code <out>/<date>-<name>}.
         */
        Path folder(final String name)
        {
            return out.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm")) + "-" + name);
        }

        /**
         * @return the command as typed, for the report.
         */
        String commandLine()
        {
            return "./peregrine bench " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        }
    }

    @CommandLine.Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"The trading workload and Nexmark q5 and q7 on N local node processes (a cluster on loopback, " +
            "over Aeron UDP) and in one process with the same total shards: checks the results are equal, then " +
            "compares throughput; then the trading workload paced at a fixed rate on both, for tick latency (intended " +
            "send time to the sink, HdrHistogram; the nodes share this machine's clock)."})
    static final class Cluster implements Callable<Integer>
    {
        @CommandLine.Option(names = "--nodes", description = "Node processes (default: ${DEFAULT-VALUE}).")
        int nodes = 2;

        @CommandLine.Option(names = "--shards-per-node", description = "Shards on each node (default: ${DEFAULT-VALUE}).")
        int shardsPerNode = 1;

        @CommandLine.Option(names = "--events", description = "Events per run (default: ${DEFAULT-VALUE}).")
        long events = 2_000_000;

        @CommandLine.Option(names = "--out", description = "Report root (default: ${DEFAULT-VALUE}).")
        Path out = Path.of("perf-reports");

        @CommandLine.Option(names = "--rate", description = "Trading events/s of the latency runs (default: ${DEFAULT-VALUE}).")
        double rate = 20_000;

        @CommandLine.Option(names = "--latency-seconds",
            description = "Length of each latency run, 0 for none (default: ${DEFAULT-VALUE}).")
        int latencySeconds = 5;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() throws Exception
        {
            if (rate <= 0 || latencySeconds < 0)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be > 0, --latency-seconds >= 0");
            }
            if (nodes < 2 || shardsPerNode < 1 || events < 1)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--nodes must be >= 2, --shards-per-node and --events >= 1");
            }
            final Path folder = out.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm")) +
                "-cluster");
            System.out.printf("Cluster benchmark: %d node processes x %d shard(s) on loopback against one process of %d " +
                "shard(s), %,d events per run%n", nodes, shardsPerNode, nodes * shardsPerNode, events);
            final io.peregrine.bench.cluster.ClusterBench bench = new io.peregrine.bench.cluster.ClusterBench(
                nodes, shardsPerNode, events, folder.resolve("runs"), System.out);
            final List<io.peregrine.bench.cluster.ClusterBench.Run[]> runs = bench.run();
            String latencyTable = "";
            if (latencySeconds > 0)
            {
                final io.peregrine.bench.cluster.ClusterBench.Run[] paced = bench.latency(rate, latencySeconds);
                final org.HdrHistogram.Histogram c = paced[0].latency;
                final org.HdrHistogram.Histogram o = paced[1].latency;
                latencyTable = String.format("Tick latency, trading paced at %,.0f events/s for %d s (intended send time " +
                    "to the running VWAP at the sink, coordinated-omission free; every tick, no warm-up excluded):%n%n" +
                    "| | ticks | p50 | p99 | p99.9 | max |%n| --- | --- | --- | --- | --- | --- |%n" +
                    "| %d nodes | %,d | %s | %s | %s | %s |%n| one process | %,d | %s | %s | %s | %s |%n" +
                    "| added by the cluster | | %s | %s | %s | |%n", rate, latencySeconds,
                    nodes, c.getTotalCount(), us(c.getValueAtPercentile(50)), us(c.getValueAtPercentile(99)),
                    us(c.getValueAtPercentile(99.9)), us(c.getMaxValue()),
                    o.getTotalCount(), us(o.getValueAtPercentile(50)), us(o.getValueAtPercentile(99)),
                    us(o.getValueAtPercentile(99.9)), us(o.getMaxValue()),
                    us(c.getValueAtPercentile(50) - o.getValueAtPercentile(50)),
                    us(c.getValueAtPercentile(99) - o.getValueAtPercentile(99)),
                    us(c.getValueAtPercentile(99.9) - o.getValueAtPercentile(99.9)));
            }
            boolean identical = true;
            final StringBuilder table = new StringBuilder("| workload | " + nodes + " nodes (events/s) | one process " +
                "(events/s) | cluster / one process | results |\n| --- | --- | --- | --- | --- |\n");
            for (final io.peregrine.bench.cluster.ClusterBench.Run[] r : runs)
            {
                final boolean same = r[0].result.equals(r[1].result) && r[0].events == r[1].events;
                identical &= same;
                table.append(String.format("| %s | %,.0f | %,.0f | %.2f | %s |%n", r[0].workload, r[0].eventsPerSecond(),
                    r[1].eventsPerSecond(), r[0].eventsPerSecond() / r[1].eventsPerSecond(),
                    same ? "equal (" + r[0].result + ")" : "DIFFER: " + r[0].result + " vs " + r[1].result));
            }
            System.out.println();
            System.out.println(identical ? "cluster: results identical to one process on " + nodes + " nodes" :
                "cluster: results DIFFER from one process on " + nodes + " nodes");
            System.out.println();
            System.out.print(table);
            System.out.println();
            System.out.print(latencyTable);
            final String command = "./peregrine bench " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
            new ReportWriter(folder).title("Peregrine on " + nodes + " nodes").command(command).writeEnvironment();
            java.nio.file.Files.writeString(folder.resolve("README.md"), "# Peregrine on " + nodes + " local nodes " +
                "against one process\n\nCommand: `" + command + "`; environment in `environment.md`; each process's log " +
                "and result in `runs/`.\n\n" + nodes + " node processes of " + shardsPerNode + " shard(s) each on " +
                "loopback (Aeron UDP, an embedded media driver per node), and one process of " + nodes * shardsPerNode +
                " shard(s); " + String.format("%,d", events) + " events per run, idle strategy backoff, one run each " +
                "(no warm-up: figures are rough). Throughput: events over the slowest node's time from job start to its " +
                "end (the cluster handshake excluded). Trading bars and alerts are compared by count (their " +
                "floating-point sums depend on the order two shards' records meet, in one process as on several), its " +
                "rankings and the Nexmark results by an order-independent digest of their rows.\n\n" +
                (identical ? "cluster: results identical to one process on " + nodes + " nodes" : "cluster: results DIFFER") +
                "\n\n" + table + "\n" + latencyTable,
                java.nio.charset.StandardCharsets.UTF_8);
            System.out.println("Report: " + folder.resolve("README.md"));
            return identical ? 0 : 1;
        }
    }

    private static String us(final long nanos)
    {
        return String.format("%,.1f us", nanos / 1e3);
    }

    @CommandLine.Command(name = "cep", mixinStandardHelpOptions = true,
        description = "Pattern detection on 10,000 instruments, one shard, beside a hand-written state machine.")
    static final class Cep implements Callable<Integer>
    {
        @CommandLine.Option(names = "--events", description = "Events per run (default: ${DEFAULT-VALUE}).")
        long events = 20_000_000;

        @CommandLine.Mixin
        ReportOptions report;

        public Integer call() throws Exception
        {
            final Path file = io.peregrine.bench.cep.CepBenchmark.runAndReport(events, report.folder("cep"),
                report.commandLine(), System.out);
            System.out.println("Report: " + file);
            return 0;
        }
    }

    @CommandLine.Command(name = "chain", mixinStandardHelpOptions = true,
        description = "Core path: source -> map -> filter -> keyBy -> tumbling count at 1..N shards beside its baseline.")
    static final class Chain implements Callable<Integer>
    {
        @CommandLine.Option(names = "--quick", description = "About 20 s: fewer events, one round.")
        boolean quick;

        @CommandLine.Option(names = "--events", description = "Events per run (default: ${DEFAULT-VALUE}).")
        int events = 20_000_000;

        @CommandLine.Option(names = "--rounds", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
        int rounds = 5;

        @CommandLine.Mixin
        ReportOptions report;

        @CommandLine.Mixin
        ProfileOptions profile;

        public Integer call() throws Exception
        {
            final int n = quick ? 5_000_000 : events;
            final int r = quick ? 1 : rounds;
            System.out.println("Core chain benchmark" + (quick ? " (quick)" : ""));
            final Path reportFolder = report.folder("chain");
            final EngineRunMeter meter = profile.meter(reportFolder, System.out);
            final List<QueryMeasurement> results = ChainWorkload.measure(n, r, report.shards, System.out, meter);
            final Path folder = profile.addTo(new ReportWriter(reportFolder))
                .title("Peregrine core chain: source -> map -> filter -> keyBy -> tumbling count")
                .command(report.commandLine())
                .setting("events per run", n)
                .setting("rounds (after one warm-up round)", r)
                .setting("shards", "1.." + report.shards)
                .setting("keys", 10_000)
                .setting("window", "tumbling 1 s; event time advances 10,000,000 events per second (the Flink Nexmark " +
                    "suite's default rate): about 1,000 events per key per window")
                .setting("idle strategy", "yield")
                .write(results);
            System.out.println("Report: " + folder);
            return 0;
        }
    }

    @CommandLine.Command(name = "nexmark", mixinStandardHelpOptions = true,
        description = "Nexmark queries: throughput at 1..N shards beside the hand-written baseline, results checked equal; " +
            "then end-to-end latency at fixed input rates (coordinated-omission corrected) on 1 and N shards.")
    static final class Nexmark implements Callable<Integer>
    {
        @CommandLine.Option(names = "--quick", description = "About 45 s: 1M events, one round; latency runs of " +
            "0.6 s on N shards only.")
        boolean quick;

        @CommandLine.Option(names = "--events", description = "Events per throughput run (default: ${DEFAULT-VALUE}).")
        long events = 10_000_000;

        @CommandLine.Option(names = "--rounds", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
        int rounds = 3;

        @CommandLine.Option(names = "--queries", split = ",", description = "Queries (default: all: ${DEFAULT-VALUE}).")
        List<String> queries = NexmarkQueries.QUERIES;

        @CommandLine.Option(names = "--no-throughput", description = "Skip the throughput phase (and its result " +
            "check); latency runs then use --latency-fixed-rates.")
        boolean noThroughput;

        @CommandLine.Option(names = "--no-latency", description = "Skip the latency runs.")
        boolean noLatency;

        @CommandLine.Option(names = "--latency-rates", split = ",", description = "Latency rates as fractions of the " +
            "throughput measured for the query at that shard count (default: 0.5,0.8).")
        double[] latencyRates = { 0.5, 0.8 };

        @CommandLine.Option(names = "--latency-fixed-rates", split = ",", description = "Latency rates in events/s, run " +
            "as well as the fractions (default: none; 1000000 with --no-throughput).")
        double[] latencyFixedRates = new double[0];

        @CommandLine.Option(names = "--latency-seconds", description = "Seconds of paced events per latency run, the " +
            "first 20%% warm-up (default: ${DEFAULT-VALUE}; 0.6 with --quick).")
        double latencySeconds = 3;

        @CommandLine.Option(names = "--latency-event-time-speed", description = "Event-time seconds per wall-clock " +
            "second in the latency runs, so that 10 s windows close within a run (default: ${DEFAULT-VALUE}).")
        double eventTimeSpeed = 50;

        @CommandLine.Option(names = "--latency-idle-strategy", description = "Shard idle strategy of the latency " +
            "runs (default: ${DEFAULT-VALUE}).")
        String latencyIdleStrategy = "yield";

        @CommandLine.Mixin
        ReportOptions report;

        @CommandLine.Mixin
        ProfileOptions profile;

        public Integer call() throws Exception
        {
            for (final String q : queries)
            {
                if (!NexmarkQueries.QUERIES.contains(q))
                {
                    throw new CommandLine.ParameterException(report.spec.commandLine(), "unknown query '" + q + "'; known: " +
                        NexmarkQueries.QUERIES);
                }
            }
            final NexmarkWorkload.Settings settings = nexmarkSettings(quick, quick ? 1_000_000 : events, quick ? 1 : rounds,
                report.shards);
            settings.throughput = !noThroughput;
            settings.latency = !noLatency;
            settings.latencyFractions = latencyRates;
            settings.latencyFixedRates = noThroughput && latencyFixedRates.length == 0 ?
                new double[]{ 1_000_000 } : latencyFixedRates;
            if (!quick || report.spec.commandLine().getParseResult().hasMatchedOption("--latency-seconds"))
            {
                settings.latencySeconds = latencySeconds;
            }
            settings.eventTimeSpeed = eventTimeSpeed;
            settings.latencyIdleStrategy = idleStrategy(report.spec, "--latency-idle-strategy", latencyIdleStrategy);
            validate(report.spec, settings);
            if (!settings.throughput && !settings.latency)
            {
                throw new CommandLine.ParameterException(report.spec.commandLine(),
                    "--no-throughput and --no-latency leave nothing to measure");
            }
            System.out.println("Nexmark benchmark" + (quick ? " (quick)" : ""));
            final Path reportFolder = report.folder("nexmark");
            final EngineRunMeter meter = profile.meter(reportFolder, System.out);
            final List<QueryMeasurement> results = NexmarkWorkload.measure(queries, settings, System.out, meter);
            final ReportWriter writer = profile.addTo(new ReportWriter(reportFolder))
                .title("Peregrine Nexmark")
                .command(report.commandLine())
                .setting("events per throughput run", settings.throughput ? settings.events : "-")
                .setting("rounds (after one warm-up round)", settings.throughput ? settings.rounds : "-")
                .setting("shards", "1.." + report.shards)
                .setting("generator", new io.peregrine.bench.nexmark.NexmarkConfig().toString())
                .setting("sinks", "engine and baseline fold rows into the same order-independent digest; checked equal");
            nexmarkLatencySettings(writer, settings);
            final Path folder = writer.write(results);
            System.out.println("Report: " + folder);
            return 0;
        }
    }

    /**
     * @return Nexmark settings as the suite and {@code bench nexmark} use them; {@code --quick}: latency runs of
     * 0.6 s on the largest shard count only.
     */
    static NexmarkWorkload.Settings nexmarkSettings(final boolean quick, final long events, final int rounds, final int maxShards)
    {
        final NexmarkWorkload.Settings settings = new NexmarkWorkload.Settings();
        settings.events = events;
        settings.rounds = rounds;
        settings.maxShards = maxShards;
        if (quick)
        {
            settings.latencySeconds = 0.6;
            settings.latencyShards = new int[]{ maxShards };
        }
        return settings;
    }

    static void validate(final CommandLine.Model.CommandSpec spec, final NexmarkWorkload.Settings settings)
    {
        if (settings.events < 1 || settings.rounds < 1 || settings.maxShards < 1)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--events, --rounds and --shards must be >= 1");
        }
        if (!(settings.latencySeconds > 0) || !(settings.eventTimeSpeed > 0))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--latency-seconds and --latency-event-time-speed must be > 0");
        }
        for (final double fraction : settings.latencyFractions)
        {
            if (!(fraction > 0))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--latency-rates must be > 0: " + fraction);
            }
        }
        for (final double rate : settings.latencyFixedRates)
        {
            if (!(rate >= 1) || Double.isInfinite(rate))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--latency-fixed-rates must be >= 1: " + rate);
            }
        }
    }

    /**
     * @param spec   the command.
     * @param option its option that names an idle strategy.
     * @param name   the option's value.
     * @return the idle strategy of that name.
     * @throws CommandLine.ParameterException naming the option and the names {@link Settings#IDLE_STRATEGY} takes.
     */
    static IdleStrategyKind idleStrategy(final CommandLine.Model.CommandSpec spec, final String option, final String name)
    {
        try
        {
            return Settings.IDLE_STRATEGY.parse(name);
        }
        catch (final ConfigException e)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "Invalid value for option '" + option + "': " + e.getMessage());
        }
    }

    static void nexmarkLatencySettings(final ReportWriter writer, final NexmarkWorkload.Settings settings)
    {
        if (!settings.latency)
        {
            return;
        }
        writer.setting("nexmark latency rates", (settings.throughput ? "fractions " +
            Arrays.toString(settings.latencyFractions) + " of the measured throughput" : "") +
            (settings.latencyFixedRates.length > 0 ? " and fixed " + Arrays.toString(settings.latencyFixedRates) +
            " events/s" : ""))
            .setting("nexmark latency shards", Arrays.toString(settings.latencyShardCounts()))
            .setting("nexmark latency run seconds (20% warm-up)", settings.latencySeconds)
            .setting("nexmark latency event-time speed (event-time s per wall s; event rate = rate / speed)",
                settings.eventTimeSpeed)
            .setting("nexmark latency idle strategy", settings.latencyIdleStrategy)
            .note(NexmarkLatency.DEFINITION);
    }

    @CommandLine.Command(name = "nexmark-query", mixinStandardHelpOptions = true,
        description = "Run one Nexmark query on the generator or on an events file (JSON lines, the Flink suite's form) " +
            "and write its result rows to a CSV file, columns in the reference select-list order, rows sorted.")
    static final class NexmarkQuery implements Callable<Integer>
    {
        @CommandLine.Parameters(index = "0", description = "Query: one of q0, q1, q2, q3, q4, q5, q7, q8, q11, q12.")
        String query;

        @CommandLine.Option(names = "--events-file", description = "JSON-lines events to read instead of generating.")
        Path eventsFile;

        @CommandLine.Option(names = "--events", description = "Events to generate (default: ${DEFAULT-VALUE}).")
        long events = 1_000_000;

        @CommandLine.Option(names = "--shards", description = "Shards (default: available processors).")
        int shards = Runtime.getRuntime().availableProcessors();

        @CommandLine.Option(names = "--output", required = true, description = "CSV file to write.")
        Path output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() throws Exception
        {
            if (!NexmarkQueries.QUERIES.contains(query))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown query '" + query + "'; known: " +
                    NexmarkQueries.QUERIES);
            }
            if (eventsFile != null && !java.nio.file.Files.isReadable(eventsFile))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot read --events-file " + eventsFile);
            }
            final Path outputDir = output.toAbsolutePath().getParent();
            if (outputDir != null && !java.nio.file.Files.isDirectory(outputDir))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--output " + output + ": the directory " +
                    outputDir + " does not exist; create it first");
            }
            final String[] summary = new String[1];
            final long rows = NexmarkRunner.runToCsv(query, eventsFile, new io.peregrine.bench.nexmark.NexmarkConfig(),
                events, shards, output, (s) -> summary[0] = s);
            System.out.printf("%s: %,d rows written to %s%n  %s%n", query, rows, output, summary[0]);
            return 0;
        }
    }

    @CommandLine.Command(name = "suite", mixinStandardHelpOptions = true,
        description = "Every workload (core chain, trading, Nexmark) and a short JMH pass over the microbenchmarks " +
            "into one report folder; prints its wall time at the end.")
    static final class Suite implements Callable<Integer>
    {
        @CommandLine.Option(names = "--quick", description = "Fewer events, one round, 4 s latency runs, 0.6 s Nexmark " +
            "latency runs on --shards only, and the short JMH pass: a check that everything runs, not figures to quote.")
        boolean quick;

        @CommandLine.Option(names = "--no-jmh", description = "Skip the JMH pass over the microbenchmarks " +
            "(default: run it with -prof gc; with --quick, 1 warm-up and 3 measurement iterations of 100 ms each).")
        boolean noJmh;

        @CommandLine.Mixin
        ReportOptions report;

        @CommandLine.Mixin
        ProfileOptions profile;

        public Integer call() throws Exception
        {
            System.out.println("Peregrine benchmark suite" + (quick ? " (quick)" : ""));
            final long startNs = System.nanoTime();
            final Path reportFolder = report.folder(quick ? "suite-quick" : "suite");
            final EngineRunMeter meter = profile.meter(reportFolder, System.out);
            final List<QueryMeasurement> results = new java.util.ArrayList<>(
                ChainWorkload.measure(quick ? 5_000_000 : 20_000_000, quick ? 1 : 5, report.shards, System.out, meter));
            final TradingBenchmark.Settings settings = new TradingBenchmark.Settings();
            settings.events = quick ? 1_000_000 : 5_000_000;
            settings.rounds = quick ? 1 : 3;
            settings.maxShards = report.shards;
            settings.latencySeconds = quick ? 4 : 15;
            results.addAll(new TradingBenchmark(settings, System.out, meter).run());
            final NexmarkWorkload.Settings nexmark = nexmarkSettings(quick, quick ? 500_000 : 5_000_000, quick ? 1 : 3,
                report.shards);
            results.addAll(NexmarkWorkload.measure(NexmarkQueries.QUERIES, nexmark, System.out, meter));
            final ReportWriter writer = profile.addTo(new ReportWriter(reportFolder));
            if (!noJmh)
            {
                MicroSuite.runInto(writer, quick ? MicroSuite.Settings.quick() : MicroSuite.Settings.full(), reportFolder,
                    System.out);
            }
            writer
                .title("Peregrine benchmark suite" + (quick ? " (quick)" : ""))
                .command(report.commandLine())
                .setting("chain", "source -> map -> filter -> keyBy -> tumbling 1 s count, 10,000 keys, 10M events per event-second")
                .setting("trading events per throughput run", settings.events)
                .setting("trading latency run seconds (20% warm-up)", settings.latencySeconds)
                .setting("trading fixed rates", "50% and 80% of the best measured, and 1,000,000 events/s")
                .setting("trading latency", "tick path: trade -> keyBy -> running VWAP -> sink; sink time - intended send time")
                .setting("nexmark events per run", quick ? 500_000 : 5_000_000)
                .setting("nexmark", "engine and baseline fold rows into the same digest, checked equal on every run")
                .setting("shards", "1.." + report.shards);
            nexmarkLatencySettings(writer, nexmark);
            final String wallTime = String.format("%.0f s", (System.nanoTime() - startNs) / 1e9);
            writer.setting("wall time", wallTime);
            final Path folder = writer.write(results);
            System.out.println("Report: " + folder + " (wall time " + wallTime + ")");
            return 0;
        }
    }

    @CommandLine.Command(name = "trading", mixinStandardHelpOptions = true,
        description = "Trading workload: results checked against the hand-written baseline, throughput at 1..N shards " +
            "beside it, tick latency at fixed rates (coordinated-omission corrected).")
    static final class Trading implements Callable<Integer>
    {
        @CommandLine.Option(names = "--quick", description = "About a minute: fewer events, one round, short latency runs.")
        boolean quick;

        @CommandLine.Option(names = "--events", description = "Events per throughput run (default: ${DEFAULT-VALUE}).")
        long events = 5_000_000;

        @CommandLine.Option(names = "--rounds", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
        int rounds = 3;

        @CommandLine.Option(names = "--latency-seconds", description = "Length of each fixed-rate run (default: ${DEFAULT-VALUE}).")
        int latencySeconds = 10;

        @CommandLine.Option(names = "--rates", split = ",", description = "Extra fixed rates in events/s (default: 1000000).")
        double[] rates = { 1_000_000 };

        @CommandLine.Option(names = "--idle-strategy", description = "Shard idle strategy (default: ${DEFAULT-VALUE}).")
        String idleStrategy = "yield";

        @CommandLine.Mixin
        ReportOptions report;

        @CommandLine.Mixin
        ProfileOptions profile;

        public Integer call() throws Exception
        {
            if (events < 100_000 || rounds < 1 || report.shards < 1 || latencySeconds < 1)
            {
                throw new CommandLine.ParameterException(report.spec.commandLine(),
                    "--events must be >= 100000, --rounds, --shards and --latency-seconds >= 1");
            }
            final TradingBenchmark.Settings settings = new TradingBenchmark.Settings();
            settings.events = quick ? 1_000_000 : events;
            settings.rounds = quick ? 1 : rounds;
            settings.maxShards = report.shards;
            settings.latencySeconds = quick ? 4 : latencySeconds;
            settings.absoluteRates = rates;
            settings.idleStrategy = idleStrategy(report.spec, "--idle-strategy", idleStrategy);
            System.out.println("Trading workload benchmark" + (quick ? " (quick)" : ""));
            final Path reportFolder = report.folder("trading");
            final EngineRunMeter meter = profile.meter(reportFolder, System.out);
            final List<QueryMeasurement> results = new TradingBenchmark(settings, System.out, meter).run();
            final Path folder = profile.addTo(new ReportWriter(reportFolder))
                .title("Peregrine trading workload")
                .command(report.commandLine())
                .setting("events per throughput run", settings.events)
                .setting("rounds", settings.rounds)
                .setting("shards", "1.." + settings.maxShards)
                .setting("instruments", settings.instruments)
                .setting("event-time rate", settings.eventTimeRate)
                .setting("latency run seconds (20% warm-up)", settings.latencySeconds)
                .setting("fixed rates", "50% and 80% of the best measured, and " + Arrays.toString(rates))
                .setting("idle strategy", settings.idleStrategy)
                .setting("latency", "tick path: trade -> keyBy -> running VWAP -> sink; sink time - intended send time")
                .write(results);
            System.out.println("Report: " + folder);
            return 0;
        }
    }

    @CommandLine.Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = "Incremental checkpoints at scale: bytes journaled against bytes changed, the shard's pause per " +
            "checkpoint, restore time of a chain against one full checkpoint, and the trading workload's throughput " +
            "with a checkpoint every --interval ms against none, interleaved in one run.")
    static final class Checkpoint implements Callable<Integer>
    {
        @CommandLine.Option(names = "--keys", description = "Keys in the shard's table (default: ${DEFAULT-VALUE}).")
        long keys = 10_000_000;

        @CommandLine.Option(names = "--changed", description = "Entries changed between checkpoints (default: ${DEFAULT-VALUE}).")
        int changed = 100_000;

        @CommandLine.Option(names = "--incrementals",
            description = "Incremental checkpoints after the full one (default: ${DEFAULT-VALUE}).")
        int incrementals = 20;

        @CommandLine.Option(names = "--trading-events", description = "Events per trading run (default: ${DEFAULT-VALUE}).")
        long tradingEvents = 15_000_000;

        @CommandLine.Option(names = "--rounds", description = "Interleaved trading rounds (default: ${DEFAULT-VALUE}).")
        int rounds = 3;

        @CommandLine.Option(names = "--interval", description = "Checkpoint interval of the trading runs, ms (default: ${DEFAULT-VALUE}).")
        long intervalMs = 1000;

        @CommandLine.Option(names = "--quick", description = "1M keys, 10k changed, 5 incrementals, 3M-event trading runs, one round.")
        boolean quick;

        @CommandLine.Mixin
        ReportOptions report;

        public Integer call() throws Exception
        {
            final io.peregrine.bench.checkpoint.CheckpointBench.Settings settings =
                new io.peregrine.bench.checkpoint.CheckpointBench.Settings();
            settings.keys = quick ? 1_000_000 : keys;
            settings.changed = quick ? 10_000 : changed;
            settings.incrementals = quick ? 5 : incrementals;
            final long events = quick ? 3_000_000 : tradingEvents;
            final int roundCount = quick ? 1 : rounds;
            final Path folder = report.folder(quick ? "checkpoint-quick" : "checkpoint");
            final io.peregrine.bench.checkpoint.CheckpointReport result = new io.peregrine.bench.checkpoint.CheckpointReport(
                settings, events, roundCount, report.shards, intervalMs, System.out);
            result.run();
            new ReportWriter(folder).title("Checkpoints").command(report.commandLine())
                .setting("keys", settings.keys).setting("changed per checkpoint", settings.changed)
                .setting("value bytes", settings.valueLength).setting("incremental checkpoints", settings.incrementals)
                .setting("trading events per run", events).setting("trading rounds", roundCount)
                .setting("trading shards", report.shards).setting("checkpoint interval (trading), ms", intervalMs)
                .writeEnvironment();
            final Path readme = result.write(folder, report.commandLine());
            System.out.println("Report: " + readme);
            return 0;
        }
    }

    @CommandLine.Command(name = "joins", mixinStandardHelpOptions = true,
        description = "The join operators: Nexmark q3, q4, q8 on them against the hand-written versions they replaced " +
            "and the baselines, results checked equal; the as-of join of trades with quotes at --instruments " +
            "instruments: events/s per shard, bytes allocated per event, state bytes per key; interleaved rounds.")
    static final class Joins implements Callable<Integer>
    {
        @CommandLine.Option(names = "--events", description = "Events per Nexmark run (default: ${DEFAULT-VALUE}).")
        long events = 10_000_000;

        @CommandLine.Option(names = "--as-of-events", description = "Events per as-of run (default: ${DEFAULT-VALUE}).")
        long asOfEvents = 20_000_000;

        @CommandLine.Option(names = "--instruments", description = "Instruments of the as-of run (default: ${DEFAULT-VALUE}).")
        int instruments = 10_000;

        @CommandLine.Option(names = "--rounds", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
        int rounds = 3;

        @CommandLine.Option(names = "--queries", split = ",", description = "Nexmark queries, of q3, q4, q8 " +
            "(default: ${DEFAULT-VALUE}); none with --no-nexmark.")
        List<String> queries = List.of("q3", "q4", "q8");

        @CommandLine.Option(names = "--no-nexmark", description = "Only the as-of join.")
        boolean noNexmark;

        @CommandLine.Option(names = "--no-as-of", description = "Only the Nexmark queries.")
        boolean noAsOf;

        @CommandLine.Option(names = "--quick", description = "About a minute: 1M Nexmark events, 3M as-of events, one round.")
        boolean quick;

        @CommandLine.Mixin
        ReportOptions report;

        public Integer call() throws Exception
        {
            final io.peregrine.bench.join.JoinBench.Settings settings = new io.peregrine.bench.join.JoinBench.Settings();
            for (final String q : queries)
            {
                if (!List.of("q3", "q4", "q8").contains(q))
                {
                    throw new CommandLine.ParameterException(report.spec.commandLine(), "--queries: " + q +
                        " is not one of q3, q4, q8");
                }
            }
            settings.queries = noNexmark ? List.of() : queries;
            settings.nexmarkEvents = quick ? 1_000_000 : events;
            settings.asOfEvents = quick ? 3_000_000 : asOfEvents;
            settings.instruments = instruments;
            settings.rounds = quick ? 1 : rounds;
            settings.maxShards = report.shards;
            if (settings.nexmarkEvents < 1 || settings.asOfEvents < 1 || settings.rounds < 1 || settings.maxShards < 1 ||
                settings.instruments < 1)
            {
                throw new CommandLine.ParameterException(report.spec.commandLine(),
                    "--events, --as-of-events, --instruments, --rounds and --shards must be >= 1");
            }
            System.out.println("Join benchmark" + (quick ? " (quick)" : ""));
            final io.peregrine.bench.join.JoinBench bench = new io.peregrine.bench.join.JoinBench(settings, System.out);
            final List<io.peregrine.bench.join.JoinBench.QueryResult> nexmark = bench.nexmark();
            final List<io.peregrine.bench.join.JoinBench.AsOfResult> asOf = noAsOf ? List.of() : bench.asOf();
            final Path folder = report.folder(quick ? "joins-quick" : "joins");
            new ReportWriter(folder).title("Joins").command(report.commandLine())
                .setting("Nexmark queries", settings.queries).setting("Nexmark events per run", settings.nexmarkEvents)
                .setting("as-of events per run", settings.asOfEvents).setting("as-of instruments", settings.instruments)
                .setting("as-of event-time rate, events/s", settings.eventsPerEventSecond)
                .setting("as-of out-of-orderness bound, ms", settings.boundMs)
                .setting("rounds (after one warm-up round)", settings.rounds).setting("shards", "1.." + settings.maxShards)
                .setting("Nexmark job settings", "state backend direct, idle strategy backoff (as bench nexmark)")
                .setting("as-of job settings", "defaults (mapped state, idle strategy backoff)")
                .writeEnvironment();
            final Path readme = io.peregrine.bench.join.JoinReport.write(folder, report.commandLine(), settings, nexmark, asOf);
            System.out.println("Report: " + readme);
            return 0;
        }
    }

    @CommandLine.Command(name = "latency", mixinStandardHelpOptions = true,
        description = "Tail latency of the trading workload at fixed input rates (coordinated-omission corrected), " +
            "warm-up reported apart, beside the machine's own jitter measured for as long on the first shard's CPU: " +
            ".hgrm files, a percentile plot per rate and a p50..max table for tick and bar latency.")
    static final class Latency implements Callable<Integer>
    {
        @CommandLine.Option(names = "--rates", split = ",", description = "Input rates in events/s (default: " +
            "100000,500000,1000000).")
        double[] rates = { 100_000, 500_000, 1_000_000 };

        @CommandLine.Option(names = "--seconds", description = "Length of each rate's run, warm-up included " +
            "(default: ${DEFAULT-VALUE}).")
        double seconds = 10;

        @CommandLine.Option(names = "--warmup-seconds", description = "Warm-up at the start of each run, reported " +
            "apart (default: ${DEFAULT-VALUE}).")
        double warmupSeconds = 3;

        @CommandLine.Option(names = "--shards", description = "Shards (default: ${DEFAULT-VALUE}).")
        int shards = 2;

        @CommandLine.Option(names = "--idle-strategy", description = "Shard idle strategy (default: ${DEFAULT-VALUE}).")
        String idleStrategy = "yield";

        @CommandLine.Option(names = "--cpus", description = "CPUs to pin the shards to (and the jitter meter to the " +
            "first), as taskset -c takes them, e.g. 0-1 (default: not pinned).")
        String cpus = "none";

        @CommandLine.Option(names = "--quick", description = "About twenty seconds: 100000 and 1000000 events/s, " +
            "5 s each with 2 s of warm-up.")
        boolean quick;

        @CommandLine.Option(names = "--out", description = "Report root (default: ${DEFAULT-VALUE}).")
        Path out = Path.of("perf-reports");

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() throws Exception
        {
            final io.peregrine.bench.latency.LatencyBench.Settings settings =
                new io.peregrine.bench.latency.LatencyBench.Settings();
            settings.rates = quick ? new double[]{ 100_000, 1_000_000 } : rates;
            settings.seconds = quick ? 5 : seconds;
            settings.warmupSeconds = quick ? 2 : warmupSeconds;
            settings.shards = shards;
            settings.idleStrategy = idleStrategy(spec, "--idle-strategy", idleStrategy);
            try
            {
                settings.cpus = Settings.CPUS.parse(cpus);
            }
            catch (final ConfigException e)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--cpus': " +
                    e.getMessage());
            }
            if (settings.seconds <= settings.warmupSeconds || settings.warmupSeconds < 0 || shards < 1 ||
                settings.rates.length == 0)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--seconds must exceed --warmup-seconds (>= 0), --shards >= 1, --rates not empty");
            }
            for (final double rate : settings.rates)
            {
                if (!(rate >= 1 && rate < 1e9))
                {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--rates: " + rate +
                        " is not a rate in events/s from 1 to 1e9");
                }
            }
            System.out.println("Latency benchmark" + (quick ? " (quick)" : "") + ": trading workload on " + shards +
                " shard(s), idle strategy " + settings.idleStrategy + ", CPUs " + settings.cpus);
            final List<io.peregrine.bench.latency.LatencyBench.RateResult> results =
                new io.peregrine.bench.latency.LatencyBench(settings, System.out).run();
            final String command = "./peregrine bench " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
            final String base = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm")) + "-latency" +
                (quick ? "-quick" : "");
            Path reportFolder = out.resolve(base);
            for (int n = 2; java.nio.file.Files.exists(reportFolder); n++)
            {
                reportFolder = out.resolve(base + "-" + n); // two runs in one minute keep both reports
            }
            final Path folder = new ReportWriter(reportFolder)
                .title("Tail latency: trading workload at fixed rates beside the machine's jitter")
                .command(command)
                .setting("rates, events/s", Arrays.toString(settings.rates))
                .setting("seconds per rate (warm-up included)", settings.seconds)
                .setting("warm-up seconds (reported as tick-warm-up)", settings.warmupSeconds)
                .setting("shards", shards).setting("idle strategy", settings.idleStrategy)
                .setting("CPUs", settings.cpus)
                .setting("tick latency", "sink time of a trade's running VWAP - the trade's due time (generator schedule)")
                .setting("bar latency", "sink time of a 1 s bar - due time of the event that lets the watermark pass " +
                    "the bar's end")
                .setting("machine-jitter", "a thread spinning on the clock for as long, alone, on the first shard's " +
                    "CPU if pinned: each stall counted as the waits of the records due during it")
                .note("The `throughput` columns are the achieved input rates, not a throughput test.")
                .write(io.peregrine.bench.latency.LatencyBench.measurements(results, shards));
            System.out.println("Report: " + folder);
            System.out.println(io.peregrine.bench.latency.LatencyBench.summary(results));
            return 0;
        }
    }

    @CommandLine.Command(name = "recovery", mixinStandardHelpOptions = true,
        description = "Crash trials: a child JVM running a keyed window job with exactly-once CSV sinks and a checkpoint " +
            "every --interval ms is killed with SIGKILL at a random moment and restarted; its committed output is " +
            "compared with an uninterrupted run's.")
    static final class Recovery implements Callable<Integer>
    {
        @CommandLine.Option(names = "--trials", description = "Kills (default: ${DEFAULT-VALUE}).")
        int trials = 20;

        @CommandLine.Option(names = "--events", description = "Events per run (default: ${DEFAULT-VALUE}).")
        long events = 1_000_000;

        @CommandLine.Option(names = "--shards", description = "Shards (default: ${DEFAULT-VALUE}).")
        int shards = 2;

        @CommandLine.Option(names = "--interval", description = "Milliseconds between checkpoints (default: ${DEFAULT-VALUE}).")
        long intervalMs = 20;

        @CommandLine.Option(names = "--seed", description = "Seed of the kill moments (default: ${DEFAULT-VALUE}).")
        long seed = 42;

        @CommandLine.Option(names = "--keep", description = "Keep the work directory (outputs, journals, logs).")
        boolean keep;

        public Integer call() throws Exception
        {
            if (trials < 1 || events < 1 || shards < 1 || intervalMs < 1)
            {
                throw new IllegalArgumentException("--trials, --events, --shards and --interval must be >= 1");
            }
            final java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("peregrine-recovery");
            System.out.printf("recovery trials: %d kills, %,d events, %d shard(s), a checkpoint every %d ms, in %s%n",
                trials, events, shards, intervalMs, dir);
            final io.peregrine.demo.RecoveryTrials.Result result =
                io.peregrine.demo.RecoveryTrials.run(trials, events, shards, intervalMs, dir, seed, System.out);
            if (!keep)
            {
                try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir))
                {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            System.out.println(result.summary());
            return result.identical == result.trials ? 0 : 1;
        }
    }

    @CommandLine.Command(name = "jmh", description = "JMH microbenchmarks; arguments go to JMH (try: jmh -h, jmh -l).")
    static final class Jmh implements Callable<Integer>
    {
        @CommandLine.Parameters(arity = "0..*", description = "JMH arguments")
        String[] args = new String[0];

        @CommandLine.Unmatched
        String[] unmatched = new String[0];

        public Integer call() throws Exception
        {
            final String[] all = new String[args.length + unmatched.length];
            System.arraycopy(unmatched, 0, all, 0, unmatched.length);
            System.arraycopy(args, 0, all, unmatched.length, args.length);
            org.openjdk.jmh.Main.main(all);
            return 0;
        }
    }

    public static int execute(final String... args)
    {
        final CommandLine cl = new CommandLine(new BenchCli());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) ->
        {
            commandLine.getErr().println("peregrine bench: " + e.getMessage());
            if (Boolean.getBoolean("peregrine.debug"))
            {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }

    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }
}
