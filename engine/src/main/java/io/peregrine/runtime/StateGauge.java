package io.peregrine.runtime;

import io.peregrine.config.StateFactory;
import io.peregrine.metrics.Metric;
import io.peregrine.metrics.OperatorCounters;
import io.peregrine.state.SlotTable;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.Arrays;

/**
 * The keyed-state factory one operator on one shard is given: it makes the operator's tables with the job's factory
 * and keeps them, so the shard can publish the operator's state entries and bytes ({@link #update()}), summed over
 * its tables (a window has one per live window).
 */
final class StateGauge implements StateFactory
{
    private final StateFactory factory;
    private final AtomicCounter entries;
    private final AtomicCounter bytes;
    private SlotTable[] tables = new SlotTable[2];
    private int count;

    StateGauge(final StateFactory factory, final OperatorCounters counters)
    {
        this.factory = factory;
        this.entries = counters.get(Metric.STATE_ENTRIES);
        this.bytes = counters.get(Metric.STATE_BYTES);
    }

    public SlotTable create(final String operator, final int shard, final int valueLength)
    {
        final SlotTable table = factory.create(operator, shard, valueLength);
        if (count == tables.length)
        {
            tables = Arrays.copyOf(tables, count * 2);
        }
        tables[count++] = table;
        return table;
    }

    /**
     * Publish the entries and bytes of the operator's tables; called by the shard's thread, while its operators are
     * open.
     */
    void update()
    {
        long e = 0;
        long b = 0;
        for (int i = 0; i < count; i++)
        {
            e += tables[i].size();
            b += tables[i].memoryBytes();
        }
        entries.setRelease(e);
        bytes.setRelease(b);
    }
}
