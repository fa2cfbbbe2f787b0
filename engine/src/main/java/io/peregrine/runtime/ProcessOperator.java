package io.peregrine.runtime;

import io.peregrine.config.StateFactory;

import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.checkpoint.SnapshotWriter;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import io.peregrine.api.KeySelector;
import io.peregrine.api.KeyedRowList;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.TimeDomain;
import io.peregrine.api.ValueState;
import io.peregrine.api.ValueStateCursor;
import io.peregrine.state.SlotTable;
import io.peregrine.state.TimerQueue;
import org.agrona.MutableDirectBuffer;

/**
 * Runs a {@link KeyedProcessFunction}: per-key state slot (typed through a {@link ValueStateCursor} when the node
 * declares a value-state schema, raw bytes otherwise), event-time timers fired as the watermark passes them,
 * processing-time timers fired from the shard loop's clock; lists and maps per key declared by the function in
 * {@link KeyedProcessFunction#open}. Tag 0 of its checkpoint entries is the slot table, tags
 * 1, 2, ... its lists and maps in the order declared.
 */
final class ProcessOperator extends CollectingOperator
    implements KeyedProcessFunction.Context, KeyedProcessFunction.OpenContext, Checkpointed
{
    private final java.util.List<io.peregrine.state.ListState> lists = new java.util.ArrayList<>();
    private final java.util.List<io.peregrine.state.MapState> maps = new java.util.ArrayList<>();
    private final java.util.List<String> stateNames = new java.util.ArrayList<>();
    private int shard;
    private int shards;
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(1024);
    private int scratchAt;
    private final KeySelector key;
    private final KeyedProcessFunction fn;
    private final SlotTable state;
    /** The typed view of {@link #state}, or null when the function reads raw slot bytes. */
    private final ValueStateCursor value;
    private final int maxRowLength;
    private final TimerQueue eventTimers = new TimerQueue();
    private final TimerQueue processingTimers = new TimerQueue();
    private final TimerQueue.TimerConsumer onEventTimer = (time, key) -> onTimer(time, key, TimeDomain.EVENT_TIME);
    private final TimerQueue.TimerConsumer onProcessingTimer = (time, key) -> onTimer(time, key, TimeDomain.PROCESSING_TIME);
    private long currentKey;
    private long watermark = Long.MIN_VALUE;
    private long nowMs;

    ProcessOperator(
        final String name,
        final KeySelector key,
        final KeyedProcessFunction fn,
        final Schema valueState,
        final int stateLength,
        final Schema outSchema,
        final StateFactory stateFactory,
        final int shard,
        final int maxRowLength,
        final long startMs)
    {
        super(name, outSchema, maxRowLength);
        this.maxRowLength = maxRowLength;
        this.key = key;
        this.fn = fn;
        this.state = stateFactory.create(name, shard, stateLength);
        this.value = valueState == null ? null : new ValueStateCursor(valueState, state);
        this.nowMs = startMs;
    }

    /**
     * Open the function on its shard (it declares its lists and maps).
     */
    void open(final int shard, final int shards)
    {
        this.shard = shard;
        this.shards = shards;
        try
        {
            fn.open(this);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("process '" + name + "' failed to open on shard " + shard + ": " + e, e);
        }
    }

    public int shard()
    {
        return shard;
    }

    public int shards()
    {
        return shards;
    }

    public io.peregrine.api.KeyedListState listState(final String stateName)
    {
        declare(stateName);
        final io.peregrine.state.ListState list = new io.peregrine.state.ListState();
        lists.add(list);
        maps.add(null);
        return new io.peregrine.api.KeyedListState()
        {
            public void add(final DirectBuffer src, final int offset, final int length)
            {
                list.add(currentKey, src, offset, length);
            }

            public int size()
            {
                return list.size(currentKey);
            }

            public int forEach(final EntryVisitor visitor)
            {
                return list.forEach(currentKey, visitor);
            }

            public int retainIf(final EntryPredicate predicate)
            {
                return list.retainIf(currentKey, predicate);
            }

            public int removeFirst(final int n)
            {
                return list.removeFirst(currentKey, n);
            }

            public void clear()
            {
                list.remove(currentKey);
            }
        };
    }

    public KeyedRowList listState(final String stateName, final Schema entry)
    {
        return new KeyedRowList(listState(stateName), entry, maxRowLength);
    }

    public io.peregrine.api.KeyedMapState mapState(final String stateName)
    {
        declare(stateName);
        final io.peregrine.state.MapState map = new io.peregrine.state.MapState();
        lists.add(null);
        maps.add(map);
        return new io.peregrine.api.KeyedMapState()
        {
            public boolean put(
                final DirectBuffer userKey, final int keyOffset, final int keyLength,
                final DirectBuffer value, final int valueOffset, final int valueLength)
            {
                return map.put(currentKey, userKey, keyOffset, keyLength, value, valueOffset, valueLength);
            }

            public DirectBuffer get(final DirectBuffer userKey, final int keyOffset, final int keyLength)
            {
                return map.get(currentKey, userKey, keyOffset, keyLength);
            }

            public boolean remove(final DirectBuffer userKey, final int keyOffset, final int keyLength)
            {
                return map.remove(currentKey, userKey, keyOffset, keyLength);
            }

            public int size()
            {
                return map.size(currentKey);
            }

            public int forEach(final EntryVisitor visitor)
            {
                return map.forEach(currentKey, visitor);
            }

            public void clear()
            {
                map.remove(currentKey);
            }
        };
    }

    private void declare(final String stateName)
    {
        if (stateNames.contains(stateName))
        {
            throw new IllegalArgumentException("process '" + name + "' declares the state '" + stateName + "' twice");
        }
        stateNames.add(stateName);
    }

    private io.peregrine.state.KeyChangeTracking keyedState(final int i)
    {
        return lists.get(i) != null ? lists.get(i) : maps.get(i);
    }

    public void onRecord(final Row row)
    {
        try
        {
            key(key.key(row));
            out.current = row;
            fn.processElement(row, this, out);
        }
        catch (final Throwable t)
        {
            onFailure(row, t);
        }
    }

    public void onWatermark(final long watermark)
    {
        if (watermark <= this.watermark)
        {
            return;
        }
        this.watermark = watermark;
        eventTimers.pollDue(watermark, onEventTimer, Integer.MAX_VALUE);
        downstream.onWatermark(watermark);
    }

    public int onProcessingTime(final long nowMs)
    {
        this.nowMs = nowMs;
        return processingTimers.pollDue(nowMs, onProcessingTimer, Integer.MAX_VALUE);
    }

    private void onTimer(final long time, final long k, final TimeDomain domain)
    {
        key(k);
        out.current = null;
        try
        {
            fn.onTimer(time, domain, this, out);
        }
        catch (final OperatorException e)
        {
            throw e;
        }
        catch (final Exception e)
        {
            // Named with the timer and key; under the dead-letter policy counted and dead-lettered (no record
            // caused it: the position says so), and the other timers fire.
            onFailure(null, new IllegalStateException("onTimer(" + time + ", " + domain + ") for key " + k + ": " + e, e));
        }
        catch (final Throwable t)
        {
            throw OperatorException.wrap(name, null, new IllegalStateException("onTimer(" + time + ", " + domain +
                ") for key " + k + ": " + t, t));
        }
    }

    private void key(final long k)
    {
        currentKey = k;
        if (value != null)
        {
            value.key(k);
        }
    }

    public long key()
    {
        return currentKey;
    }

    public ValueState value()
    {
        if (value == null)
        {
            throw new IllegalStateException("process '" + name + "' has no value-state schema: declare one with " +
                "KeyedStream.process(name, outSchema, valueState, fn), or use the raw slot of state()");
        }
        return value;
    }

    public MutableDirectBuffer state()
    {
        state.findOrInsert(currentKey);
        if (value != null)
        {
            value.key(currentKey); // the typed view finds the slot again rather than trust what it saw before
        }
        return state.value();
    }

    public void clearState()
    {
        if (value != null)
        {
            value.clear();
        }
        else
        {
            state.remove(currentKey);
        }
    }

    public long currentWatermark()
    {
        return watermark;
    }

    public long currentProcessingTime()
    {
        return nowMs;
    }

    public void registerEventTimeTimer(final long timestamp)
    {
        eventTimers.register(timestamp, currentKey);
    }

    public void registerProcessingTimeTimer(final long timestamp)
    {
        processingTimers.register(timestamp, currentKey);
    }

    /**
     * The state table, then {@code | watermark (long) | event timers (int) | processing timers (int) |} and each
     * timer as {@code | time (long) | key (long) |}: timers are journaled whole at every checkpoint. State a
     * function keeps in its own fields is not in the checkpoint: keep it in {@link #state()}.
     */
    public void snapshot(final int op, final SnapshotWriter writer)
    {
        writer.table(op, 0, state);
        for (int i = 0; i < stateNames.size(); i++)
        {
            writer.keyedState(op, i + 1, keyedState(i));
        }
        scratch.putLong(0, watermark);
        scratch.putInt(8, eventTimers.size());
        scratch.putInt(12, processingTimers.size());
        scratchAt = 16;
        eventTimers.forEach(this::putTimer);
        processingTimers.forEach(this::putTimer);
        writer.blob(op, scratch, 0, scratchAt);
    }

    private void putTimer(final long time, final long k)
    {
        scratch.putLong(scratchAt, time);
        scratch.putLong(scratchAt + 8, k);
        scratchAt += 16;
    }

    public io.peregrine.state.SlotTable restoreTable(final long tag, final boolean reset)
    {
        return Checkpointed.single(state, reset);
    }

    public io.peregrine.state.KeyChangeTracking restoreKeyedState(final long tag, final boolean reset)
    {
        if (tag < 1 || tag > stateNames.size())
        {
            throw new IllegalStateException("process '" + name + "': the checkpoint has list or map state " + tag +
                " but the function declares " + stateNames.size() + " " + stateNames + " in open(): declare the same " +
                "states in the same order as the run that took the checkpoint");
        }
        final io.peregrine.state.KeyChangeTracking keyed = keyedState((int)tag - 1);
        if (reset)
        {
            if (keyed instanceof io.peregrine.state.ListState)
            {
                ((io.peregrine.state.ListState)keyed).clear();
            }
            else
            {
                ((io.peregrine.state.MapState)keyed).clear();
            }
        }
        return keyed;
    }

    private int restoredBlobs;
    private java.util.function.LongPredicate ownsKey = k -> true;

    void ownsKey(final java.util.function.LongPredicate ownsKey)
    {
        this.ownsKey = ownsKey;
    }

    /**
     * The smallest watermark and the timers of the keys this shard owns, from each shard that took the checkpoint.
     */
    public void restoreBlob(final DirectBuffer buffer, final int offset, final int length)
    {
        watermark = restoredBlobs++ == 0 ? buffer.getLong(offset) : Math.min(watermark, buffer.getLong(offset));
        final int events = buffer.getInt(offset + 8);
        final int processing = buffer.getInt(offset + 12);
        int at = offset + 16;
        for (int i = 0; i < events + processing; i++, at += 16)
        {
            final long k = buffer.getLong(at + 8);
            if (ownsKey.test(k))
            {
                (i < events ? eventTimers : processingTimers).register(buffer.getLong(at), k);
            }
        }
    }

    public String toString()
    {
        return "process '" + name + "'";
    }

    public void close()
    {
        try
        {
            fn.close();
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("process '" + name + "' failed to close: " + e, e);
        }
        finally
        {
            for (final io.peregrine.state.ListState list : lists)
            {
                if (list != null)
                {
                    list.close();
                }
            }
            for (final io.peregrine.state.MapState map : maps)
            {
                if (map != null)
                {
                    map.close();
                }
            }
        }
        state.close();
        eventTimers.close();
        processingTimers.close();
    }
}
