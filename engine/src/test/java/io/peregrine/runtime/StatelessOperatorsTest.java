package io.peregrine.runtime;

import io.peregrine.config.JobContext;
import io.peregrine.pipeline.DataStream;
import io.peregrine.api.Field;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Schema;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.connector.CollectSink;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static io.peregrine.runtime.TestSchemas.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

class StatelessOperatorsTest
{
    static final Schema WORD = Schema.builder("word").int64("line").varString("word").build();
    static final Field.Int64 LINE = WORD.int64("line");
    static final Field.VarString TEXT = WORD.varString("word");

    @ParameterizedTest
    @ValueSource(ints = { 1, 3 })
    void shouldFlatMapFilterAndUnionStreams(final int shards)
    {
        final Pipeline p = Pipeline.create("stateless");
        final DataStream a = p.source("a", Sources.collection(EVENT, List.of(event(1, 0, 3), event(2, 0, 0), event(3, 0, 2))));
        final DataStream b = p.source("b", Sources.collection(EVENT, List.<Object[]>of(event(10, 0, 1))));
        final CollectSink sink = Sinks.collect();
        a.union("a-and-b", b)
            .flatMap("repeat", WORD, (in, out) ->
            {
                for (long i = 0; i < in.getLong(VALUE); i++)
                {
                    out.next().putLong(LINE, in.getLong(KEY)).putVarString(TEXT, "w" + i);
                    out.emit();
                }
            })
            .filter("not-w2", row -> !row.varStringEquals(TEXT, "w2"))
            .sink("out", sink);
        p.execute(new JobContext().shards(shards)).join();
        assertEquals(List.of("1,w0", "1,w1", "10,w0", "3,w0", "3,w1"), sink.sortedRows());
    }
}
