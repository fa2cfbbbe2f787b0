package io.peregrine.transport.aeron;

import io.peregrine.exchange.ClusterLayout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs running {@link ClusterNodeMain}: the nodes of a test cluster on loopback.
 */
final class ClusterProcesses implements AutoCloseable
{
    final Path dir;
    final Path clusterFile;
    final List<Process> nodes = new ArrayList<>();
    final List<CountDownLatch> started = new ArrayList<>();

    private ClusterProcesses(final Path dir, final Path clusterFile)
    {
        this.dir = dir;
        this.clusterFile = clusterFile;
    }

    /**
     * @param dir    for the cluster file, outputs and logs.
     * @param shards per node.
     * @return a cluster file on free loopback UDP ports.
     */
    /**
     * @param dir     for the cluster file, outputs and logs.
     * @param content the cluster file.
     * @return processes of that cluster.
     */
    static ClusterProcesses file(final Path dir, final String content) throws IOException
    {
        final Path file = dir.resolve("cluster.txt");
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return new ClusterProcesses(dir, file);
    }

    static ClusterProcesses layout(final Path dir, final int... shards) throws IOException
    {
        final StringBuilder sb = new StringBuilder("# id host:port shards\n");
        for (int n = 0; n < shards.length; n++)
        {
            sb.append(n).append(" 127.0.0.1:").append(freeUdpPort()).append(' ').append(shards[n]).append('\n');
        }
        final Path file = dir.resolve("cluster.txt");
        Files.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        return new ClusterProcesses(dir, file);
    }

    static int freeUdpPort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    /**
     * Start one node (or, with {@code clusterFile} "-", one whole-job process).
     */
    Process start(final List<String> jvmOptions, final String... args) throws IOException
    {
        return startIn(List.of(), jvmOptions, args);
    }

    /**
     * @param prefix what runs the JVM, e.g. {@code ip netns exec NAME}; empty for nothing.
     */
    Process startIn(final List<String> prefix, final List<String> jvmOptions, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle") || arg.startsWith("--sun-misc") ||
                arg.startsWith("--enable-native"))
            {
                command.add(arg);
            }
        }
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(ClusterNodeMain.class.getName());
        command.addAll(List.of(args));
        final Path log = dir.resolve("node-" + nodes.size() + ".log");
        final Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        final CountDownLatch latch = new CountDownLatch(1);
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    if (line.equals("STARTED"))
                    {
                        latch.countDown();
                    }
                }
            }
            catch (final IOException ignored)
            {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        nodes.add(process);
        started.add(latch);
        return process;
    }

    static boolean await(final CountDownLatch latch, final long seconds) throws InterruptedException
    {
        return latch.await(seconds, TimeUnit.SECONDS);
    }

    String log(final int index) throws IOException
    {
        final Path log = dir.resolve("node-" + index + ".log");
        return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
    }

    private static void deleteTree(final Path root) throws IOException
    {
        if (Files.exists(root))
        {
            try (java.util.stream.Stream<Path> paths = Files.walk(root))
            {
                for (final Path p : (Iterable<Path>)paths.sorted(java.util.Comparator.reverseOrder())::iterator)
                {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    public void close()
    {
        for (final Process p : nodes)
        {
            p.destroyForcibly();
        }
        for (final Process p : nodes)
        {
            try
            {
                p.waitFor(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        // A node killed with SIGKILL cannot delete its media driver's directory: do it for it.
        try
        {
            for (final ClusterLayout.Member member : ClusterLayout.read(clusterFile).members())
            {
                deleteTree(Path.of(AeronClusterLink.embeddedDir(member)));
            }
        }
        catch (final IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
