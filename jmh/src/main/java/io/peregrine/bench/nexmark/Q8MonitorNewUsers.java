package io.peregrine.bench.nexmark;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.TreeMap;

/**
 * Baseline of Nexmark q8, monitor new users ({@code queries/q8.sql}): a window join of people and auctions in the
 * same 10 s tumbling window,
 * <pre>
 * SELECT P.id, P.name, P.starttime
 * FROM (SELECT id, name, window_start AS starttime, window_end AS endtime
 *       FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *       GROUP BY id, name, window_start, window_end) P
 * JOIN (SELECT seller, window_start AS starttime, window_end AS endtime
 *       FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *       GROUP BY seller, window_start, window_end) A
 * ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime
 * </pre>
 * One row per distinct (person id, name) of a window whose id also sold an auction in that window, emitted when the
 * window fires ({@code watermark >= end - 1}); people and auctions of fired windows are late and dropped.
 */
public final class Q8MonitorNewUsers implements NexmarkBaseline
{
    /** Window size of the reference query. */
    public static final long SIZE_MS = 10_000;

    private final CsvRow row;
    private final TreeMap<Long, Window> windows = new TreeMap<>();
    private long maxTime = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long oldestStart = Long.MAX_VALUE;
    private long lateEvents;

    /**
     * @param sink receives the rows.
     */
    public Q8MonitorNewUsers(final ResultSink sink)
    {
        row = new CsvRow(sink);
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "q8";
    }

    /**
     * {@inheritDoc}
     */
    public String header()
    {
        return "id,name,stime";
    }

    /**
     * {@inheritDoc}
     */
    public long lateEvents()
    {
        return lateEvents;
    }

    /**
     * {@inheritDoc}
     */
    public void onEvent(final NexmarkEvent event)
    {
        final long time = event.dateTime();
        if (event.type() != NexmarkEvent.BID)
        {
            final long start = Math.floorDiv(time, SIZE_MS) * SIZE_MS;
            if (start + SIZE_MS - 1 <= watermark)
            {
                lateEvents++;
            }
            else
            {
                Window window = windows.get(start);
                if (window == null)
                {
                    window = new Window();
                    windows.put(start, window);
                    oldestStart = Math.min(oldestStart, start);
                }
                if (event.type() == NexmarkEvent.PERSON)
                {
                    final String name = event.person().name().toString();
                    ArrayList<String> names = window.people.get(event.person().id());
                    if (names == null)
                    {
                        names = new ArrayList<>(1);
                        window.people.put(event.person().id(), names);
                    }
                    if (!names.contains(name))
                    {
                        names.add(name);
                    }
                }
                else
                {
                    window.sellers.add(event.auction().seller());
                }
            }
        }
        if (time > maxTime)
        {
            maxTime = time;
            watermark = time - WATERMARK_DELAY_MS;
            if (oldestStart != Long.MAX_VALUE && oldestStart + SIZE_MS - 1 <= watermark)
            {
                fire(watermark);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void finish()
    {
        fire(Long.MAX_VALUE);
    }

    private void fire(final long upTo)
    {
        while (!windows.isEmpty() && windows.firstKey() + SIZE_MS - 1 <= upTo)
        {
            final long start = windows.firstKey();
            final Window window = windows.pollFirstEntry().getValue();
            window.people.forEachLong((id, names) ->
            {
                if (window.sellers.contains(id))
                {
                    for (int i = 0; i < names.size(); i++)
                    {
                        row.add(id).add(names.get(i)).addTimestamp(start);
                        row.emit();
                    }
                }
            });
        }
        oldestStart = windows.isEmpty() ? Long.MAX_VALUE : windows.firstKey();
    }

    private static final class Window
    {
        final Long2ObjectHashMap<ArrayList<String>> people = new Long2ObjectHashMap<>();
        final LongHashSet sellers = new LongHashSet();
    }
}
