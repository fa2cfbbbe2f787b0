package io.peregrine.pipeline;

import io.peregrine.api.Aggregation;
import io.peregrine.api.Field;
import io.peregrine.api.PipelineException;
import io.peregrine.api.Schema;
import io.peregrine.api.Windows;
import io.peregrine.plan.Node;

import java.util.List;

/**
 * A keyed stream cut into event-time windows. A window fires when the watermark passes its end;
 * with allowed lateness it keeps its state that much longer and fires again for each late record;
 * records later still go to {@link #lateOutput()} (if asked for) and are counted.
 * Output rows carry the event time {@code window_end - 1}.
 */
public final class WindowedStream
{
    private final Pipeline pipeline;
    private final Node keyBy;
    private final Windows windows;
    private long allowedLatenessMs;
    private Node windowNode;

    WindowedStream(final Pipeline pipeline, final Node keyBy, final Windows windows)
    {
        this.pipeline = pipeline;
        this.keyBy = keyBy;
        this.windows = windows;
    }

    public WindowedStream allowedLateness(final long allowedLatenessMs)
    {
        if (allowedLatenessMs < 0)
        {
            throw new PipelineException("allowed lateness must be >= 0: " + allowedLatenessMs);
        }
        this.allowedLatenessMs = allowedLatenessMs;
        return this;
    }

    /**
     * Output schema: {@code key:int64, window_start:timestamp, window_end:timestamp, <aggregates>}.
     */
    public DataStream aggregate(final String name, final Aggregation... aggregations)
    {
        final Schema out = new KeyedStream(pipeline, keyBy).outputSchema(name, true, aggregations);
        windowNode = pipeline.add(Node.builder(Node.Kind.WINDOW, name, List.of(keyBy), out)
            .aggregations(aggregations).windows(windows, allowedLatenessMs));
        return new DataStream(pipeline, windowNode);
    }

    /**
     * The {@code n} rows with the largest {@code rankField} per key and window (ties broken by the
     * row bytes, so results do not depend on arrival order).
     * Output schema: {@code window_start, window_end, rank:int32, <input fields>} (an input field whose
     * name is taken is renamed {@code in_<name>}); the input must be fixed-width.
     */
    public DataStream topN(final String name, final int n, final Field rankField)
    {
        final Schema in = keyBy.schema;
        in.checkOwns(rankField, "topN '" + name + "'");
        if (in.hasVariableLength())
        {
            throw new PipelineException("topN '" + name + "': schema '" + in.name() + "' has variable-length fields; " +
                "top-N keeps rows in fixed-size state");
        }
        if (n <= 0 || n > 1000)
        {
            throw new PipelineException("topN '" + name + "': n must be in 1..1000: " + n);
        }
        switch (rankField.type())
        {
            case INT32:
            case INT64:
            case FLOAT64:
            case TIMESTAMP:
                break;
            default:
                throw new PipelineException("topN '" + name + "': rank field '" + rankField.name() + "' must be numeric");
        }
        final Schema.Builder builder = Schema.builder(name).timestamp("window_start").timestamp("window_end").int32("rank");
        for (int i = 0; i < in.fieldCount(); i++)
        {
            final Field field = in.field(i);
            builder.like(builder.has(field.name()) ? "in_" + field.name() : field.name(), field);
        }
        final Schema out;
        try
        {
            out = builder.build();
        }
        catch (final IllegalArgumentException e)
        {
            throw new PipelineException("topN '" + name + "': " + e.getMessage());
        }
        windowNode = pipeline.add(Node.builder(Node.Kind.TOP_N, name, List.of(keyBy), out)
            .windows(windows, allowedLatenessMs).topN(n, rankField));
        return new DataStream(pipeline, windowNode);
    }

    /**
     * @return the records that came too late for every window they belong to (input schema).
     * @throws PipelineException if called before the window's aggregate.
     */
    public DataStream lateOutput()
    {
        if (windowNode == null)
        {
            throw new PipelineException("lateOutput() of a window comes after its aggregate(...) or topN(...)");
        }
        final Node n = pipeline.add(Node.builder(Node.Kind.LATE_OUTPUT, windowNode.name + "-late", List.of(windowNode), keyBy.schema));
        return new DataStream(pipeline, n);
    }
}
