package io.peregrine.connector;

import io.peregrine.api.Schema;
import io.peregrine.api.Sink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Keeps every row as a CSV line in memory, for tests and small jobs. Each shard appends to its own
 * list; {@link #rows()} merges them once the job has ended.
 */
public final class CollectSink implements Sink
{
    private final List<List<String>> perShard = Collections.synchronizedList(new ArrayList<>());

    public SinkWriter createWriter(final int shard, final int shards, final Schema schema)
    {
        final List<String> rows = new ArrayList<>();
        perShard.add(rows);
        final StringBuilder line = new StringBuilder();
        return row ->
        {
            line.setLength(0);
            rows.add(row.appendCsv(line).toString());
        };
    }

    /**
     * @return every row collected, shard by shard (call after the job has ended).
     */
    public List<String> rows()
    {
        final List<String> all = new ArrayList<>();
        synchronized (perShard)
        {
            for (final List<String> rows : perShard)
            {
                all.addAll(rows);
            }
        }
        return all;
    }

    /**
     * @return every row collected, sorted: comparable whatever the shard count.
     */
    public List<String> sortedRows()
    {
        final List<String> all = rows();
        Collections.sort(all);
        return all;
    }

}
