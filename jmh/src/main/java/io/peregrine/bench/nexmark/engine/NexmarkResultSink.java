package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Field;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.bench.nexmark.CsvRow;
import io.peregrine.bench.nexmark.NexmarkBaselines;
import io.peregrine.bench.nexmark.ResultSink;
import io.peregrine.bench.nexmark.Utf8Text;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Writes a query's result rows as the baselines' CSV lines ({@link CsvRow}: integers as digits, timestamps
 * {@code yyyy-MM-dd HH:mm:ss.SSS} UTC, text quoted only when it holds a comma, quote or line break) to one
 * {@link ResultSink} per shard, so engine and baseline results compare line for line.
 * <p>
 * The columns are the given fields of the row's schema, in order (all fields if none is named); a {@code DECIMAL} is
 * written with its scale's digits ({@link CsvRow#addDecimal(long, long, int)}). Formatting allocates nothing per row
 * (text goes through a reused {@link Utf8Text}); what the {@link ResultSink} does with the line is its own business.
 */
public final class NexmarkResultSink implements Sink
{
    private final String[] columns;
    private final IntFunction<ResultSink> perShard;
    private final List<ResultSink> sinks = new ArrayList<>();

    /**
     * @param perShard makes the result sink of a shard (called once per shard, on the job's start).
     * @param columns  names of the fields written, in order; none for every field of the schema.
     */
    public NexmarkResultSink(final IntFunction<ResultSink> perShard, final String... columns)
    {
        this.perShard = perShard;
        this.columns = columns.clone();
    }

    /**
     * @param columns names of the fields written, in order; none for every field of the schema.
     * @return a sink that keeps every line, one {@link NexmarkBaselines.CollectingSink} per shard.
     */
    public static NexmarkResultSink collecting(final String... columns)
    {
        return new NexmarkResultSink((shard) -> new NexmarkBaselines.CollectingSink(), columns);
    }

    /**
     * @param columns names of the fields written, in order; none for every field of the schema.
     * @return a sink that folds the lines into one allocation-free {@link NexmarkBaselines.DigestSink} per shard.
     */
    public static NexmarkResultSink digesting(final String... columns)
    {
        return new NexmarkResultSink((shard) -> new NexmarkBaselines.DigestSink(), columns);
    }

    /**
     * @return the columns written, or an empty array for all the fields.
     */
    public String[] columns()
    {
        return columns.clone();
    }

    /**
     * @return the result sinks made so far, one per shard (in creation order).
     */
    public synchronized List<ResultSink> shardSinks()
    {
        return new ArrayList<>(sinks);
    }

    /**
     * @return every line kept by collecting shard sinks (call after the job has ended).
     */
    public synchronized List<String> rows()
    {
        final List<String> all = new ArrayList<>();
        for (final ResultSink sink : sinks)
        {
            if (sink instanceof NexmarkBaselines.CollectingSink)
            {
                all.addAll(((NexmarkBaselines.CollectingSink)sink).rows());
            }
        }
        return all;
    }

    /**
     * @return rows over all digesting shard sinks.
     */
    public synchronized long digestRows()
    {
        long rows = 0;
        for (final ResultSink sink : sinks)
        {
            if (sink instanceof NexmarkBaselines.DigestSink)
            {
                rows += ((NexmarkBaselines.DigestSink)sink).rows();
            }
        }
        return rows;
    }

    /**
     * @return the order-independent digest over all digesting shard sinks (the sum of the shards' digests).
     */
    public synchronized long digest()
    {
        long digest = 0;
        for (final ResultSink sink : sinks)
        {
            if (sink instanceof NexmarkBaselines.DigestSink)
            {
                digest += ((NexmarkBaselines.DigestSink)sink).digest();
            }
        }
        return digest;
    }

    /**
     * {@inheritDoc}
     */
    public SinkWriter createWriter(final int shard, final int shards, final Schema schema)
    {
        final ResultSink sink = perShard.apply(shard);
        synchronized (this)
        {
            sinks.add(sink);
        }
        final Field[] fields;
        if (columns.length == 0)
        {
            fields = new Field[schema.fieldCount()];
            for (int i = 0; i < fields.length; i++)
            {
                fields[i] = schema.field(i);
            }
        }
        else
        {
            fields = new Field[columns.length];
            for (int i = 0; i < fields.length; i++)
            {
                fields[i] = schema.field(columns[i]);
            }
        }
        return new Writer(fields, new CsvRow(sink));
    }

    private static final class Writer implements SinkWriter
    {
        private static final int LONG = 0;
        private static final int INT = 1;
        private static final int TIMESTAMP = 2;
        private static final int TEXT = 3;
        private static final int ASCII = 4;
        private static final int DECIMAL = 5;
        private static final int DOUBLE = 6;

        private final Field[] fields;
        private final int[] kinds;
        private final CsvRow csv;
        private final Utf8Text text = new Utf8Text(256);
        private final StringBuilder chars = new StringBuilder(64);

        Writer(final Field[] fields, final CsvRow csv)
        {
            this.fields = fields;
            this.csv = csv;
            this.kinds = new int[fields.length];
            for (int i = 0; i < fields.length; i++)
            {
                kinds[i] = kind(fields[i]);
            }
        }

        private static int kind(final Field field)
        {
            switch (field.type())
            {
                case INT64: return LONG;
                case DECIMAL: return DECIMAL;
                case INT32: return INT;
                case TIMESTAMP: return TIMESTAMP;
                case VAR_STRING: return TEXT;
                case ASCII: return ASCII;
                case FLOAT64: return DOUBLE;
                default: throw new IllegalArgumentException("column '" + field.name() + "' of type " + field.type() +
                    " has no Nexmark CSV form");
            }
        }

        public void write(final Row row)
        {
            for (int i = 0; i < fields.length; i++)
            {
                final Field field = fields[i];
                switch (kinds[i])
                {
                    case LONG:
                        csv.add(row.getLong((Field.Int64)field));
                        break;
                    case DECIMAL:
                    {
                        final Field.Decimal decimal = (Field.Decimal)field;
                        csv.addDecimal(row.getDecimalHigh(decimal), row.getDecimalLow(decimal), decimal.scale());
                        break;
                    }
                    case INT:
                        csv.add(row.getInt((Field.Int32)field));
                        break;
                    case TIMESTAMP:
                        csv.addTimestamp(row.getTimestamp((Field.Timestamp)field));
                        break;
                    case TEXT:
                    {
                        final int length = row.varLength(field);
                        text.clear().ensureCapacity(length);
                        row.buffer().getBytes(row.varOffset(field), text.bytes(), 0, length);
                        text.length(length);
                        csv.add(text);
                        break;
                    }
                    case ASCII:
                        chars.setLength(0);
                        csv.add(row.getAscii((Field.Ascii)field, chars));
                        break;
                    default:
                        chars.setLength(0);
                        csv.add(chars.append(row.getDouble((Field.Float64)field)));
                        break;
                }
            }
            csv.emit();
        }
    }
}
