package io.peregrine.state;

import org.agrona.MutableDirectBuffer;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A checkpoint of a keyed state into a replica, as the engine's journal takes one: whole (every key, the replica
 * cleared first) when the state says so, otherwise the keys changed since the mark; then a new interval.
 */
final class ReplicaJournal
{
    private ReplicaJournal()
    {
    }

    /**
     * @param state        journaled.
     * @param replica      restored from the journal.
     * @param clearReplica empties the replica, for a whole checkpoint.
     * @param journal      scratch for one key's encoding.
     * @param expected     keys a whole checkpoint must visit (those present) or an incremental one (those changed).
     * @param whole        whether the checkpoint is expected to be whole.
     */
    static void checkpoint(
        final KeyChangeTracking state, final KeyChangeTracking replica, final Runnable clearReplica,
        final MutableDirectBuffer journal, final Set<Long> expected, final boolean whole)
    {
        assertEquals(whole, state.clearedSinceMark());
        final Set<Long> visited = new HashSet<>();
        final long[] visits = { 0 };
        final SlotTable.KeyConsumer journalKey = (k) ->
        {
            visited.add(k);
            visits[0]++;
            final int length = state.encodedLength(k);
            assertEquals(length, state.writeKey(k, journal, 0));
            replica.restoreKey(k, journal, 0, length);
        };
        if (whole)
        {
            clearReplica.run();
            state.forEachKey(journalKey);
        }
        else
        {
            assertEquals(state.forEachChangedKeySinceMark(journalKey), visits[0]);
        }
        assertEquals(expected, visited);
        assertEquals(visited.size(), visits[0], "each key once");
        state.resetMark();
        assertEquals(0, state.forEachChangedKeySinceMark((k) -> { }));
    }
}
