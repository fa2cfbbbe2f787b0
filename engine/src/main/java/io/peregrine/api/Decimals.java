package io.peregrine.api;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Exact arithmetic on the unscaled values of {@link FieldType#DECIMAL} fields, allocation-free: a value is a 128-bit
 * two's complement integer held as two longs ({@code high}, {@code low}) and a scale, as Flink's {@code DECIMAL(p, s)}
 * is an unscaled integer of at most 38 digits. A product of two longs is exact as {@code (Math.multiplyHigh(a, b),
 * a * b)}; a sum of two 128-bit values as {@code (addHigh(...), aLow + bLow)}. Nothing here wraps: a result beyond 128
 * bits, or beyond the precision asked for, throws {@link ArithmeticException}.
 */
public final class Decimals
{
    /** Most digits of a DECIMAL, as in Flink and SQL Server. */
    public static final int MAX_PRECISION = 38;
    /** Most digits of a DECIMAL stored in one long (8 bytes); wider ones take 16. */
    public static final int MAX_COMPACT_PRECISION = 18;

    private static final long[] POW10 = new long[19];
    /** 10^p for p = 0..38 as (high, low). */
    private static final long[] POW10_HIGH = new long[MAX_PRECISION + 1];
    private static final long[] POW10_LOW = new long[MAX_PRECISION + 1];
    private static final long BILLION = 1_000_000_000L;

    static
    {
        long p = 1;
        for (int i = 0; i < POW10.length; i++)
        {
            POW10[i] = p;
            p *= 10;
        }
        for (int i = 0; i <= MAX_PRECISION; i++)
        {
            final BigInteger v = BigInteger.TEN.pow(i);
            POW10_LOW[i] = v.longValue();
            POW10_HIGH[i] = v.shiftRight(64).longValue();
        }
    }

    private Decimals()
    {
    }

    /**
     * @param n 0 to 18.
     * @return 10^n.
     */
    public static long pow10(final int n)
    {
        return POW10[n];
    }

    /**
     * The high word of the exact sum of two 128-bit values; the low word is {@code aLow + bLow}.
     *
     * @throws ArithmeticException if the sum does not fit 128 bits.
     */
    public static long addHigh(final long aHigh, final long aLow, final long bHigh, final long bLow)
    {
        final long low = aLow + bLow;
        final long carry = Long.compareUnsigned(low, aLow) < 0 ? 1 : 0;
        final long high = aHigh + bHigh + carry;
        // Overflow iff both operands have the same sign and the result's differs.
        if (((aHigh ^ high) & (bHigh ^ high)) < 0)
        {
            throw new ArithmeticException("128-bit overflow");
        }
        return high;
    }

    /**
     * @return whether the 128-bit value has at most {@code precision} digits: {@code |value| < 10^precision}.
     */
    public static boolean fits(final long high, final long low, final int precision)
    {
        if (high == (low >> 63))
        {
            // The value is a long.
            if (precision >= 19)
            {
                return true;
            }
            return low > -POW10[precision] && low < POW10[precision];
        }
        if (precision < 19)
        {
            return false;
        }
        long h = high;
        long l = low;
        if (h < 0)
        {
            // |value|, which fits 128 bits unsigned even for the most negative value.
            l = -l;
            h = ~h + (l == 0 ? 1 : 0);
        }
        final long ph = POW10_HIGH[precision];
        return Long.compareUnsigned(h, ph) < 0 || (h == ph && Long.compareUnsigned(l, POW10_LOW[precision]) < 0);
    }

    /**
     * Rescale a 128-bit unscaled value in place: up exactly (times 10^k), down rounding half away from zero
     * ({@link java.math.RoundingMode#HALF_UP}, as Flink's {@code DecimalData} casts).
     *
     * @param value     {high, low}, updated.
     * @param fromScale its scale.
     * @param toScale   the scale wanted.
     * @throws ArithmeticException if scaling up leaves 128 bits.
     */
    public static void rescale(final long[] value, final int fromScale, final int toScale)
    {
        if (toScale > fromScale)
        {
            int k = toScale - fromScale;
            while (k > 0)
            {
                final int step = Math.min(k, 18);
                multiply(value, POW10[step]);
                k -= step;
            }
        }
        else if (toScale < fromScale)
        {
            final boolean negative = value[0] < 0;
            if (negative)
            {
                negate(value);
            }
            int k = fromScale - toScale - 1;
            while (k > 0)
            {
                final int step = Math.min(k, 9);
                divideUnsigned(value, POW10[step]);
                k -= step;
            }
            // The last digit dropped decides the rounding.
            final long digit = divideUnsigned(value, 10);
            if (digit >= 5)
            {
                value[1]++;
                if (value[1] == 0)
                {
                    value[0]++;
                }
            }
            if (negative)
            {
                negate(value);
            }
        }
    }

    /**
     * Multiply a 128-bit value in place by a long, exactly.
     *
     * @throws ArithmeticException if the product does not fit 128 bits.
     */
    public static void multiply(final long[] value, final long factor)
    {
        final boolean negative = (value[0] < 0) != (factor < 0);
        if (value[0] < 0)
        {
            negate(value);
        }
        final long f = Math.abs(factor);
        final long h = value[0];
        final long l = value[1];
        if (f < 0 || h < 0)
        {
            throw new ArithmeticException("128-bit overflow"); // a factor or value of the most negative magnitude
        }
        // |value| * f = h * f * 2^64 + l * f, l unsigned, all magnitudes below 2^127.
        final long lowHigh = Math.multiplyHigh(l, f) + ((l >> 63) & f);
        final long hf = h * f;
        if (Math.multiplyHigh(h, f) != 0 || hf < 0)
        {
            throw new ArithmeticException("128-bit overflow");
        }
        final long high = hf + lowHigh;
        if (high < 0)
        {
            throw new ArithmeticException("128-bit overflow");
        }
        value[0] = high;
        value[1] = l * f;
        if (negative)
        {
            negate(value);
        }
    }

    private static void negate(final long[] value)
    {
        value[1] = -value[1];
        value[0] = ~value[0] + (value[1] == 0 ? 1 : 0);
    }

    /**
     * Divide a non-negative 128-bit value (unsigned) in place by {@code divisor} (1 to 10^9), in 32-bit limbs.
     *
     * @return the remainder.
     */
    private static long divideUnsigned(final long[] value, final long divisor)
    {
        long r = 0;
        long high = 0;
        long low = 0;
        for (int limb = 3; limb >= 0; limb--)
        {
            final long word = limb >= 2 ? value[0] : value[1];
            final long digit = (word >>> ((limb & 1) * 32)) & 0xFFFF_FFFFL;
            final long current = (r << 32) | digit;
            final long q = current / divisor;
            r = current % divisor;
            if (limb >= 2)
            {
                high |= q << ((limb & 1) * 32);
            }
            else
            {
                low |= q << ((limb & 1) * 32);
            }
        }
        value[0] = high;
        value[1] = low;
        return r;
    }

    /**
     * Append a decimal's digits: {@code -12.340} for unscaled -12340 at scale 3; a scale of 0 has no point;
     * {@code 0.005} for 5 at scale 3. Allocates two longs: give {@link #append(StringBuilder, long, long, int, long[])}
     * a scratch on a hot path.
     *
     * @param dst   appended to.
     * @param high  high word of the unscaled value.
     * @param low   low word.
     * @param scale digits after the point.
     * @return dst.
     */
    public static StringBuilder append(final StringBuilder dst, final long high, final long low, final int scale)
    {
        return append(dst, high, low, scale, new long[2]);
    }

    /**
     * {@link #append(StringBuilder, long, long, int)}, allocation-free.
     *
     * @param scratch two longs to work in.
     * @return dst.
     */
    public static StringBuilder append(
        final StringBuilder dst, final long high, final long low, final int scale, final long[] scratch)
    {
        scratch[0] = high;
        scratch[1] = low;
        if (high < 0)
        {
            dst.append('-');
            negate(scratch);
        }
        // |value| in base 10^9: five chunks hold 45 digits, 2^128 has 39.
        final long c0 = divideUnsigned(scratch, BILLION);
        final long c1 = divideUnsigned(scratch, BILLION);
        final long c2 = divideUnsigned(scratch, BILLION);
        final long c3 = divideUnsigned(scratch, BILLION);
        final long c4 = divideUnsigned(scratch, BILLION);
        int digits = 45;
        while (digits > 1 && digit(c0, c1, c2, c3, c4, digits - 1) == 0)
        {
            digits--;
        }
        if (scale < 0)
        {
            for (int i = digits - 1; i >= 0; i--)
            {
                dst.append((char)('0' + digit(c0, c1, c2, c3, c4, i)));
            }
            for (int i = scale; i < 0; i++)
            {
                dst.append('0');
            }
            return dst;
        }
        if (digits <= scale)
        {
            dst.append('0').append('.');
            for (int i = scale; i > digits; i--)
            {
                dst.append('0');
            }
            for (int i = digits - 1; i >= 0; i--)
            {
                dst.append((char)('0' + digit(c0, c1, c2, c3, c4, i)));
            }
            return dst;
        }
        for (int i = digits - 1; i >= 0; i--)
        {
            if (i == scale - 1)
            {
                dst.append('.');
            }
            dst.append((char)('0' + digit(c0, c1, c2, c3, c4, i)));
        }
        return dst;
    }

    /** Digit {@code i} (0 = units) of a number in base-10^9 chunks. */
    private static int digit(final long c0, final long c1, final long c2, final long c3, final long c4, final int i)
    {
        final long chunk;
        switch (i / 9)
        {
            case 0: chunk = c0; break;
            case 1: chunk = c1; break;
            case 2: chunk = c2; break;
            case 3: chunk = c3; break;
            default: chunk = c4; break;
        }
        return (int)((chunk / POW10[i % 9]) % 10);
    }

    /** Returned by {@link #parseIntegral} for text that is not an integer of a long's range. */
    public static final long NOT_INTEGRAL = Long.MIN_VALUE;

    /**
     * Read a number written in any decimal form ({@code 5}, {@code -5.00}, {@code 5e0}, {@code 0.5e1}) that is an
     * integer, allocation-free: the exact conversion an {@link InputPolicy#LENIENT} source makes of an integer written
     * as a decimal.
     *
     * @param text    ASCII bytes.
     * @param from    first byte.
     * @param to      end (exclusive).
     * @param scratch two longs to work in.
     * @return the integer, or {@link #NOT_INTEGRAL} if the text is not a number, has a non-zero fraction, or leaves a
     * long's range (whose most negative value is therefore not read this way).
     */
    public static long parseIntegral(final org.agrona.DirectBuffer text, final int from, final int to,
        final long[] scratch)
    {
        try
        {
            int scale = parseUnscaled(text, from, to, scratch);
            if (scale == NOT_A_NUMBER)
            {
                return NOT_INTEGRAL;
            }
            final boolean negative = scratch[0] < 0;
            if (negative)
            {
                negate(scratch);
            }
            while (scale > 0)
            {
                final int step = Math.min(scale, 9);
                if (divideUnsigned(scratch, POW10[step]) != 0)
                {
                    return NOT_INTEGRAL; // a fraction
                }
                scale -= step;
            }
            if (scale < 0)
            {
                rescale(scratch, scale, 0);
            }
            if (scratch[0] != 0 || scratch[1] < 0)
            {
                return NOT_INTEGRAL;
            }
            return negative ? -scratch[1] : scratch[1];
        }
        catch (final ArithmeticException e)
        {
            return NOT_INTEGRAL;
        }
    }

    /** Returned by {@link #parseUnscaled} for text that is not a number. */
    public static final int NOT_A_NUMBER = Integer.MIN_VALUE;

    /**
     * Read a decimal number written {@code [+-]digits[.digits][(e|E)[+-]digits]} exactly, allocation-free, as a 128-bit
     * unscaled value and its scale: {@code -1.50e1} is -150 at scale 1.
     *
     * @param text  ASCII bytes.
     * @param from  first byte.
     * @param to    end (exclusive).
     * @param value receives {high, low} of the unscaled value.
     * @return the scale (negative for a number written with a large exponent), or {@link #NOT_A_NUMBER}.
     * @throws ArithmeticException if the digits do not fit 128 bits.
     */
    public static int parseUnscaled(final org.agrona.DirectBuffer text, final int from, final int to, final long[] value)
    {
        int i = from;
        boolean negative = false;
        if (i < to && (text.getByte(i) == '-' || text.getByte(i) == '+'))
        {
            negative = text.getByte(i) == '-';
            i++;
        }
        value[0] = 0;
        value[1] = 0;
        int digits = 0;
        int fraction = 0;
        boolean dot = false;
        int exponent = 0;
        for (; i < to; i++)
        {
            final byte b = text.getByte(i);
            if (b == '.' && !dot)
            {
                dot = true;
                continue;
            }
            if ((b == 'e' || b == 'E') && digits > 0)
            {
                exponent = smallExponent(text, i + 1, to);
                if (exponent == Integer.MIN_VALUE)
                {
                    return NOT_A_NUMBER;
                }
                break;
            }
            final int d = b - '0';
            if (d < 0 || d > 9)
            {
                return NOT_A_NUMBER;
            }
            digits++;
            if (dot)
            {
                fraction++;
            }
            if (value[0] == 0 && value[1] < 100_000_000_000_000_000L)
            {
                value[1] = value[1] * 10 + d;
            }
            else
            {
                multiply(value, 10);
                value[1] += d;
                if (Long.compareUnsigned(value[1], d) < 0)
                {
                    value[0]++;
                }
            }
        }
        if (digits == 0)
        {
            return NOT_A_NUMBER;
        }
        if (negative)
        {
            negate(value);
        }
        return fraction - exponent;
    }

    /** An exponent of at most three digits, or {@code Integer.MIN_VALUE}. */
    private static int smallExponent(final org.agrona.DirectBuffer text, final int from, final int to)
    {
        int i = from;
        boolean negative = false;
        if (i < to && (text.getByte(i) == '-' || text.getByte(i) == '+'))
        {
            negative = text.getByte(i) == '-';
            i++;
        }
        if (i == to || to - i > 3)
        {
            return Integer.MIN_VALUE;
        }
        int e = 0;
        for (; i < to; i++)
        {
            final int d = text.getByte(i) - '0';
            if (d < 0 || d > 9)
            {
                return Integer.MIN_VALUE;
            }
            e = e * 10 + d;
        }
        return negative ? -e : e;
    }

    /**
     * @return the value as a BigDecimal (allocates: for tests, conversions and messages).
     */
    public static BigDecimal toBigDecimal(final long high, final long low, final int scale)
    {
        final BigInteger unscaled = BigInteger.valueOf(high).shiftLeft(64)
            .add(new BigInteger(Long.toUnsignedString(low)));
        return new BigDecimal(unscaled, scale);
    }

    /**
     * @return the value as text, e.g. {@code 90800000000000000.000} (allocates).
     */
    public static String toString(final long high, final long low, final int scale)
    {
        return append(new StringBuilder(48), high, low, scale).toString();
    }
}
