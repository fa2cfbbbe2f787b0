package io.peregrine.bench.profile;

import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.bench.engine.ChainThroughputBenchmark;
import io.peregrine.config.JobContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ShardAllocationCounterTest
{
    static final int CHUNK = 64 * 1024;
    static final int CHUNKS = 64;
    /** Head-room for what starting and ending a thread allocates besides the loop (class loading, lambdas). */
    static final long SLACK = 512 * 1024;

    static volatile Object sink;

    @BeforeAll
    static void jvmCountsAllocation()
    {
        assumeTrue(ShardAllocationCounter.isSupported(), "this JVM does not count allocated bytes per thread");
    }

    @Test
    void shouldCountWhatItsThreadsAllocatedWithinABound() throws InterruptedException
    {
        final ShardAllocationCounter counter = new ShardAllocationCounter();
        final Runnable allocate = () ->
        {
            for (int i = 0; i < CHUNKS; i++)
            {
                sink = new byte[CHUNK];
            }
        };
        // Warm the lambda and the loop on another thread so class loading is not counted on the measured ones.
        final Thread warm = new Thread(allocate);
        warm.start();
        warm.join();

        counter.newThread(allocate).start();
        counter.newThread(allocate).start();
        final long bytes = counter.awaitBytes();

        final long expected = 2L * CHUNKS * CHUNK;
        assertEquals(2, counter.threads());
        assertTrue(bytes >= expected && bytes <= expected + 2 * SLACK,
            String.format("counted %,d bytes, the threads allocated %,d", bytes, expected));
    }

    @Test
    void shouldSumTheCpuTimeOfItsThreadsAndNotTheCallers() throws InterruptedException
    {
        final java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isCurrentThreadCpuTimeSupported(), "no thread CPU time here");
        final ShardAllocationCounter counter = new ShardAllocationCounter();
        final long burn = 30_000_000L;
        final Runnable spin = () ->
        {
            // Burn until this thread itself has used 30 ms of CPU: no wall-clock assumption.
            final long until = mx.getCurrentThreadCpuTime() + burn;
            long x = 1;
            while (mx.getCurrentThreadCpuTime() < until)
            {
                x = x * 6364136223846793005L + 1;
            }
            sink = new byte[(int)(x & 1)];
        };
        final Thread a = counter.newThread(spin);
        final Thread b = counter.newThread(spin);
        a.start();
        b.start();
        counter.awaitBytes();
        final long cpu = counter.cpuNanos();
        assertTrue(cpu >= 2 * burn, "two threads burned 30 ms each, counted " + cpu);
        // The caller burned nothing measurable meanwhile; the count is the two threads' own, within a generous bound.
        assertTrue(cpu < 2 * burn + 2_000_000_000L, "counted " + cpu);
    }

    @Test
    void shouldNotCountTheCallingThread() throws InterruptedException
    {
        final ShardAllocationCounter counter = new ShardAllocationCounter();
        final Thread idle = counter.newThread(() ->
        {
        });
        for (int i = 0; i < CHUNKS; i++)
        {
            sink = new byte[CHUNK];
        }
        idle.start();
        final long bytes = counter.awaitBytes();
        assertTrue(bytes >= 0 && bytes < SLACK, String.format("%,d bytes for a thread that did nothing", bytes));
    }

    @Test
    void shouldMeasureTheBytesPerEventOfAJobsShardThreads()
    {
        final Schema schema = Schema.builder("in").int64("key").timestamp("ts").build();
        final long events = 20_000;
        final int perRow = 1024;
        final AtomicLong rows = new AtomicLong();
        // A sink that allocates a known amount per row, on the shard threads.
        final Sink allocating = (shard, shards, s) -> new Sink.SinkWriter()
        {
            long n;

            public void write(final Row row)
            {
                sink = new byte[perRow - 16];
                n++;
            }

            public void close()
            {
                rows.addAndGet(n);
            }
        };
        final EngineRunMeter meter = new EngineRunMeter();
        final Pipeline p = Pipeline.create("allocating");
        p.source("gen", Sources.generator(schema, events, (i, w) -> w.putLong(schema.int64("key"), i).putTimestamp(
                schema.timestamp("ts"), i)), WatermarkStrategy.boundedOutOfOrderness(schema.timestamp("ts"), 0))
            .sink("out", allocating);
        p.execute(meter.begin("allocating", 2, ChainThroughputBenchmark.context(2))).join();
        final double bytesPerEvent = meter.end(events);

        assertEquals(events, rows.get());
        // byte[1008] is 1024 bytes with its 16-byte header; the engine's own per-event allocation is ~0.
        assertTrue(bytesPerEvent >= perRow && bytesPerEvent < perRow + 200,
            String.format("%.1f bytes per event, the sink allocated %d", bytesPerEvent, perRow));
    }

    @Test
    void shouldMeasureTheChainWorkloadAtAlmostNothingPerEvent()
    {
        final EngineRunMeter meter = new EngineRunMeter();
        final JobContext context = meter.begin("chain", 2, ChainThroughputBenchmark.context(2));
        ChainThroughputBenchmark.runEngine(context, 1_000_000);
        final double bytesPerEvent = meter.end(1_000_000);
        // Set-up on the shard threads is counted too; per event it must round to well under one object.
        assertTrue(bytesPerEvent > 0 && bytesPerEvent < 4.0, String.format("%.3f bytes per event", bytesPerEvent));
    }

    @Test
    void shouldRefuseUnpairedCalls()
    {
        final EngineRunMeter meter = new EngineRunMeter();
        assertThrows(IllegalStateException.class, () -> meter.end(1));
        meter.begin("q0", 1, new JobContext());
        assertThrows(IllegalStateException.class, () -> meter.begin("q0", 1, new JobContext()));
    }
}
