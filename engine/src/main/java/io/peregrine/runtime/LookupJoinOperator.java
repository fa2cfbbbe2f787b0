package io.peregrine.runtime;

import io.peregrine.api.MutableRow;

import io.peregrine.api.JoinFunction;
import io.peregrine.api.KeySelector;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Source;
import io.peregrine.api.SourceContext;
import io.peregrine.state.ListState;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A lookup join with reference data, as Flink SQL's lookup join against a file-system table: the reference rows are
 * read whole when the operator is made, into a {@link ListState} keyed by their key (the rows of a key in the
 * reference's order), and each stream row is joined with every reference row of its key, or padded with a null one
 * (left outer) if it has none. Output event time: the stream row's. The reference is read-only once loaded and is
 * not checkpointed: a restarted job reads it again.
 */
final class LookupJoinOperator extends CollectingOperator
{
    private final JoinFunction fn;
    private final KeySelector key;
    private final Schema referenceSchema;
    private final boolean outer;
    private final ListState reference = new ListState();
    private final ListState.Cursor cursor = reference.cursor();
    private final MutableRow referenceRow = new MutableRow();

    LookupJoinOperator(
        final String name, final JoinFunction fn, final KeySelector key, final Source source,
        final KeySelector referenceKey, final boolean outer, final Schema outSchema, final SourceContext context)
    {
        super(name, outSchema, context.maxRowLength());
        this.fn = fn;
        this.key = key;
        this.referenceSchema = source.schema();
        this.outer = outer;
        load(source, referenceKey, context);
    }

    private void load(final Source source, final KeySelector referenceKey, final SourceContext context)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            (context.maxRowLength() + 63) & ~63, 64));
        final RowWriter writer = new RowWriter();
        final MutableRow row = new MutableRow();
        final int splits = source.splitCount(1);
        for (int split = 0; split < splits; split++)
        {
            try (Source.SplitReader reader = source.createReader(split, splits, context))
            {
                final int at = split;
                final Source.SourceOutput output = new Source.SourceOutput()
                {
                    public RowWriter next()
                    {
                        return writer.wrap(referenceSchema, buffer, 0, buffer.capacity());
                    }

                    public void emit(final long position)
                    {
                        row.wrap(referenceSchema, buffer, 0, writer.length());
                        reference.add(keyOf(referenceKey, row), buffer, 0, writer.length());
                    }

                    public void deadLetter(final long position, final String reason, final CharSequence raw)
                    {
                        throw new IllegalStateException("lookup join '" + name + "': reference split " + at +
                            " position " + position + ": " + reason + ": " + raw);
                    }
                };
                while (reader.poll(output, 1024) != Source.SplitReader.END)
                {
                    Thread.onSpinWait();
                }
            }
            catch (final RuntimeException e)
            {
                throw e;
            }
            catch (final Exception e)
            {
                throw new IllegalStateException("lookup join '" + name + "': cannot read the reference data: " + e, e);
            }
        }
    }

    public void onRecord(final Row row)
    {
        boolean matched = false;
        if (cursor.reset(keyOf(key, row)))
        {
            while (cursor.next())
            {
                final DirectBuffer entry = cursor.entry();
                referenceRow.wrap(referenceSchema, entry, 0, entry.capacity());
                emit(row, referenceRow);
                matched = true;
            }
        }
        if (!matched && outer)
        {
            emit(row, null);
        }
    }

    private void emit(final Row row, final Row referenceRow)
    {
        try
        {
            fn.join(row, referenceRow, out.next());
        }
        catch (final Throwable t)
        {
            onFailure(row, t);
            return;
        }
        out.current = row;
        out.emit();
    }

    /**
     * @return reference rows held.
     */
    long referenceRows()
    {
        final long[] rows = {0};
        reference.forEachKey(k -> rows[0] += reference.size(k));
        return rows[0];
    }

    public void close()
    {
        reference.close();
    }

    public String toString()
    {
        return "lookup join '" + name + "'";
    }
}
