package io.peregrine.api;

import org.agrona.MutableDirectBuffer;

/**
 * Low-level keyed operator: per-key fixed-size state, event-time and processing-time timers.
 */
public interface KeyedProcessFunction
{
    void processElement(Row in, Context ctx, Collector out) throws Exception;

    /**
     * Called when a timer registered for the current key fires.
     */
    default void onTimer(final long timestamp, final TimeDomain domain, final Context ctx, final Collector out) throws Exception
    {
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
