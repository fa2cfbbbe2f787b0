package io.peregrine.bench.state;

import io.peregrine.state.MappedSlotTable;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * State larger than the heap at full scale: inserts {@code entries} long -> 32-byte entries into a
 * {@link MappedSlotTable} that starts small and grows incrementally, checks every entry, then times
 * random gets. Meant to run with a small heap, e.g.
 * <pre>
 *   java -Xmx256m $(flags) -cp jmh/target/benchmarks.jar io.peregrine.bench.state.LargeStateRun 50000000 /tmp
 * </pre>
 * Prints heap and resident memory, per-insert latency percentiles (intended to show that growth
 * never pauses for the whole table) and throughput. The file is deleted at the end.
 */
public final class LargeStateRun
{
    private static final int VALUE_LENGTH = 32;

    private LargeStateRun()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long entries = args.length > 0 ? Long.parseLong(args[0]) : 50_000_000L;
        final Path parent = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"));
        final long initialSlots = args.length > 2 ? Long.parseLong(args[2]) : 1 << 20;
        final Path dir = Files.createTempDirectory(parent, "large-state");
        final Histogram insertNanos = new Histogram(3_600_000_000_000L, 3);

        System.out.printf("entries=%,d valueLength=%d initialSlots=%,d maxHeap=%,d MiB dir=%s%n",
            entries, VALUE_LENGTH, initialSlots, Runtime.getRuntime().maxMemory() >> 20, dir);
        final MappedSlotTable table = MappedSlotTable.create(dir, "large", VALUE_LENGTH, initialSlots);
        try
        {
            long start = System.nanoTime();
            long maxNanos = 0;
            long maxAt = 0;
            for (long i = 0; i < entries; i++)
            {
                final long t0 = System.nanoTime();
                table.findOrInsert(KeyStreams.key(i));
                table.value().putLong(0, i);
                table.value().putLong(24, ~i);
                final long took = System.nanoTime() - t0;
                insertNanos.recordValue(took);
                if (took > maxNanos)
                {
                    maxNanos = took;
                    maxAt = i;
                }
            }
            final double insertSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("inserted %,d in %.1f s (%.2f M/s), capacity %,d slots, file %,d MiB%n",
                table.size(), insertSeconds, entries / insertSeconds / 1e6, table.capacity(),
                Files.size(table.file()) >> 20);
            System.out.printf("insert latency ns: p50=%d p99=%d p99.9=%d p99.99=%d max=%d (at entry %,d)%n",
                insertNanos.getValueAtPercentile(50), insertNanos.getValueAtPercentile(99),
                insertNanos.getValueAtPercentile(99.9), insertNanos.getValueAtPercentile(99.99), maxNanos, maxAt);

            start = System.nanoTime();
            for (long i = 0; i < entries; i++)
            {
                if (!table.find(KeyStreams.key(i)) || table.value().getLong(0) != i || table.value().getLong(24) != ~i)
                {
                    throw new IllegalStateException("entry " + i + " lost or wrong");
                }
            }
            System.out.printf("checked every entry in %.1f s%n", (System.nanoTime() - start) / 1e9);

            final SplittableRandom random = new SplittableRandom(1);
            final int gets = 20_000_000;
            long sum = 0;
            start = System.nanoTime();
            for (int n = 0; n < gets; n++)
            {
                if (table.find(KeyStreams.key(random.nextLong(entries))))
                {
                    sum += table.value().getLong(0);
                }
            }
            final long getNanos = System.nanoTime() - start;
            System.out.printf("random get: %.1f ns/op (%.2f M/s) [checksum %d]%n",
                (double)getNanos / gets, gets * 1e3 / getNanos, sum);
            final Runtime runtime = Runtime.getRuntime();
            System.out.printf("heap used %,d MiB of max %,d MiB; %s%n",
                (runtime.totalMemory() - runtime.freeMemory()) >> 20, runtime.maxMemory() >> 20, residentMemory());
        }
        finally
        {
            table.closeAndDelete();
            Files.deleteIfExists(dir);
        }
    }

    private static String residentMemory() throws Exception
    {
        final StringBuilder sb = new StringBuilder();
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("VmRSS") || line.startsWith("RssAnon") || line.startsWith("RssFile"))
            {
                sb.append(line.replaceAll("\\s+", " ")).append("; ");
            }
        }
        return sb.toString();
    }
}
