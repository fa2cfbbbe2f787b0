package io.peregrine.bench.join;

import io.peregrine.bench.report.QueryMeasurement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The README of a {@code ./peregrine bench joins} report: the Nexmark join queries against their hand-written
 * versions and baselines, the as-of join's rate per shard, allocation and state per key. Medians of the measured
 * rounds, with their range; ratios are taken round by round (the versions ran one after the other in each round).
 */
public final class JoinReport
{
    private JoinReport()
    {
    }

    /**
     * @param folder   the report folder (environment.md already written).
     * @param command  the command that produced it.
     * @param settings of the run.
     * @param queries  the Nexmark results.
     * @param asOf     the as-of results.
     * @return the README's path.
     */
    public static Path write(
        final Path folder, final String command, final JoinBench.Settings settings,
        final List<JoinBench.QueryResult> queries, final List<JoinBench.AsOfResult> asOf) throws IOException
    {
        final StringBuilder sb = new StringBuilder(8192);
        sb.append("# Joins: Nexmark q3, q4, q8 on the join operators; the as-of join at ")
            .append(String.format(Locale.ROOT, "%,d", settings.instruments)).append(" instruments\n\n");
        sb.append("Command: `").append(command).append("`. Machine, JVM and settings: [environment.md](environment.md). ")
            .append(settings.rounds).append(" measured rounds after one warm-up round; medians, [min-max] over rounds.\n\n");
        if (!queries.isEmpty())
        {
            sb.append("## Nexmark q3, q4, q8: join operators against the hand-written versions\n\n");
            sb.append(String.format(Locale.ROOT, "%,d generated events per run. Per round: the baseline (one thread), then " +
                "per shard count the hand-written keyed process function (`qN-hand`, the engine's q3/q4/q8 before joins) " +
                "and the version on the join operators (`qN`), in alternating order. Every version's rows were first " +
                "checked equal to the baseline's (an order-independent digest).%n%n", settings.nexmarkEvents));
            sb.append("| query | shards | join events/s | hand-written events/s | **join / hand-written** | join / baseline | " +
                "hand-written / baseline | CPU ns/event join, hand-written, baseline | B/event join, hand-written |\n");
            sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (final JoinBench.QueryResult r : queries)
            {
                sb.append("| ").append(r.query).append(" | ").append(r.shards)
                    .append(" | ").append(rate(r.join)).append(" | ").append(rate(r.hand))
                    .append(" | **").append(ratio(r.join, r.hand)).append("** | ").append(ratio(r.join, r.baseline))
                    .append(" | ").append(ratio(r.hand, r.baseline))
                    .append(" | ").append(number(r.joinCpu, "%.0f")).append(", ").append(number(r.handCpu, "%.0f"))
                    .append(", ").append(number(r.baselineCpu, "%.0f"))
                    .append(" | ").append(number(r.joinBytes, "%.2f")).append(", ").append(number(r.handBytes, "%.2f"))
                    .append(" |\n");
            }
            sb.append('\n');
        }
        if (!asOf.isEmpty())
        {
            sb.append("## The as-of join\n\n");
            sb.append(String.format(Locale.ROOT, "`EffectiveSpreadJob`: market data in the demo's schema (`AsOfMarketData`: " +
                "%,d instruments, skewed as the demo's; a quarter trades, the rest quotes; prices from a table, not the " +
                "demo's waves, so that making an event is cheap; %,d events per second of event time; out-of-orderness " +
                "bound %d ms), " +
                "trades as-of joined with quotes by instrument, the effective spread per trade, into a sink that folds a " +
                "digest; %,d events per run. Baseline: one thread over the same events computing the same rows " +
                "(`AsOfBaseline`). Results checked: on one shard the same rows as the baseline exactly; on more, the same " +
                "trades joined (which of two quotes of one instrument and millisecond arrived last depends on how the " +
                "splits interleave). State per key: the shards' join-state gauges (rows and headers, key slots, list " +
                "index slots) over the keys held, sampled every 5 ms while the middle half of the input was read.%n%n",
                settings.instruments, settings.eventsPerEventSecond, settings.boundMs, settings.asOfEvents));
            sb.append("| shards | events/s | **events/s per shard** | baseline events/s | engine / baseline | CPU ns/event " +
                "engine, baseline | **B/event** | keys held | **state bytes per key** | rows |\n");
            sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (final JoinBench.AsOfResult r : asOf)
            {
                final double[] perShard = r.engine.clone();
                final double[] perKey = new double[r.stateBytes.length];
                for (int i = 0; i < perShard.length; i++)
                {
                    perShard[i] /= r.shards;
                    perKey[i] = r.stateBytes[i] / Math.max(1, r.stateKeys[i]);
                }
                sb.append("| ").append(r.shards).append(" | ").append(rate(r.engine)).append(" | **").append(rate(perShard))
                    .append("** | ").append(rate(r.baseline)).append(" | ").append(ratio(r.engine, r.baseline))
                    .append(" | ").append(number(r.engineCpu, "%.0f")).append(", ").append(number(r.baselineCpu, "%.0f"))
                    .append(" | **").append(number(r.bytesPerEvent, "%.3f")).append("** | ")
                    .append(number(r.stateKeys, "%,.0f")).append(" | **").append(number(perKey, "%.0f")).append("** | ")
                    .append(String.format(Locale.ROOT, "%,d", r.rows)).append(" |\n");
            }
            sb.append('\n');
        }
        final Path readme = folder.resolve("README.md");
        Files.createDirectories(folder);
        Files.writeString(readme, sb.toString(), StandardCharsets.UTF_8);
        return readme;
    }

    private static String rate(final double[] values)
    {
        return number(values, "%,.0f");
    }

    private static String number(final double[] values, final String format)
    {
        if (values.length == 0)
        {
            return "-";
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final String median = String.format(Locale.ROOT, format, QueryMeasurement.median(values));
        if (values.length == 1)
        {
            return median;
        }
        return median + " [" + String.format(Locale.ROOT, format, sorted[0]) + "-" +
            String.format(Locale.ROOT, format, sorted[sorted.length - 1]) + "]";
    }

    private static String ratio(final double[] numerator, final double[] denominator)
    {
        final double[] ratios = new double[numerator.length];
        for (int i = 0; i < ratios.length; i++)
        {
            ratios[i] = numerator[i] / denominator[i];
        }
        return number(ratios, "%.2fx");
    }
}
