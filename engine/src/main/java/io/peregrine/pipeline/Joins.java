package io.peregrine.pipeline;

import io.peregrine.api.Field;
import io.peregrine.api.FieldType;
import io.peregrine.api.PipelineException;
import io.peregrine.api.RowKind;
import io.peregrine.api.Schema;
import io.peregrine.plan.JoinSpec;
import io.peregrine.plan.Node;

import java.util.List;

/**
 * What every join of the fluent API checks before it adds its node: the two inputs of one pipeline, event time where
 * the join needs it, a {@link RowKind#FIELD} of the right type.
 */
final class Joins
{
    private Joins()
    {
    }

    /**
     * Add a join node over two keyed streams.
     *
     * @param what      the join's kind and name, for messages ({@code "window join 'q8'"}).
     * @param left      the left (probe) keyed stream.
     * @param right     the right (table) keyed stream.
     * @param eventTime true if the join needs event time on both inputs.
     * @param kind      the node's kind.
     * @param name      the node's name.
     * @param out       the output schema.
     * @param spec      the join's attributes.
     * @return the join's output stream.
     */
    static DataStream add(
        final String what, final KeyedStream left, final KeyedStream right, final boolean eventTime,
        final Node.Kind kind, final String name, final Schema out, final JoinSpec spec)
    {
        if (left.pipeline != right.pipeline)
        {
            throw new PipelineException(what + ": stream '" + right.keyBy.name + "' is of another pipeline");
        }
        if (eventTime)
        {
            needsEventTime(what, left.keyBy);
            needsEventTime(what, right.keyBy);
        }
        checkRowKind(what, out, false);
        return new DataStream(left.pipeline, left.pipeline.add(
            Node.builder(kind, name, List.of(left.keyBy, right.keyBy), out).join(spec)));
    }

    static void needsEventTime(final String what, final Node input)
    {
        if (!input.hasTimestamps())
        {
            throw new PipelineException(what + " needs event time, but a source upstream of '" + input.name +
                "' has no timestamps: give it a WatermarkStrategy.boundedOutOfOrderness(field, bound)");
        }
    }

    /**
     * @param required true if the join emits retractions and so needs the field.
     */
    static void checkRowKind(final String what, final Schema out, final boolean required)
    {
        for (int i = 0; i < out.fieldCount(); i++)
        {
            final Field field = out.field(i);
            if (field.name().equals(RowKind.FIELD))
            {
                if (field.type() != FieldType.INT32)
                {
                    throw new PipelineException(what + ": field '" + RowKind.FIELD + "' of schema '" + out.name() +
                        "' holds the row kind and must be int32, not " + field.type());
                }
                return;
            }
        }
        if (required)
        {
            throw new PipelineException(what + " retracts the null-padded row of a left row once it has a match, so its " +
                "output schema '" + out.name() + "' needs an int32 field '" + RowKind.FIELD + "' for the row kind " +
                "(RowKind.INSERT or RowKind.DELETE)");
        }
    }
}
