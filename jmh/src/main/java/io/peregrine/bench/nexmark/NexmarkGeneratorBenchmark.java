package io.peregrine.bench.nexmark;

import io.peregrine.bench.JvmFlags;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Cost of one generated event, and of one event written as a JSON line, into reused holders. Run with
 * {@code -prof gc} to see the allocation per operation (expected ~0).
 * <p>
 * {@code java -jar jmh/target/benchmarks.jar NexmarkGeneratorBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    JvmFlags.EXPORT_MISC, JvmFlags.OPEN_LANG, JvmFlags.OPEN_REFLECT, JvmFlags.OPEN_NIO, JvmFlags.EXPORT_NIO_CH,
    JvmFlags.EXPORT_REF, JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER })
public class NexmarkGeneratorBenchmark
{
    private final NexmarkEvent event = new NexmarkEvent();
    private final Utf8Text json = new Utf8Text(1024);
    private NexmarkGenerator generator;
    private long eventNumber;

    /**
     * A generator with the reference defaults.
     */
    @Setup
    public void setUp()
    {
        generator = new NexmarkGenerator(new NexmarkConfig());
    }

    /**
     * @return the filled event, for the blackhole.
     */
    @Benchmark
    public NexmarkEvent generate()
    {
        generator.generate(eventNumber++, event);
        return event;
    }

    /**
     * @return the JSON line, for the blackhole.
     */
    @Benchmark
    public Utf8Text generateAndWriteJson()
    {
        generator.generate(eventNumber++, event);
        return NexmarkJson.append(event, json.clear());
    }
}
