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
}
