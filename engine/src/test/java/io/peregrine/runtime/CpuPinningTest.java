package io.peregrine.runtime;

import io.peregrine.api.WatermarkStrategy;
import io.peregrine.config.ConfigException;
import io.peregrine.config.CpuSet;
import io.peregrine.config.JobContext;
import io.peregrine.config.Settings;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sources;
import net.openhft.affinity.Affinity;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuPinningTest
{
    @Test
    void shouldParseCpuListsAsTasksetDoesAndRefuseOthers()
    {
        assertEquals("2-5", CpuSet.parse("2-5").toString());
        assertEquals("0,2,4", CpuSet.parse(" 0, 2,4 ").toString());
        assertEquals("1,4-6", CpuSet.parse("1,4-6,5").toString());
        assertEquals(4, CpuSet.parse("2-5").size());
        assertEquals(3, CpuSet.parse("2-5").cpuOf(1));
        assertEquals(2, CpuSet.parse("2-5").cpuOf(4), "round robin");
        assertTrue(CpuSet.parse("none").isEmpty());
        assertTrue(CpuSet.parse("").isEmpty());
        for (final String bad : new String[]{ "two", "5-2", "-1", "1,,x", "3-" })
        {
            assertThrows(ConfigException.class, () -> Settings.CPUS.parse(bad), bad);
        }
    }

    @Test
    void shouldRunEachShardOnItsCpu()
    {
        final BitSet allowed = Affinity.getAffinity();
        final int cpu = allowed.isEmpty() ? 0 : allowed.length() - 1; // the last CPU this process may use
        final Map<Integer, BitSet> seen = new ConcurrentHashMap<>();
        final Pipeline p = Pipeline.create("pinned");
        p.source("gen", Sources.generator(EVENT, 1_000, (i, w) -> w.putLong(KEY, i).putTimestamp(TS, i).putLong(VALUE, i)),
                WatermarkStrategy.boundedOutOfOrderness(TS, 0))
            .sink("out", (shard, shards, schema) -> row -> seen.putIfAbsent(shard, Affinity.getAffinity()));
        p.execute(new JobContext().shards(2).cpus(CpuSet.parse(String.valueOf(cpu)))).join();
        assertEquals(2, seen.size());
        for (final BitSet s : seen.values())
        {
            assertEquals(1, s.cardinality(), "pinned to one CPU: " + s);
            assertTrue(s.get(cpu), "on CPU " + cpu + ": " + s);
        }
    }

    @Test
    void shouldRefuseACpuThisProcessMayNotUseBeforeTheJobStarts()
    {
        final Pipeline p = Pipeline.create("pinned-nowhere");
        p.source("gen", Sources.generator(EVENT, 10, (i, w) -> w.putLong(KEY, i)), WatermarkStrategy.none())
            .sink("out", (shard, shards, schema) -> row -> { });
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> p.execute(new JobContext().shards(1).cpus(CpuSet.parse("1000"))));
        assertTrue(e.getMessage().contains("1000") && e.getMessage().contains("peregrine.cpus"), e.getMessage());
    }
}
