package io.peregrine.pipeline;

import io.peregrine.api.PipelineException;
import io.peregrine.api.Schema;
import io.peregrine.cep.PatternTimeoutFunction;
import io.peregrine.plan.Node;

import java.util.List;

/**
 * The rows selected from a pattern's matches, with its two side outputs: partial matches that timed out under
 * {@code within} ({@link #timedOut}) and records that arrived behind the watermark ({@link #lateOutput}).
 */
public final class PatternOutput extends DataStream
{
    private final Schema inputSchema;
    private boolean timeouts;

    PatternOutput(final Pipeline pipeline, final Node node, final Schema inputSchema)
    {
        super(pipeline, node);
        this.inputSchema = inputSchema;
    }

    /**
     * @param name      of the side output.
     * @param outSchema of the rows the function writes.
     * @param fn        called once per partial match that timed out.
     * @return the timeout side output (FlinkCEP's {@code TimedOutPartialMatchHandler}).
     */
    public DataStream timedOut(final String name, final Schema outSchema, final PatternTimeoutFunction fn)
    {
        if (timeouts)
        {
            throw new PipelineException("pattern '" + node.name + "' already has a timeout output");
        }
        timeouts = true;
        return new DataStream(pipeline, pipeline.add(
            Node.builder(Node.Kind.PATTERN_TIMEOUT, name, List.of(node), outSchema).pattern(null, null, fn)));
    }

    /**
     * @return the records that came behind the watermark (input schema), which the pattern never saw.
     */
    public DataStream lateOutput()
    {
        return new DataStream(pipeline, pipeline.add(
            Node.builder(Node.Kind.PATTERN_LATE, node.name + "-late", List.of(node), inputSchema)));
    }
}
