package io.peregrine.api;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RowWriterResetTest
{
    /** 8 + 4 + 1 = 13 bytes of fixed part: one word and a tail. */
    private static final Schema ODD = Schema.builder("odd").int64("a").int32("b").ascii("c", 1).build();
    private static final Field.Int64 A = ODD.int64("a");
    private static final Field.Int32 B = ODD.int32("b");

    @Test
    void shouldZeroTheWholeFixedPartAndNothingPastTheCapacity()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        for (int i = 0; i < 32; i++)
        {
            buffer.putByte(i, (byte)0x7F);
        }
        final RowWriter writer = new RowWriter().wrap(ODD, buffer, 3, ODD.fixedLength()); // capacity ends mid-word
        for (int i = 3; i < 3 + ODD.fixedLength(); i++)
        {
            assertEquals(0, buffer.getByte(i), "byte " + i);
        }
        assertEquals(0x7F, buffer.getByte(2));
        assertEquals(0x7F, buffer.getByte(3 + ODD.fixedLength()), "past the capacity");
        writer.putLong(A, -1).putInt(B, -1);
        buffer.putByte(3 + 12, (byte)9);
        writer.reset();
        for (int i = 3; i < 3 + ODD.fixedLength(); i++)
        {
            assertEquals(0, buffer.getByte(i), "byte " + i + " after reset");
        }
        assertEquals(0x7F, buffer.getByte(3 + ODD.fixedLength()));
    }

    @Test
    void shouldFollowAnExpandableBufferThatMovedBetweenRows()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        final RowWriter writer = new RowWriter().wrap(ODD, buffer, 0, 16);
        writer.putLong(A, 1);
        final byte[] before = buffer.byteArray();
        buffer.checkLimit(4096); // grows: a new array
        writer.reset().putLong(A, 42).putInt(B, 7);
        assertEquals(42, buffer.getLong(0));
        assertEquals(7, buffer.getInt(8));
        assertEquals(1, new UnsafeBuffer(before).getLong(0), "the old array is not written");
    }
}
