package io.peregrine.bench.nexmark;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable, growable string held as UTF-8 bytes with a length: the text fields of a {@link NexmarkEvent}.
 * <p>
 * Generated Nexmark text is plain ASCII; text read from JSON may hold any UTF-8. The holder grows its array when a
 * longer value arrives and never shrinks, so in the steady state filling it allocates nothing.
 * <p>
 * A text can also be a read-only <b>view</b> of bytes held elsewhere ({@link #view(byte[], int, int)}): the generator
 * points a bid's channel, URL and padding at its tables instead of copying them, so a reader that copies the text
 * once (into a row, into JSON) does the only copy. Readers take {@code bytes()[offset() .. offset() + length())};
 * any change to a view first copies it into the text's own array.
 */
public final class Utf8Text
{
    private byte[] own;
    private byte[] bytes;
    private int offset;
    private int length;

    /**
     * Create an empty text with an initial capacity.
     *
     * @param initialCapacity bytes to reserve.
     */
    public Utf8Text(final int initialCapacity)
    {
        own = new byte[Math.max(1, initialCapacity)];
        bytes = own;
    }

    /**
     * @return the backing array; the text is its {@link #length()} bytes from {@link #offset()}.
     */
    public byte[] bytes()
    {
        return bytes;
    }

    /**
     * @return index of the text's first byte in {@link #bytes()}: 0 unless this is a view.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * Make this text a read-only view of {@code length} bytes of {@code src} from {@code offset}, without copying.
     * The bytes must not change while the view is in use; a later change to this text copies them first.
     *
     * @param src    bytes (UTF-8).
     * @param offset of the first byte.
     * @param length byte count.
     * @return this.
     */
    public Utf8Text view(final byte[] src, final int offset, final int length)
    {
        this.bytes = src;
        this.offset = offset;
        this.length = length;
        return this;
    }

    private void detach()
    {
        if (bytes != own)
        {
            if (own.length < length)
            {
                own = new byte[Math.max(length, own.length * 2)];
            }
            System.arraycopy(bytes, offset, own, 0, length);
            bytes = own;
            offset = 0;
        }
    }

    /**
     * @return number of bytes in the text.
     */
    public int length()
    {
        return length;
    }

    /**
     * @param index of a byte, less than {@link #length()}.
     * @return the byte at index.
     */
    public byte byteAt(final int index)
    {
        return bytes[offset + index];
    }

    /**
     * Empty the text, keeping its capacity.
     *
     * @return this for a fluent API.
     */
    public Utf8Text clear()
    {
        bytes = own;
        offset = 0;
        length = 0;
        return this;
    }

    /**
     * Append one byte.
     *
     * @param b byte to append.
     * @return this for a fluent API.
     */
    public Utf8Text append(final byte b)
    {
        ensureCapacity(length + 1);
        bytes[length++] = b;
        return this;
    }

    /**
     * Append a range of bytes.
     *
     * @param src    source array.
     * @param offset first byte in src.
     * @param count  number of bytes.
     * @return this for a fluent API.
     */
    public Utf8Text append(final byte[] src, final int offset, final int count)
    {
        ensureCapacity(length + count);
        System.arraycopy(src, offset, bytes, length, count);
        length += count;
        return this;
    }

    /**
     * Append a whole array of bytes.
     *
     * @param src bytes to append.
     * @return this for a fluent API.
     */
    public Utf8Text append(final byte[] src)
    {
        return append(src, 0, src.length);
    }

    /**
     * Append the contents of another text.
     *
     * @param other text to append.
     * @return this for a fluent API.
     */
    public Utf8Text append(final Utf8Text other)
    {
        return append(other.bytes, other.offset, other.length);
    }

    /**
     * Append chars, encoding them as UTF-8 (surrogate pairs are combined).
     *
     * @param chars  source chars.
     * @param offset first char.
     * @param count  number of chars.
     * @return this for a fluent API.
     */
    public Utf8Text append(final char[] chars, final int offset, final int count)
    {
        ensureCapacity(length + count);
        final int end = offset + count;
        int i = offset;
        // ASCII fast path: one byte per char, capacity already ensured.
        final byte[] bytes = this.bytes;
        int len = length;
        while (i < end && chars[i] < 0x80)
        {
            bytes[len++] = (byte)chars[i++];
        }
        length = len;
        for (; i < end; i++)
        {
            final char c = chars[i];
            if (c < 0x80)
            {
                append((byte)c);
            }
            else if (c < 0x800)
            {
                append((byte)(0xC0 | (c >> 6)));
                append((byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1]))
            {
                final int cp = Character.toCodePoint(c, chars[++i]);
                append((byte)(0xF0 | (cp >> 18)));
                append((byte)(0x80 | ((cp >> 12) & 0x3F)));
                append((byte)(0x80 | ((cp >> 6) & 0x3F)));
                append((byte)(0x80 | (cp & 0x3F)));
            }
            else
            {
                append((byte)(0xE0 | (c >> 12)));
                append((byte)(0x80 | ((c >> 6) & 0x3F)));
                append((byte)(0x80 | (c & 0x3F)));
            }
        }
        return this;
    }

    /**
     * Append an ASCII string (chars above 0x7F are encoded as UTF-8). Meant for constants and tests.
     *
     * @param s string to append.
     * @return this for a fluent API.
     */
    public Utf8Text append(final String s)
    {
        final int n = s.length();
        for (int i = 0; i < n; i++)
        {
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                append((byte)c);
            }
            else
            {
                final byte[] encoded = s.substring(i, i + 1).getBytes(StandardCharsets.UTF_8);
                append(encoded, 0, encoded.length);
            }
        }
        return this;
    }

    /**
     * Append the decimal digits of a non-negative number, zero padded on the left to a width.
     *
     * @param value non-negative value.
     * @param width minimum number of digits.
     * @return this for a fluent API.
     */
    public Utf8Text appendPadded(final long value, final int width)
    {
        if (value <= Integer.MAX_VALUE)
        {
            return appendPadded((int)value, width);
        }
        int digits = 1;
        for (long v = value / 10; v != 0; v /= 10)
        {
            digits++;
        }
        final int total = Math.max(digits, width);
        ensureCapacity(length + total);
        long v = value;
        for (int i = length + total - 1; i >= length; i--)
        {
            bytes[i] = (byte)('0' + (v % 10));
            v /= 10;
        }
        length += total;
        return this;
    }

    private Utf8Text appendPadded(final int value, final int width)
    {
        int digits = 1;
        for (int v = value / 10; v != 0; v /= 10)
        {
            digits++;
        }
        final int total = Math.max(digits, width);
        ensureCapacity(length + total);
        final byte[] bytes = this.bytes;
        int v = value;
        for (int i = length + total - 1; i >= length; i--)
        {
            final int q = v / 10;
            bytes[i] = (byte)('0' + (v - q * 10));
            v = q;
        }
        length += total;
        return this;
    }

    /**
     * Replace the content with a copy of another text.
     *
     * @param other text to copy.
     * @return this for a fluent API.
     */
    public Utf8Text set(final Utf8Text other)
    {
        clear();
        return append(other);
    }

    /**
     * Replace the content with a string.
     *
     * @param s string to copy.
     * @return this for a fluent API.
     */
    public Utf8Text set(final String s)
    {
        clear();
        return append(s);
    }

    /**
     * Set the length directly after writing into {@link #bytes()} (see {@link #ensureCapacity(int)}).
     *
     * @param length new length.
     */
    public void length(final int length)
    {
        this.length = length;
    }

    /**
     * Make sure the backing array holds at least capacity bytes, keeping the content.
     *
     * @param capacity bytes needed.
     */
    public void ensureCapacity(final int capacity)
    {
        detach();
        if (capacity > own.length)
        {
            own = Arrays.copyOf(own, Math.max(capacity, own.length * 2));
            bytes = own;
        }
    }

    /**
     * Append the text to a builder, decoding UTF-8 (ASCII is the allocation-free fast path).
     *
     * @param sb builder to append to.
     * @return the builder.
     */
    public StringBuilder appendTo(final StringBuilder sb)
    {
        for (int i = 0; i < length; i++)
        {
            final byte b = bytes[offset + i];
            if (b < 0)
            {
                sb.append(new String(bytes, offset + i, length - i, StandardCharsets.UTF_8));
                return sb;
            }
            sb.append((char)b);
        }
        return sb;
    }

    /**
     * @param s string to compare with.
     * @return true if the text equals the UTF-8 encoding of s.
     */
    public boolean contentEquals(final String s)
    {
        final int n = s.length();
        if (n != length)
        {
            return toString().equals(s);
        }
        for (int i = 0; i < n; i++)
        {
            if (bytes[offset + i] != (byte)s.charAt(i) || s.charAt(i) >= 0x80)
            {
                return toString().equals(s);
            }
        }
        return true;
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof Utf8Text))
        {
            return false;
        }
        final Utf8Text that = (Utf8Text)o;
        return Arrays.equals(bytes, offset, offset + length, that.bytes, that.offset, that.offset + that.length);
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        int h = 1;
        for (int i = 0; i < length; i++)
        {
            h = 31 * h + bytes[offset + i];
        }
        return h;
    }

    /**
     * @return a new String decoded from the UTF-8 bytes (allocates: for tests and reports).
     */
    public String toString()
    {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
}
