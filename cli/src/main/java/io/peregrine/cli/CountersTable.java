package io.peregrine.cli;

import io.peregrine.metrics.CounterKey;
import io.peregrine.metrics.CountersFile;
import io.peregrine.metrics.Metric;
import org.agrona.concurrent.status.CountersReader;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code peregrine stat} prints of a counters file: a header naming the job, a table of the shards' duty cycles
 * and a table of the operators' counters, one row per operator and shard, one column per kind of counter found.
 * A source's records read are its records out and a sink's records written its records in.
 */
final class CountersTable
{
    /** Operator columns, in order: heading and the metrics shown in it (an operator has at most one of them). */
    private static final Object[][] OPERATOR_COLUMNS = {
        { "records in", new Metric[]{ Metric.RECORDS_IN, Metric.SINK_RECORDS } },
        { "records out", new Metric[]{ Metric.RECORDS_OUT, Metric.SOURCE_RECORDS } },
        { "late", new Metric[]{ Metric.LATE_RECORDS } },
        { "malformed", new Metric[]{ Metric.MALFORMED_RECORDS } },
        { "dead-lettered", new Metric[]{ Metric.DEAD_LETTERED } },
        { "dropped", new Metric[]{ Metric.DROPPED_RECORDS } },
        { "back-pressure", new Metric[]{ Metric.BACK_PRESSURE } },
        { "exchanged", new Metric[]{ Metric.EXCHANGE_RECORDS } },
        { "state entries", new Metric[]{ Metric.STATE_ENTRIES } },
        { "state bytes", new Metric[]{ Metric.STATE_BYTES } },
        { "watermark", new Metric[]{ Metric.SOURCE_WATERMARK, Metric.WATERMARK } },
    };

    private static final Metric[] SHARD_COLUMNS = {
        Metric.DUTY_CYCLES, Metric.BUSY_NS, Metric.IDLE_NS, Metric.MAX_CYCLE_NS, Metric.CHECKPOINT_PAUSE_NS, Metric.ERRORS,
    };
    private static final String[] SHARD_HEADINGS = {
        "duty cycles", "busy", "idle", "longest cycle", "checkpoint pause", "errors",
    };

    private CountersTable()
    {
    }

    /**
     * @param file  a mapped counters file.
     * @param nowMs the time now, for the job's uptime.
     * @return the lines to print.
     */
    static List<String> lines(final CountersFile file, final long nowMs)
    {
        final List<String> lines = new ArrayList<>();
        lines.add(String.format("job '%s'  pid %d (%s)  started %s  up %.1f s  %d shard(s)", file.jobName(), file.pid(),
            file.isWriterAlive() ? "running" : "not running", Instant.ofEpochMilli(file.startMs()),
            (nowMs - file.startMs()) / 1e3, file.shards()));
        lines.add(file.file().toString());
        lines.add("");
        final List<List<String[]>> tables = rows(file.reader());
        format(tables.get(0), 1, lines);
        lines.add("");
        format(tables.get(1), 2, lines);
        return lines;
    }

    /**
     * @param reader of a counters file.
     * @return two tables, each a heading and rows of cells: the shards' (shard, then one column per shard metric) and
     * the operators' (operator, shard, then a column per kind of counter any operator has; empty where it has none).
     */
    static List<List<String[]>> rows(final CountersReader reader)
    {
        final Map<String, Map<Integer, Map<Metric, Long>>> operators = new LinkedHashMap<>(); // in plan order
        final Map<Integer, Map<Metric, Long>> shards = new LinkedHashMap<>();
        reader.forEach((id, typeId, key, label) ->
        {
            final Metric metric = Metric.of(typeId);
            if (metric == null)
            {
                return;
            }
            final String operator = CounterKey.operator(key);
            final int shard = CounterKey.shard(key);
            final long value = reader.getCounterValue(id);
            if (operator == null)
            {
                shards.computeIfAbsent(shard, s -> new EnumMap<>(Metric.class)).put(metric, value);
            }
            else
            {
                operators.computeIfAbsent(operator, o -> new TreeMap<>())
                    .computeIfAbsent(shard, s -> new EnumMap<>(Metric.class)).put(metric, value);
            }
        });

        final List<String[]> shardRows = new ArrayList<>();
        final String[] shardHeading = new String[SHARD_COLUMNS.length + 1];
        shardHeading[0] = "shard";
        System.arraycopy(SHARD_HEADINGS, 0, shardHeading, 1, SHARD_HEADINGS.length);
        shardRows.add(shardHeading);
        for (final Map.Entry<Integer, Map<Metric, Long>> shard : shards.entrySet())
        {
            final String[] row = new String[SHARD_COLUMNS.length + 1];
            row[0] = Integer.toString(shard.getKey());
            for (int c = 0; c < SHARD_COLUMNS.length; c++)
            {
                final Long value = shard.getValue().get(SHARD_COLUMNS[c]);
                row[c + 1] = value == null ? "" : SHARD_COLUMNS[c] == Metric.DUTY_CYCLES || SHARD_COLUMNS[c] == Metric.ERRORS ?
                    String.format("%,d", value) : duration(value);
            }
            shardRows.add(row);
        }

        final List<Integer> columns = new ArrayList<>();
        for (int c = 0; c < OPERATOR_COLUMNS.length; c++)
        {
            boolean found = false;
            for (final Map<Integer, Map<Metric, Long>> byShard : operators.values())
            {
                for (final Map<Metric, Long> values : byShard.values())
                {
                    found |= cell(values, c) != null;
                }
            }
            if (found)
            {
                columns.add(c);
            }
        }
        final List<String[]> rows = new ArrayList<>();
        final String[] heading = new String[columns.size() + 2];
        heading[0] = "operator";
        heading[1] = "shard";
        for (int i = 0; i < columns.size(); i++)
        {
            heading[i + 2] = (String)OPERATOR_COLUMNS[columns.get(i)][0];
        }
        rows.add(heading);
        for (final Map.Entry<String, Map<Integer, Map<Metric, Long>>> operator : operators.entrySet())
        {
            for (final Map.Entry<Integer, Map<Metric, Long>> shard : operator.getValue().entrySet())
            {
                final String[] row = new String[columns.size() + 2];
                row[0] = operator.getKey();
                row[1] = Integer.toString(shard.getKey());
                for (int i = 0; i < columns.size(); i++)
                {
                    final String cell = cell(shard.getValue(), columns.get(i));
                    row[i + 2] = cell == null ? "" : cell;
                }
                rows.add(row);
            }
        }
        return List.of(shardRows, rows);
    }

    private static String cell(final Map<Metric, Long> values, final int column)
    {
        for (final Metric metric : (Metric[])OPERATOR_COLUMNS[column][1])
        {
            final Long value = values.get(metric);
            if (value != null)
            {
                if (metric == Metric.WATERMARK || metric == Metric.SOURCE_WATERMARK)
                {
                    return value == Long.MAX_VALUE ? "end of input" : value <= 0 ? "-" : Instant.ofEpochMilli(value).toString();
                }
                return String.format("%,d", value);
            }
        }
        return null;
    }

    /**
     * @param ns a duration.
     * @return it in a unit that reads at a glance.
     */
    static String duration(final long ns)
    {
        if (ns < 1_000)
        {
            return ns + " ns";
        }
        if (ns < 1_000_000)
        {
            return String.format("%.1f us", ns / 1e3);
        }
        if (ns < 1_000_000_000)
        {
            return String.format("%.1f ms", ns / 1e6);
        }
        return String.format("%,.2f s", ns / 1e9);
    }

    /**
     * Columns padded to their widest cell: the first {@code leftAligned} to the left, the rest to the right.
     */
    private static void format(final List<String[]> rows, final int leftAligned, final List<String> lines)
    {
        final int[] widths = new int[rows.get(0).length];
        for (final String[] row : rows)
        {
            for (int c = 0; c < row.length; c++)
            {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (final String[] row : rows)
        {
            final StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++)
            {
                if (c > 0)
                {
                    line.append("  ");
                }
                final String pad = " ".repeat(widths[c] - row[c].length());
                line.append(c < leftAligned ? row[c] + pad : pad + row[c]);
            }
            lines.add(line.toString().stripTrailing());
        }
    }
}
