package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Field;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkSequence;

/**
 * When a Nexmark result row became due: the point its end-to-end latency counts from. For every query but q12 that
 * point is an event number, whose intended send time ({@link NexmarkSource#intendedNs(long)}) is the reference; a
 * row cannot reach the sink before that event was sent, and the paced source never sends an event early, so a
 * measured latency is never negative unless the derivation below is wrong (the sink counts such rows).
 * <ul>
 *     <li><b>Input events</b> (q0, q1, q2): each result row is one event: the row's event number, which the engine
 *     carries with every record as its source position ({@link Row#sourcePosition()}; the generator source's
 *     position is the event number).</li>
 *     <li><b>Incremental join</b> (q3): a row is emitted when the later of the joined person and auction arrives;
 *     it is due when both were sent: the later of the event number of the record that emitted it (its source
 *     position) and the auction's own event number (computed from the auction id in the {@code id} column).</li>
 *     <li><b>Event-time results</b> (q4, q5, q7, q8, q11): a row fires when the watermark reaches its time T, which
 *     the engine carries as the row's event time ({@link Row#eventTime()}): {@code window_end - 1} for the windows
 *     of q5, q8 and q11 ({@code stime + 10 s - 1} of q8, {@code endtime - 1} of q11), the window end {@code e} for q7
 *     (it settles when the watermark reaches {@code e}), {@code Long.MAX_VALUE} for q4, whose averages are emitted
 *     once at the end of the input. A split's watermark is {@code max dateTime - bound - 1}
 *     ({@link NexmarkQueries#WATERMARK_BOUND_MS}), so it reaches T once the split has sent an event of time
 *     {@code T + bound + 1} or later, and the job's watermark (the minimum over the splits) once every split has:
 *     with n the first such event number ({@link NexmarkSequence#firstEventAtOrAfter(long)}) and k splits taking
 *     event numbers round-robin, the last of them is event {@code n + k - 1}. Past the end of the input only the
 *     final watermark passes T: the row is due with the last event. So the due event is
 *     {@code min(n + k - 1, last event)}. The event-time-to-event-number mapping is the generator's
 *     ({@link NexmarkSequence}), not an assumption that event time runs with the wall clock.</li>
 *     <li><b>Processing-time windows</b> (q12): a window's row is due at its end in processing time (the
 *     {@code endtime} column, epoch ms of the job's clock), or at the end of the input (the last event's intended
 *     time) if that comes first: open windows are emitted by the final watermark.</li>
 * </ul>
 * Allocation-free; one instance per sink writer (it holds field handles of the writer's schema).
 */
public final class NexmarkEffectTime
{
    /**
     * How a query's result rows become due.
     */
    public enum Kind
    {
        /** One input event per row (q0, q1, q2). */
        INPUT_EVENT,
        /** The later event of a joined pair (q3). */
        JOIN,
        /** When the watermark reaches the row's event time (q4, q5, q7, q8, q11). */
        EVENT_TIME_RESULT,
        /** At the window end in processing time (q12). */
        PROCESSING_TIME_WINDOW
    }

    private final Kind kind;
    private final NexmarkSequence sequence;
    private final long lastEvent;
    private final long lastEventTimeMs;
    private final int splits;
    private final Field.Int64 auctionId;
    private final Field.Timestamp windowEnd;

    /**
     * @param query        one of {@link NexmarkQueries#QUERIES}.
     * @param config       generator settings of the run.
     * @param events       events of the bounded input (event numbers 0 to events - 1), at least 1.
     * @param splits       source splits, taking event numbers round-robin.
     * @param resultSchema schema of the query's result rows.
     */
    public NexmarkEffectTime(
        final String query, final NexmarkConfig config, final long events, final int splits, final Schema resultSchema)
    {
        if (events < 1 || splits < 1)
        {
            throw new IllegalArgumentException("events and splits must be >= 1: " + events + ", " + splits);
        }
        this.kind = kind(query);
        this.sequence = new NexmarkSequence(config);
        this.lastEvent = events - 1;
        this.lastEventTimeMs = sequence.timestampForEvent(lastEvent);
        this.splits = splits;
        this.auctionId = kind == Kind.JOIN ? resultSchema.int64("id") : null;
        this.windowEnd = kind == Kind.PROCESSING_TIME_WINDOW ? resultSchema.timestamp("endtime") : null;
    }

    /**
     * @param query one of {@link NexmarkQueries#QUERIES}.
     * @return how its result rows become due.
     */
    public static Kind kind(final String query)
    {
        switch (query)
        {
            case "q0": case "q1": case "q2": return Kind.INPUT_EVENT;
            case "q3": return Kind.JOIN;
            case "q4": case "q5": case "q7": case "q8": case "q11": return Kind.EVENT_TIME_RESULT;
            case "q12": return Kind.PROCESSING_TIME_WINDOW;
            default: throw new IllegalArgumentException("no engine query " + query + "; have " + NexmarkQueries.QUERIES);
        }
    }

    /**
     * @return how this query's rows become due.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @param row a result row at the sink (not for {@link Kind#PROCESSING_TIME_WINDOW}).
     * @return the event number whose intended send time the row's latency counts from.
     */
    public long dueEvent(final Row row)
    {
        switch (kind)
        {
            case INPUT_EVENT:
                return row.sourcePosition();
            case JOIN:
                return Math.max(row.sourcePosition(), sequence.auctionEventNumber(row.getLong(auctionId)));
            case EVENT_TIME_RESULT:
                return dueEventOfEventTime(row.eventTime());
            default:
                throw new IllegalStateException(kind + " rows are due at a processing time, not at an event");
        }
    }

    /**
     * @param timeMs event time T of a result that fires when the job's watermark reaches T.
     * @return the event after whose sending the watermark can reach T: {@code min(n + splits - 1, last event)}, n
     * the first event of time {@code T + bound + 1} or later.
     */
    public long dueEventOfEventTime(final long timeMs)
    {
        // Compare before adding: T may be Long.MAX_VALUE (a timer at the end of the input).
        if (timeMs > lastEventTimeMs - NexmarkQueries.WATERMARK_BOUND_MS - 1)
        {
            return lastEvent;
        }
        final long first = sequence.firstEventAtOrAfter(timeMs + NexmarkQueries.WATERMARK_BOUND_MS + 1);
        return Math.min(first + splits - 1, lastEvent);
    }

    /**
     * @param row a q12 result row.
     * @return its window end in processing time, epoch ms of the job's clock (the {@code endtime} column).
     */
    public long windowEndMs(final Row row)
    {
        return row.getTimestamp(windowEnd);
    }

    /**
     * @return the last event number of the input.
     */
    public long lastEvent()
    {
        return lastEvent;
    }
}
