package io.peregrine.bench.nexmark;

/**
 * Receives the result rows of a query as CSV lines (no newline), columns in the order of the reference select list.
 * The row's chars are valid only during the call: copy them to keep them.
 */
@FunctionalInterface
public interface ResultSink
{
    /**
     * @param csv one result row.
     */
    void row(CharSequence csv);

    /**
     * @return false if the sink only counts rows: producers may then skip formatting and pass an empty row, so a
     * throughput run pays for the query and not for CSV text (compare with an engine writing to a blackhole).
     */
    default boolean wantsText()
    {
        return true;
    }
}
