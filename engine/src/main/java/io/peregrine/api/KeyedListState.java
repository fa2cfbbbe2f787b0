package io.peregrine.api;

import org.agrona.DirectBuffer;

/**
 * A list of variable-length byte entries per key (Flink's {@code ListState}), off the heap in the shard's own state
 * and in every checkpoint. Every method works on the current key of the process function's context. Entries are
 * read in place through a flyweight valid only during the visitor's call.
 */
public interface KeyedListState
{
    /** Receives each entry, in the order added (passed to the state as it is: no wrapper per call). */
    @FunctionalInterface
    interface EntryVisitor extends io.peregrine.state.ListState.EntryVisitor
    {
    }

    /** Decides whether an entry stays. */
    @FunctionalInterface
    interface EntryPredicate extends io.peregrine.state.ListState.EntryPredicate
    {
    }

    void add(DirectBuffer src, int offset, int length);

    /** @return entries of the current key. */
    int size();

    /** @return entries visited. */
    int forEach(EntryVisitor visitor);

    /** @return entries removed (those the predicate rejects). */
    int retainIf(EntryPredicate predicate);

    /** @return entries removed from the front. */
    int removeFirst(int n);

    /** Remove the current key's list. */
    void clear();
}
