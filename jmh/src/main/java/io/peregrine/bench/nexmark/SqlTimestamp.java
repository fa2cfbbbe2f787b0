package io.peregrine.bench.nexmark;

/**
 * The {@code TIMESTAMP(3)} text form of Flink's JSON format with its default {@code 'SQL'} standard:
 * {@code yyyy-MM-dd HH:mm:ss.SSS}, UTC, written and parsed without allocation (the proleptic Gregorian calendar;
 * days from civil dates by the era arithmetic of H. Hinnant's "chrono-compatible low-level date algorithms").
 */
public final class SqlTimestamp
{
    /** Length of {@code yyyy-MM-dd HH:mm:ss.SSS}. */
    public static final int LENGTH = 23;
    private static final long MS_PER_DAY = 86_400_000L;

    private SqlTimestamp()
    {
    }

    /**
     * Append {@code yyyy-MM-dd HH:mm:ss.SSS} for an epoch time (years 0 to 9999).
     *
     * @param epochMs epoch milliseconds, UTC.
     * @param text    text to append to.
     * @return the text.
     */
    public static Utf8Text append(final long epochMs, final Utf8Text text)
    {
        final long days = Math.floorDiv(epochMs, MS_PER_DAY);
        final int msOfDay = (int)(epochMs - days * MS_PER_DAY);
        final long ymd = civilFromDays(days);
        final long year = ymd / 10_000;
        final int month = (int)(ymd / 100 % 100);
        final int day = (int)(ymd % 100);

        text.appendPadded(year, 4).append((byte)'-').appendPadded(month, 2).append((byte)'-').appendPadded(day, 2);
        text.append((byte)' ');
        text.appendPadded(msOfDay / 3_600_000, 2).append((byte)':');
        text.appendPadded((msOfDay / 60_000) % 60, 2).append((byte)':');
        text.appendPadded((msOfDay / 1000) % 60, 2).append((byte)'.');
        return text.appendPadded(msOfDay % 1000, 3);
    }

    /**
     * Parse {@code yyyy-MM-dd HH:mm:ss[.f...]} (0 to 9 fraction digits, truncated to ms); a {@code T} separator
     * and a trailing {@code Z} are accepted too (the ISO-8601 standard of Flink's JSON format).
     *
     * @param chars  source.
     * @param offset first char.
     * @param length number of chars.
     * @return epoch ms, or {@link Long#MIN_VALUE} if the text is not a timestamp.
     */
    public static long parse(final char[] chars, final int offset, final int length)
    {
        int end = offset + length;
        if (length > 0 && chars[end - 1] == 'Z')
        {
            end--;
        }
        if (end - offset < 19 || chars[offset + 4] != '-' || chars[offset + 7] != '-' ||
            (chars[offset + 10] != ' ' && chars[offset + 10] != 'T') || chars[offset + 13] != ':' ||
            chars[offset + 16] != ':')
        {
            return Long.MIN_VALUE;
        }
        final int year = digits(chars, offset, 4);
        final int month = digits(chars, offset + 5, 2);
        final int day = digits(chars, offset + 8, 2);
        final int hour = digits(chars, offset + 11, 2);
        final int minute = digits(chars, offset + 14, 2);
        final int second = digits(chars, offset + 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1 || day > 31 ||
            hour > 23 || minute > 59 || second > 59)
        {
            return Long.MIN_VALUE;
        }
        int millis = 0;
        int i = offset + 19;
        if (i < end)
        {
            if (chars[i] != '.' || end - i - 1 > 9)
            {
                return Long.MIN_VALUE;
            }
            i++;
            int scale = 100;
            for (; i < end; i++)
            {
                final int d = chars[i] - '0';
                if (d < 0 || d > 9)
                {
                    return Long.MIN_VALUE;
                }
                millis += d * scale;
                scale /= 10;
            }
        }
        return daysFromCivil(year, month, day) * MS_PER_DAY + hour * 3_600_000L + minute * 60_000L +
            second * 1000L + millis;
    }

    /**
     * @param year  proleptic Gregorian year.
     * @param month 1 to 12.
     * @param day   1 to 31.
     * @return days since 1970-01-01.
     */
    public static long daysFromCivil(final int year, final int month, final int day)
    {
        final long y = month <= 2 ? year - 1 : year;
        final long era = Math.floorDiv(y, 400);
        final long yearOfEra = y - era * 400;
        final long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        final long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /**
     * @param days since 1970-01-01.
     * @return the civil date as {@code year * 10000 + month * 100 + day} (years 0 to 9999).
     */
    private static long civilFromDays(final long days)
    {
        final long z = days + 719_468;
        final long era = Math.floorDiv(z, 146_097);
        final int dayOfEra = (int)(z - era * 146_097);
        final int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final int mp = (5 * dayOfYear + 2) / 153;
        final int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        final int month = mp < 10 ? mp + 3 : mp - 9;
        final long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        return year * 10_000 + month * 100 + day;
    }

    /**
     * Format into a new String (allocates: for CSV rows and reports).
     *
     * @param epochMs epoch milliseconds, UTC.
     * @param sb      builder to append to.
     * @return the builder.
     */
    public static StringBuilder append(final long epochMs, final StringBuilder sb)
    {
        final long days = Math.floorDiv(epochMs, MS_PER_DAY);
        final int msOfDay = (int)(epochMs - days * MS_PER_DAY);
        final long ymd = civilFromDays(days);
        final long year = ymd / 10_000;
        final int month = (int)(ymd / 100 % 100);
        final int day = (int)(ymd % 100);
        pad(sb, year, 4).append('-');
        pad(sb, month, 2).append('-');
        pad(sb, day, 2).append(' ');
        pad(sb, msOfDay / 3_600_000, 2).append(':');
        pad(sb, (msOfDay / 60_000) % 60, 2).append(':');
        pad(sb, (msOfDay / 1000) % 60, 2).append('.');
        return pad(sb, msOfDay % 1000, 3);
    }

    private static StringBuilder pad(final StringBuilder sb, final long value, final int width)
    {
        long limit = 1;
        for (int i = 1; i < width; i++)
        {
            limit *= 10;
        }
        for (long l = limit; l > 1 && value < l; l /= 10)
        {
            sb.append('0');
        }
        return sb.append(value);
    }

    private static int digits(final char[] chars, final int offset, final int count)
    {
        int value = 0;
        for (int i = offset; i < offset + count; i++)
        {
            final int d = chars[i] - '0';
            if (d < 0 || d > 9)
            {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }
}
