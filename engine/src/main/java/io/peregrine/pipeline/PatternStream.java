package io.peregrine.pipeline;

import io.peregrine.api.Schema;
import io.peregrine.cep.CompiledPattern;
import io.peregrine.cep.PatternSelectFunction;
import io.peregrine.plan.Node;

import java.util.List;

/**
 * A pattern applied to a keyed stream (FlinkCEP's {@code PatternStream}); {@link #select} turns its matches into rows.
 */
public final class PatternStream
{
    private final Pipeline pipeline;
    private final Node keyBy;
    private final String name;
    private final CompiledPattern pattern;

    PatternStream(final Pipeline pipeline, final Node keyBy, final String name, final CompiledPattern pattern)
    {
        this.pipeline = pipeline;
        this.keyBy = keyBy;
        this.name = name;
        this.pattern = pattern;
    }

    /**
     * @param name      of the operator.
     * @param outSchema of the rows the function writes.
     * @param fn        called once per match.
     * @return the selected rows, with the timeout and late side outputs.
     */
    public PatternOutput select(final String name, final Schema outSchema, final PatternSelectFunction fn)
    {
        final Node node = pipeline.add(Node.builder(Node.Kind.PATTERN, name, List.of(keyBy), outSchema)
            .pattern(pattern, fn, null));
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
