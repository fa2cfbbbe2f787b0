package io.peregrine.bench.micro;

import io.peregrine.api.Field;
import io.peregrine.api.MutableRow;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.bench.JvmFlags;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Cost of reading one field of a record through the {@link Row} flyweight (off-heap, in place) and
 * of writing one record through {@link RowWriter}, beside the same access to a plain heap object
 * ({@link Trade}) with the same fields, and a plain {@code long[]} column.
 * <p>
 * Every operation first moves to the next of {@value #ROWS} records (cycling), so a read is
 * "{@code row.wrap(...)} + one accessor" on the flyweight side and "array load + field load" on the
 * heap side: the value read changes every operation and cannot be hoisted or folded. The records
 * are the same on both sides: 1,024 rows of {@link #TRADE} in one aligned direct buffer
 * ({@value #STRIDE} bytes apart), and 1,024 {@link Trade} objects with distinct {@code String}
 * instances. Symbols and notes all have the same length and differ only in their last character,
 * so {@code asciiEquals} / {@code varStringEquals} compare every byte (1 in 16 is equal).
 * <p>
 * Expected allocation ({@code -prof gc}, {@code gc.alloc.rate.norm}): ~0 B/op everywhere except
 * {@link #pojoAllocate()}, the naive object-per-record path, shown for contrast.
 * <p>
 * {@code java -jar jmh/target/benchmarks.jar FlyweightBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    JvmFlags.EXPORT_MISC, JvmFlags.OPEN_LANG, JvmFlags.OPEN_REFLECT, JvmFlags.OPEN_NIO, JvmFlags.EXPORT_NIO_CH,
    JvmFlags.EXPORT_REF, JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER })
public class FlyweightBenchmark
{
    /** Records cycled over (a power of two). */
    public static final int ROWS = 1024;
    /** Bytes between rows in the buffer: the 52-byte fixed part plus up to 76 variable bytes. */
    public static final int STRIDE = 128;
    /** Distinct symbols / notes. */
    static final int VALUES = 16;

    static final Schema TRADE = Schema.builder("trade")
        .int64("instrument").ascii("symbol", 8).timestamp("ts").float64("price").int64("qty").int32("venue")
        .varString("note")
        .build();
    static final Field.Int64 INSTRUMENT = TRADE.int64("instrument");
    static final Field.Ascii SYMBOL = TRADE.ascii("symbol");
    static final Field.Timestamp TS = TRADE.timestamp("ts");
    static final Field.Float64 PRICE = TRADE.float64("price");
    static final Field.Int64 QTY = TRADE.int64("qty");
    static final Field.Int32 VENUE = TRADE.int32("venue");
    static final Field.VarString NOTE = TRADE.varString("note");

    /**
     * The heap baseline: a plain Java object with the same fields as {@link #TRADE}.
     */
    public static final class Trade
    {
        public long instrument;
        public String symbol;
        public long ts;
        public double price;
        public long qty;
        public int venue;
        public String note;
    }

    // Not final, so the JIT cannot constant-fold through them.
    UnsafeBuffer rows;
    UnsafeBuffer out;
    int[] rowLengths;
    Trade[] trades;
    Trade[] outTrades;
    long[] instrumentColumn;
    String[] symbols;
    String[] notes;
    String symbolProbe;
    String noteProbe;
    final MutableRow row = new MutableRow();
    final RowWriter writer = new RowWriter();
    int index;
    long sequence;

    static String symbol(final int i)
    {
        return "SYM" + (char)('A' + (i % VALUES));
    }

    static String note(final int i)
    {
        return "venue-note-" + (char)('A' + (i % VALUES));
    }

    static long instrument(final long i)
    {
        return Row.mix(i) & 0xFFFF;
    }

    static double price(final long i)
    {
        return 100.0 + (i % 1000) * 0.01;
    }

    /**
     * Writes the {@value #ROWS} records both ways, with the same values.
     */
    @Setup
    public void setUp()
    {
        rows = new UnsafeBuffer(BufferUtil.allocateDirectAligned(ROWS * STRIDE, 64));
        out = new UnsafeBuffer(BufferUtil.allocateDirectAligned(ROWS * STRIDE, 64));
        rowLengths = new int[ROWS];
        trades = new Trade[ROWS];
        outTrades = new Trade[ROWS];
        instrumentColumn = new long[ROWS];
        symbols = new String[VALUES];
        notes = new String[VALUES];
        for (int v = 0; v < VALUES; v++)
        {
            symbols[v] = symbol(v);
            notes[v] = note(v);
        }
        // Distinct instances, so String.equals cannot shortcut on identity.
        symbolProbe = new String(symbol(VALUES - 1).toCharArray());
        noteProbe = new String(note(VALUES - 1).toCharArray());
        final RowWriter w = new RowWriter();
        for (int i = 0; i < ROWS; i++)
        {
            w.wrap(TRADE, rows, i * STRIDE, STRIDE)
                .putLong(INSTRUMENT, instrument(i))
                .putAscii(SYMBOL, symbol(i))
                .putTimestamp(TS, 1_700_000_000_000L + i)
                .putDouble(PRICE, price(i))
                .putLong(QTY, 1 + (i % 500))
                .putInt(VENUE, i % 7)
                .putVarString(NOTE, note(i));
            rowLengths[i] = w.length();
            final Trade t = new Trade();
            t.instrument = instrument(i);
            t.symbol = new String(symbol(i).toCharArray());
            t.ts = 1_700_000_000_000L + i;
            t.price = price(i);
            t.qty = 1 + (i % 500);
            t.venue = i % 7;
            t.note = new String(note(i).toCharArray());
            trades[i] = t;
            outTrades[i] = new Trade();
            instrumentColumn[i] = instrument(i);
        }
    }

    private int next()
    {
        final int i = index;
        index = (i + 1) & (ROWS - 1);
        return i;
    }

    private Row nextRow()
    {
        final int i = next();
        return row.wrap(TRADE, rows, i * STRIDE, rowLengths[i]);
    }

    /** @return {@code row.getLong(instrument)} of the next record. */
    @Benchmark
    public long rowGetLong()
    {
        return nextRow().getLong(INSTRUMENT);
    }

    /** @return {@code row.getDouble(price)} of the next record. */
    @Benchmark
    public double rowGetDouble()
    {
        return nextRow().getDouble(PRICE);
    }

    /** @return {@code row.getInt(venue)} of the next record. */
    @Benchmark
    public int rowGetInt()
    {
        return nextRow().getInt(VENUE);
    }

    /** @return {@code row.asciiEquals(symbol, probe)} of the next record (fixed 8-byte ASCII, 4 used). */
    @Benchmark
    public boolean rowAsciiEquals()
    {
        return nextRow().asciiEquals(SYMBOL, symbolProbe);
    }

    /** @return {@code row.varStringEquals(note, probe)} of the next record (12 characters). */
    @Benchmark
    public boolean rowVarStringEquals()
    {
        return nextRow().varStringEquals(NOTE, noteProbe);
    }

    /**
     * Write a whole record (every field, the ASCII and the variable-length string) through
     * {@link RowWriter}, into the next of {@value #ROWS} slots of an output buffer.
     *
     * @return the row's length.
     */
    @Benchmark
    public int rowWrite()
    {
        final int i = next();
        final long seq = sequence++;
        final int v = (int)(seq & (VALUES - 1));
        return writer.wrap(TRADE, out, i * STRIDE, STRIDE)
            .putLong(INSTRUMENT, seq)
            .putAscii(SYMBOL, symbols[v])
            .putTimestamp(TS, seq)
            .putDouble(PRICE, seq * 0.5)
            .putLong(QTY, seq + 1)
            .putInt(VENUE, v)
            .putVarString(NOTE, notes[v])
            .length();
    }

    /** @return {@code trade.instrument} of the next heap record. */
    @Benchmark
    public long pojoGetLong()
    {
        return trades[next()].instrument;
    }

    /** @return {@code trade.price} of the next heap record. */
    @Benchmark
    public double pojoGetDouble()
    {
        return trades[next()].price;
    }

    /** @return {@code trade.venue} of the next heap record. */
    @Benchmark
    public int pojoGetInt()
    {
        return trades[next()].venue;
    }

    /** @return {@code trade.symbol.equals(probe)} of the next heap record. */
    @Benchmark
    public boolean pojoAsciiEquals()
    {
        return trades[next()].symbol.equals(symbolProbe);
    }

    /** @return {@code trade.note.equals(probe)} of the next heap record. */
    @Benchmark
    public boolean pojoVarStringEquals()
    {
        return trades[next()].note.equals(noteProbe);
    }

    /**
     * Set every field of the next of {@value #ROWS} reused heap objects (strings by reference: no
     * bytes are copied, unlike {@link #rowWrite()}).
     *
     * @return the object.
     */
    @Benchmark
    public Trade pojoWrite()
    {
        final Trade t = outTrades[next()];
        final long seq = sequence++;
        final int v = (int)(seq & (VALUES - 1));
        t.instrument = seq;
        t.symbol = symbols[v];
        t.ts = seq;
        t.price = seq * 0.5;
        t.qty = seq + 1;
        t.venue = v;
        t.note = notes[v];
        return t;
    }

    /**
     * The naive record-as-object path: a new heap object per record (strings by reference). Shows
     * the allocation ({@code gc.alloc.rate.norm}) the flyweight avoids.
     *
     * @return the new object.
     */
    @Benchmark
    public Trade pojoAllocate()
    {
        final long seq = sequence++;
        final int v = (int)(seq & (VALUES - 1));
        final Trade t = new Trade();
        t.instrument = seq;
        t.symbol = symbols[v];
        t.ts = seq;
        t.price = seq * 0.5;
        t.qty = seq + 1;
        t.venue = v;
        t.note = notes[v];
        return t;
    }

    /** @return {@code instrument[i]} of the next record from a plain {@code long[]} column. */
    @Benchmark
    public long arrayGetLong()
    {
        return instrumentColumn[next()];
    }
}
