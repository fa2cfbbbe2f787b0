package io.peregrine.runtime;

import io.peregrine.api.Field;
import io.peregrine.api.FieldType;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The {@code key} column of an aggregate's output, of the key's own type: an {@code INT64} for a numeric key or a key
 * function, the text for a keyBy on an ASCII field (unpacked from the key, see {@link Row#asciiKey}). Writes without
 * allocating.
 */
final class KeyColumn
{
    private final Field.Int64 int64;
    private final Field.Ascii ascii;
    private final UnsafeBuffer text = new UnsafeBuffer(new byte[8]);

    KeyColumn(final Schema out)
    {
        final Field field = out.field("key");
        if (field.type() == FieldType.ASCII)
        {
            this.ascii = (Field.Ascii)field;
            this.int64 = null;
        }
        else
        {
            this.ascii = null;
            this.int64 = out.int64("key");
        }
    }

    void write(final RowWriter writer, final long key)
    {
        if (ascii == null)
        {
            writer.putLong(int64, key);
        }
        else
        {
            Row.unpackAscii(key, text);
            writer.putAscii(ascii, text, 0, Row.unpackedAsciiLength(key));
        }
    }
}
