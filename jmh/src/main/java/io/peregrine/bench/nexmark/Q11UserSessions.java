package io.peregrine.bench.nexmark;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.PriorityQueue;

/**
 * Baseline of Nexmark q11, user sessions ({@code queries/q11.sql}):
 * <pre>
 * SELECT B.bidder, count(*) as bid_count,
 *     SESSION_START(B.dateTime, INTERVAL '10' SECOND) as starttime,
 *     SESSION_END(B.dateTime, INTERVAL '10' SECOND) as endtime
 * FROM bid B
 * GROUP BY B.bidder, SESSION(B.dateTime, INTERVAL '10' SECOND)
 * </pre>
 * Session windows per bidder with a 10 s gap, as Flink's merging windows: each bid opens {@code [t, t + 10 s)} and
 * windows that intersect (touching ends included) merge, so a session is {@code [first bid, last bid + 10 s)}. A
 * session fires when {@code watermark >= end - 1}; a bid whose merged session would already have fired is late and
 * dropped. With out-of-order input a bid may merge two sessions of a bidder.
 */
public final class Q11UserSessions implements NexmarkBaseline
{
    /** Session gap of the reference query. */
    public static final long GAP_MS = 10_000;

    private final CsvRow row;
    private final Long2ObjectHashMap<Session> sessions = new Long2ObjectHashMap<>();
    private final PriorityQueue<Session> timers = new PriorityQueue<>((a, b) -> Long.compare(a.timer, b.timer));
    private long maxTime = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long lateEvents;

    /**
     * @param sink receives the rows.
     */
    public Q11UserSessions(final ResultSink sink)
    {
        row = new CsvRow(sink);
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "q11";
    }

    /**
     * {@inheritDoc}
     */
    public String header()
    {
        return "bidder,bid_count,starttime,endtime";
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
        if (event.type() == NexmarkEvent.BID)
        {
            onBid(event.bid().bidder(), time);
        }
        if (time > maxTime)
        {
            maxTime = time;
            watermark = time - WATERMARK_DELAY_MS;
            fire(watermark);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void finish()
    {
        fire(Long.MAX_VALUE);
    }

    private void onBid(final long bidder, final long time)
    {
        long start = time;
        long end = time + GAP_MS;
        long count = 1;
        final Session head = sessions.get(bidder);
        // Sessions of a bidder form a list sorted by start; merge every one that intersects [start, end].
        Session previous = null;
        Session merged = null;
        for (Session s = head; s != null; s = s.next)
        {
            if (s.start <= end && s.end >= start)
            {
                start = Math.min(start, s.start);
                end = Math.max(end, s.end);
                count += s.count;
                if (merged == null)
                {
                    merged = s;
                    previous = s;
                }
                else
                {
                    // A second intersecting session folds into the first; its timer entry goes stale.
                    s.dead = true;
                    previous.next = s.next;
                }
            }
            else
            {
                previous = s;
            }
        }
        if (merged == null && end - 1 <= watermark)
        {
            // Only a bid that merges with nothing can be late: a merge ends no earlier than a session that has not
            // fired, so the merged session has not fired either.
            lateEvents++;
            return;
        }
        if (merged == null)
        {
            final Session session = new Session(bidder, start, end, count);
            insert(bidder, session);
            session.timer = end;
            timers.offer(session);
        }
        else
        {
            merged.start = start;
            merged.end = end;
            merged.count = count;
        }
    }

    private void insert(final long bidder, final Session session)
    {
        Session s = sessions.get(bidder);
        if (s == null || session.start < s.start)
        {
            session.next = s;
            sessions.put(bidder, session);
            return;
        }
        while (s.next != null && s.next.start < session.start)
        {
            s = s.next;
        }
        session.next = s.next;
        s.next = session;
    }

    private void fire(final long upTo)
    {
        Session session;
        while ((session = timers.peek()) != null && session.timer - 1 <= upTo)
        {
            timers.poll();
            if (session.dead)
            {
                continue;
            }
            if (session.end != session.timer)
            {
                // Extended since it was scheduled: one timer entry per session, moved on when it comes due.
                session.timer = session.end;
                timers.offer(session);
                continue;
            }
            row.add(session.bidder).add(session.count).addTimestamp(session.start).addTimestamp(session.end);
            row.emit();
            remove(session);
        }
    }

    private void remove(final Session session)
    {
        Session s = sessions.get(session.bidder);
        if (s == session)
        {
            if (session.next == null)
            {
                sessions.remove(session.bidder);
            }
            else
            {
                sessions.put(session.bidder, session.next);
            }
            return;
        }
        while (s != null && s.next != session)
        {
            s = s.next;
        }
        if (s != null)
        {
            s.next = session.next;
        }
    }

    private static final class Session
    {
        final long bidder;
        long start;
        long end;
        long count;
        long timer;
        boolean dead;
        Session next;

        Session(final long bidder, final long start, final long end, final long count)
        {
            this.bidder = bidder;
            this.start = start;
            this.end = end;
            this.count = count;
        }
    }
}
