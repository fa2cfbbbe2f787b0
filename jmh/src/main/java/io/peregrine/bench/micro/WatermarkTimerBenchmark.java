package io.peregrine.bench.micro;

import io.peregrine.api.Row;
import io.peregrine.bench.JvmFlags;
import io.peregrine.state.TimerQueue;
import io.peregrine.time.WatermarkTracker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Event-time bookkeeping on a shard's hot path.
 * <ul>
 *   <li>{@link #trackerUpdate(Tracker)}: one {@link WatermarkTracker#update(int, long)} of a
 *   multi-input operator (a union, or the receiving end of a {@code keyBy} whose inputs are the
 *   producer shards) with 2 or 8 inputs ({@code inputs}). Inputs report in turn with rising
 *   watermarks, so every update is of the input holding the minimum back and the combined watermark
 *   advances each time (the full recompute path).</li>
 *   <li>{@link #timerQueue(Timers)}: one {@link TimerQueue#register(long, long)} plus one
 *   {@link TimerQueue#pollDue(long, TimerQueue.TimerConsumer, int)} as the clock moves one tick, in
 *   a steady state of about {@code pending} timers: each operation registers a timer due 1 to
 *   {@code 2 * pending} ticks later (pseudo-random, deterministic) and fires the ones now due (one
 *   on average), in (time, key) order.</li>
 *   <li>{@link #priorityQueue(Timers)} (baseline): the same schedule on a
 *   {@code java.util.PriorityQueue<long[]>} ordered by (time, key), one {@code long[2]} per timer
 *   (no de-duplication, which this schedule does not need: every (time, key) pair is distinct).</li>
 * </ul>
 * The schedule's own arithmetic (a 64-bit mix and a modulo) is in both timer benchmarks alike.
 * Both fold every fired (time, key) into an order-sensitive checksum: the same
 * schedule gives the same checksum on both (checked by the unit test). Expected allocation
 * ({@code -prof gc}): ~0 B/op for the tracker and the {@link TimerQueue}; about 32 B/op (the
 * {@code long[2]}) for the {@code PriorityQueue}.
 * <p>
 * {@code java -jar jmh/target/benchmarks.jar WatermarkTimerBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    JvmFlags.EXPORT_MISC, JvmFlags.OPEN_LANG, JvmFlags.OPEN_REFLECT, JvmFlags.OPEN_NIO, JvmFlags.EXPORT_NIO_CH,
    JvmFlags.EXPORT_REF, JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER })
public class WatermarkTimerBenchmark
{
    static final Comparator<long[]> BY_TIME_THEN_KEY = (a, b) ->
        a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]);

    /**
     * A tracker over {@code inputs} inputs, updated round-robin.
     */
    @State(Scope.Thread)
    public static class Tracker
    {
        @Param({ "2", "8" })
        public int inputs;

        WatermarkTracker tracker;
        int input;
        long watermark;

        @Setup(Level.Trial)
        public void setUp()
        {
            tracker = new WatermarkTracker(inputs);
            input = 0;
            watermark = 0;
        }
    }

    /**
     * Folds fired timers into an order-sensitive checksum.
     */
    static final class Checksum implements TimerQueue.TimerConsumer
    {
        long fired;
        long value;

        public void onTimer(final long time, final long key)
        {
            fired++;
            value = value * 31 + (time ^ key);
        }
    }

    /**
     * Both timer queues, filled with the same {@code pending} timers; each benchmark uses one.
     */
    @State(Scope.Thread)
    public static class Timers
    {
        /** Timers pending in the steady state (about). */
        @Param({ "4096" })
        public int pending;

        TimerQueue queue;
        PriorityQueue<long[]> heap;
        final Checksum checksum = new Checksum();
        long now;
        long sequence;

        /**
         * @param now      current tick.
         * @param sequence number of the registration.
         * @return when the timer of that registration is due: 1 to 2 * pending ticks after now.
         */
        long dueTime(final long now, final long sequence)
        {
            return now + 1 + (Row.mix(sequence) >>> 1) % (2L * pending);
        }

        @Setup(Level.Trial)
        public void setUp()
        {
            queue = new TimerQueue(4 * pending);
            heap = new PriorityQueue<>(4 * pending, BY_TIME_THEN_KEY);
            now = 0;
            sequence = 0;
            for (int i = 0; i < pending; i++)
            {
                final long seq = sequence++;
                final long time = dueTime(now, seq);
                queue.register(time, seq);
                heap.offer(new long[]{ time, seq });
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            queue.close();
        }
    }

    /**
     * @param s the tracker.
     * @return true if the combined watermark advanced.
     */
    @Benchmark
    public boolean trackerUpdate(final Tracker s)
    {
        final int input = s.input;
        s.input = input + 1 == s.inputs ? 0 : input + 1;
        return s.tracker.update(input, ++s.watermark);
    }

    /**
     * Register one timer, advance the clock one tick, fire what is due.
     *
     * @param s the queues.
     * @return timers fired.
     */
    @Benchmark
    public int timerQueue(final Timers s)
    {
        final long now = ++s.now;
        final long seq = s.sequence++;
        s.queue.register(s.dueTime(now, seq), seq);
        return s.queue.pollDue(now, s.checksum, Integer.MAX_VALUE);
    }

    /**
     * The same on {@code PriorityQueue<long[]>}.
     *
     * @param s the queues.
     * @return timers fired.
     */
    @Benchmark
    public int priorityQueue(final Timers s)
    {
        final long now = ++s.now;
        final long seq = s.sequence++;
        final PriorityQueue<long[]> heap = s.heap;
        heap.offer(new long[]{ s.dueTime(now, seq), seq });
        int fired = 0;
        long[] top;
        while ((top = heap.peek()) != null && top[0] <= now)
        {
            heap.poll();
            s.checksum.onTimer(top[0], top[1]);
            fired++;
        }
        return fired;
    }
}
