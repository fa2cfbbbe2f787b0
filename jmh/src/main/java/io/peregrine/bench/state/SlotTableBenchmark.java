package io.peregrine.bench.state;

import io.peregrine.bench.JvmFlags;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Single-threaded get, put (overwrite) and update (read-modify-write) of long -> long entries in a
 * table pre-filled with {@code keys} keys, uniform or Zipf-skewed, for {@code MappedSlotTable},
 * {@code DirectSlotTable}, Agrona {@code Long2LongHashMap}, {@code java.util.HashMap<Long, Long>},
 * Chronicle Map (persisted, boxed API) and a raw random memory access of the same footprint.
 * <p>
 * 100M keys is opt-in: {@code -p keys=100000000} (needs ~7 GiB of page cache for the mapped table and
 * ~4.5 GiB of heap for Long2LongHashMap; HashMap and Chronicle Map are impractical there).
 * Set {@code -Dperegrine.bench.dir} to put the files elsewhere than {@code java.io.tmpdir}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    JvmFlags.EXPORT_MISC, JvmFlags.OPEN_LANG, JvmFlags.OPEN_REFLECT, JvmFlags.OPEN_NIO, JvmFlags.EXPORT_NIO_CH,
    JvmFlags.EXPORT_REF, JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER,
    "-Xmx8g" })
public class SlotTableBenchmark
{
    private static final int MASK = KeyStreams.STREAM_LENGTH - 1;

    @Param({ "mapped", "direct", "l2l", "hashmap", "chronicle", "rawmemory" })
    public String impl;

    @Param({ "1000000", "10000000" })
    public long keys;

    @Param({ "uniform", "zipf" })
    public String distribution;

    private KeyValueStore store;
    private long[] stream;
    private int cursor;
    private long last;
    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = Files.createTempDirectory(
            Path.of(System.getProperty("peregrine.bench.dir", System.getProperty("java.io.tmpdir"))), "slot-bench");
        store = KeyValueStore.create(impl, keys, dir);
        for (long i = 0; i < keys; i++)
        {
            store.put(KeyStreams.key(i), i);
        }
        check();
        stream = KeyStreams.stream(keys, distribution, 42);
    }

    /**
     * Check the result before timing it: every sampled key maps to its value.
     */
    private void check()
    {
        if ("rawmemory".equals(impl))
        {
            return;
        }
        final SplittableRandom random = new SplittableRandom(7);
        for (int n = 0; n < 100_000; n++)
        {
            final long i = random.nextLong(keys);
            final long value = store.get(KeyStreams.key(i));
            if (value != i)
            {
                throw new IllegalStateException(impl + ": key #" + i + " maps to " + value + ", expected " + i);
            }
        }
        if (store.get(KeyStreams.key(keys)) != KeyValueStore.MISSING)
        {
            throw new IllegalStateException(impl + ": found a key that was never put");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        store.close();
        try (var files = Files.list(dir))
        {
            files.forEach((f) -> f.toFile().delete());
        }
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public long get()
    {
        return store.get(stream[cursor++ & MASK]);
    }

    /**
     * Latency of a get: the next key depends on the value just read, so misses cannot overlap
     * (compare with {@code rawmemory}, one dependent random read of the same footprint).
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long getDependent()
    {
        final long value = store.get(stream[(int)((cursor++ + (last & 1)) & MASK)]);
        last = value;
        return value;
    }

    @Benchmark
    public void put()
    {
        final int i = cursor++;
        store.put(stream[i & MASK], i);
    }

    @Benchmark
    public void update()
    {
        store.update(stream[cursor++ & MASK]);
    }
}
