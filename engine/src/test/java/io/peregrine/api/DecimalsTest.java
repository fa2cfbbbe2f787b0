package io.peregrine.api;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 128-bit decimal arithmetic against BigDecimal, and decimal fields that refuse, naming themselves, a value of
 * more digits than their precision.
 */
class DecimalsTest
{
    private static final BigInteger MIN_128 = BigInteger.ONE.shiftLeft(127).negate();
    private static final BigInteger MAX_128 = BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE);

    private static long high(final BigInteger v)
    {
        return v.shiftRight(64).longValue();
    }

    private static BigInteger big(final long high, final long low)
    {
        return Decimals.toBigDecimal(high, low, 0).toBigIntegerExact();
    }

    private static BigInteger random(final Random random)
    {
        // Every magnitude from a few bits to 127, either sign.
        final BigInteger v = new BigInteger(1 + random.nextInt(127), random);
        return random.nextBoolean() ? v.negate() : v;
    }

    @Test
    void shouldFormatAsBigDecimalDoes()
    {
        final long price = 100_000_000_000_000_000L;
        assertEquals("90800000000000000.000", Decimals.toString(Math.multiplyHigh(price, 908), price * 908, 3));
        assertEquals("0.005", Decimals.toString(0, 5, 3));
        assertEquals("-0.005", Decimals.toString(-1, -5, 3));
        assertEquals("0", Decimals.toString(0, 0, 0));
        assertEquals("0.00", Decimals.toString(0, 0, 2));
        assertEquals("-12.340", Decimals.toString(-1, -12_340, 3));
        final Random random = new Random(42);
        for (int i = 0; i < 20_000; i++)
        {
            final BigInteger v = i == 0 ? MIN_128 : i == 1 ? MAX_128 : random(random);
            final int scale = random.nextInt(39);
            assertEquals(new BigDecimal(v, scale).toPlainString(), Decimals.toString(high(v), v.longValue(), scale), v + "e-" + scale);
        }
    }

    @Test
    void shouldTellWhetherAValueFitsAPrecision()
    {
        final Random random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            final int precision = 1 + random.nextInt(38);
            final BigInteger limit = BigInteger.TEN.pow(precision);
            final BigInteger v = switch (i % 4)
            {
                case 0 -> limit.subtract(BigInteger.ONE);
                case 1 -> limit.negate();
                case 2 -> limit.negate().add(BigInteger.ONE);
                default -> random(random);
            };
            assertEquals(v.abs().compareTo(limit) < 0, Decimals.fits(high(v), v.longValue(), precision),
                v + " in " + precision + " digits");
        }
        assertFalse(Decimals.fits(high(MIN_128), MIN_128.longValue(), 38));
    }

    @Test
    void shouldAddMultiplyAndRescaleExactlyOrThrow()
    {
        final Random random = new Random(99);
        final long[] value = new long[2];
        for (int i = 0; i < 20_000; i++)
        {
            final BigInteger a = random(random);
            final BigInteger b = random(random);
            final BigInteger sum = a.add(b);
            if (sum.compareTo(MAX_128) > 0 || sum.compareTo(MIN_128) < 0)
            {
                assertThrows(ArithmeticException.class, () -> Decimals.addHigh(high(a), a.longValue(), high(b), b.longValue()));
            }
            else
            {
                assertEquals(sum, big(Decimals.addHigh(high(a), a.longValue(), high(b), b.longValue()),
                    a.longValue() + b.longValue()), a + " + " + b);
            }

            final long factor = random.nextBoolean() ? random.nextLong() : random.nextInt(1_000_000) - 500_000;
            final BigInteger product = a.multiply(BigInteger.valueOf(factor));
            value[0] = high(a);
            value[1] = a.longValue();
            if (product.compareTo(MAX_128) > 0 || product.compareTo(MIN_128) <= 0)
            {
                assertThrows(ArithmeticException.class, () -> Decimals.multiply(value, factor), a + " * " + factor);
            }
            else
            {
                Decimals.multiply(value, factor);
                assertEquals(product, big(value[0], value[1]), a + " * " + factor);
            }

            final int from = random.nextInt(39);
            final int to = random.nextInt(39);
            final BigInteger rescaled = new BigDecimal(a, from).setScale(to, RoundingMode.HALF_UP).unscaledValue();
            value[0] = high(a);
            value[1] = a.longValue();
            if (rescaled.compareTo(MAX_128) > 0 || rescaled.compareTo(MIN_128) <= 0)
            {
                assertThrows(ArithmeticException.class, () -> Decimals.rescale(value, from, to));
            }
            else
            {
                Decimals.rescale(value, from, to);
                assertEquals(rescaled, big(value[0], value[1]), a + "e-" + from + " to scale " + to);
            }
        }
    }

    @Test
    void shouldStoreCompactAndWideDecimalsAndRefuseTooManyDigitsNamingTheField()
    {
        final Schema schema = Schema.builder("money").decimal("price", 18, 4).decimal("notional", 38, 4).build();
        final Field.Decimal price = schema.decimal("price");
        final Field.Decimal notional = schema.decimal("notional");
        assertTrue(price.isCompact());
        assertFalse(notional.isCompact());
        assertEquals(8 + 16, schema.fixedLength());
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final RowWriter writer = new RowWriter().wrap(schema, buffer, 0, 64);
        final long p = 12_345_678_901L;                                 // 1234567.8901
        final long qty = 7_000_000_000_000L;
        // An exact product of two longs at scale 4, then a value of another scale rounded half up.
        writer.putDecimal(price, p).putDecimal(notional, Math.multiplyHigh(p, qty), p * qty);
        final MutableRow row = new MutableRow().wrap(schema, buffer, 0, writer.length());
        assertEquals(new BigDecimal("1234567.8901"), row.getDecimal(price));
        assertEquals(new BigDecimal("1234567.8901").multiply(new BigDecimal(qty)), row.getDecimal(notional));
        assertEquals("1234567.8901,8641975230700000000.0000", row.appendCsv(new StringBuilder()).toString());
        writer.putDecimal(price, 0, 12_345, 5);
        assertEquals(new BigDecimal("0.1235"), new MutableRow().wrap(schema, buffer, 0, writer.length()).getDecimal(price));
        writer.putDecimal(price, -1, -12_345, 5);
        assertEquals(new BigDecimal("-0.1235"), new MutableRow().wrap(schema, buffer, 0, writer.length()).getDecimal(price));

        final ArithmeticException e = assertThrows(ArithmeticException.class,
            () -> writer.putDecimal(price, 1_000_000_000_000_000_000L));
        assertTrue(e.getMessage().contains("field 'price' DECIMAL(18, 4)"), e.getMessage());
        assertTrue(e.getMessage().contains("100000000000000.0000"), e.getMessage());
        assertTrue(e.getMessage().contains("larger precision"), e.getMessage());
        assertThrows(ArithmeticException.class, () -> writer.putDecimal(notional, Long.MAX_VALUE, 0));
        assertThrows(IllegalArgumentException.class, () -> Schema.builder("bad").decimal("x", 39, 0));
    }
}
