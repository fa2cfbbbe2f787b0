package io.peregrine.demo;

import io.peregrine.api.Field;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Row;
import io.peregrine.connector.RowGenerator;

/**
 * Synthetic market data: trades and quotes for a universe of instruments whose activity is skewed
 * (a few instruments trade far more than the rest, as on a real exchange). Event {@code i} is a pure
 * function of {@code i}, so any run, on any shard count, sees the same events.
 * <p>
 * Prices follow a slow per-instrument wave with noise, so that some instruments move by several
 * percent within seconds and trip the price-move alert.
 */
public final class MarketData implements RowGenerator
{
    public static final Schema SCHEMA = Schema.builder("market_data")
        .int64("instrument")
        .ascii("symbol", 8)
        .timestamp("ts")
        .int32("kind")
        .float64("price")
        .int64("qty")
        .float64("bid")
        .float64("ask")
        .int64("ingest_ns")
        .build();

    public static final Field.Int64 INSTRUMENT = SCHEMA.int64("instrument");
    public static final Field.Ascii SYMBOL = SCHEMA.ascii("symbol");
    public static final Field.Timestamp TS = SCHEMA.timestamp("ts");
    public static final Field.Int32 KIND = SCHEMA.int32("kind");
    public static final Field.Float64 PRICE = SCHEMA.float64("price");
    public static final Field.Int64 QTY = SCHEMA.int64("qty");
    public static final Field.Float64 BID = SCHEMA.float64("bid");
    public static final Field.Float64 ASK = SCHEMA.float64("ask");
    public static final Field.Int64 INGEST_NS = SCHEMA.int64("ingest_ns");

    public static final int TRADE = 0;
    public static final int QUOTE = 1;

    /** 2024-01-02T09:00:00Z: event time of event 0. */
    public static final long START_MS = 1_704_186_000_000L;

    private final int instruments;
    private final long eventsPerEventSecond;
    private final IngestStamp ingestStamp;
    private final byte[] symbols;
    private final double[] basePrice;
    private final double[] period;

    /**
     * @param instruments          in the universe.
     * @param eventsPerEventSecond events per second of event time.
     */
    public MarketData(final int instruments, final long eventsPerEventSecond)
    {
        this(instruments, eventsPerEventSecond, IngestStamp.NOW);
    }

    /**
     * What goes into {@code ingest_ns}, the start of every latency measurement.
     */
    @FunctionalInterface
    public interface IngestStamp
    {
        /** The nano time the event was generated. */
        IngestStamp NOW = index -> System.nanoTime();
        /** Zero: byte-for-byte reproducible output. */
        IngestStamp NONE = index -> 0;

        /**
         * @param index of the event.
         * @return nano time to stamp; for a paced source, its intended send time
         * ({@code GeneratorSource::intendedNs}), which corrects for coordinated omission.
         */
        long ingestNs(long index);
    }

    /**
     * @param instruments          in the universe.
     * @param eventsPerEventSecond events per second of event time.
     * @param ingestStamp          what to write into ingest_ns.
     */
    public MarketData(final int instruments, final long eventsPerEventSecond, final IngestStamp ingestStamp)
    {
        if (instruments < 1 || instruments > 1_000_000)
        {
            throw new IllegalArgumentException("instruments must be in 1..1000000: " + instruments);
        }
        if (eventsPerEventSecond < 1)
        {
            throw new IllegalArgumentException("events per event-second must be >= 1: " + eventsPerEventSecond);
        }
        this.instruments = instruments;
        this.eventsPerEventSecond = eventsPerEventSecond;
        this.ingestStamp = ingestStamp;
        this.symbols = new byte[instruments * 8];
        this.basePrice = new double[instruments];
        this.period = new double[instruments];
        for (int i = 0; i < instruments; i++)
        {
            final long h = Row.mix(i * 0x9E3779B97F4A7C15L + 17);
            basePrice[i] = 5 + (h >>> 40) % 50_000 / 100.0;
            period[i] = 10_000 + (h >>> 20) % 120_000;
            final String symbol = symbol(i);
            for (int c = 0; c < symbol.length(); c++)
            {
                symbols[i * 8 + c] = (byte)symbol.charAt(c);
            }
        }
    }

    static String symbol(final int instrument)
    {
        final StringBuilder sb = new StringBuilder("X");
        int n = instrument;
        do
        {
            sb.append((char)('A' + n % 26));
            n /= 26;
        }
        while (n > 0);
        return sb.toString();
    }

    public int instruments()
    {
        return instruments;
    }

    /**
     * @param index of an event.
     * @return its instrument: skewed, instrument 0 the most active.
     */
    public int instrumentOf(final long index)
    {
        final double u = (Row.mix(index) >>> 11) * 0x1.0p-53;
        return (int)(instruments * u * u * u);
    }

    public long timestampOf(final long index)
    {
        return START_MS + index * 1000 / eventsPerEventSecond;
    }

    public void generate(final long index, final RowWriter out)
    {
        final long h = Row.mix(index ^ 0x5DEECE66DL);
        final int instrument = instrumentOf(index);
        final long ts = timestampOf(index);
        final double wave = Math.sin((ts - START_MS) / period[instrument] * 2 * Math.PI);
        final double noise = ((h & 0xFFFF) - 32768) / 32768.0 * 0.001;
        final double mid = basePrice[instrument] * (1 + 0.03 * wave + noise);
        final double halfSpread = mid * 0.0002 * (1 + ((h >>> 16) & 3));
        final int kind = ((h >>> 20) & 3) == 0 ? TRADE : QUOTE;
        final org.agrona.MutableDirectBuffer buffer = out.buffer();
        final int base = out.offset();
        out.putLong(INSTRUMENT, instrument)
            .putTimestamp(TS, ts)
            .putInt(KIND, kind)
            .putDouble(PRICE, kind == TRADE ? round(mid + (((h >>> 22) & 1) == 0 ? -halfSpread : halfSpread)) : 0)
            .putLong(QTY, kind == TRADE ? 1 + ((h >>> 24) & 0x3FF) : 0)
            .putDouble(BID, round(mid - halfSpread))
            .putDouble(ASK, round(mid + halfSpread))
            .putLong(INGEST_NS, ingestStamp.ingestNs(index));
        buffer.putBytes(base + SYMBOL.offset(), symbols, instrument * 8, 8);
    }

    private static double round(final double price)
    {
        return Math.round(price * 100) / 100.0;
    }
}
