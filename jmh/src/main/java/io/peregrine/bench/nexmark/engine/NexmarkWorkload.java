package io.peregrine.bench.nexmark.engine;

import io.peregrine.bench.nexmark.NexmarkBaseline;
import io.peregrine.bench.nexmark.NexmarkBaselines;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import io.peregrine.api.Row;
import io.peregrine.api.Sink;
import io.peregrine.bench.profile.EngineRunMeter;
import io.peregrine.bench.report.QueryMeasurement;
import io.peregrine.runtime.JobContext;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Nexmark queries as measured rounds: per query, the engine at 1..N shards and the hand-written
 * baseline, interleaved in the same process, over the same generated events. First both fold their
 * result rows as CSV into the same order-independent digest, checked equal (q12's processing-time
 * windows excepted): a wrong answer stops the run. The timed rounds then count result rows on both
 * sides (checked against the digest run's count), so formatting text does not hide the query's
 * cost. The generator runs inside both (the engine's source, the baseline's loop).
 */
public final class NexmarkWorkload
{
    private NexmarkWorkload()
    {
    }

    /**
     * @param queries   to run, e.g. {@link NexmarkQueries#QUERIES}.
     * @param events    per run.
     * @param rounds    interleaved rounds, after one unmeasured warm-up round.
     * @param maxShards largest shard count.
     * @param out       progress.
     * @return one measurement per query and shard count.
     */
    public static List<QueryMeasurement> measure(
        final List<String> queries, final long events, final int rounds, final int maxShards, final PrintStream out)
    {
        return measure(queries, events, rounds, maxShards, out, new EngineRunMeter());
    }

    /**
     * @param queries   to run, e.g. {@link NexmarkQueries#QUERIES}.
     * @param events    per run.
     * @param rounds    interleaved rounds, after one unmeasured warm-up round.
     * @param maxShards largest shard count.
     * @param out       progress.
     * @param meter     measures each timed engine run (allocation, optionally a profile); not the digest runs.
     * @return one measurement per query and shard count.
     */
    public static List<QueryMeasurement> measure(
        final List<String> queries, final long events, final int rounds, final int maxShards, final PrintStream out,
        final EngineRunMeter meter)
    {
        final List<QueryMeasurement> results = new ArrayList<>();
        final NexmarkConfig config = new NexmarkConfig();

        // The generator alone, so a reader can see whether it, not the engine, bounds a query.
        final double[] generator = new double[rounds];
        for (int round = -1; round < rounds; round++)
        {
            final NexmarkGenerator g = new NexmarkGenerator(new NexmarkConfig().maxEvents(events));
            final NexmarkEvent event = new NexmarkEvent();
            long checksum = 0;
            final long start = System.nanoTime();
            while (g.next(event))
            {
                checksum += event.dateTime() + event.type();
            }
            final double rate = events * 1e9 / (System.nanoTime() - start);
            if (round >= 0)
            {
                generator[round] = rate;
                out.printf("  nexmark generator alone round %d: %,.0f events/s (checksum %x)%n", round + 1, rate, checksum);
            }
        }
        results.add(new QueryMeasurement("nexmark generator alone", 1, generator, new double[0], null));
        for (final String query : queries)
        {
            final boolean deterministic = !"q12".equals(query);
            final double[][] engine = new double[maxShards + 1][rounds];
            final double[][] bytesPerEvent = new double[maxShards + 1][rounds];
            final double[] baseline = new double[rounds];
            // Warm-up round: engine and baseline fold their rows into digests, checked equal (q12's
            // processing-time windows excepted).
            final NexmarkBaselines.DigestSink expected = new NexmarkBaselines.DigestSink();
            NexmarkBaselines.run(new NexmarkGenerator(new NexmarkConfig().maxEvents(events)),
                NexmarkBaselines.create(query, expected, System::currentTimeMillis), new NexmarkEvent());
            for (int shards = 1; shards <= maxShards; shards++)
            {
                final NexmarkRunner.Digest digest = NexmarkRunner.digest(
                    query, NexmarkSource.generator(config, events, 0), NexmarkRunner.context(shards));
                if (deterministic && (digest.rows() != expected.rows() || digest.digest() != expected.digest()))
                {
                    throw new IllegalStateException("nexmark " + query + " on " + shards + " shard(s): engine " + digest +
                        ", baseline " + new NexmarkRunner.Digest(expected.rows(), expected.digest()));
                }
            }
            // Measured rounds: both sides only count their result rows, so the figure is the query's, not the
            // cost of formatting rows as text; the counts are checked against the warm-up's.
            for (int round = 0; round < rounds; round++)
            {
                long start = System.nanoTime();
                final NexmarkBaselines.CountingSink counted = new NexmarkBaselines.CountingSink();
                NexmarkBaselines.run(new NexmarkGenerator(new NexmarkConfig().maxEvents(events)),
                    NexmarkBaselines.create(query, counted, System::currentTimeMillis), new NexmarkEvent());
                baseline[round] = events * 1e9 / (System.nanoTime() - start);
                for (int shards = 1; shards <= maxShards; shards++)
                {
                    final AtomicLong rows = new AtomicLong();
                    final Sink counting = (shard, shardCount, schema) -> new Sink.SinkWriter()
                    {
                        long n;

                        public void write(final Row row)
                        {
                            n++;
                        }

                        public void close()
                        {
                            rows.addAndGet(n);
                        }
                    };
                    final JobContext context = meter.begin(query, shards, NexmarkRunner.context(shards));
                    start = System.nanoTime();
                    NexmarkQueries.build(query, NexmarkSource.generator(config, events, 0), counting)
                        .execute(context).join();
                    engine[shards][round] = events * 1e9 / (System.nanoTime() - start);
                    bytesPerEvent[shards][round] = meter.end(events);
                    if (deterministic && (rows.get() != expected.rows() || counted.rows() != expected.rows()))
                    {
                        throw new IllegalStateException("nexmark " + query + " on " + shards + " shard(s): engine " +
                            rows.get() + " rows, baseline " + counted.rows() + ", expected " + expected.rows());
                    }
                }
                final StringBuilder line = new StringBuilder(String.format("  nexmark %s round %d: baseline %,.0f",
                    query, round + 1, baseline[round]));
                for (int shards = 1; shards <= maxShards; shards++)
                {
                    line.append(String.format(", engine %d shard(s) %,.0f", shards, engine[shards][round]));
                }
                out.println(line.append(" events/s").append(deterministic ? ", results equal" : ""));
            }
            for (int shards = 1; shards <= maxShards; shards++)
            {
                results.add(new QueryMeasurement(query, shards, engine[shards], baseline, null, bytesPerEvent[shards]));
            }
        }
        return results;
    }
}
