package io.peregrine.checkpoint;

import io.peregrine.state.SlotTable;
import org.agrona.DirectBuffer;

/**
 * A part of a shard (a source, an exchange input, an operator) whose state goes into checkpoints. The shard
 * calls {@link #snapshot} once per checkpoint when it holds the barrier on every input, and at recovery
 * replays the journaled entries of the restored checkpoint's chain (its last full checkpoint and every
 * incremental one after it, oldest first) through {@link #restoreTable} and {@link #restoreBlob}, then calls
 * {@link #restoreEnd()}. Everything runs on the shard's thread.
 * <p>
 * Restored on another shard count, a shard replays the journals of every shard that took the checkpoint, keeping
 * the keyed entries of the key groups it now owns; {@link #restoreBlob} is then called once per shard that took
 * it, and merges (the smallest watermark, the union of live windows, the splits this shard now reads).
 */
public interface Checkpointed
{
    /**
     * @param op     this part's index, to pass to the writer.
     * @param writer to journal through.
     */
    void snapshot(int op, SnapshotWriter writer);

    /**
     * @param tag   the table's tag as journaled.
     * @param reset true when the entries that follow are the whole table: clear it first.
     * @return the table to apply the entries that follow to (inserting a key, replacing its value, removing it).
     */
    default SlotTable restoreTable(final long tag, final boolean reset)
    {
        throw new IllegalStateException(this + " has no table " + tag + " in this build: was the checkpoint taken " +
            "from another pipeline?");
    }

    /**
     * For a part with one table: the table, cleared first when the entries that follow are all of it.
     *
     * @param table the part's table.
     * @param reset as passed to {@link #restoreTable}.
     * @return the table.
     */
    static SlotTable single(final SlotTable table, final boolean reset)
    {
        if (reset)
        {
            table.clear();
        }
        return table;
    }

    /**
     * @param tag   the state's tag as journaled.
     * @param reset true when the keys that follow are all of it: clear it first.
     * @return the variable-length keyed state to restore the keys that follow into.
     */
    default io.peregrine.state.KeyChangeTracking restoreKeyedState(final long tag, final boolean reset)
    {
        throw new IllegalStateException(this + " has no list or map state " + tag + " in this build: was the " +
            "checkpoint taken from another pipeline, or does the function declare other states now?");
    }

    /**
     * @param buffer holding the blob as journaled.
     * @param offset of its first byte.
     * @param length in bytes.
     */
    default void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
    }

    /**
     * Every entry of the chain has been applied: rebuild what is derived from state (timers kept in slots, pooled
     * windows that are no longer live).
     */
    default void restoreEnd()
    {
    }
}
