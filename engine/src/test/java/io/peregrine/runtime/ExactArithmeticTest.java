package io.peregrine.runtime;

import io.peregrine.config.JobContext;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.StateBackend;
import io.peregrine.api.Aggregations;
import io.peregrine.api.Field;
import io.peregrine.api.JobFailedException;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Schema;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.connector.CollectSink;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static io.peregrine.runtime.TestSchemas.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sums and counts stay exact or fail the record, naming the operator, the aggregate, the field and where the record
 * came from; decimals are read, summed and written without rounding or wrapping. On 1, 2 and 4 shards, the window
 * aggregated in one stage and in two.
 */
class ExactArithmeticTest
{
    private static final Schema TRADE = Schema.builder("trade")
        .int64("key").timestamp("ts").decimal("price", 18, 4).int64("qty").build();
    private static final Field.Decimal PRICE = TRADE.decimal("price");

    @TempDir
    Path dir;

    private static JobContext context(final int shards, final boolean twoStage)
    {
        return new JobContext().shards(shards).windowTwoStage(twoStage).idleStrategy(IdleStrategyKind.YIELD)
            .stateBackend(StateBackend.DIRECT);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldFailASumThatWouldWrapNamingTheOperatorTheFieldAndTheRecord(final int shards)
    {
        for (final boolean twoStage : new boolean[] { true, false })
        {
            final Pipeline p = Pipeline.create("overflow");
            // Two records of key 1 in window [0, 1000): their sum passes Long.MAX_VALUE.
            p.source("numbers", Sources.collection(EVENT, List.of(
                    event(1, 10, Long.MAX_VALUE - 5), event(2, 20, 1), event(1, 30, 6))),
                    WatermarkStrategy.boundedOutOfOrderness(TS, 0))
                .keyBy("by-key", KEY)
                .window(Windows.sliding(1000, 500))
                .aggregate("totals", Aggregations.count("n"), Aggregations.sum("total", VALUE))
                .sink("out", Sinks.collect());
            final JobFailedException e = assertThrows(JobFailedException.class,
                () -> p.execute(context(shards, twoStage)).join());
            final String message = e.getMessage();
            assertTrue(message.contains("operator 'totals"), message);  // 'totals' or its local stage 'totals-local'
            assertTrue(message.contains("aggregate 'total' overflows: sum of 'value' leaves INT64"), message);
            assertTrue(message.contains("9223372036854775802 + 6"), message);
            assertTrue(message.contains("sum a DECIMAL copy of the field"), message);
            assertTrue(message.contains("source 'numbers' split 0, position 2"), message);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldSumDecimalsExactlyBeyondALong(final int shards) throws Exception
    {
        // Prices of 18 digits (14 before the point): the sum of twelve (key 3) no long holds, a DECIMAL(38, 4) does.
        final StringBuilder twelve = new StringBuilder();
        for (int i = 0; i < 12; i++)
        {
            twelve.append("3,600,99999999999999.9999,1\n");
        }
        final Path csv = dir.resolve("trades.csv");
        Files.writeString(csv, twelve + String.join("\n",
            "1,100,99999999999999.9999,5",
            "1,200,99999999999999.9999,6",
            "1,300,0.00005,7",              // rounded half up to 0.0001
            "2,400,-1.5e2,1",               // -150.0000
            "2,500,12.34567,2",             // 12.3457
            "1,1200,1,1",
            ""));
        for (final boolean twoStage : new boolean[] { true, false })
        {
            final Pipeline p = Pipeline.create("decimals");
            final CollectSink sink = Sinks.collect();
            p.source("trades", Sources.csv(TRADE, false, csv), WatermarkStrategy.boundedOutOfOrderness(TRADE.timestamp("ts"), 0))
                .keyBy("by-key", TRADE.int64("key"))
                .window(Windows.tumbling(1000))
                .aggregate("notional", Aggregations.sum("total", PRICE), Aggregations.max("high", PRICE),
                    Aggregations.sum("qty", TRADE.int64("qty")))
                .sink("out", sink);
            p.execute(context(shards, twoStage).deadLetterDir(dir.resolve("dead"))).join();
            assertEquals(List.of(
                "1,0,1000,199999999999999.9999,99999999999999.9999,18",
                "1,1000,2000,1.0000,1.0000,1",
                "2,0,1000,-137.6543,12.3457,3",
                "3,0,1000,1199999999999999.9988,99999999999999.9999,12"), sink.sortedRows(), shards + " shard(s), two-stage " + twoStage);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldDeadLetterADecimalOfMoreDigitsThanItsField(final int shards) throws Exception
    {
        final Path csv = dir.resolve("trades.csv");
        Files.writeString(csv, "1,100,100000000000000,5\n1,100,12.5,5\n1,100,1x,5\n");
        final CollectSink sink = Sinks.collect();
        final Pipeline p = Pipeline.create("wide");
        p.source("trades", Sources.csv(TRADE, false, csv)).sink("out", sink);
        p.execute(context(shards, true).deadLetterDir(dir.resolve("dead"))).join();
        assertEquals(List.of("1,100,12.5000,5"), sink.rows());
        final List<String> dead = Files.readAllLines(dir.resolve("dead").resolve("wide-trades-split-0.tsv"));
        assertTrue(dead.get(1).startsWith("1\tfield 'price': '100000000000000' has more digits than DECIMAL(18, 4) holds"),
            dead.toString());
        assertTrue(dead.get(2).startsWith("3\tfield 'price': '1x' is not a DECIMAL(18, 4)"), dead.toString());
    }
}
