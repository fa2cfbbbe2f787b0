package io.peregrine.runtime;

import io.peregrine.api.Aggregations;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.config.StateBackend;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static io.peregrine.runtime.TestSchemas.event;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shards that cannot get the memory or disk they need at start are refused before the job starts, with what each
 * shard needs and what there is.
 */
class ResourceCheckTest
{
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    /** Two keyBys, each feeding a keyed aggregate. */
    private static Pipeline twoKeyBys()
    {
        final Pipeline p = Pipeline.create("hungry");
        final var sums = p.source("numbers", Sources.collection(EVENT, List.of(event(1, 1, 5), event(2, 2, 7))))
            .keyBy("by-key", KEY)
            .aggregate("sums", Aggregations.sum("total", VALUE));
        sums.keyBy("by-total", sums.schema().int64("total"))
            .aggregate("counts", Aggregations.count("n"))
            .sink("out", Sinks.collect());
        return p;
    }

    @Test
    void shouldRefuseAThousandShardsBeforeAllocatingTheirRings()
    {
        final Pipeline p = twoKeyBys();
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.execute(new JobContext()
            .shards(1000).idleStrategy(IdleStrategyKind.SLEEP).stateBackend(StateBackend.DIRECT).metricsDir(dir)));
        final String message = e.getMessage();
        // 2 keyBys x 999 producers x (1 MiB + Agrona's trailer)
        assertTrue(message.startsWith("job 'hungry' cannot start 1000 shard(s): each needs 2.0 GiB"), message);
        assertTrue(message.contains("exchange rings 2.0 GiB"), message);
        assertTrue(message.contains("of direct memory (MaxDirectMemorySize"), message);
        assertTrue(message.contains("Run fewer shards (peregrine.shards)"), message);
    }

    @Test
    void shouldRefuseFourShardsInSixtyFourMegabytesAndAcceptOne()
    {
        final JobContext four = new JobContext().shards(4).stateBackend(StateBackend.DIRECT).ringCapacity(8 * (int)MIB)
            .conclude();
        final var nodes = twoKeyBys().plan().nodes();
        final ResourceCheck.Limits jvm = new ResourceCheck.Limits(64 * MIB, 2 * MIB, Long.MAX_VALUE);
        // each shard reads 2 keyBys x 3 producers x 8 MiB: 48 MiB each, 192 MiB for four.
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> ResourceCheck.check("demo", nodes, four, jvm));
        assertTrue(e.getMessage().contains("cannot start 4 shard(s): each needs 48.0 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("this JVM has 64.0 MiB (67108864 bytes) of direct memory"), e.getMessage());
        assertDoesNotThrow(() -> ResourceCheck.check("demo", nodes,
            new JobContext().shards(1).stateBackend(StateBackend.DIRECT).ringCapacity(8 * (int)MIB).conclude(), jvm));
    }

    @Test
    void shouldRefuseMappedStateThatDoesNotFitTheDisk() throws Exception
    {
        final JobContext context = new JobContext().shards(2).stateBackend(StateBackend.MAPPED).stateDir(dir)
            .stateInitialCapacity(1 << 20).conclude();
        final var nodes = twoKeyBys().plan().nodes();
        final ResourceCheck.Need need = ResourceCheck.need(nodes, context);
        assertEquals(2, need.stateTables());
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> ResourceCheck.check("big", nodes, context, new ResourceCheck.Limits(1L << 30, 0, 10 * MIB)));
        assertTrue(e.getMessage().contains("each opens 2 keyed-state file(s) of at least 48.0 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toAbsolutePath() + " has 10.0 MiB"), e.getMessage());
        assertTrue(Files.isDirectory(dir));
    }
}
