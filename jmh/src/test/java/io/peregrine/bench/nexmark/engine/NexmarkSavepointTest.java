package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.MutableRow;
import io.peregrine.api.RowWriter;
import io.peregrine.pipeline.Sinks;
import io.peregrine.api.Source;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import io.peregrine.bench.nexmark.NexmarkJson;
import io.peregrine.bench.nexmark.Q12ProcessingTimeWindows;
import io.peregrine.connector.GeneratorSource;
import io.peregrine.demo.CheckpointedJob;
import io.peregrine.metrics.Metric;
import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every query of the suite stopped with a savepoint midway and resumed gives the rows of an uninterrupted run: all
 * the state a query keeps (slots, lists, timers) is the engine's and in the checkpoint, and {@link NexmarkSource} is
 * replayable. The rows go to the exactly-once {@link Sinks#csv(Path)} sink and are compared as the committed part
 * files hold them, sorted ({@link CheckpointedJob#committed(Path, String)}).
 * <p>
 * The first run reads the events through a gate that holds its splits at half of them (without ending), so it is
 * still running, whatever the machine's speed, when it has completed a few checkpoints (interval 1 ms) and read a
 * third of the events, and is stopped there; the resumed run reads the same events from the savepoint's offsets.
 * Each test checks that the first run
 * stopped before the end and that the second restored from the savepoint and read only what was left.
 * <p>
 * <b>q12</b> counts bids in windows of processing time: its rows depend on the wall clock (where the window
 * boundaries fall while the job runs, and how long the stop and the restart take), so under the system clock no two
 * runs, interrupted or not, give the same rows, and that comparison is not made. What is compared instead: under a
 * processing clock that ticks but stays within one window (as NexmarkQueriesTest's fixed clock, ticking so that
 * periodic checkpoints are taken), the rows exactly; under the system clock, each bidder's bids summed over its
 * windows, which every run must count exactly once.
 */
class NexmarkSavepointTest
{
    /** 30 s of event time at 1,000 events/s: every window kind fires many times. */
    private static final long EVENTS = 30_000;
    private static final int SHARDS = 2;

    @TempDir
    Path dir;

    private static NexmarkConfig slow()
    {
        return new NexmarkConfig().eventRate(1_000);
    }

    @ParameterizedTest
    @ValueSource(strings = { "q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8", "q11" })
    void shouldResumeFromASavepointWithTheRowsOfAnUninterruptedRun(final String query) throws Exception
    {
        final List<String> expected = uninterrupted(query, slow(), EVENTS, () -> NexmarkRunner.context(SHARDS));
        assertFalse(expected.isEmpty(), query + " gives rows");
        assertEquals(expected, interrupted(query, slow(), EVENTS, () -> NexmarkRunner.context(SHARDS)), query);
    }

    @ParameterizedTest
    @ValueSource(strings = { "q3", "q4", "q5", "q7" })
    void shouldResumeFromASavepointAtTheDefaultRateWhereListsHoldWhatTheSlotsCannot(final String query)
        throws Exception
    {
        // 10,000,000 events/s of event time: thousands of bids share a millisecond and tie, the state that goes
        // beyond a slot into the key's list.
        final NexmarkConfig config = new NexmarkConfig();
        final List<String> expected = uninterrupted(query, config, 60_000, () -> NexmarkRunner.context(SHARDS));
        assertFalse(expected.isEmpty(), query + " gives rows");
        assertEquals(expected, interrupted(query, config, 60_000, () -> NexmarkRunner.context(SHARDS)), query);
    }

    @Test
    void shouldResumeQ12FromASavepointWithTheRowsOfAnUninterruptedRunUnderAClockWithinOneWindow() throws Exception
    {
        final List<String> expected = uninterrupted("q12", slow(), EVENTS, NexmarkSavepointTest::withinOneWindow);
        assertFalse(expected.isEmpty());
        assertEquals(expected, interrupted("q12", slow(), EVENTS, NexmarkSavepointTest::withinOneWindow));
    }

    @Test
    void shouldCountEveryBidOfEachBidderOnceInQ12AcrossASavepointUnderTheSystemClock() throws Exception
    {
        final Map<Long, Long> expected =
            totalsPerBidder(uninterrupted("q12", slow(), EVENTS, () -> NexmarkRunner.context(SHARDS)));
        assertFalse(expected.isEmpty());
        assertEquals(expected,
            totalsPerBidder(interrupted("q12", slow(), EVENTS, () -> NexmarkRunner.context(SHARDS))));
    }

    /**
     * A job's processing clock: milliseconds since it was made, held at the last millisecond of the first q12
     * window, so every bid falls in window {@code [0, size)} and it fires at the end of the input, however long a
     * run takes; it ticks, so the checkpoint interval passes.
     */
    private static JobContext withinOneWindow()
    {
        final long t0 = System.currentTimeMillis();
        final EpochClock clock = () -> Math.min(Q12ProcessingTimeWindows.SIZE_MS - 1, System.currentTimeMillis() - t0);
        return NexmarkRunner.context(SHARDS).epochClock(clock);
    }

    private List<String> uninterrupted(
        final String query, final NexmarkConfig config, final long events, final Supplier<JobContext> context)
        throws Exception
    {
        return uninterrupted(query, NexmarkSource.generator(config, events, 0), context);
    }

    private List<String> uninterrupted(final String query, final Source source, final Supplier<JobContext> context)
        throws Exception
    {
        final Path run = Files.createTempDirectory(dir, query + "-uninterrupted-");
        final Job job = NexmarkQueries.build(query, source, Sinks.csv(run.resolve("rows"))).execute(context.get());
        job.join();
        return CheckpointedJob.committed(run, "rows");
    }

    private List<String> interrupted(
        final String query, final NexmarkConfig config, final long events, final Supplier<JobContext> context)
        throws Exception
    {
        return interrupted(query, new CheckpointedJob.GatedSource(NexmarkSource.generator(config, events, 0), () -> events / 2),
            NexmarkSource.generator(config, events, 0), events, context);
    }

    /**
     * Run the query with checkpoints every millisecond, stop it with a savepoint once it has completed two and read
     * a third of the events, resume it to the end.
     *
     * @param paced  the events, held at a gate so that the first run is stopped before their end.
     * @param replay the same events, for the resumed run.
     * @param events how many.
     * @return the committed rows, sorted.
     */
    private List<String> interrupted(final String query, final Source paced, final Source replay, final long events,
        final Supplier<JobContext> context) throws Exception
    {
        final Path run = Files.createTempDirectory(dir, query + "-interrupted-");
        final Path checkpoints = run.resolve("checkpoints");
        final Job first = NexmarkQueries.build(query, paced, Sinks.csv(run.resolve("rows")))
            .execute(context.get().checkpointDir(checkpoints).checkpointIntervalMs(1));
        assertNull(first.restoredFrom());
        final long deadline1 = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (first.checkpoints().completedCount() < 2 || first.counters().total(Metric.SOURCE_RECORDS) < events / 3)
        {
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() - deadline1 < 0,
                "timed out waiting for 2 checkpoints and a third of the events");
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        first.stopWithSavepoint();
        first.join();
        final long readFirst = first.counters().total(Metric.SOURCE_RECORDS);
        assertTrue(readFirst < events, query + ": the first run stopped midway, after " + readFirst + " events");

        final Job second = NexmarkQueries.build(query, replay, Sinks.csv(run.resolve("rows")))
            .execute(context.get().checkpointDir(checkpoints).checkpointIntervalMs(1));
        assertNotNull(second.restoredFrom(), query + ": resumed from the savepoint");
        second.join();
        final long readSecond = second.counters().total(Metric.SOURCE_RECORDS);
        assertTrue(readSecond > 0 && readSecond < events,
            query + ": the resumed run read only what was left: " + readSecond + " events, restored from " +
            second.restoredFrom());
        return CheckpointedJob.committed(run, "rows");
    }

    // ------------------------------------------------------------------------------- state beyond the slots

    /** Keys of each kind in {@link #overflowing(double)}. */
    private static final int KEYS = 10;
    /** Events of {@link #overflowing(double)}: 30 s of event time. */
    private static final long OVERFLOW_EVENTS = 30_000;
    private static final long TIED_PRICE = 1_000_000_000L;

    /**
     * Events whose keys hold far more than a slot for as long as the run lasts, so that any savepoint holds lists:
     * event i at {@code base + i} ms; for i below 90 %, by i mod 3: a category-10 auction of seller
     * {@code 1000 + k} (k = i / 3 mod {@value #KEYS}), which waits in q3 for its seller; a bid on auction
     * {@code 5000 + k}, which waits in q4 for its auction (every bid time distinct), of price i in the first 20 % and
     * 1 after, so that the highest, which decides, is taken before any savepoint and kept in a list;
     * a bid of price {@value #TIED_PRICE} on auction 9000, all tied at the maximum of their q7 window. Then the
     * sellers (of Oregon) and the auctions (each its own category, from the first millisecond to after the last).
     */
    private static Source overflowing(final double eventsPerSecond)
    {
        final long base = NexmarkConfig.DEFAULT_BASE_TIME_MS;
        final long release = OVERFLOW_EVENTS * 9 / 10;
        return new GeneratorSource(NexmarkRows.EVENT, OVERFLOW_EVENTS, (i, out) ->
        {
            final NexmarkEvent e = new NexmarkEvent();
            final long k = (i / 3) % KEYS;
            if (i < release)
            {
                switch ((int)(i % 3))
                {
                    case 0:
                        e.type(NexmarkEvent.AUCTION).dateTime(base + i);
                        auction(e, 100_000 + i, 1000 + k, 10, base + OVERFLOW_EVENTS);
                        break;
                    case 1:
                        bid(e, base + i, 5000 + k, i < OVERFLOW_EVENTS / 5 ? i : 1);
                        break;
                    default:
                        bid(e, base + i, 9000, TIED_PRICE);
                        break;
                }
            }
            else if (i - release < KEYS)
            {
                e.type(NexmarkEvent.PERSON).dateTime(base + i);
                e.person().id(1000 + i - release).name().set("P" + (i - release));
                e.person().city().set("Bend");
                e.person().state().set("OR");
                e.person().emailAddress().set("x@y.com");
                e.person().creditCard().set("1234 1234 1234 1234");
                e.person().extra().set("");
            }
            else if (i - release < 2 * KEYS)
            {
                final long j = i - release - KEYS;
                e.type(NexmarkEvent.AUCTION).dateTime(base);
                auction(e, 5000 + j, 1, 100 + j, base + OVERFLOW_EVENTS);
            }
            else
            {
                bid(e, base + i, 7, 1);
            }
            NexmarkRows.write(e, out);
        }, eventsPerSecond, 0);
    }

    private static void auction(final NexmarkEvent e, final long id, final long seller, final long category,
        final long expires)
    {
        e.auction().id(id).seller(seller).category(category).expires(expires).initialBid(1).reserve(2);
        e.auction().itemName().set("item");
        e.auction().description().set("desc");
        e.auction().extra().set("");
    }

    private static void bid(final NexmarkEvent e, final long at, final long auction, final long price)
    {
        e.type(NexmarkEvent.BID).dateTime(at);
        e.bid().auction(auction).bidder(at % 97).price(price);
        e.bid().channel().set("Google");
        e.bid().url().set("https://x/y");
        e.bid().extra().set("e" + at);
    }

    @ParameterizedTest
    @ValueSource(strings = { "q3", "q4", "q7" })
    void shouldRestoreTheListsOfKeysWhoseStateGoesBeyondTheSlot(final String query) throws Exception
    {
        final List<String> expected = uninterrupted(query, overflowing(0), () -> NexmarkRunner.context(SHARDS));
        assertTrue(expected.size() >= KEYS, query + ": " + expected);
        assertEquals(expected, interrupted(query,
            new CheckpointedJob.GatedSource(overflowing(0), () -> OVERFLOW_EVENTS / 2), overflowing(0),
            OVERFLOW_EVENTS,
            () -> NexmarkRunner.context(SHARDS)), query);
    }

    private static Map<Long, Long> totalsPerBidder(final List<String> rows)
    {
        final Map<Long, Long> totals = new TreeMap<>();
        for (final String row : rows)
        {
            final String[] columns = row.split(",");
            totals.merge(Long.parseLong(columns[0]), Long.parseLong(columns[1]), Long::sum);
        }
        return totals;
    }

    // ------------------------------------------------------------------------------------------ split readers

    /** Captures what a split reader emits, dead letters included, as text. */
    private static final class Capture implements Source.SourceOutput
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16 * 1024]);
        final RowWriter writer = new RowWriter();
        final MutableRow row = new MutableRow();
        final List<String> emitted = new ArrayList<>();

        public RowWriter next()
        {
            return writer.wrap(NexmarkRows.EVENT, buffer, 0, buffer.capacity());
        }

        public void emit(final long position)
        {
            emitted.add(position + " " + row.wrap(NexmarkRows.EVENT, buffer, 0, writer.length()));
        }

        public void deadLetter(final long position, final String reason, final CharSequence raw)
        {
            emitted.add(position + " dead letter: " + reason + ": " + raw);
        }
    }

    /**
     * Read a split whole, and again in two readers: the first stopped after {@code cut} polls of {@code batch}, the
     * second seeking to the first's checkpoint offset and position; the two must emit the same.
     */
    private static void assertReplays(final Source source, final int split, final int splits, final int batch,
        final int cut) throws Exception
    {
        assertTrue(source.isReplayable());
        final Capture whole = new Capture();
        try (Source.SplitReader reader = source.createReader(split, splits, null))
        {
            while (reader.poll(whole, batch) != Source.SplitReader.END)
            {
                // read to the end
            }
        }
        final Capture resumed = new Capture();
        final long offset;
        final long position;
        try (Source.SplitReader reader = source.createReader(split, splits, null))
        {
            for (int i = 0; i < cut; i++)
            {
                reader.poll(resumed, batch);
            }
            offset = reader.checkpointOffset();
            position = reader.position();
        }
        final int before = resumed.emitted.size();
        assertTrue(before > 0 && before < whole.emitted.size(), "cut midway: " + before);
        try (Source.SplitReader reader = source.createReader(split, splits, null))
        {
            reader.seek(offset, position);
            while (reader.poll(resumed, batch) != Source.SplitReader.END)
            {
                // read to the end
            }
        }
        assertEquals(whole.emitted, resumed.emitted);
    }

    @Test
    void shouldReplayAGeneratorSplitFromItsNextEventNumber() throws Exception
    {
        assertReplays(NexmarkSource.generator(slow(), 1_000, 3), 1, 3, 50, 3);
    }

    @Test
    void shouldReplayAnEventsFileFromTheByteOffsetOfItsNextLineWithItsLineNumbers() throws Exception
    {
        final Path events = dir.resolve("events.json");
        NexmarkJson.writeFile(new NexmarkGenerator(slow().maxEvents(5_000)), events);
        final List<String> lines = new ArrayList<>(Files.readAllLines(events, StandardCharsets.UTF_8));
        lines.add(700, "{\"event_type\": 2, \"bid\": oops}");
        lines.add(3_300, "");
        lines.add(3_300, "   ");
        Files.write(events, lines, StandardCharsets.UTF_8);
        Files.write(events, "{\"event_type\": 2".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        for (final int cut : new int[] { 1, 7, 30, 45 })
        {
            assertReplays(NexmarkSource.jsonFile(events), 0, 1, 100, cut);
        }
    }
}
