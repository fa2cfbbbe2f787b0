package io.peregrine.bench.nexmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Entry points for the hand-written baselines: make a query by name, drive it from a generator, sort results into
 * the canonical order, and a {@link #main(String[])} that prints each baseline's rate.
 */
public final class NexmarkBaselines
{
    /** Queries with a baseline, in suite order. */
    public static final List<String> QUERIES =
        List.of("q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8", "q11", "q12");

    private NexmarkBaselines()
    {
    }

    /**
     * Make the baseline of a query.
     *
     * @param query           one of {@link #QUERIES}.
     * @param sink            receives the result rows.
     * @param processingClock processing time for q12 (epoch ms); unused by the others.
     * @return a new baseline.
     */
    public static NexmarkBaseline create(final String query, final ResultSink sink, final LongSupplier processingClock)
    {
        switch (query)
        {
            case "q0":
                return new Q0PassThrough(sink);
            case "q1":
                return new Q1CurrencyConversion(sink);
            case "q2":
                return new Q2Selection(sink);
            case "q3":
                return new Q3LocalItemSuggestion(sink);
            case "q4":
                return new Q4AveragePriceForCategory(sink);
            case "q5":
                return new Q5HotItems(sink);
            case "q7":
                return new Q7HighestBid(sink);
            case "q8":
                return new Q8MonitorNewUsers(sink);
            case "q11":
                return new Q11UserSessions(sink);
            case "q12":
                return new Q12ProcessingTimeWindows(sink, processingClock);
            default:
                throw new IllegalArgumentException("no baseline for " + query + "; have " + QUERIES);
        }
    }

    /**
     * Feed every event of a generator to a baseline, then finish it.
     *
     * @param generator source, consumed.
     * @param baseline  query.
     * @param event     reused holder.
     * @return number of events fed.
     */
    public static long run(final NexmarkGenerator generator, final NexmarkBaseline baseline, final NexmarkEvent event)
    {
        long count = 0;
        while (generator.next(event))
        {
            baseline.onEvent(event);
            count++;
        }
        baseline.finish();
        return count;
    }

    /**
     * Feed every well-formed event of a JSON-lines reader to a baseline, then finish it.
     *
     * @param reader   source, consumed; malformed lines go to its dead letters.
     * @param baseline query.
     * @param event    reused holder.
     * @return number of events fed.
     * @throws IOException from the reader.
     */
    public static long run(final NexmarkJsonReader reader, final NexmarkBaseline baseline, final NexmarkEvent event)
        throws IOException
    {
        long count = 0;
        while (reader.next(event))
        {
            baseline.onEvent(event);
            count++;
        }
        baseline.finish();
        return count;
    }

    /**
     * Write a result as a CSV file: the header, then the rows in canonical order, one per line.
     *
     * @param file   file to write.
     * @param header CSV header ({@link NexmarkBaseline#header()}).
     * @param rows   rows in any order.
     * @throws IOException if the file cannot be written.
     */
    public static void writeCanonicalCsv(final Path file, final String header, final List<String> rows)
        throws IOException
    {
        final List<String> lines = new ArrayList<>(rows.size() + 1);
        lines.add(header);
        lines.addAll(canonical(rows));
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /**
     * The canonical order of result rows for comparing two systems: the lines sorted by their chars (for the ASCII
     * rows of the generator this is byte order, as {@code LC_ALL=C sort}).
     *
     * @param rows CSV rows.
     * @return a sorted copy.
     */
    public static List<String> canonical(final List<String> rows)
    {
        final ArrayList<String> sorted = new ArrayList<>(rows);
        Collections.sort(sorted);
        return sorted;
    }

    /**
     * A sink that keeps every row as a String (for tests and small comparisons).
     */
    public static final class CollectingSink implements ResultSink
    {
        private final ArrayList<String> rows = new ArrayList<>();

        /**
         * {@inheritDoc}
         */
        public void row(final CharSequence csv)
        {
            rows.add(csv.toString());
        }

        /**
         * @return rows in emission order.
         */
        public List<String> rows()
        {
            return rows;
        }
    }

    /**
     * A sink that only counts rows: the baselines skip CSV formatting for it (see {@link ResultSink#wantsText()}).
     */
    public static final class CountingSink implements ResultSink
    {
        private long rows;

        /**
         * {@inheritDoc}
         */
        public void row(final CharSequence csv)
        {
            rows++;
        }

        /**
         * {@inheritDoc}
         */
        public boolean wantsText()
        {
            return false;
        }

        /**
         * @return number of rows.
         */
        public long rows()
        {
            return rows;
        }
    }

    /**
     * An allocation-free sink that counts rows and folds them into an order-independent digest (the sum of a 64-bit
     * hash of each row), so two systems' results can be compared without keeping or sorting them: equal multisets of
     * rows give equal digests.
     */
    public static final class DigestSink implements ResultSink
    {
        private long rows;
        private long digest;

        /**
         * {@inheritDoc}
         */
        public void row(final CharSequence csv)
        {
            long h = 0xCBF29CE484222325L;
            for (int i = 0, n = csv.length(); i < n; i++)
            {
                h = (h ^ csv.charAt(i)) * 0x100000001B3L;
            }
            h ^= h >>> 33;
            h *= 0xFF51AFD7ED558CCDL;
            h ^= h >>> 33;
            digest += h;
            rows++;
        }

        /**
         * @return number of rows.
         */
        public long rows()
        {
            return rows;
        }

        /**
         * @return order-independent digest of the rows.
         */
        public long digest()
        {
            return digest;
        }
    }

    /**
     * Print the rate of each baseline fed by the generator in the same thread (generator time included), next to the
     * generator alone, over several rounds: once with rows only counted (no CSV formatting) and once with rows
     * formatted and digested.
     * <p>
     * {@code java -cp jmh/target/benchmarks.jar io.peregrine.bench.nexmark.NexmarkBaselines [events] [rounds]
     * [queries...]}
     *
     * @param args events per round (default 10,000,000), rounds (default 3), queries (default all).
     */
    public static void main(final String[] args)
    {
        final long events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final List<String> queries = args.length > 2 ? List.of(args).subList(2, args.length) : QUERIES;
        final NexmarkEvent event = new NexmarkEvent();
        for (int round = 0; round < rounds; round++)
        {
            final NexmarkGenerator alone = new NexmarkGenerator(new NexmarkConfig().maxEvents(events));
            long start = System.nanoTime();
            long checksum = 0;
            while (alone.next(event))
            {
                checksum += event.dateTime();
            }
            long elapsed = System.nanoTime() - start;
            System.out.printf("round %d generator %,.0f events/s (%d)%n", round, events * 1e9 / elapsed, checksum & 1);
            for (final String query : queries)
            {
                final CountingSink counting = new CountingSink();
                final long[] countingClock = { 0 };
                final NexmarkBaseline counted = create(query, counting, () -> countingClock[0]++ / 100);
                start = System.nanoTime();
                run(new NexmarkGenerator(new NexmarkConfig().maxEvents(events)), counted, event);
                elapsed = System.nanoTime() - start;
                final double countedRate = events * 1e9 / elapsed;

                final DigestSink sink = new DigestSink();
                final long[] clock = { 0 };
                final NexmarkBaseline baseline = create(query, sink, () -> clock[0]++ / 100);
                start = System.nanoTime();
                run(new NexmarkGenerator(new NexmarkConfig().maxEvents(events)), baseline, event);
                elapsed = System.nanoTime() - start;
                System.out.printf("round %d %-4s rows counted %,.0f events/s, rows as CSV %,.0f events/s, " +
                    "rows %,d digest %016x late %d%n", round, query, countedRate, events * 1e9 / elapsed,
                    sink.rows(), sink.digest(), baseline.lateEvents());
            }
        }
    }
}
