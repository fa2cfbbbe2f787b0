package io.peregrine.state;

import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.function.LongConsumer;

/**
 * Window-pane state keyed by (key, window start): one {@link SlotTable} per live window, taken from
 * a pool, so that firing a window frees all of its panes at once ({@link #free(long)}) without
 * visiting other windows' entries, and iterating one window touches only that window's slots.
 * <p>
 * Panes of the last window used are reached without a window lookup (records mostly hit the newest
 * window). No allocation in the steady state: freed tables are cleared and reused.
 */
public final class WindowPaneState implements AutoCloseable
{
    /**
     * Makes a table for a window; {@link DirectSlotTable} by default.
     */
    @FunctionalInterface
    public interface PaneTableFactory
    {
        /**
         * @param valueLength bytes per pane value.
         * @return a new empty table.
         */
        SlotTable newTable(int valueLength);
    }


    private final int valueLength;
    private final PaneTableFactory factory;
    private final Long2ObjectHashMap<SlotTable> windows = new Long2ObjectHashMap<>();
    private SlotTable[] pool = new SlotTable[16];
    private int pooled;
    private long lastWindowStart;
    private SlotTable lastTable;

    /**
     * @param valueLength     bytes per pane value.
     * @param initialCapacity slots of each window's table.
     */
    public WindowPaneState(final int valueLength, final int initialCapacity)
    {
        this(valueLength, (length) -> new DirectSlotTable(length, initialCapacity, 0.7f));
    }

    /**
     * @param valueLength bytes per pane value.
     * @param factory     makes a table for a window.
     */
    public WindowPaneState(final int valueLength, final PaneTableFactory factory)
    {
        this.valueLength = valueLength;
        this.factory = factory;
    }

    /**
     * @return bytes per pane value.
     */
    public int valueLength()
    {
        return valueLength;
    }

    /**
     * @return number of windows with at least one pane created and not freed.
     */
    public int liveWindows()
    {
        return windows.size();
    }

    /**
     * Position the flyweight over the pane of (key, window), creating it zeroed if absent.
     *
     * @param windowStart start of the window.
     * @param key         record key.
     * @return the flyweight over the pane value, valid until the next insert or remove in that window.
     */
    public MutableDirectBuffer pane(final long windowStart, final long key)
    {
        final SlotTable table = tableFor(windowStart);
        table.findOrInsert(key);
        return table.value();
    }

    /**
     * @param windowStart start of the window.
     * @param key         record key.
     * @return the flyweight over the existing pane, or null if absent.
     */
    public MutableDirectBuffer find(final long windowStart, final long key)
    {
        final SlotTable table = existing(windowStart);
        return table != null && table.find(key) ? table.value() : null;
    }

    /**
     * @param windowStart start of the window.
     * @param key         record key.
     * @return true if the pane existed.
     */
    public boolean remove(final long windowStart, final long key)
    {
        final SlotTable table = existing(windowStart);
        return table != null && table.remove(key);
    }

    /**
     * @param windowStart start of the window.
     * @return panes of the window.
     */
    public long size(final long windowStart)
    {
        final SlotTable table = existing(windowStart);
        return table == null ? 0 : table.size();
    }

    /**
     * Visit the panes of one window; the consumer reads the value through {@link #value(long)} or
     * the table flyweight it was given by position. The consumer must not insert or remove.
     *
     * @param windowStart start of the window.
     * @param consumer    called with each key.
     * @return number of panes visited.
     */
    public long forEachPane(final long windowStart, final SlotTable.KeyConsumer consumer)
    {
        final SlotTable table = existing(windowStart);
        if (table == null)
        {
            return 0;
        }
        table.forEach(consumer);
        return table.size();
    }

    /**
     * @param windowStart start of the window.
     * @return the flyweight positioned by the last pane access or iteration step in that window,
     * or null if the window has no panes.
     */
    public MutableDirectBuffer value(final long windowStart)
    {
        final SlotTable table = existing(windowStart);
        return table == null ? null : table.value();
    }

    /**
     * Visit the start of every live window, in no particular order.
     *
     * @param consumer called per window start.
     */
    public void forEachWindow(final LongConsumer consumer)
    {
        final Long2ObjectHashMap<SlotTable>.KeyIterator iterator = windows.keySet().iterator();
        while (iterator.hasNext())
        {
            consumer.accept(iterator.nextLong());
        }
    }

    /**
     * Free every pane of a window (it fired): its table is cleared and pooled for a later window.
     *
     * @param windowStart start of the window.
     * @return true if the window had panes.
     */
    public boolean free(final long windowStart)
    {
        final SlotTable table = windows.remove(windowStart);
        if (table == null)
        {
            return false;
        }
        if (table == lastTable)
        {
            lastTable = null;
        }
        // The pool keeps every table ever made (the high-water mark of live windows): a freed window's
        // table serves the next window, so steady state creates, maps and closes nothing.
        if (pooled == pool.length)
        {
            pool = java.util.Arrays.copyOf(pool, pooled * 2);
        }
        table.clear();
        pool[pooled++] = table;
        return true;
    }

    public void close()
    {
        for (final SlotTable table : windows.values())
        {
            table.close();
        }
        windows.clear();
        for (int i = 0; i < pooled; i++)
        {
            pool[i].close();
            pool[i] = null;
        }
        pooled = 0;
        lastTable = null;
    }

    private SlotTable existing(final long windowStart)
    {
        if (lastTable != null && lastWindowStart == windowStart)
        {
            return lastTable;
        }
        return windows.get(windowStart);
    }

    /**
     * The pane table of a window, created (from the pool) if absent: for an operator that inserts
     * with {@link SlotTable#findOrInsert(long)} to learn whether a pane is new.
     *
     * @param windowStart start of the window.
     * @return its table, valid until {@link #free(long)}.
     */
    public SlotTable window(final long windowStart)
    {
        return tableFor(windowStart);
    }

    private SlotTable tableFor(final long windowStart)
    {
        if (lastTable != null && lastWindowStart == windowStart)
        {
            return lastTable;
        }
        SlotTable table = windows.get(windowStart);
        if (table == null)
        {
            table = pooled > 0 ? pool[--pooled] : factory.newTable(valueLength);
            pool[pooled] = null;
            windows.put(windowStart, table);
        }
        lastWindowStart = windowStart;
        lastTable = table;
        return table;
    }
}
