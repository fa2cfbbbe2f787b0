package io.peregrine.bench.nexmark;

/**
 * Builds one CSV result row in a reused {@link StringBuilder} and hands it to a {@link ResultSink} (an empty row,
 * unformatted, when the sink does not {@link ResultSink#wantsText() want text}). Text is quoted
 * (RFC 4180) only when it holds a comma, quote or line break; timestamps are {@code yyyy-MM-dd HH:mm:ss.SSS} UTC as
 * in {@link SqlTimestamp}.
 */
public final class CsvRow
{
    private final StringBuilder sb = new StringBuilder(256);
    private final ResultSink sink;
    private final boolean text;
    private final StringBuilder scratch = new StringBuilder(32);
    private final long[] decimalScratch = new long[2];
    private boolean first = true;
    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix = "";

    /**
     * @param sink receives each finished row.
     */
    public CsvRow(final ResultSink sink)
    {
        this.sink = sink;
        this.text = sink.wantsText();
    }

    /**
     * @param value integer column.
     * @return this for a fluent API.
     */
    public CsvRow add(final long value)
    {
        if (!this.text)
        {
            return this;
        }
        separator().append(value);
        return this;
    }

    /**
     * Add a decimal column, e.g. a {@code DECIMAL(23, 3)}: {@code 90800000000000000.000}.
     *
     * @param high  high word of the 128-bit unscaled value (the value times 10^scale).
     * @param low   low word.
     * @param scale digits after the point.
     * @return this for a fluent API.
     */
    public CsvRow addDecimal(final long high, final long low, final int scale)
    {
        if (!this.text)
        {
            return this;
        }
        io.peregrine.api.Decimals.append(separator(), high, low, scale, decimalScratch);
        return this;
    }

    /**
     * @param epochMs timestamp column.
     * @return this for a fluent API.
     */
    public CsvRow addTimestamp(final long epochMs)
    {
        if (!this.text)
        {
            return this;
        }
        final StringBuilder sb = separator();
        final long second = Math.floorDiv(epochMs, 1000L);
        if (second != cachedSecond)
        {
            // Rows come in time order mostly: format "yyyy-MM-dd HH:mm:ss." once per second.
            scratch.setLength(0);
            SqlTimestamp.append(second * 1000L, scratch);
            scratch.setLength(scratch.length() - 3);
            cachedPrefix = scratch.toString();
            cachedSecond = second;
        }
        final int millis = (int)(epochMs - second * 1000L);
        sb.append(cachedPrefix).append((char)('0' + millis / 100)).append((char)('0' + (millis / 10) % 10))
            .append((char)('0' + millis % 10));
        return this;
    }

    /**
     * @param text text column.
     * @return this for a fluent API.
     */
    public CsvRow add(final Utf8Text text)
    {
        if (!this.text)
        {
            return this;
        }
        final int start = separator().length();
        text.appendTo(sb);
        quoteIfNeeded(start);
        return this;
    }

    /**
     * @param text text column.
     * @return this for a fluent API.
     */
    public CsvRow add(final CharSequence text)
    {
        if (!this.text)
        {
            return this;
        }
        final int start = separator().length();
        sb.append(text);
        quoteIfNeeded(start);
        return this;
    }

    /**
     * Hand the row to the sink and start a new one.
     */
    public void emit()
    {
        sink.row(sb);
        sb.setLength(0);
        first = true;
    }

    private StringBuilder separator()
    {
        if (!first)
        {
            sb.append(',');
        }
        first = false;
        return sb;
    }

    private void quoteIfNeeded(final int start)
    {
        boolean quote = false;
        for (int i = start; i < sb.length(); i++)
        {
            final char c = sb.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r')
            {
                quote = true;
                break;
            }
        }
        if (quote)
        {
            for (int i = sb.length() - 1; i >= start; i--)
            {
                if (sb.charAt(i) == '"')
                {
                    sb.insert(i, '"');
                }
            }
            sb.insert(start, '"').append('"');
        }
    }
}
