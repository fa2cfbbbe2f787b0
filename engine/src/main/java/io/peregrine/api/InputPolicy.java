package io.peregrine.api;

/**
 * What a source does with an input field that is missing (absent, empty or {@code null}) or written in another form
 * than its type's (a number in quotes, {@code 5.0} for an integer). A per-source setting: each source documents its
 * default, which follows the Flink format of its kind (the JSON format reads a missing field as {@code null}; the CSV
 * format fails on a row of the wrong length or a number that does not parse).
 * <p>
 * Whatever the policy: a value that cannot be read exactly ({@code 5.5} or {@code "abc"} for an integer, a number
 * beyond the type's range) rejects the record to the dead letters, where Flink would fail the job or, for
 * {@code 5.5}, truncate it to 5; and a missing {@link FieldType#TIMESTAMP} rejects it too, since a time of 1970 would
 * be a wrong value rather than an empty one (Flink fails on a null event time).
 */
public enum InputPolicy
{
    /**
     * A missing field is read as its type's zero (0, 0.0, an empty text: Peregrine rows have no nulls; Flink reads
     * {@code null}), a value of another form that converts exactly is converted (a number in quotes, an integer
     * written {@code 5.0} or {@code 5e0}, a number where text is expected, read as its text, as Flink's JSON format
     * does), and the record goes on. Each such field is counted: {@code fields read as zero} and
     * {@code fields converted} in the job's counters.
     */
    LENIENT,
    /**
     * A missing field, or a value not in its type's own form, rejects the record to the dead letters (counted as
     * malformed, with the reason).
     */
    REJECT
}
