package io.peregrine.runtime;

import io.peregrine.api.Aggregations;
import io.peregrine.api.Field;
import io.peregrine.api.FieldType;
import io.peregrine.api.PipelineException;
import io.peregrine.api.Schema;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.connector.CollectSink;
import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A keyBy on a text field keeps every text apart (its bytes are the key, not a hash of them) and the key column of
 * an aggregate is the text. A key reduced to a weak hash (a key function that collides on purpose) shows what keying
 * by a hash would do: colliding texts share state.
 */
class TextKeyTest
{
    private static final Schema QUOTE = Schema.builder("quote").ascii("symbol", 8).timestamp("ts").int64("qty").build();
    private static final Field.Ascii SYMBOL = QUOTE.ascii("symbol");
    private static final Field.Int64 QTY = QUOTE.int64("qty");

    /** Texts that differ in one byte, in length only, by a blank, and the widest the field holds. */
    private static final String[] SYMBOLS = { "A", "AA", "A A", "AAAAAAAA", "AAAAAAAB", "BAAAAAAA", "B", "b", "~~~~~~~~" };

    private static List<Object[]> quotes()
    {
        final List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 3 * SYMBOLS.length; i++)
        {
            rows.add(new Object[]{ SYMBOLS[i % SYMBOLS.length], (long)i, (long)(i % SYMBOLS.length) + 1 });
        }
        return rows;
    }

    private static List<String> expected(final String suffix)
    {
        final TreeMap<String, String> rows = new TreeMap<>();
        for (int s = 0; s < SYMBOLS.length; s++)
        {
            rows.put(SYMBOLS[s], SYMBOLS[s] + suffix.replace("SUM", Long.toString(3L * (s + 1))));
        }
        return new ArrayList<>(rows.values());
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldKeepEveryTextApartAndWriteItInTheKeyColumn(final int shards)
    {
        for (final boolean twoStage : new boolean[] { true, false })
        {
            final Pipeline p = Pipeline.create("symbols");
            final CollectSink totals = Sinks.collect();
            final CollectSink windows = Sinks.collect();
            final var keyed = p.source("quotes", Sources.collection(QUOTE, quotes()),
                WatermarkStrategy.boundedOutOfOrderness(QUOTE.timestamp("ts"), 0)).keyBy("by-symbol", SYMBOL);
            final DataStream running = keyed.aggregate("running", Aggregations.sum("qty", QTY));
            running.sink("totals", totals);
            final DataStream windowed = keyed.window(Windows.tumbling(1000)).aggregate("per-second", Aggregations.sum("qty", QTY));
            windowed.sink("windows", windows);
            assertEquals(FieldType.ASCII, running.schema().field("key").type());
            assertEquals(8, running.schema().field("key").width());
            assertEquals(FieldType.ASCII, windowed.schema().field("key").type());
            p.execute(new JobContext().shards(shards).windowTwoStage(twoStage).idleStrategy(IdleStrategyKind.YIELD)).join();

            final List<String> lastTotals = new ArrayList<>();
            final TreeMap<String, String> last = new TreeMap<>();
            for (final String row : totals.rows())
            {
                // running sums per key only grow: the largest is the key's last
                last.merge(row.substring(0, row.indexOf(',')), row, (a, b) ->
                    Long.parseLong(a.substring(a.indexOf(',') + 1)) >= Long.parseLong(b.substring(b.indexOf(',') + 1)) ? a : b);
            }
            lastTotals.addAll(last.values());
            assertEquals(expected(",SUM"), lastTotals, shards + " shard(s)");
            assertEquals(expected(",0,1000,SUM").stream().sorted().toList(), windows.sortedRows(), // sorted as text
                shards + " shard(s), two-stage " + twoStage);
        }
    }

    @Test
    void shouldShareStateBetweenKeysAKeyFunctionHashesTogether()
    {
        // What a key reduced to a hash does: a deliberately weak one (the length) puts "AA" and "BB" on one key.
        final Pipeline p = Pipeline.create("weak");
        final CollectSink sink = Sinks.collect();
        p.source("quotes", Sources.collection(QUOTE, List.of(new Object[]{ "AA", 1L, 1L }, new Object[]{ "BB", 2L, 2L })))
            .keyBy("by-length", row -> row.asciiLength(SYMBOL))
            .aggregate("sums", Aggregations.sum("qty", QTY))
            .sink("out", sink);
        p.execute(new JobContext().shards(2).idleStrategy(IdleStrategyKind.YIELD)).join();
        assertEquals(List.of("2,1", "2,3"), sink.sortedRows());
        // The same texts keyed by the field stay apart.
        final Pipeline exact = Pipeline.create("exact");
        final CollectSink apart = Sinks.collect();
        exact.source("quotes", Sources.collection(QUOTE, List.of(new Object[]{ "AA", 1L, 1L }, new Object[]{ "BB", 2L, 2L })))
            .keyBy("by-symbol", SYMBOL)
            .aggregate("sums", Aggregations.sum("qty", QTY))
            .sink("out", apart);
        exact.execute(new JobContext().shards(2).idleStrategy(IdleStrategyKind.YIELD)).join();
        assertEquals(List.of("AA,1", "BB,2"), apart.sortedRows());
    }

    @Test
    void shouldRefuseAKeyByOnTextWiderThanAKey()
    {
        final Schema wide = Schema.builder("wide").ascii("name", 16).int64("qty").build();
        final Pipeline p = Pipeline.create("wide");
        final var stream = p.source("names", Sources.collection(wide, List.of()));
        final PipelineException e = assertThrows(PipelineException.class, () -> stream.keyBy("by-name", wide.ascii("name")));
        assertTrue(e.getMessage().startsWith("keyBy 'by-name' on ASCII field 'name' of 16 characters: a key is 64 bits"),
            e.getMessage());
    }
}
