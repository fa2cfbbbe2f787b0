package io.peregrine.bench.nexmark;

/**
 * A hand-written single-threaded Nexmark query over plain Java and Agrona collections: the COST baseline that an
 * engine's result and throughput are compared with.
 * <p>
 * Feed every event in input order to {@link #onEvent(NexmarkEvent)}, then call {@link #finish()} once at the end of
 * the input; rows go to the {@link ResultSink} given at construction as CSV lines whose columns follow the reference
 * select list (see {@link #header()}). Rows are emitted in processing order; compare two systems' results in the
 * canonical order of {@link NexmarkBaselines#canonical(java.util.List)} (byte order of the lines, as
 * {@code LC_ALL=C sort}).
 * <p>
 * Event-time queries follow the Flink DDL: watermark = max {@code dateTime} seen - 4 s, advanced after every event;
 * a window fires when {@code watermark >= end - 1} and an event whose windows have all fired is late and dropped
 * (counted by {@link #lateEvents()}). {@link #finish()} behaves as the final watermark of a bounded input: every open
 * window fires.
 */
public interface NexmarkBaseline
{
    /** Watermark delay of the Flink Nexmark DDL: {@code WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND}. */
    long WATERMARK_DELAY_MS = 4_000L;

    /**
     * @return query name, e.g. {@code q5}.
     */
    String name();

    /**
     * @return CSV header: the column names of the reference sink table, in select-list order.
     */
    String header();

    /**
     * @param event next input event; not retained.
     */
    void onEvent(NexmarkEvent event);

    /**
     * End of input: emit what the query still holds.
     */
    void finish();

    /**
     * @return events dropped as late by the watermark (0 for queries without event-time windows).
     */
    default long lateEvents()
    {
        return 0;
    }
}
