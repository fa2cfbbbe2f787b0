package io.peregrine.bench.nexmark.engine;

import io.peregrine.bench.nexmark.NexmarkBaseline;
import io.peregrine.bench.nexmark.NexmarkBaselines;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import io.peregrine.bench.report.QueryMeasurement;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Nexmark queries as measured rounds: per query, the engine at 1..N shards and the hand-written
 * baseline, interleaved in the same process, over the same generated events. Both fold their
 * result rows into the same order-independent digest, and every run checks the engine's digest
 * against the baseline's (q12's processing-time windows excepted): a wrong answer stops the run.
 * The generator runs inside both (the engine's source, the baseline's loop).
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
        final List<QueryMeasurement> results = new ArrayList<>();
        final NexmarkConfig config = new NexmarkConfig();
        for (final String query : queries)
        {
            final boolean deterministic = !"q12".equals(query);
            final double[][] engine = new double[maxShards + 1][rounds];
            final double[] baseline = new double[rounds];
            for (int round = -1; round < rounds; round++)
            {
                long start = System.nanoTime();
                final NexmarkBaselines.DigestSink expected = new NexmarkBaselines.DigestSink();
                final NexmarkBaseline q = NexmarkBaselines.create(query, expected, System::currentTimeMillis);
                NexmarkBaselines.run(new NexmarkGenerator(new NexmarkConfig().maxEvents(events)), q, new NexmarkEvent());
                final double baselineRate = events * 1e9 / (System.nanoTime() - start);
                for (int shards = 1; shards <= maxShards; shards++)
                {
                    start = System.nanoTime();
                    final NexmarkRunner.Digest digest = NexmarkRunner.digest(
                        query, NexmarkSource.generator(config, events, 0), NexmarkRunner.context(shards));
                    final double rate = events * 1e9 / (System.nanoTime() - start);
                    if (deterministic && (digest.rows() != expected.rows() || digest.digest() != expected.digest()))
                    {
                        throw new IllegalStateException("nexmark " + query + " on " + shards + " shard(s): engine " + digest +
                            ", baseline " + new NexmarkRunner.Digest(expected.rows(), expected.digest()));
                    }
                    if (round >= 0)
                    {
                        engine[shards][round] = rate;
                    }
                }
                if (round >= 0)
                {
                    baseline[round] = baselineRate;
                    final StringBuilder line = new StringBuilder(String.format("  nexmark %s round %d: baseline %,.0f",
                        query, round + 1, baselineRate));
                    for (int shards = 1; shards <= maxShards; shards++)
                    {
                        line.append(String.format(", engine %d shard(s) %,.0f", shards, engine[shards][round]));
                    }
                    out.println(line.append(" events/s").append(deterministic ? ", results equal" : ""));
                }
            }
            for (int shards = 1; shards <= maxShards; shards++)
            {
                results.add(new QueryMeasurement(query, shards, engine[shards], baseline, null));
            }
        }
        return results;
    }
}
