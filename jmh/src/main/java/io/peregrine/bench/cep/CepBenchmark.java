package io.peregrine.bench.cep;

import io.peregrine.api.Field;
import io.peregrine.api.Job;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.cep.Nfa;
import io.peregrine.cep.Pattern;
import io.peregrine.config.JobContext;
import io.peregrine.metrics.Metric;
import io.peregrine.pipeline.PatternOutput;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sources;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pattern detection on a trading stream of 10,000 instruments, one shard, beside a hand-written single-threaded
 * state machine that computes the same matches and timeouts (the COST baseline), measured in the same run:
 * a three-step followedBy pattern within 5 s and the quote-fade pattern (trade followed by quote within 100 ms,
 * alerts from the timeout output). Records events/s, the ratio to the baseline, bytes allocated per event on the
 * shard thread after warm-up, and state bytes per partial match.
 */
public final class CepBenchmark
{
    static final Schema EVENT = Schema.builder("md").int64("instrument").timestamp("ts").int32("kind").float64("price")
        .int64("qty").build();
    static final Field.Int64 INSTRUMENT = EVENT.int64("instrument");
    static final Field.Timestamp TS = EVENT.timestamp("ts");
    static final Field.Int32 KIND = EVENT.int32("kind");
    static final Field.Float64 PRICE = EVENT.float64("price");
    static final Field.Int64 QTY = EVENT.int64("qty");
    static final Schema COUNT = Schema.builder("count").int64("n").build();
    static final int INSTRUMENTS = 10_000;
    static final long WITHIN_ABC = 5_000;
    static final long WITHIN_FADE = 100;

    /** One measured configuration. */
    record Result(String pattern, long events, double engineEps, double baselineEps, double bytesPerEvent,
        long matches, long timeouts, long baselineMatches, long baselineTimeouts)
    {
    }

    private CepBenchmark()
    {
    }

    static long mix(final long i)
    {
        long h = i * 0x9E3779B97F4A7C15L;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }

    static long instrument(final long i)
    {
        return (mix(i) >>> 1) % INSTRUMENTS;
    }

    /** 200,000 events per second of event time: about 20 per instrument per second. */
    static long ts(final long i)
    {
        return i / 200;
    }

    static int kind(final long i)
    {
        return (int)(mix(i + 17) & 1);
    }

    static long qty(final long i)
    {
        return (mix(i + 31) >>> 1) % 1000;
    }

    static boolean isA(final int kind, final long qty)
    {
        return kind == 0 && qty >= 900;
    }

    static boolean isB(final int kind, final long qty)
    {
        return kind == 0 && qty < 100;
    }

    static Pattern threeStep()
    {
        return Pattern.begin("a").where(e -> isA(e.getInt(KIND), e.getLong(QTY)))
            .followedBy("b").where(e -> isB(e.getInt(KIND), e.getLong(QTY)))
            .followedBy("c").where(e -> e.getInt(KIND) == 1)
            .within(WITHIN_ABC);
    }

    static Pattern quoteFade()
    {
        return Pattern.begin("trade").where(e -> e.getInt(KIND) == 0)
            .followedBy("quote").where(e -> e.getInt(KIND) == 1)
            .within(WITHIN_FADE);
    }

    /**
     * @return the results, one per pattern.
     */
    public static List<Result> measure(final long events, final PrintStream out)
    {
        final List<Result> results = new ArrayList<>();
        results.add(run("three-step followedBy within 5 s", threeStep(), events, out, true));
        results.add(run("quote fade (timeouts)", quoteFade(), events, out, false));
        return results;
    }

    private static Result run(final String name, final Pattern pattern, final long events, final PrintStream out,
        final boolean threeStep)
    {
        final long[] baseline = new long[2];
        final long t0 = System.nanoTime();
        if (threeStep)
        {
            baselineThreeStep(events, baseline);
        }
        else
        {
            baselineFade(events, baseline);
        }
        final double baselineEps = events / ((System.nanoTime() - t0) / 1e9);
        final AtomicLong matches = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final Pipeline p = Pipeline.create("cep-bench");
        final PatternOutput output = p.source("md", Sources.generator(EVENT, events, (i, w) -> write(i, w)),
                WatermarkStrategy.boundedOutOfOrderness(TS, 0))
            .keyBy("by-instrument", INSTRUMENT)
            .pattern("p", pattern)
            .select("matches", COUNT, (match, o) -> matches.incrementAndGet());
        output.sink("matches-out", counting());
        output.timedOut("timeouts", COUNT, (partial, ts, o) -> timeouts.incrementAndGet()).sink("timeouts-out", counting());
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long start = System.nanoTime();
        final Job job = p.execute(new JobContext().shards(1).idleStrategyName("yield"));
        long warmRecords = -1;
        long warmBytes = 0;
        long lastRecords = 0;
        long lastBytes = 0;
        while (!job.isDone())
        {
            final long shard = shardThread();
            final long records = job.counters().total(Metric.SOURCE_RECORDS);
            final long bytes = shard < 0 ? -1 : threads.getThreadAllocatedBytes(shard);
            if (bytes >= 0 && warmRecords < 0 && records > events / 4)
            {
                warmRecords = records;
                warmBytes = bytes;
            }
            else if (bytes >= 0 && warmRecords >= 0 && records < events)
            {
                lastRecords = records;
                lastBytes = bytes;
            }
            parkMs(20);
        }
        job.join();
        final double engineEps = events / ((System.nanoTime() - start) / 1e9);
        final double perEvent = lastRecords > warmRecords && warmRecords >= 0 ?
            (double)(lastBytes - warmBytes) / (lastRecords - warmRecords) : Double.NaN;
        final Result result = new Result(name, events, engineEps, baselineEps, perEvent, matches.get(), timeouts.get(),
            baseline[0], baseline[1]);
        out.printf("  %-36s engine %,.0f ev/s   baseline %,.0f ev/s   COST ratio %.2f   %.3f B/event   " +
            "matches %,d / %,d   timeouts %,d / %,d%n", name, engineEps, baselineEps, engineEps / baselineEps, perEvent,
            matches.get(), baseline[0], timeouts.get(), baseline[1]);
        return result;
    }

    private static void write(final long i, final RowWriter w)
    {
        w.putLong(INSTRUMENT, instrument(i)).putTimestamp(TS, ts(i)).putInt(KIND, kind(i))
            .putDouble(PRICE, 50 + (mix(i + 5) >>> 1) % 200).putLong(QTY, qty(i));
    }

    private static Sink counting()
    {
        return (shard, shards, schema) -> row ->
        {
        };
    }

    private static long shardThread()
    {
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.getName().startsWith("peregrine-shard-"))
            {
                return t.getId();
            }
        }
        return -1;
    }

    private static void parkMs(final long ms)
    {
        java.util.concurrent.locks.LockSupport.parkNanos(ms * 1_000_000L);
    }

    /**
     * The hand-written state machine of the three-step pattern: per instrument the start times of the partial
     * matches waiting for b and for c; expired ones counted as timeouts; a c completes every match waiting for it.
     */
    static void baselineThreeStep(final long events, final long[] counts)
    {
        final int cap = 256;
        final long[] waitB = new long[INSTRUMENTS * cap];
        final int[] nB = new int[INSTRUMENTS];
        final long[] waitC = new long[INSTRUMENTS * cap];
        final int[] nC = new int[INSTRUMENTS];
        long matches = 0;
        long timeouts = 0;
        for (long i = 0; i < events; i++)
        {
            final int k = (int)instrument(i);
            final long ts = ts(i);
            final int kind = kind(i);
            final long qty = qty(i);
            timeouts += expire(waitB, nB, k, cap, ts, WITHIN_ABC) + expire(waitC, nC, k, cap, ts, WITHIN_ABC);
            if (kind == 1)
            {
                matches += nC[k];
                nC[k] = 0;
            }
            else if (isB(kind, qty))
            {
                System.arraycopy(waitB, k * cap, waitC, k * cap + nC[k], nB[k]);
                nC[k] += nB[k];
                nB[k] = 0;
            }
            else if (isA(kind, qty))
            {
                waitB[k * cap + nB[k]++] = ts;
            }
        }
        for (int k = 0; k < INSTRUMENTS; k++)
        {
            timeouts += nB[k] + nC[k];
        }
        counts[0] = matches;
        counts[1] = timeouts;
    }

    /** The hand-written quote-fade state machine: per instrument the times of trades waiting for a quote. */
    static void baselineFade(final long events, final long[] counts)
    {
        final int cap = 256;
        final long[] waiting = new long[INSTRUMENTS * cap];
        final int[] n = new int[INSTRUMENTS];
        long matches = 0;
        long timeouts = 0;
        for (long i = 0; i < events; i++)
        {
            final int k = (int)instrument(i);
            final long ts = ts(i);
            timeouts += expire(waiting, n, k, cap, ts, WITHIN_FADE);
            if (kind(i) == 1)
            {
                matches += n[k];
                n[k] = 0;
            }
            else
            {
                waiting[k * cap + n[k]++] = ts;
            }
        }
        for (int k = 0; k < INSTRUMENTS; k++)
        {
            timeouts += n[k];
        }
        counts[0] = matches;
        counts[1] = timeouts;
    }

    private static int expire(final long[] starts, final int[] counts, final int k, final int cap, final long ts,
        final long within)
    {
        final int base = k * cap;
        int kept = 0;
        for (int j = 0; j < counts[k]; j++)
        {
            if (ts - starts[base + j] < within)
            {
                starts[base + kept++] = starts[base + j];
            }
        }
        final int expired = counts[k] - kept;
        counts[k] = kept;
        return expired;
    }

    /**
     * @return state bytes per partial match: one key, {@code n} partial matches of the three-step pattern waiting for
     * b, each holding its a event (the event row stored once in the shared buffer).
     */
    static double stateBytesPerPartialMatch(final int n)
    {
        final Nfa nfa = new Nfa(threeStep().compile(), EVENT, 1_000_000);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EVENT.fixedLength()]);
        final RowWriter writer = new RowWriter();
        final io.peregrine.api.MutableRow row = new io.peregrine.api.MutableRow();
        final Nfa.Output ignore = new Nfa.Output()
        {
            public void match(final io.peregrine.cep.Match match, final long timestamp)
            {
            }

            public void timeout(final io.peregrine.cep.Match partial, final long timeoutTimestamp)
            {
            }
        };
        for (int i = 0; i < n; i++)
        {
            writer.wrap(EVENT, buffer, 0, buffer.capacity()).putLong(INSTRUMENT, 1).putTimestamp(TS, i).putInt(KIND, 0)
                .putDouble(PRICE, 100).putLong(QTY, 950);
            row.wrap(EVENT, buffer, 0, writer.length()).meta(i, -1, -1);
            nfa.process(row, ignore);
        }
        return (double)nfa.stateLength() / nfa.partialMatches();
    }

    /**
     * Run and write {@code report.md} into {@code folder}.
     */
    public static Path runAndReport(final long events, final Path folder, final String command, final PrintStream out)
        throws IOException
    {
        out.println("Pattern detection benchmark: " + events + " events, " + INSTRUMENTS + " instruments, 1 shard");
        final List<Result> results = measure(events, out);
        final double perPm = stateBytesPerPartialMatch(100);
        final StringBuilder md = new StringBuilder();
        md.append("# Peregrine pattern detection (CEP) on one shard beside a hand-written state machine\n\n")
            .append("Command: `").append(command).append("`\n\n")
            .append("Trading stream: ").append(INSTRUMENTS).append(" instruments, 200,000 events per second of event ")
            .append("time, half trades half quotes; ").append(events).append(" events per run; 1 shard, idle strategy ")
            .append("yield; baseline = single-threaded hand-written state machine computing the same matches and ")
            .append("timeouts in the same run (COST).\n\n")
            .append("| pattern | engine events/s | baseline events/s | COST ratio | B/event (shard thread) | matches | ")
            .append("timeouts | baseline matches | baseline timeouts |\n|---|---|---|---|---|---|---|---|---|\n");
        for (final Result r : results)
        {
            md.append(String.format("| %s | %,.0f | %,.0f | %.2f | %.3f | %,d | %,d | %,d | %,d |%n", r.pattern(),
                r.engineEps(), r.baselineEps(), r.engineEps() / r.baselineEps(), r.bytesPerEvent(), r.matches(),
                r.timeouts(), r.baselineMatches(), r.baselineTimeouts()));
        }
        md.append(String.format("%nState bytes per partial match (three-step pattern, partial matches waiting for b, " +
            "each with its own event of %d bytes, header included): %.1f%n", EVENT.fixedLength(), perPm));
        md.append("\n## Environment\n\n")
            .append("- CPU: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
            .append(" logical cores\n- OS: ").append(System.getProperty("os.name")).append(' ')
            .append(System.getProperty("os.version")).append("\n- JVM: ").append(System.getProperty("java.vm.name"))
            .append(' ').append(System.getProperty("java.version")).append("\n- JVM flags: ")
            .append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())).append('\n');
        Files.createDirectories(folder);
        final Path report = folder.resolve("report.md");
        Files.writeString(report, md.toString());
        out.printf("  state bytes per partial match %.1f%n", perPm);
        return report;
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException e)
        {
            return "unknown";
        }
        return "unknown";
    }
}
