package io.peregrine.api;

import org.agrona.DirectBuffer;

/**
 * A map from variable-length byte keys to variable-length byte values per key (Flink's {@code MapState}), off the
 * heap in the shard's own state and in every checkpoint. Every method works on the current key of the process
 * function's context. Values are read in place through flyweights valid until the next change.
 */
public interface KeyedMapState
{
    /** Receives each entry. */
    @FunctionalInterface
    interface EntryVisitor extends io.peregrine.state.MapState.EntryVisitor
    {
    }

    /** @return true if the user key was not in the map. */
    boolean put(DirectBuffer userKey, int keyOffset, int keyLength, DirectBuffer value, int valueOffset, int valueLength);

    /** @return a flyweight over the value, or null. */
    DirectBuffer get(DirectBuffer userKey, int keyOffset, int keyLength);

    /** @return true if it was there. */
    boolean remove(DirectBuffer userKey, int keyOffset, int keyLength);

    /** @return entries of the current key. */
    int size();

    /** @return entries visited, in no particular order. */
    int forEach(EntryVisitor visitor);

    /** Remove the current key's map. */
    void clear();
}
