package io.peregrine.api;

import org.agrona.MutableDirectBuffer;

/**
 * Low-level keyed operator: per-key fixed-size state, lists and maps of variable-length entries per key,
 * event-time and processing-time timers. All of it is the engine's state, journaled in checkpoints: a function
 * must keep nothing in its own fields that has to survive a failure.
 * <p>
 * Given to {@link KeyedStream#process(String, Schema, int, java.util.function.Supplier)} as a factory, a function
 * is created per shard and {@link #open(OpenContext)} is called on it before the first record, where it declares
 * its lists and maps; an instance given directly is shared by every shard, so it must keep no fields at all.
 */
public interface KeyedProcessFunction
{
    /**
     * Before the first record: declare the function's lists and maps.
     *
     * @param ctx the shard's view.
     */
    default void open(final OpenContext ctx) throws Exception
    {
    }

    /**
     * The shard is stopping.
     */
    default void close() throws Exception
    {
    }

    void processElement(Row in, Context ctx, Collector out) throws Exception;

    /**
     * Called when a timer registered for the current key fires.
     */
    default void onTimer(final long timestamp, final TimeDomain domain, final Context ctx, final Collector out) throws Exception
    {
    }

    /**
     * What {@link #open(OpenContext)} sees.
     */
    interface OpenContext
    {
        /** @return this instance's shard. */
        int shard();

        /** @return shards of the job. */
        int shards();

        /**
         * @param name of the list, unique within the function; declare the same lists in the same order in every
         *             run, or a checkpoint of an earlier run cannot be restored.
         * @return the list state, scoped to the current key of each call.
         */
        KeyedListState listState(String name);

        /**
         * @param name of the map, unique within the function (same rule as lists).
         * @return the map state, scoped to the current key of each call.
         */
        KeyedMapState mapState(String name);
    }

    /**
     * What a keyed process function sees of its key, state and time.
     */
    interface Context
    {
        long key();

        /**
         * @return the key's state slot (zeroed when first seen), updated in place.
         */
        MutableDirectBuffer state();

        /**
         * Forget the key's state.
         */
        void clearState();

        long currentWatermark();

        long currentProcessingTime();

        void registerEventTimeTimer(long timestamp);

        void registerProcessingTimeTimer(long timestamp);
    }
}
