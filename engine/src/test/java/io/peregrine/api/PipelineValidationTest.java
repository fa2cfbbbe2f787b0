package io.peregrine.api;

import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.KeyedStream;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sources;
import io.peregrine.config.JobContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineValidationTest
{
    static final Schema S = Schema.builder("s").int64("k").timestamp("ts").float64("price").varString("note").build();

    private static void assertMessage(final Throwable e, final String... parts)
    {
        for (final String part : parts)
        {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void shouldRejectAWindowWithoutTimestamps()
    {
        final Pipeline p = Pipeline.create("p");
        final KeyedStream keyed = p.source("src", Sources.collection(S, List.of())).keyBy("by-k", S.int64("k"));
        assertMessage(assertThrows(PipelineException.class, () -> keyed.window(Windows.tumbling(1000))),
            "needs event time", "WatermarkStrategy");
    }

    @Test
    void shouldRejectReadingAFieldAsTheWrongType()
    {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> S.int64("price")),
            "'price'", "FLOAT64", "not INT64");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> S.field("nope")), "no field 'nope'", "k:INT64");
    }

    @Test
    void shouldRejectAFieldOfAnotherSchema()
    {
        final Schema other = Schema.builder("other").int64("k").build();
        final Pipeline p = Pipeline.create("p");
        final DataStream src = p.source("src", Sources.collection(S, List.of()));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> src.keyBy("by-k", other.int64("k"))),
            "belongs to schema 'other'", "'s'");
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> src.keyBy("by-k2", S.int64("k")).aggregate("agg", Aggregations.sum("sum", other.int64("k")))),
            "belongs to schema 'other'");
    }

    @Test
    void shouldRejectKeyedStateOverVariableLengthRows()
    {
        final Pipeline p = Pipeline.create("p");
        final KeyedStream keyed = p.source("src", Sources.collection(S, List.of())).keyBy("by-k", S.int64("k"));
        assertMessage(assertThrows(PipelineException.class, () -> keyed.reduce("r", (a, b, out) -> out.copyOf(b))),
            "variable-length", "fixed-width");
        assertMessage(assertThrows(PipelineException.class, () -> Aggregations.sum("s", S.varString("note"))),
            "sum('note')", "VAR_STRING");
    }

    @Test
    void shouldRejectDuplicateNamesAndAPipelineWithoutSink()
    {
        final Pipeline p = Pipeline.create("p");
        final DataStream src = p.source("src", Sources.collection(S, List.of()));
        assertMessage(assertThrows(PipelineException.class, () -> src.filter("src", row -> true)), "already has", "'src'");
        assertMessage(assertThrows(PipelineException.class, () -> p.execute(new JobContext().shards(1))), "no sink");
    }

    @Test
    void shouldRejectInvalidSettingsNamingTheProperty()
    {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new JobContext().shards(0).conclude()),
            "peregrine.shards=0", "1..1024");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new JobContext().idleStrategyName("spin").conclude()),
            "peregrine.idle.strategy=spin", "one of busy-spin, yield, backoff, sleep");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new JobContext().ringCapacity(5000).conclude()),
            "peregrine.exchange.ring.capacity=5000", "power of two");
    }

    @Test
    void shouldWriteAndReadEveryFieldTypeInPlace()
    {
        final Schema all = Schema.builder("all").int32("i").int64("l").float64("d").timestamp("t").ascii("a", 6)
            .varString("v").varBytes("b").build();
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(new byte[128]);
        final RowWriter w = new RowWriter().wrap(all, buffer, 8, 120);
        w.putInt(all.int32("i"), -3).putLong(all.int64("l"), 1L << 40).putDouble(all.float64("d"), 2.5)
            .putTimestamp(all.timestamp("t"), 1234).putAscii(all.ascii("a"), "EUR").putVarString(all.varString("v"), "hello")
            .putVarBytes(all.varBytes("b"), new org.agrona.concurrent.UnsafeBuffer(new byte[]{ 1, 2, 3 }), 0, 3);
        final Row row = new Row().wrap(all, buffer, 8, w.length());
        assertEquals(-3, row.getInt(all.int32("i")));
        assertEquals(1L << 40, row.getLong(all.int64("l")));
        assertEquals(2.5, row.getDouble(all.float64("d")));
        assertEquals(1234, row.getTimestamp(all.timestamp("t")));
        assertTrue(row.asciiEquals(all.ascii("a"), "EUR"));
        w.putAscii(all.ascii("a"), "\u20acUR");
        assertTrue(row.asciiEquals(all.ascii("a"), "?UR"), "beyond ASCII: '?'");
        assertTrue(row.varStringEquals(all.varString("v"), "hello"));
        assertEquals(3, row.varLength(all.varBytes("b")));
        assertEquals(all.fixedLength() + 5 + 3, w.length());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> w.putAscii(all.ascii("a"), "TOOLONGX")),
            "too long", "'a'");
    }
    @Test
    void shouldEncodeVarStringsAsUtf8AndCompareThemWithoutDecoding()
    {
        final Schema schema = Schema.builder("text").varString("v").varString("w").build();
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(new byte[128]);
        final String text = "h\u00e9llo \u20ac\uD834\uDD1E";
        final RowWriter w = new RowWriter().wrap(schema, buffer, 0, 128);
        w.putVarString(schema.varString("v"), text);
        final byte[] utf8 = "caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        w.putVarString(schema.varString("w"), utf8, 0, utf8.length);
        final Row row = new Row().wrap(schema, buffer, 0, w.length());
        assertEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, row.varLength(schema.varString("v")));
        assertEquals(text, row.getVarString(schema.varString("v"), new StringBuilder()).toString());
        assertTrue(row.varStringEquals(schema.varString("v"), text));
        assertFalse(row.varStringEquals(schema.varString("v"), "h\u00e9llo \u20ac\uD834\uDD1F"));
        assertFalse(row.varStringEquals(schema.varString("v"), "hello"));
        assertTrue(row.varStringEquals(schema.varString("w"), "caf\u00e9"));
        assertFalse(row.varStringEquals(schema.varString("w"), "cafe\u0301"));
        assertEquals("caf\u00e9", row.getVarString(schema.varString("w"), new StringBuilder()).toString());

        // Stores are unchecked after wrap, so wrap and every variable-length value must be checked instead.
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new RowWriter().wrap(schema, buffer, 100, 64)),
            "does not fit", "128");
        final RowWriter small = new RowWriter().wrap(schema, buffer, 0, 40);
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> small.putVarString(schema.varString("v"), new byte[64], 0, 64)), "peregrine.max.row.length", "'v'");
        assertThrows(IndexOutOfBoundsException.class, () -> small.putVarString(schema.varString("v"), new byte[4], 2, 3));

        // Reads are unchecked after wrap too: wrap checks the row, each read checks the field's schema.
        final Schema longs = Schema.builder("longs").int64("a").int64("b").build();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Row().wrap(longs, buffer, 0, 8)),
            "fixed part 16", "cannot be 8 bytes");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Row().wrap(longs, buffer, 120, 16)),
            "offset 120", "buffer of 128");
        final Schema other = Schema.builder("other").int64("a").int64("b").int64("far").build();
        final Row wrapped = new Row().wrap(longs, buffer, 0, 16);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> wrapped.getLong(other.int64("far"))),
            "'far'", "schema 'other'");
    }
}
