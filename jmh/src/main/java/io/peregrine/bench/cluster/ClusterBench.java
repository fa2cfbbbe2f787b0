package io.peregrine.bench.cluster;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code peregrine bench cluster}: each workload on N local node processes (a cluster on loopback) and in one
 * process with the same total shards; checks the results are equal and compares throughput.
 */
public final class ClusterBench
{
    /** Workloads, in the order run. */
    public static final List<String> WORKLOADS = List.of("trading", "q5", "q7");

    /** What one run gave. */
    public static final class Run
    {
        public final String workload;
        public final String result;
        public final long events;
        public final long elapsedNs;
        /** Tick latency of a paced run; null for a throughput run. */
        public Histogram latency;

        Run(final String workload, final String result, final long events, final long elapsedNs)
        {
            this.workload = workload;
            this.result = result;
            this.events = events;
            this.elapsedNs = elapsedNs;
        }

        public double eventsPerSecond()
        {
            return events * 1e9 / elapsedNs;
        }
    }

    private final int nodes;
    private final int shardsPerNode;
    private long events;
    private double paced;
    private final Path work;
    private final PrintStream out;

    public ClusterBench(final int nodes, final int shardsPerNode, final long events, final Path work, final PrintStream out)
    {
        this.nodes = nodes;
        this.shardsPerNode = shardsPerNode;
        this.events = events;
        this.work = work;
        this.out = out;
    }

    /**
     * @return per workload: the cluster's run, then the single process's.
     */
    public List<Run[]> run() throws Exception
    {
        Files.createDirectories(work);
        final List<Run[]> runs = new ArrayList<>();
        for (final String workload : WORKLOADS)
        {
            final Run cluster = cluster(workload);
            final Run single = single(workload);
            out.printf("  %-8s %d nodes: %,.0f events/s   one process: %,.0f events/s   results %s%n", workload, nodes,
                cluster.eventsPerSecond(), single.eventsPerSecond(), cluster.result.equals(single.result) ? "equal" :
                "DIFFER: " + cluster.result + " vs " + single.result);
            runs.add(new Run[]{ cluster, single });
        }
        return runs;
    }

    /**
     * The trading workload paced at {@code rate} events/s for {@code seconds}, on the nodes and in one process.
     *
     * @return the cluster's run and the single process's, each with its tick latency histogram.
     */
    public Run[] latency(final double rate, final int seconds) throws Exception
    {
        Files.createDirectories(work);
        final long saved = events;
        events = (long)(rate * seconds);
        try
        {
            paced = rate;
            final Run cluster = cluster("trading");
            final Run single = single("trading");
            return new Run[]{ cluster, single };
        }
        finally
        {
            events = saved;
            paced = 0;
        }
    }

    private Run single(final String workload) throws Exception
    {
        final String name = workload + (paced > 0 ? "-paced" : "");
        final Path result = work.resolve(name + "-single.txt");
        final Process p = start(work.resolve(name + "-single.log"), workload, "-",
            String.valueOf(nodes * shardsPerNode), result);
        await(p, workload + " in one process", work.resolve(name + "-single.log"));
        final List<String> lines = Files.readAllLines(result);
        final String[] line = lines.get(0).split(" ", 3);
        final Run run = new Run(workload, line[2], Long.parseLong(line[1]), Long.parseLong(line[0]));
        if (lines.size() > 1)
        {
            run.latency = decode(lines.get(1));
        }
        return run;
    }

    private static Histogram decode(final String base64) throws Exception
    {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    }

    private Run cluster(final String workload) throws Exception
    {
        final String name = workload + (paced > 0 ? "-paced" : "");
        final StringBuilder file = new StringBuilder("# id host:port shards\n");
        for (int n = 0; n < nodes; n++)
        {
            file.append(n).append(" 127.0.0.1:").append(freeUdpPort()).append(' ').append(shardsPerNode).append('\n');
        }
        final Path clusterFile = work.resolve(name + "-cluster.txt");
        Files.write(clusterFile, file.toString().getBytes(StandardCharsets.UTF_8));
        final List<Process> processes = new ArrayList<>();
        for (int n = 0; n < nodes; n++)
        {
            processes.add(start(work.resolve(name + "-node-" + n + ".log"), workload, clusterFile.toString(),
                String.valueOf(n), work.resolve(name + "-node-" + n + ".txt")));
        }
        Histogram latency = null;
        long eventsIn = 0;
        long elapsed = 0;
        final long[] sums = new long[16];
        String[] names = null;
        for (int n = 0; n < nodes; n++)
        {
            await(processes.get(n), workload + " on node " + n, work.resolve(name + "-node-" + n + ".log"));
            final List<String> lines = Files.readAllLines(work.resolve(name + "-node-" + n + ".txt"));
            if (lines.size() > 1)
            {
                final Histogram h = decode(lines.get(1));
                if (latency == null)
                {
                    latency = h;
                }
                else
                {
                    latency.add(h);
                }
            }
            final String[] line = lines.get(0).split(" ");
            elapsed = Math.max(elapsed, Long.parseLong(line[0]));
            eventsIn += Long.parseLong(line[1]);
            names = new String[line.length - 2];
            for (int i = 2; i < line.length; i++)
            {
                final String[] kv = line[i].split("=");
                names[i - 2] = kv[0];
                sums[i - 2] += Long.parseLong(kv[1]); // counts and digests (sums of hashes) add up over nodes
            }
        }
        final StringBuilder result = new StringBuilder();
        for (int i = 0; i < names.length; i++)
        {
            result.append(i == 0 ? "" : " ").append(names[i]).append('=').append(sums[i]);
        }
        final Run run = new Run(workload, result.toString(), eventsIn, elapsed);
        run.latency = latency;
        return run;
    }

    private Process start(final Path log, final String workload, final String cluster, final String nodeOrShards,
        final Path result) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle") || arg.startsWith("--sun-misc") ||
                arg.startsWith("--enable-native"))
            {
                command.add(arg);
            }
        }
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ClusterBenchNode.class.getName());
        command.addAll(List.of(workload, cluster, nodeOrShards, String.valueOf(events), result.toString()));
        if (paced > 0)
        {
            command.add(String.valueOf(paced));
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void await(final Process p, final String what, final Path log) throws Exception
    {
        if (!p.waitFor(600, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new IllegalStateException(what + " did not end within 600 s; see " + log);
        }
        if (p.exitValue() != 0)
        {
            throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "); see " + log);
        }
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
