package io.peregrine.api;

import io.peregrine.state.SlotTable;

/**
 * The engine's side of a {@link ValueState}: the runtime moves it to the key of each {@code processElement} or
 * {@code onTimer} call before the function sees it. The key's slot is looked up at the first access of the call (a
 * read finds it, a put makes it), not here, so a function that does not touch its value pays nothing for it.
 */
public final class ValueStateCursor extends ValueState
{
    /**
     * @param schema of the value, fixed-width.
     * @param table  the operator's table on this shard, with slots of the schema's fixed length.
     */
    public ValueStateCursor(final Schema schema, final SlotTable table)
    {
        super(schema, table);
    }

    /**
     * Move to a key: the call about to start is for it. Also after any other change to the key's slot through the
     * table, so that nothing found before is used again.
     *
     * @param key of the call.
     */
    public void key(final long key)
    {
        this.key = key;
        this.mode = UNRESOLVED;
    }
}
