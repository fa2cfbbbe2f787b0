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
 * <p>
 * A UTF-8 byte order mark at the start of a file is skipped. With a header, its column names must be the schema's
 * field names (compared without case and surrounding blanks), in any order: columns in another order are read by
 * name; a missing, unknown or repeated name fails the job naming them. A line longer than
 * {@link #maxLineLength(int)} bytes (by default {@code peregrine.source.max.line.length}, 1 MiB) is dead-lettered
 * with its line number.
 */
public final class CsvFileSource implements Source
{
    /** Longest line accepted by default, in bytes ({@code peregrine.source.max.line.length}). */
    public static final int MAX_LINE_LENGTH = 1024 * 1024;
    private static final byte[] UTF8_BOM = { (byte)0xEF, (byte)0xBB, (byte)0xBF };

    private final Schema schema;
    private final List<Path> files;
    private final boolean header;
    private InputPolicy policy = InputPolicy.REJECT;
    private int maxLineLength;

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

    /**
     * @param bytes longest line this source reads, 64 or more; a longer one is dead-lettered. 0 (the default) for the
     *              job's {@code peregrine.source.max.line.length}.
     * @return this.
     */
    public CsvFileSource maxLineLength(final int bytes)
    {
        if (bytes != 0 && bytes < 64)
        {
            throw new IllegalArgumentException("CSV source: maxLineLength must be 0 (the job's setting) or >= 64: " + bytes);
        }
        this.maxLineLength = bytes;
        return this;
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
        return new Reader(file, maxLineLength > 0 ? maxLineLength : context.maxLineLength());
    }

    /**
     * @return for each field of the schema, the column of the file that holds it, from the header's names.
     * @throws IllegalArgumentException naming the file and the columns if the names are not the schema's.
     */
    private int[] columns(final Path file, final int max)
    {
        final int fields = schema.fieldCount();
        final int[] column = new int[fields];
        final List<String> names = headerNames(file, max);
        final List<String> unknown = new java.util.ArrayList<>();
        final List<String> repeated = new java.util.ArrayList<>();
        java.util.Arrays.fill(column, -1);
        for (int c = 0; c < names.size(); c++)
        {
            final String name = names.get(c);
            int found = -1;
            for (int i = 0; i < fields; i++)
            {
                if (schema.field(i).name().equalsIgnoreCase(name))
                {
                    found = i;
                }
            }
            if (found < 0)
            {
                unknown.add(name);
            }
            else if (column[found] >= 0)
            {
                repeated.add(name);
            }
            else
            {
                column[found] = c;
            }
        }
        final List<String> missing = new java.util.ArrayList<>();
        for (int i = 0; i < fields; i++)
        {
            if (column[i] < 0)
            {
                missing.add(schema.field(i).name());
            }
        }
        if (!unknown.isEmpty() || !missing.isEmpty() || !repeated.isEmpty())
        {
            final List<String> expected = new java.util.ArrayList<>();
            for (int i = 0; i < fields; i++)
            {
                expected.add(schema.field(i).name());
            }
            throw new IllegalArgumentException("CSV file " + file.toAbsolutePath() + ": the header's columns " + names +
                " are not the fields of schema '" + schema.name() + "' " + expected +
                (missing.isEmpty() ? "" : "; missing " + missing) + (unknown.isEmpty() ? "" : "; not in the schema " + unknown) +
                (repeated.isEmpty() ? "" : "; repeated " + repeated) + ": rename the columns or the schema's fields " +
                "(columns in another order are read by name)");
        }
        return column;
    }

    /**
     * @return the names in the first line of the file (after a byte order mark), unquoted and trimmed.
     */
    private static List<String> headerNames(final Path file, final int max)
    {
        final byte[] bytes;
        try (java.io.InputStream in = Files.newInputStream(file))
        {
            bytes = in.readNBytes(max + UTF8_BOM.length + 2);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read the header of CSV file " + file.toAbsolutePath() + ": " +
                e.getMessage(), e);
        }
        final int start = hasBom(bytes, bytes.length) ? UTF8_BOM.length : 0;
        int end = start;
        while (end < bytes.length && bytes[end] != '\n')
        {
            end++;
        }
        if (end == bytes.length && bytes.length > max + UTF8_BOM.length)
        {
            throw new IllegalArgumentException("CSV file " + file.toAbsolutePath() + ": the header is longer than " + max +
                " bytes (peregrine.source.max.line.length)");
        }
        String line = new String(bytes, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
        if (line.endsWith("\r"))
        {
            line = line.substring(0, line.length() - 1);
        }
        final List<String> names = new java.util.ArrayList<>();
        final StringBuilder name = new StringBuilder();
        boolean inQuotes = false;
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (c == '"')
            {
                if (inQuotes && i + 1 < line.length() && line.charAt(i + 1) == '"')
                {
                    name.append('"');
                    i++;
                }
                else
                {
                    inQuotes = !inQuotes;
                }
            }
            else if (c == ',' && !inQuotes)
            {
                names.add(name.toString().trim());
                name.setLength(0);
            }
            else
            {
                name.append(c);
            }
        }
        names.add(name.toString().trim());
        return names;
    }

    private static boolean hasBom(final byte[] bytes, final int length)
    {
        return length >= UTF8_BOM.length && bytes[0] == UTF8_BOM[0] && bytes[1] == UTF8_BOM[1] && bytes[2] == UTF8_BOM[2];
    }

    private final class Reader implements SplitReader
    {
        private final Path file;
        private final FileChannel channel;
        private final int maxLineLength;
        /** For each field of the schema, its column in the file: the header's order, else the schema's. */
        private final int[] column;
        private final ByteBuffer byteBuffer;
        private final UnsafeBuffer buffer;
        private final int[] fieldStart = new int[256];
        private final int[] fieldEnd = new int[256];
        private final boolean[] quoted = new boolean[256];
        private final UnsafeBuffer unquoted;
        private boolean bomChecked;
        private int limit;
        private int position;
        private long lineNumber;
        private long bufferStart;
        private boolean eof;
        private boolean skippingLongLine;
        private String reason;
        private int defaulted;
        private int converted;

        Reader(final Path file, final int maxLineLength)
        {
            this.file = file;
            this.maxLineLength = maxLineLength;
            if (header)
            {
                column = columns(file, maxLineLength);
            }
            else
            {
                column = new int[schema.fieldCount()];
                for (int i = 0; i < column.length; i++)
                {
                    column[i] = i;
                }
            }
            this.byteBuffer = ByteBuffer.allocateDirect(maxLineLength + 64 * 1024);
            this.buffer = new UnsafeBuffer(byteBuffer);
            this.unquoted = new UnsafeBuffer(ByteBuffer.allocateDirect(maxLineLength));
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
                    else if (position == 0 && limit > maxLineLength)
                    {
                        if (!skippingLongLine)
                        {
                            lineNumber++;
                            out.deadLetter(lineNumber, tooLong(), buffer.getStringWithoutLengthAscii(0, 200) + "...");
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
                if (end - start > maxLineLength)
                {
                    out.deadLetter(lineNumber, tooLong(), buffer.getStringWithoutLengthAscii(start, 200) + "...");
                    continue;
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

        private String tooLong()
        {
            return "line longer than " + maxLineLength + " bytes, the limit (peregrine.source.max.line.length, or the " +
                "source's maxLineLength)";
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
            if (!bomChecked && bufferStart == 0 && position == 0 && (limit >= UTF8_BOM.length || eof))
            {
                bomChecked = true;
                if (limit >= UTF8_BOM.length && buffer.getByte(0) == UTF8_BOM[0] && buffer.getByte(1) == UTF8_BOM[1] &&
                    buffer.getByte(2) == UTF8_BOM[2])
                {
                    position = UTF8_BOM.length;
                }
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
                final int c = column[i];
                if (policy == InputPolicy.LENIENT && isMissing(c, n, field))
                {
                    if (field.type() == FieldType.TIMESTAMP)
                    {
                        reason = "field '" + field.name() + "': missing, and a time is never read as zero";
                        return false;
                    }
                    defaulted++; // the fixed part starts zeroed; an unset variable-length field reads as empty
                    continue;
                }
                final int fs = fieldStart[c];
                final int fe = fieldEnd[c];
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
                        writer.putAscii((Field.Ascii)field, source(c), fs, fe - fs);
                        break;
                    }
                    case VAR_STRING:
                    {
                        if (!ascii(fs, fe, field))
                        {
                            return false;
                        }
                        writer.putVarString((Field.VarString)field, source(c), fs, fe - fs);
                        break;
                    }
                    default:
                        writer.putVarBytes((Field.VarBytes)field, source(c), fs, fe - fs);
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
            final UnsafeBuffer src = quoted[column[field.index()]] ? unquoted : buffer;
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
            final UnsafeBuffer src = quoted[column[field.index()]] ? unquoted : buffer;
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
            final UnsafeBuffer src = quoted[column[field.index()]] ? unquoted : buffer;
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
            final UnsafeBuffer src = quoted[column[field.index()]] ? unquoted : buffer;
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
            bomChecked = offset > 0;
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
