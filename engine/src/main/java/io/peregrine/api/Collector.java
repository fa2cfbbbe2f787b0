package io.peregrine.api;

/**
 * Emits rows downstream without allocating: {@code out.next()} starts a row on a reused writer,
 * {@code out.emit()} passes it on (with the event time of the record being processed, unless
 * {@link #emit(long)} names another).
 */
public interface Collector
{
    /**
     * @return a writer started on a fresh row of the output schema.
     */
    RowWriter next();

    /**
     * Pass the row started by {@link #next()} downstream with the current record's event time.
     */
    void emit();

    /**
     * Pass the row started by {@link #next()} downstream with the given event time.
     *
     * @param eventTime of the output row.
     */
    void emit(long eventTime);
}
