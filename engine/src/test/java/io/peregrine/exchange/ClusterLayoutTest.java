package io.peregrine.exchange;

import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterLayoutTest
{
    @Test
    void shouldNumberShardsOverTheWholeClusterInNodeOrder()
    {
        final ClusterLayout layout = ClusterLayout.parse("c", List.of(
            "# id host:port shards", "0 10.0.0.1:40100 2", "", "1 10.0.0.2:40100 3  # the big one", "2 [::1]:40101 1"));
        assertEquals(3, layout.nodes());
        assertEquals(6, layout.totalShards());
        assertEquals(List.of(0, 0, 1, 1, 1, 2), List.of(layout.nodeOfShard(0), layout.nodeOfShard(1), layout.nodeOfShard(2),
            layout.nodeOfShard(3), layout.nodeOfShard(4), layout.nodeOfShard(5)));
        assertEquals(2, layout.member(1).firstShard);
        assertEquals("10.0.0.2:40100", layout.member(1).address());
        assertEquals("[::1]", layout.member(2).host);
        assertTrue(layout.member(1).owns(4) && !layout.member(1).owns(5));
        assertEquals("node 1 (10.0.0.2:40100)", layout.member(1).toString());
    }

    @Test
    void shouldNameTheLineItCannotRead()
    {
        assertMessage("line 2 '2 h:1 1': node ids must run 0, 1, 2, ... in order; expected 1",
            List.of("0 h:1 1", "2 h:1 1"));
        assertMessage("line 1 '0 h 1': the address must be host:port", List.of("0 h 1"));
        assertMessage("line 1 '0 h:1': expected 'id host:port shards'", List.of("0 h:1"));
        assertMessage("line 1 '0 h:1 0': a node needs at least one shard", List.of("0 h:1 0"));
        assertMessage("names no node", List.of("# nothing"));
        final ClusterLayout one = ClusterLayout.parse("c", List.of("0 h:1 1"));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> one.member(3));
        assertTrue(e.getMessage().contains("node 3 is not in the cluster file (nodes 0-0)"), e.getMessage());
    }

    private static void assertMessage(final String part, final List<String> lines)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterLayout.parse("c", lines));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void shouldRefuseAClusterJobWithoutATransportOnTheClassPath(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("cluster.txt");
        Files.writeString(file, "0 127.0.0.1:40100 1\n1 127.0.0.1:40101 1\n");
        final Schema schema = Schema.builder("e").int64("k").build();
        final Pipeline p = Pipeline.create("no-transport");
        p.source("in", Sources.collection(schema, java.util.Collections.singletonList(new Object[]{ 1L }))).keyBy("by", schema.int64("k"))
            .aggregate("n", io.peregrine.api.Aggregations.count("n")).sink("out", Sinks.collect());
        final IllegalStateException e = assertThrows(IllegalStateException.class, () ->
        {
            final Job job = p.execute(new JobContext().clusterFile(file).clusterNode(1).metricsDir(dir));
            job.join();
        });
        assertTrue(e.getMessage().contains("no cluster transport is on the class path: add the " +
            "peregrine-transport-aeron module"), e.getMessage());
    }
}
