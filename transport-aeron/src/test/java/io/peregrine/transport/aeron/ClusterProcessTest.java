package io.peregrine.transport.aeron;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A keyed window job across three node processes on loopback against the same job in one process; faults: a node
 * killed mid-job, a node that never joins, a node running another job.
 */
class ClusterProcessTest
{
    private static final long EVENTS = 300_000;
    private static final long WAIT_S = 180;

    @Test
    void shouldGiveExactlyTheSingleProcessResultOnThreeNodes(@TempDir final Path dir) throws Exception
    {
        assertClusterMatchesOneProcess(dir, List.of(), false);
    }

    @Test
    void shouldGiveExactlyTheSingleProcessResultWithOnePercentPacketLoss(@TempDir final Path dir) throws Exception
    {
        // Aeron's debug endpoints drop 1% of the data and control frames each receiver sees; Aeron's NAKs and
        // retransmits recover them.
        assertClusterMatchesOneProcess(dir, List.of(
            "-Daeron.ReceiveChannelEndpoint.supplier=io.aeron.driver.ext.DebugReceiveChannelEndpointSupplier",
            "-Daeron.debug.receive.data.loss.rate=0.01",
            "-Daeron.debug.receive.data.loss.seed=7",
            "-Daeron.debug.receive.control.loss.rate=0.01",
            "-Daeron.debug.receive.control.loss.seed=11"), true);
    }

    private static void assertClusterMatchesOneProcess(final Path dir, final List<String> nodeOptions, final boolean lossy)
        throws Exception
    {
        final String job = "cluster-window";
        try (ClusterProcesses cluster = ClusterProcesses.layout(dir, 2, 2, 2))
        {
            for (int n = 0; n < 3; n++)
            {
                cluster.start(nodeOptions, cluster.clusterFile.toString(), String.valueOf(n),
                    dir.resolve("out-" + n).toString(), String.valueOf(EVENTS), job);
            }
            for (int n = 0; n < 3; n++)
            {
                final Process p = cluster.nodes.get(n);
                assertTrue(p.waitFor(WAIT_S, TimeUnit.SECONDS), "node " + n + " did not end: " + cluster.log(n));
                assertEquals(0, p.exitValue(), "node " + n + " failed: " + cluster.log(n));
            }
            final Process one = cluster.start(List.of(), "-", "6", dir.resolve("out-single").toString(),
                String.valueOf(EVENTS), job);
            assertTrue(one.waitFor(WAIT_S, TimeUnit.SECONDS), "the single process did not end: " + cluster.log(3));
            assertEquals(0, one.exitValue(), "the single process failed: " + cluster.log(3));

            final List<String> merged = new ArrayList<>();
            for (int n = 0; n < 3; n++)
            {
                for (final String line : Files.readAllLines(dir.resolve("out-" + n)))
                {
                    if (!line.isEmpty())
                    {
                        merged.add(line);
                    }
                }
            }
            Collections.sort(merged);
            final byte[] expected = Files.readAllBytes(dir.resolve("out-single"));
            final byte[] actual = String.join("\n", merged).concat("\n").getBytes(StandardCharsets.UTF_8);
            final int windows = new String(expected, StandardCharsets.UTF_8).split("\n").length;
            assertTrue(windows > ClusterNodeMain.KEYS * 70, "windows: " + windows); // 75 s of event time: 75 windows a key
            assertArrayEquals(expected, actual, "the three nodes' rows differ from one process's");
            if (lossy)
            {
                long naks = 0;
                for (int n = 0; n < 3; n++)
                {
                    final java.util.regex.Matcher m = java.util.regex.Pattern.compile("NAKs sent (\\d+)").matcher(cluster.log(n));
                    assertTrue(m.find(), "node " + n + " logged no Aeron counters: " + cluster.log(n));
                    naks += Long.parseLong(m.group(1));
                }
                assertTrue(naks > 0, "no frame was lost: the debug endpoints did not inject loss");
            }
        }
    }

    @Test
    void shouldFailEveryNodeNamingANodeKilledMidJob(@TempDir final Path dir) throws Exception
    {
        try (ClusterProcesses cluster = ClusterProcesses.layout(dir, 1, 1, 1))
        {
            for (int n = 0; n < 3; n++)
            {
                // Paced: runs for minutes unless stopped.
                cluster.start(List.of("-Dperegrine.cluster.peer.timeout.ms=3000"), cluster.clusterFile.toString(),
                    String.valueOf(n), dir.resolve("out-" + n).toString(), "100000000", "kill-test", "20000");
            }
            for (int n = 0; n < 3; n++)
            {
                assertTrue(ClusterProcesses.await(cluster.started.get(n), WAIT_S), "node " + n + " did not start: " +
                    cluster.log(n));
            }
            final Process victim = cluster.nodes.get(2);
            victim.destroyForcibly(); // SIGKILL
            assertTrue(victim.waitFor(60, TimeUnit.SECONDS));
            for (int n = 0; n < 2; n++)
            {
                final Process p = cluster.nodes.get(n);
                assertTrue(p.waitFor(WAIT_S, TimeUnit.SECONDS), "node " + n + " hangs after node 2 was killed: " +
                    cluster.log(n));
                assertEquals(2, p.exitValue(), "node " + n + ": " + cluster.log(n));
                final String error = new String(Files.readAllBytes(dir.resolve("out-" + n + ".error")), StandardCharsets.UTF_8);
                assertTrue(error.contains("node 2 (127.0.0.1:"), "node " + n + " failed without naming node 2: " + error);
            }
        }
    }

    @Test
    void shouldFailNamingTheNodeThatDidNotJoin(@TempDir final Path dir) throws Exception
    {
        try (ClusterProcesses cluster = ClusterProcesses.layout(dir, 1, 1))
        {
            final Process zero = cluster.start(List.of("-Dperegrine.cluster.join.timeout.ms=3000"),
                cluster.clusterFile.toString(), "0", dir.resolve("out-0").toString(), "1000", "lonely");
            assertTrue(zero.waitFor(WAIT_S, TimeUnit.SECONDS), "node 0 hangs: " + cluster.log(0));
            assertEquals(2, zero.exitValue());
            final String error = new String(Files.readAllBytes(dir.resolve("out-0.error")), StandardCharsets.UTF_8);
            assertTrue(error.contains("node 1 (127.0.0.1:") && error.contains("did not join within 3000 ms"), error);
            assertFalse(Files.exists(dir.resolve("out-0")));
        }
    }

    @Test
    void shouldFailEveryNodeWhenOneRunsAnotherJob(@TempDir final Path dir) throws Exception
    {
        try (ClusterProcesses cluster = ClusterProcesses.layout(dir, 1, 1))
        {
            cluster.start(List.of(), cluster.clusterFile.toString(), "0", dir.resolve("out-0").toString(), "1000", "job-a");
            cluster.start(List.of(), cluster.clusterFile.toString(), "1", dir.resolve("out-1").toString(), "1000", "job-b");
            for (int n = 0; n < 2; n++)
            {
                final Process p = cluster.nodes.get(n);
                assertTrue(p.waitFor(WAIT_S, TimeUnit.SECONDS), "node " + n + " hangs: " + cluster.log(n));
                assertEquals(2, p.exitValue(), cluster.log(n));
                final String error = new String(Files.readAllBytes(dir.resolve("out-" + n + ".error")), StandardCharsets.UTF_8);
                assertTrue(error.contains("node 1 (127.0.0.1:") && error.contains("runs job 'job-b', node 0 runs job 'job-a'"),
                    "node " + n + ": " + error);
            }
        }
    }
}
