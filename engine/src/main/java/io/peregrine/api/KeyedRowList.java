package io.peregrine.api;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * A list of rows of one schema per key (Flink's {@code ListState} of a row type), declared in
 * {@link KeyedProcessFunction#open} with {@code ctx.listState(name, schema)}. Entries are rows in their binary layout,
 * variable-length fields included, added by copying a row ({@link #add(Row)}) or by writing one
 * ({@code list.next().putLong(...); list.add();}) and read in place through a {@link Row} valid only during the
 * visitor's call, through the schema's field handles, as records are. Every method works on the current key of the
 * function's context; nothing is allocated per call.
 * <p>
 * It is a view over a {@link KeyedListState} of byte entries: the same list in the engine's state and in every
 * checkpoint. A visitor must not visit the same list again from within its call.
 */
public final class KeyedRowList
{
    /** Receives each entry, in the order added. */
    @FunctionalInterface
    public interface RowVisitor
    {
        void accept(Row entry);
    }

    /** Decides whether an entry stays. */
    @FunctionalInterface
    public interface RowPredicate
    {
        boolean test(Row entry);
    }

    private final KeyedListState entries;
    private final Schema schema;
    private final int maxRowLength;
    private final ExpandableArrayBuffer scratch;
    private final RowWriter writer = new RowWriter();
    private final MutableRow view = new MutableRow();
    private final KeyedListState.EntryVisitor onEntry = this::onEntry;
    private final KeyedListState.EntryPredicate onTest = this::onTest;
    private boolean started;
    private RowVisitor visitor;
    private RowPredicate predicate;

    /**
     * @param entries      the byte list that holds the rows.
     * @param schema       of every entry.
     * @param maxRowLength most bytes an entry written through {@link #next()} may take.
     */
    public KeyedRowList(final KeyedListState entries, final Schema schema, final int maxRowLength)
    {
        this.entries = entries;
        this.schema = schema;
        this.maxRowLength = Math.max(maxRowLength, schema.fixedLength());
        this.scratch = new ExpandableArrayBuffer(this.maxRowLength);
    }

    /**
     * @return the schema of the entries.
     */
    public Schema schema()
    {
        return schema;
    }

    /**
     * @return a writer started on a fresh row of the list's schema; {@link #add()} appends it.
     */
    public RowWriter next()
    {
        started = true;
        return writer.wrap(schema, scratch, 0, maxRowLength);
    }

    /**
     * Append the row started by {@link #next()} to the current key's list.
     *
     * @throws IllegalStateException if no row was started since the last add.
     */
    public void add()
    {
        if (!started)
        {
            throw new IllegalStateException("list of '" + schema.name() + "': add() appends the row started by next()");
        }
        started = false;
        entries.add(scratch, 0, writer.length());
    }

    /**
     * Append a copy of a row of the list's schema (one copy of its bytes) to the current key's list.
     *
     * @param row to copy, of the list's schema.
     * @throws IllegalArgumentException if the row is of another schema.
     */
    public void add(final Row row)
    {
        if (row.schema() != schema)
        {
            throw new IllegalArgumentException("list of '" + schema.name() + "' cannot hold a row of schema '" +
                row.schema().name() + "'");
        }
        entries.add(row.buffer(), row.offset(), row.length());
    }

    /**
     * @return entries of the current key.
     */
    public int size()
    {
        return entries.size();
    }

    /**
     * @param visitor called with each entry of the current key, in the order added.
     * @return entries visited.
     */
    public int forEach(final RowVisitor visitor)
    {
        this.visitor = visitor;
        try
        {
            return entries.forEach(onEntry);
        }
        finally
        {
            this.visitor = null;
        }
    }

    /**
     * @param predicate keeps the entries for which it is true.
     * @return entries removed.
     */
    public int retainIf(final RowPredicate predicate)
    {
        this.predicate = predicate;
        try
        {
            return entries.retainIf(onTest);
        }
        finally
        {
            this.predicate = null;
        }
    }

    /**
     * @param n entries to remove from the front.
     * @return entries removed.
     */
    public int removeFirst(final int n)
    {
        return entries.removeFirst(n);
    }

    /**
     * Remove the current key's list.
     */
    public void clear()
    {
        entries.clear();
    }

    private void onEntry(final DirectBuffer entry)
    {
        visitor.accept(view.wrap(schema, entry, 0, entry.capacity()));
    }

    private boolean onTest(final DirectBuffer entry)
    {
        return predicate.test(view.wrap(schema, entry, 0, entry.capacity()));
    }
}
