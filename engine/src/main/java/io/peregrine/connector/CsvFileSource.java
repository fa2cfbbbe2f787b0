package io.peregrine.connector;

import io.peregrine.api.Field;
import io.peregrine.api.FieldType;
import io.peregrine.api.InputPolicy;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Source;
import io.peregrine.api.SourceContext;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * CSV files against a schema, one split per file, parsed from bytes in place (no String per line).
 * Fields are comma separated; a field may be double-quoted, with {@code ""} for a quote inside.
 * A line that does not fit the schema (wrong field count, a number that does not parse or overflows,
 * a string longer than its field, non-ASCII text) is counted and dead-lettered with its line number
 * and the reason; reading goes on. The replay position of a record is its line number (from 1).
 * <p>
 * Missing and mistyped fields follow the source's {@link InputPolicy} ({@link #inputPolicy(InputPolicy)}), by default
 * {@link InputPolicy#REJECT} as Flink's CSV format, which fails on a row of the wrong length or a number that does not
 * parse. With {@link InputPolicy#LENIENT}, missing trailing fields and empty unquoted numbers are read as zero (a
 * missing timestamp still rejects the line), and an integer written as a decimal ({@code 5.0}, {@code 5e2}) is
 * converted; each such field is counted.
 */
public final class CsvFileSource implements Source
{
    /** Longest line accepted, in bytes. */
    public static final int MAX_LINE_LENGTH = 1024 * 1024;

    private final Schema schema;
    private final List<Path> files;
    private final boolean header;
    private InputPolicy policy = InputPolicy.REJECT;

    /**
     * @param schema of each line.
     * @param files  one split each.
     * @param header true if the first line of each file is a header to skip.
     */
    public CsvFileSource(final Schema schema, final List<Path> files, final boolean header)
    {
        if (files.isEmpty())
        {
            throw new IllegalArgumentException("CSV source needs at least one file");
        }
        this.schema = schema;
        this.files = List.copyOf(files);
        this.header = header;
    }

    /**
     * @param policy for missing and mistyped fields; default {@link InputPolicy#REJECT}.
     * @return this.
     */
    public CsvFileSource inputPolicy(final InputPolicy policy)
    {
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
        return this;
    }

    public InputPolicy inputPolicy()
    {
        return policy;
    }

    public Schema schema()
    {
        return schema;
    }

    public boolean isBounded()
    {
        return true;
    }

    public boolean isReplayable()
    {
        return true;
    }

    public int splitCount(final int shards)
    {
        return files.size();
    }

    /**
     * @return {@code file:line}, the line numbered from 1 as an editor numbers it.
     */
    public String describePosition(final int split, final long position)
    {
        return split >= 0 && split < files.size() ? files.get(split) + ":" + position : Source.super.describePosition(split,
            position);
    }

    public SplitReader createReader(final int split, final int splitCount, final SourceContext context)
    {
        final Path file = files.get(split);
        if (!Files.isReadable(file))
        {
            throw new IllegalArgumentException("CSV file " + file.toAbsolutePath() + " does not exist or is not readable");
        }
        return new Reader(file);
    }

    private final class Reader implements SplitReader
    {
        private final Path file;
        private final FileChannel channel;
        private final ByteBuffer byteBuffer = ByteBuffer.allocateDirect(MAX_LINE_LENGTH + 64 * 1024);
        private final UnsafeBuffer buffer = new UnsafeBuffer(byteBuffer);
        private final int[] fieldStart = new int[256];
        private final int[] fieldEnd = new int[256];
        private final boolean[] quoted = new boolean[256];
        private final UnsafeBuffer unquoted = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_LINE_LENGTH));
        private int limit;
        private int position;
        private long lineNumber;
        private long bufferStart;
        private boolean eof;
        private boolean skippingLongLine;
        private String reason;
        private int defaulted;
        private int converted;

        Reader(final Path file)
        {
            this.file = file;
            try
            {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("cannot open CSV file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
            }
        }

        public int poll(final SourceOutput out, final int limitRecords) throws IOException
        {
            int emitted = 0;
            int lines = 0;
            while (emitted < limitRecords && lines < limitRecords * 4)
            {
                int lineEnd = findNewline(position, limit);
                if (lineEnd < 0)
                {
                    if (eof)
                    {
                        if (position >= limit)
                        {
                            return emitted == 0 ? END : emitted;
                        }
                        lineEnd = limit;
                    }
                    else if (position == 0 && limit >= MAX_LINE_LENGTH)
                    {
                        if (!skippingLongLine)
                        {
                            lineNumber++;
                            out.deadLetter(lineNumber, "line longer than " + MAX_LINE_LENGTH + " bytes",
                                buffer.getStringWithoutLengthAscii(0, 200) + "...");
                            skippingLongLine = true;
                        }
                        position = limit;
                        continue;
                    }
                    else
                    {
                        fill();
                        continue;
                    }
                }
                lines++;
                final int start = position;
                position = lineEnd + 1;
                if (skippingLongLine)
                {
                    skippingLongLine = false;
                    continue;
                }
                lineNumber++;
                int end = lineEnd;
                if (end > start && buffer.getByte(end - 1) == '\r')
                {
                    end--;
                }
                if (header && lineNumber == 1)
                {
                    continue;
                }
                if (end == start)
                {
                    continue;
                }
                if (parse(start, end, out.next()))
                {
                    if (defaulted + converted > 0)
                    {
                        out.lenientFields(defaulted, converted);
                    }
                    out.emit(lineNumber);
                    emitted++;
                }
                else
                {
                    out.deadLetter(lineNumber, reason, buffer.getStringWithoutLengthUtf8(start, end - start));
                }
            }
            return emitted;
        }

        private int findNewline(final int from, final int to)
        {
            for (int i = from; i < to; i++)
            {
                if (buffer.getByte(i) == '\n')
                {
                    return i;
                }
            }
            return -1;
        }

        private void fill() throws IOException
        {
            if (position > 0)
            {
                buffer.putBytes(0, buffer, position, limit - position);
                bufferStart += position;
                limit -= position;
                position = 0;
            }
            byteBuffer.limit(byteBuffer.capacity()).position(limit);
            final int read = channel.read(byteBuffer);
            if (read < 0)
            {
                eof = true;
            }
            else
            {
                limit += read;
            }
        }

        private boolean parse(final int start, final int end, final RowWriter writer)
        {
            final int n = split(start, end);
            if (n < 0)
            {
                return false;
            }
            final int fields = schema.fieldCount();
            if (n > fields || (n < fields && policy == InputPolicy.REJECT))
            {
                reason = "expected " + fields + " fields, found " + n;
                return false;
            }
            defaulted = 0;
            converted = 0;
            for (int i = 0; i < fields; i++)
            {
                final Field field = schema.field(i);
                if (policy == InputPolicy.LENIENT && isMissing(i, n, field))
                {
                    if (field.type() == FieldType.TIMESTAMP)
                    {
                        reason = "field '" + field.name() + "': missing, and a time is never read as zero";
                        return false;
                    }
                    defaulted++; // the fixed part starts zeroed; an unset variable-length field reads as empty
                    continue;
                }
                final int fs = fieldStart[i];
                final int fe = fieldEnd[i];
                switch (field.type())
                {
                    case INT32:
                    {
                        final long v = parseLong(fs, fe, field);
                        if (reason != null)
                        {
                            return false;
                        }
                        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)
                        {
                            reason = "field '" + field.name() + "': " + v + " out of int32 range";
                            return false;
                        }
                        writer.putInt((Field.Int32)field, (int)v);
                        break;
                    }
                    case INT64:
                    case TIMESTAMP:
                    {
                        final long v = parseLong(fs, fe, field);
                        if (reason != null)
                        {
                            return false;
                        }
                        if (field.type() == io.peregrine.api.FieldType.INT64)
                        {
                            writer.putLong((Field.Int64)field, v);
                        }
                        else
                        {
                            writer.putTimestamp((Field.Timestamp)field, v);
                        }
                        break;
                    }
                    case FLOAT64:
                    {
                        final double v = parseDouble(fs, fe, field);
                        if (reason != null)
                        {
                            return false;
                        }
                        writer.putDouble((Field.Float64)field, v);
                        break;
                    }
                    case DECIMAL:
                        if (!parseDecimal(fs, fe, (Field.Decimal)field, writer))
                        {
                            return false;
                        }
                        break;
                    case ASCII:
                    {
                        if (!ascii(fs, fe, field))
                        {
                            return false;
                        }
                        if (fe - fs > field.width())
                        {
                            reason = "field '" + field.name() + "': " + (fe - fs) + " chars, longer than its " + field.width();
                            return false;
                        }
                        writer.putAscii((Field.Ascii)field, source(i), fs, fe - fs);
                        break;
                    }
                    case VAR_STRING:
                    {
                        if (!ascii(fs, fe, field))
                        {
                            return false;
                        }
                        writer.putVarString((Field.VarString)field, source(i), fs, fe - fs);
                        break;
                    }
                    default:
                        writer.putVarBytes((Field.VarBytes)field, source(i), fs, fe - fs);
                }
            }
            return true;
        }

        private boolean isMissing(final int i, final int n, final Field field)
        {
            if (i >= n)
            {
                return true;
            }
            final FieldType type = field.type();
            return fieldStart[i] == fieldEnd[i] && !quoted[i] &&
                type != FieldType.ASCII && type != FieldType.VAR_STRING && type != FieldType.VAR_BYTES;
        }

        private UnsafeBuffer source(final int i)
        {
            return quoted[i] ? unquoted : buffer;
        }

        /**
         * Find the fields of a line; quoted fields are unescaped into {@link #unquoted}.
         *
         * @return field count, or -1 with {@link #reason} set.
         */
        private int split(final int start, final int end)
        {
            reason = null;
            int n = 0;
            int i = start;
            int unquotedLimit = 0;
            while (true)
            {
                if (n == fieldStart.length)
                {
                    reason = "more than " + fieldStart.length + " fields";
                    return -1;
                }
                if (i < end && buffer.getByte(i) == '"')
                {
                    quoted[n] = true;
                    fieldStart[n] = unquotedLimit;
                    i++;
                    boolean closed = false;
                    while (i < end)
                    {
                        final byte b = buffer.getByte(i);
                        if (b == '"')
                        {
                            if (i + 1 < end && buffer.getByte(i + 1) == '"')
                            {
                                unquoted.putByte(unquotedLimit++, (byte)'"');
                                i += 2;
                                continue;
                            }
                            closed = true;
                            i++;
                            break;
                        }
                        unquoted.putByte(unquotedLimit++, b);
                        i++;
                    }
                    if (!closed)
                    {
                        reason = "unterminated quoted field " + (n + 1);
                        return -1;
                    }
                    fieldEnd[n] = unquotedLimit;
                    if (i < end && buffer.getByte(i) != ',')
                    {
                        reason = "text after the closing quote of field " + (n + 1);
                        return -1;
                    }
                }
                else
                {
                    quoted[n] = false;
                    fieldStart[n] = i;
                    while (i < end && buffer.getByte(i) != ',')
                    {
                        i++;
                    }
                    fieldEnd[n] = i;
                }
                n++;
                if (i >= end)
                {
                    return n;
                }
                i++;
            }
        }

        private boolean ascii(final int fs, final int fe, final Field field)
        {
            final UnsafeBuffer src = quoted[field.index()] ? unquoted : buffer;
            for (int i = fs; i < fe; i++)
            {
                if (src.getByte(i) < 0)
                {
                    reason = "field '" + field.name() + "': non-ASCII byte at column " + (i - fs + 1);
                    return false;
                }
            }
            return true;
        }

        private long parseLong(final int fs, final int fe, final Field field)
        {
            final UnsafeBuffer src = quoted[field.index()] ? unquoted : buffer;
            int i = fs;
            boolean negative = false;
            if (i < fe && (src.getByte(i) == '-' || src.getByte(i) == '+'))
            {
                negative = src.getByte(i) == '-';
                i++;
            }
            if (i == fe)
            {
                reason = "field '" + field.name() + "': empty, expected an integer";
                return 0;
            }
            long value = 0;
            for (; i < fe; i++)
            {
                final int d = src.getByte(i) - '0';
                if (d < 0 || d > 9)
                {
                    return notAnInteger(src, fs, fe, field);
                }
                if (value > (Long.MAX_VALUE - d) / 10)
                {
                    reason = "field '" + field.name() + "': '" + src.getStringWithoutLengthAscii(fs, fe - fs) +
                        "' overflows int64";
                    return 0;
                }
                value = value * 10 + d;
            }
            return negative ? -value : value;
        }

        private final long[] wide = new long[2];

        /**
         * A decimal, exactly ({@link io.peregrine.api.Decimals#parseUnscaled}), rounded half up to the field's scale
         * (as Flink's {@code DecimalData.fromBigDecimal}); more digits than the field's precision is an error, not a
         * wrapped or rounded value.
         */
        private boolean parseDecimal(final int fs, final int fe, final Field.Decimal field, final RowWriter writer)
        {
            final UnsafeBuffer src = quoted[field.index()] ? unquoted : buffer;
            final long[] value = wide;
            try
            {
                final int scale = io.peregrine.api.Decimals.parseUnscaled(src, fs, fe, value);
                if (scale == io.peregrine.api.Decimals.NOT_A_NUMBER)
                {
                    return notADecimal(src, fs, fe, field);
                }
                writer.putDecimal(field, value[0], value[1], scale);
                return true;
            }
            catch (final ArithmeticException e)
            {
                return decimalOverflow(src, fs, fe, field);
            }
        }

        private boolean notADecimal(final UnsafeBuffer src, final int fs, final int fe, final Field.Decimal field)
        {
            reason = "field '" + field.name() + "': '" + src.getStringWithoutLengthAscii(fs, fe - fs) + "' is not a " +
                field.typeName();
            return false;
        }

        private boolean decimalOverflow(final UnsafeBuffer src, final int fs, final int fe, final Field.Decimal field)
        {
            reason = "field '" + field.name() + "': '" + src.getStringWithoutLengthAscii(fs, fe - fs) + "' has more " +
                "digits than " + field.typeName() + " holds";
            return false;
        }

        /** An integer in another form ({@code 5.0}) is converted under a lenient policy, else the line rejected. */
        private long notAnInteger(final UnsafeBuffer src, final int fs, final int fe, final Field field)
        {
            if (policy == InputPolicy.LENIENT)
            {
                final long v = io.peregrine.api.Decimals.parseIntegral(src, fs, fe, wide);
                if (v != io.peregrine.api.Decimals.NOT_INTEGRAL)
                {
                    converted++;
                    return v;
                }
            }
            reason = "field '" + field.name() + "': '" + src.getStringWithoutLengthAscii(fs, fe - fs) +
                "' is not an integer";
            return 0;
        }

        private static final double[] POW10 = {
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
            1e20, 1e21, 1e22 };

        /**
         * Exact fast path (Clinger): up to 15 significant digits and a power of ten up to 22 are both
         * exact doubles, so one multiply or divide rounds correctly. Anything else goes to
         * {@link Double#parseDouble(String)}.
         */
        private double parseDouble(final int fs, final int fe, final Field field)
        {
            final UnsafeBuffer src = quoted[field.index()] ? unquoted : buffer;
            int i = fs;
            boolean negative = false;
            if (i < fe && (src.getByte(i) == '-' || src.getByte(i) == '+'))
            {
                negative = src.getByte(i) == '-';
                i++;
            }
            long mantissa = 0;
            int digits = 0;
            int fraction = 0;
            boolean dot = false;
            boolean simple = i < fe;
            for (; i < fe; i++)
            {
                final byte b = src.getByte(i);
                if (b == '.' && !dot)
                {
                    dot = true;
                    continue;
                }
                final int d = b - '0';
                if (d < 0 || d > 9)
                {
                    simple = false;
                    break;
                }
                if (mantissa != 0 || d != 0)
                {
                    digits++;
                }
                mantissa = mantissa * 10 + d;
                if (dot)
                {
                    fraction++;
                }
                if (digits > 15)
                {
                    simple = false;
                    break;
                }
            }
            if (simple && fraction <= 22)
            {
                final double v = fraction == 0 ? mantissa : mantissa / POW10[fraction];
                return negative ? -v : v;
            }
            final String text = src.getStringWithoutLengthAscii(fs, fe - fs);
            try
            {
                return Double.parseDouble(text);
            }
            catch (final NumberFormatException e)
            {
                reason = "field '" + field.name() + "': '" + text + "' is not a number";
                return 0;
            }
        }

        public long position()
        {
            return lineNumber;
        }

        /**
         * @return the byte offset in the file of the next byte not yet read: the start of a line, except while a
         * line longer than the buffer is being skipped (then the rest of that line is dead-lettered again).
         */
        public long checkpointOffset()
        {
            return bufferStart + position;
        }

        public void seek(final long offset, final long position) throws IOException
        {
            channel.position(offset);
            bufferStart = offset;
            this.position = 0;
            limit = 0;
            eof = false;
            skippingLongLine = false;
            lineNumber = position;
        }

        public void close() throws IOException
        {
            channel.close();
            BufferUtil.free(byteBuffer);
            BufferUtil.free(unquoted.byteBuffer());
        }
    }
}
