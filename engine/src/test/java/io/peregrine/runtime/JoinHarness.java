package io.peregrine.runtime;

import io.peregrine.api.MutableRow;

import io.peregrine.api.JoinFunction;
import io.peregrine.api.Row;
import io.peregrine.api.RowKind;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.WindowJoinFunction;
import io.peregrine.api.Windows;
import io.peregrine.config.StateFactory;
import io.peregrine.metrics.JobCounters;
import io.peregrine.metrics.Metric;
import io.peregrine.state.DirectSlotTable;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

import static io.peregrine.runtime.JoinSemanticsTest.LEFT;
import static io.peregrine.runtime.JoinSemanticsTest.L_KEY;
import static io.peregrine.runtime.JoinSemanticsTest.L_TS;
import static io.peregrine.runtime.JoinSemanticsTest.L_VALUE;
import static io.peregrine.runtime.JoinSemanticsTest.RIGHT;
import static io.peregrine.runtime.JoinSemanticsTest.R_KEY;
import static io.peregrine.runtime.JoinSemanticsTest.R_TAG;
import static io.peregrine.runtime.JoinSemanticsTest.R_TS;

/**
 * Drives one join operator by hand, as Flink's operator test harnesses do: records into its left or right input,
 * watermarks into both, the processing-time clock; collects what it emits as {@code kind key l_ts/l_value
 * r_ts/r_tag @eventTime} lines ({@code -} for a null right row), in order.
 */
final class JoinHarness
{
    static final Schema OUT = JoinSemanticsTest.CHANGES;
    private static final JoinFunction PAIR = (left, right, out) -> JoinSemanticsTest.pair(OUT, left, right, out);

    private final JobCounters counters;
    final List<String> out = new ArrayList<>();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final RowWriter writer = new RowWriter();
    private final MutableRow row = new MutableRow();
    private final Operator op;
    private final JoinOperator join;
    private long position;

    private JoinHarness(final Operator op, final JobCounters counters)
    {
        this.op = op;
        this.counters = counters;
        this.join = op instanceof JoinOperator ? (JoinOperator)op : null;
        op.downstream(new Operator("collect")
        {
            public void onRecord(final Row r)
            {
                final StringBuilder line = new StringBuilder();
                line.append(RowKind.of(r.getInt(OUT.int32(RowKind.FIELD))).shortString()).append(' ')
                    .append(r.getLong(OUT.int64("key"))).append(' ')
                    .append(r.getTimestamp(OUT.timestamp("l_ts"))).append('/').append(r.getLong(OUT.int64("l_value")))
                    .append(' ');
                final int tag = r.varLength(OUT.varString("r_tag"));
                if (tag == 0)
                {
                    line.append('-');
                }
                else
                {
                    line.append(r.getTimestamp(OUT.timestamp("r_ts"))).append('/');
                    r.getVarString(OUT.varString("r_tag"), line);
                }
                out.add(line.append(" @").append(r.eventTime()).toString());
            }

            public void onWatermark(final long watermark)
            {
            }
        });
    }

    private static StateFactory direct()
    {
        return (operator, shard, valueLength) -> new DirectSlotTable(valueLength, 64, 0.7f);
    }

    private static int jobs;

    /**
     * @return counters for a one-shard test job, in a counters file under the temporary directory.
     */
    static synchronized JobCounters counters()
    {
        return JobCounters.create(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "peregrine-join-tests"),
            "join-harness-" + (++jobs), 1, JobCounters.capacity(1, 64), System.currentTimeMillis());
    }

    static JoinHarness window(final Windows windows, final boolean distinct)
    {
        final JobCounters c = JoinHarness.counters();
        final WindowJoinFunction fn = (left, right, start, end, w) -> JoinSemanticsTest.pair(OUT, left, right, w);
        return new JoinHarness(new WindowJoinOperator("window", r -> r.getLong(L_KEY), r -> r.getLong(R_KEY), LEFT,
            RIGHT, OUT, fn, windows, distinct, direct(), 0, 64, 1024, c), c);
    }

    static JoinHarness interval(final long lower, final long upper)
    {
        final JobCounters c = JoinHarness.counters();
        return new JoinHarness(new IntervalJoinOperator("interval", r -> r.getLong(L_KEY), r -> r.getLong(R_KEY), LEFT,
            RIGHT, OUT, PAIR, lower, upper, 1024, c, 0), c);
    }

    static JoinHarness regular(final boolean outer, final long ttl, final long now)
    {
        return regular(outer, ttl, now, null);
    }

    static JoinHarness regular(
        final boolean outer, final long ttl, final long now, final io.peregrine.api.JoinCondition condition)
    {
        final JobCounters c = JoinHarness.counters();
        return new JoinHarness(new RegularJoinOperator("regular", r -> r.getLong(L_KEY), r -> r.getLong(R_KEY), LEFT,
            RIGHT, OUT, PAIR, condition, outer, ttl, 1024, c, 0, now), c);
    }

    static JoinHarness temporal(final boolean outer)
    {
        final JobCounters c = JoinHarness.counters();
        return new JoinHarness(new TemporalJoinOperator("temporal", r -> r.getLong(L_KEY), r -> r.getLong(R_KEY), LEFT,
            RIGHT, OUT, PAIR, outer, direct(), 0, 1024, c), c);
    }

    static JoinHarness lookup(final boolean outer, final List<Object[]> reference)
    {
        final io.peregrine.connector.CollectionSource source = new io.peregrine.connector.CollectionSource(RIGHT, reference);
        return new JoinHarness(new LookupJoinOperator("lookup", PAIR, r -> r.getLong(L_KEY), source,
            r -> r.getLong(R_KEY), outer, OUT, SourceTranslator.sourceContext(new io.peregrine.config.JobContext())),
            JoinHarness.counters());
    }

    /**
     * @return records counted late.
     */
    long late()
    {
        return counters.total(Metric.LATE_RECORDS);
    }

    /**
     * @return the shard's gauge of bytes its joins hold.
     */
    long stateBytes()
    {
        return counters.total(Metric.JOIN_STATE_BYTES);
    }

    /**
     * @return the shard's gauge of keys its joins hold state for.
     */
    long stateKeys()
    {
        return counters.total(Metric.JOIN_STATE_KEYS);
    }

    JoinHarness left(final long key, final long ts, final long value)
    {
        writer.wrap(LEFT, buffer, 0, buffer.capacity()).putLong(L_KEY, key).putTimestamp(L_TS, ts).putLong(L_VALUE, value);
        row.wrap(LEFT, buffer, 0, writer.length()).meta(ts, 0, position++);
        (join != null ? join.input(JoinOperator.LEFT) : op).onRecord(row);
        return this;
    }

    JoinHarness right(final long key, final long ts, final String tag)
    {
        writer.wrap(RIGHT, buffer, 0, buffer.capacity()).putLong(R_KEY, key).putTimestamp(R_TS, ts).putVarString(R_TAG, tag);
        row.wrap(RIGHT, buffer, 0, writer.length()).meta(ts, 1, position++);
        join.input(JoinOperator.RIGHT).onRecord(row);
        return this;
    }

    /**
     * Both inputs' watermark (the operator's moves once both have it).
     */
    JoinHarness watermark(final long watermark)
    {
        join.input(JoinOperator.LEFT).onWatermark(watermark);
        join.input(JoinOperator.RIGHT).onWatermark(watermark);
        return this;
    }

    JoinHarness clock(final long nowMs)
    {
        op.onProcessingTime(nowMs);
        return this;
    }

    /**
     * @return what was emitted since the last call, in order.
     */
    List<String> take()
    {
        final List<String> taken = new ArrayList<>(out);
        out.clear();
        return taken;
    }

    void close()
    {
        op.close();
    }
}
