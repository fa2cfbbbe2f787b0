package io.peregrine.runtime;

import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import io.peregrine.api.Field;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Schema;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.connector.CollectSink;
import io.peregrine.metrics.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadInputTest
{
    static final Schema TRADES = Schema.builder("trades")
        .ascii("symbol", 4).timestamp("ts").float64("price").int32("qty").varString("venue").build();

    @Test
    void shouldDeadLetterMalformedLinesWithTheirLineNumberAndReasonAndGoOn(@TempDir final Path dir) throws Exception
    {
        final Path csv = dir.resolve("trades.csv");
        Files.writeString(csv, String.join("\n",
            "symbol,ts,price,qty,venue",
            "ABC,1000,10.5,100,XNAS",
            "ABC,1001,10.5",
            "ABC,1002,ten,100,XNAS",
            "TOOLONG,1003,10.5,100,XNAS",
            "\"Q,Z\",1004,1.25,7,\"say \"\"hi\"\"\"",
            "ABC,1005,10.5,99999999999,XNAS",
            "XYZ,1006,-0.001,3,BATS",
            ""));
        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("csv");
        p.source("trades-file", Sources.csv(TRADES, true, csv)).sink("out", sink);
        final Path deadLetters = dir.resolve("dead");
        final Job job = p.execute(new JobContext().shards(2).deadLetterDir(deadLetters));
        job.join();

        assertEquals(List.of("ABC,1000,10.5,100,XNAS", "Q,Z,1004,1.25,7,say \"hi\"", "XYZ,1006,-0.001,3,BATS"), sink.rows());
        assertEquals(4, job.counters().total(Metric.MALFORMED_RECORDS));
        final List<String> lines = Files.readAllLines(deadLetters.resolve("csv-trades-file-split-0.tsv"));
        assertEquals(5, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("3\texpected 5 fields, found 3\tABC,1001,10.5"), lines.get(1));
        assertTrue(lines.get(2).startsWith("4\tfield 'price': 'ten' is not a number"), lines.get(2));
        assertTrue(lines.get(3).startsWith("5\tfield 'symbol': 7 chars, longer than its 4"), lines.get(3));
        assertTrue(lines.get(4).startsWith("7\tfield 'qty': 99999999999 out of int32 range"), lines.get(4));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = { 1, 2, 4 })
    void shouldReadMissingFieldsAsZeroAndConvertIntegersUnderTheLenientPolicy(final int shards, @TempDir final Path dir)
        throws Exception
    {
        final Path csv = dir.resolve("trades.csv");
        Files.writeString(csv, String.join("\n",
            "symbol,ts,price,qty,venue",
            "ABC,1000,10.5,100,XNAS",
            "ABC,1001,10.5",                // 3 qty and venue missing: 0 and empty
            "ABC,1002,,5.0,XNAS",           // 4 price empty: 0.0; qty 5.0: 5
            "ABC,1003,1.5,5.5,XNAS",        // 5 qty not an integer
            "ABC,,1.5,1,XNAS",              // 6 no time
            "ABC,1e3,2.5,2e1,X",            // 7 ts 1000, qty 20
            "ABC,1005,1,2,X,more",          // 8 a field too many
            ""));
        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("lenient");
        p.source("trades-file", Sources.csv(TRADES, true, csv).inputPolicy(io.peregrine.api.InputPolicy.LENIENT))
            .sink("out", sink);
        final Path deadLetters = dir.resolve("dead");
        final Job job = p.execute(new JobContext().shards(shards).deadLetterDir(deadLetters));
        job.join();

        assertEquals(List.of("ABC,1000,10.5,100,XNAS", "ABC,1001,10.5,0,", "ABC,1002,0.0,5,XNAS", "ABC,1000,2.5,20,X"),
            sink.rows());
        assertEquals(3, job.counters().total(Metric.MALFORMED_RECORDS));
        assertEquals(3, job.counters().total(Metric.DEFAULTED_FIELDS));
        assertEquals(3, job.counters().total(Metric.CONVERTED_FIELDS));
        assertEquals("late records 0, malformed inputs 3, fields read as zero 3, fields converted 3",
            job.counters().inputSummary());
        final List<String> lines = Files.readAllLines(deadLetters.resolve("lenient-trades-file-split-0.tsv"));
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("5\tfield 'qty': '5.5' is not an integer"), lines.get(1));
        assertTrue(lines.get(2).startsWith("6\tfield 'ts': missing, and a time is never read as zero"), lines.get(2));
        assertTrue(lines.get(3).startsWith("8\texpected 5 fields, found 6"), lines.get(3));
    }

    @Test
    void shouldParseNumbersExactlyLikeTheJdk(@TempDir final Path dir) throws Exception
    {
        final Schema schema = Schema.builder("n").float64("x").int64("y").build();
        final String[] values = { "0", "-0.5", "3.14159", "1e10", "123456789012345678", "0.1", "2.5E-3", "99.99", "-7" };
        final StringBuilder text = new StringBuilder();
        for (final String v : values)
        {
            text.append(v).append(",1\n");
        }
        final Path csv = dir.resolve("n.csv");
        Files.writeString(csv, text);
        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("numbers");
        p.source("n", Sources.csv(schema, false, csv)).sink("out", sink);
        p.execute(new JobContext().shards(1).deadLetterDir(dir)).join();
        final Field.Float64 x = schema.float64("x");
        assertEquals(values.length, sink.rows().size());
        for (int i = 0; i < values.length; i++)
        {
            assertEquals(Double.toString(Double.parseDouble(values[i])) + ",1", sink.rows().get(i), values[i] + " via " + x);
        }
    }

    @Test
    void shouldRefuseAMissingFileByName()
    {
        final Pipeline p = Pipeline.create("missing");
        p.source("file", Sources.csv(TRADES, false, Path.of("no-such-file.csv"))).sink("out", Sinks.collect());
        final IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> p.execute(new JobContext().shards(1)));
        assertTrue(e.getMessage().contains("no-such-file.csv"), e.getMessage());
        assertTrue(e.getMessage().contains("source 'file'"), e.getMessage());
    }
}
