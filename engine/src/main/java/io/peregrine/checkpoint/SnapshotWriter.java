package io.peregrine.checkpoint;

import io.peregrine.state.SlotTable;
import org.agrona.DirectBuffer;

/**
 * What a shard's checkpointed parts write their state through, on the shard's thread, while the shard holds
 * barrier N on every input. Entries are gathered into large journal documents (one per
 * {@link JournalFormat#DOCUMENT_TARGET} bytes or so), never one document per entry.
 */
public interface SnapshotWriter
{
    /**
     * @return true if this checkpoint journals all state, false if only what changed since the previous one.
     */
    boolean isFull();

    /**
     * Journal a keyed-state table: all its entries (after a reset marker) when the checkpoint is full, the table
     * cannot track changes or was cleared since the previous checkpoint; otherwise the removed keys and the
     * changed entries. Starts a new change interval on the table.
     *
     * @param op    the part's index in the shard's plan.
     * @param tag   which of the part's tables (0 for a part with one; a window's start for window panes).
     * @param table to journal.
     */
    void table(int op, long tag, SlotTable table);

    /**
     * Journal variable-length keyed state (lists, maps): each key's whole content, for every key when the checkpoint
     * is full or the state was cleared, else for the keys changed since the previous checkpoint (an empty content
     * meaning the key was removed). Starts a new change interval.
     *
     * @param op    the part's index in the shard's plan.
     * @param tag   which of the part's states.
     * @param state to journal.
     */
    void keyedState(int op, long tag, io.peregrine.state.KeyChangeTracking state);

    /**
     * Journal a small piece of state other than a table (watermarks, positions, live windows), whole.
     *
     * @param op     the part's index in the shard's plan.
     * @param buffer holding the bytes.
     * @param offset of the first byte.
     * @param length in bytes.
     */
    void blob(int op, DirectBuffer buffer, int offset, int length);
}
