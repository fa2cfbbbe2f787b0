package io.peregrine.transport.aeron;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes in two Linux network namespaces joined by a veth pair (real interfaces and addresses, not loopback),
 * with Aeron's debug receive endpoints dropping 1% of the frames: the result is still exactly one process's. Needs
 * root and {@code ip} (the test makes and removes the namespaces); skipped, with the reason, otherwise. Packet loss
 * comes from Aeron's debug endpoints because this kernel has no {@code sch_netem} for {@code tc netem}.
 */
class NetnsClusterTest
{
    private static final long EVENTS = 200_000;
    private final String suffix = String.valueOf(ProcessHandle.current().pid() % 100_000);
    private final String nsA = "pgn" + suffix + "a";
    private final String nsB = "pgn" + suffix + "b";
    private boolean made;
    private String ipCommand = "ip";

    @AfterEach
    void removeNamespaces() throws Exception
    {
        if (made)
        {
            run(ipCommand, "netns", "del", nsA);
            run(ipCommand, "netns", "del", nsB); // the veth pair goes with them
        }
    }

    @Test
    void shouldGiveTheSingleProcessResultAcrossNetworkNamespacesWithPacketLoss(@TempDir final Path dir) throws Exception
    {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
            "skipped: making network namespaces needs root, and this runs as " + System.getProperty("user.name"));
        final String ip = Files.isExecutable(Path.of("/usr/sbin/ip")) ? "/usr/sbin/ip" :
            Files.isExecutable(Path.of("/sbin/ip")) ? "/sbin/ip" : null;
        Assumptions.assumeTrue(ip != null, "skipped: no ip command (iproute2) to make network namespaces");
        ipCommand = ip;
        Assumptions.assumeTrue(run(ip, "netns", "add", nsA) == 0, "skipped: 'ip netns add' failed (no CAP_SYS_ADMIN?)");
        made = true;
        final String vethA = "pgv" + suffix + "a";
        final String vethB = "pgv" + suffix + "b";
        final String net = "10.77." + (ProcessHandle.current().pid() % 250) + ".";
        assertEquals(0, run(ip, "netns", "add", nsB));
        assertEquals(0, run(ip, "link", "add", vethA, "type", "veth", "peer", "name", vethB));
        assertEquals(0, run(ip, "link", "set", vethA, "netns", nsA));
        assertEquals(0, run(ip, "link", "set", vethB, "netns", nsB));
        assertEquals(0, run(ip, "-n", nsA, "addr", "add", net + "1/24", "dev", vethA));
        assertEquals(0, run(ip, "-n", nsB, "addr", "add", net + "2/24", "dev", vethB));
        for (final String[] nsLink : new String[][]{ { nsA, vethA }, { nsB, vethB }, { nsA, "lo" }, { nsB, "lo" } })
        {
            assertEquals(0, run(ip, "-n", nsLink[0], "link", "set", nsLink[1], "up"));
        }

        final List<String> loss = List.of(
            "-Daeron.ReceiveChannelEndpoint.supplier=io.aeron.driver.ext.DebugReceiveChannelEndpointSupplier",
            "-Daeron.debug.receive.data.loss.rate=0.01",
            "-Daeron.debug.receive.data.loss.seed=3",
            "-Daeron.debug.receive.control.loss.rate=0.01",
            "-Daeron.debug.receive.control.loss.seed=5");
        try (ClusterProcesses cluster = ClusterProcesses.file(dir,
            "0 " + net + "1:40100 2\n1 " + net + "2:40100 2\n"))
        {
            final String job = "netns-window";
            cluster.startIn(List.of(ip, "netns", "exec", nsA), loss, cluster.clusterFile.toString(), "0",
                dir.resolve("out-0").toString(), String.valueOf(EVENTS), job);
            cluster.startIn(List.of(ip, "netns", "exec", nsB), loss, cluster.clusterFile.toString(), "1",
                dir.resolve("out-1").toString(), String.valueOf(EVENTS), job);
            for (int n = 0; n < 2; n++)
            {
                final Process p = cluster.nodes.get(n);
                assertTrue(p.waitFor(180, TimeUnit.SECONDS), "node " + n + " did not end: " + cluster.log(n));
                assertEquals(0, p.exitValue(), "node " + n + " failed: " + cluster.log(n));
            }
            final Process one = cluster.start(List.of(), "-", "4", dir.resolve("out-single").toString(),
                String.valueOf(EVENTS), job);
            assertTrue(one.waitFor(180, TimeUnit.SECONDS), "the single process did not end: " + cluster.log(2));
            assertEquals(0, one.exitValue(), "the single process failed: " + cluster.log(2));

            final List<String> merged = new ArrayList<>();
            for (int n = 0; n < 2; n++)
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
            assertTrue(merged.size() > ClusterNodeMain.KEYS * 40, "rows: " + merged.size());
            assertArrayEquals(Files.readAllBytes(dir.resolve("out-single")),
                String.join("\n", merged).concat("\n").getBytes(StandardCharsets.UTF_8),
                "the two namespaced nodes' rows differ from one process's");
            assertTrue(cluster.log(0).contains("NAKs sent") && cluster.log(1).contains("NAKs sent"));
        }
    }

    private static int run(final String... command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            return -1;
        }
        if (p.exitValue() != 0)
        {
            System.out.println(String.join(" ", command) + ": " + output.trim());
        }
        return p.exitValue();
    }
}
