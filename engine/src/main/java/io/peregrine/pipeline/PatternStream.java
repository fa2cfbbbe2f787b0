package io.peregrine.pipeline;

import io.peregrine.api.PipelineException;
import io.peregrine.api.Schema;
import io.peregrine.cep.CompiledPattern;
import io.peregrine.cep.PatternSelectFunction;
import io.peregrine.plan.Node;

import java.util.List;

/**
 * A pattern applied to a keyed stream (FlinkCEP's {@code PatternStream}); {@link #select} turns its matches into rows.
 * <p>
 * In event time (the default) records wait for the watermark and run in timestamp order, and {@code within} expires
 * from the watermark. {@link #inProcessingTime()} is FlinkCEP's {@code PatternStream.inProcessingTime()}: each record
 * runs as it arrives, timed by the shard's processing-time clock ({@code JobContext.epochClock}), in arrival order
 * per key; nothing is late; {@code within} expires from the same clock, checked every duty cycle (FlinkCEP checks it
 * only when the key's next record arrives: Peregrine emits the timeout without waiting for one).
 */
public final class PatternStream
{
    private final Pipeline pipeline;
    private final Node keyBy;
    private final String name;
    private final CompiledPattern pattern;
    private final boolean processingTime;

    PatternStream(
        final Pipeline pipeline, final Node keyBy, final String name, final CompiledPattern pattern,
        final boolean processingTime)
    {
        this.pipeline = pipeline;
        this.keyBy = keyBy;
        this.name = name;
        this.pattern = pattern;
        this.processingTime = processingTime;
    }

    /**
     * @return the same pattern, its records timed by the processing-time clock on arrival instead of by event time.
     */
    public PatternStream inProcessingTime()
    {
        return new PatternStream(pipeline, keyBy, name, pattern, true);
    }

    /**
     * @return true if records are timed by the processing-time clock.
     */
    public boolean isProcessingTime()
    {
        return processingTime;
    }

    /**
     * @param name      of the operator.
     * @param outSchema of the rows the function writes.
     * @param fn        called once per match.
     * @return the selected rows, with the timeout and late side outputs.
     */
    public PatternOutput select(final String name, final Schema outSchema, final PatternSelectFunction fn)
    {
        if (!processingTime && !keyBy.hasTimestamps())
        {
            throw new PipelineException("pattern '" + this.name + "' needs event time, but a source upstream has no " +
                "timestamps: give it a WatermarkStrategy.boundedOutOfOrderness(field, bound), or time the pattern by " +
                "the processing-time clock with .inProcessingTime()");
        }
        final Node node = pipeline.add(Node.builder(Node.Kind.PATTERN, name, List.of(keyBy), outSchema)
            .pattern(pattern, fn, null).patternProcessingTime(processingTime));
        return new PatternOutput(pipeline, node, keyBy.schema);
    }

    /**
     * @return the pattern's name.
     */
    public String name()
    {
        return name;
    }
}
