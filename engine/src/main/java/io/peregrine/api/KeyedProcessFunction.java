package io.peregrine.api;

import org.agrona.MutableDirectBuffer;

/**
 * A keyed operator with per-key state and timers: a value per key (a row of a fixed-width schema, {@link ValueState}),
 * lists and maps of variable-length entries per key, event-time and processing-time timers. All of it is the engine's
 * state, journaled in checkpoints: a function must keep nothing in its own fields that has to survive a failure.
 * <pre>{@code
 * keyed.process("running-count", OUT, COUNT_STATE, (in, ctx, out) -> {
 *     ValueState count = ctx.value();                    // the current key's row of COUNT_STATE
 *     count.putLong(N, count.getLong(N) + 1);
 *     out.next().putLong(KEY, ctx.key()).putLong(SEEN, count.getLong(N));
 *     out.emit();
 * });
 * }</pre>
 * Given to {@code KeyedStream.process} as a factory ({@code SomeFunction::new}), a function is created per shard and
 * {@link #open(OpenContext)} is called on it before the first record, where it declares its lists and maps; an
 * instance given directly is shared by every shard, so it must keep no fields at all.
 */
public interface KeyedProcessFunction
{
    /**
     * Before the first record: declare the function's lists and maps, and look up any field handle it needs (never
     * per record).
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
         * @param name  of the list, unique within the function (same rule as byte lists).
         * @param entry the schema of its entries, which may have variable-length fields.
         * @return a list of rows per key, scoped to the current key of each call, read and written through the
         * schema's fields.
         */
        KeyedRowList listState(String name, Schema entry);

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
         * @return the current key's value, a row of the value-state schema given to {@code KeyedStream.process},
         * read and written in place through that schema's fields.
         * @throws IllegalStateException if the operator was declared without a value-state schema.
         */
        ValueState value();

        /**
         * The low-level form of {@link #value()}, for {@code process(name, outSchema, int stateLength, fn)}: the raw
         * bytes of the key's slot, made (zeroed) when first asked for and marked changed for the next checkpoint; read
         * and written at byte offsets of your own layout. Prefer a value-state schema.
         *
         * @return the key's state slot, updated in place.
         */
        MutableDirectBuffer state();

        /**
         * Forget the key's value (as {@link ValueState#clear()}); its lists and maps are cleared through their own
         * handles.
         */
        void clearState();

        long currentWatermark();

        long currentProcessingTime();

        void registerEventTimeTimer(long timestamp);

        void registerProcessingTimeTimer(long timestamp);
    }
}
