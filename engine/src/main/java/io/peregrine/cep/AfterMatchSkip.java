package io.peregrine.cep;

/**
 * What is discarded after a match is emitted, FlinkCEP's {@code AfterMatchSkipStrategy} (documentation section
 * "After Match Skip Strategy"): partial matches and not yet emitted matches that started in a range after the
 * match's first event are discarded.
 */
public final class AfterMatchSkip
{
    /** The kinds of strategy. */
    public enum Kind
    {
        /** Every match is emitted. */
        NO_SKIP,
        /** Discards every partial match that started with the match's first event. */
        SKIP_TO_NEXT,
        /** Discards every partial match that started between the match's first and last events. */
        SKIP_PAST_LAST_EVENT,
        /** Discards every partial match that started after the match's start but before the first event of a step. */
        SKIP_TO_FIRST,
        /** Discards every partial match that started after the match's start but before the last event of a step. */
        SKIP_TO_LAST
    }

    private static final AfterMatchSkip NO_SKIP = new AfterMatchSkip(Kind.NO_SKIP, null);
    private static final AfterMatchSkip SKIP_TO_NEXT = new AfterMatchSkip(Kind.SKIP_TO_NEXT, null);
    private static final AfterMatchSkip SKIP_PAST_LAST = new AfterMatchSkip(Kind.SKIP_PAST_LAST_EVENT, null);

    private final Kind kind;
    private final String step;

    private AfterMatchSkip(final Kind kind, final String step)
    {
        this.kind = kind;
        this.step = step;
    }

    public static AfterMatchSkip noSkip()
    {
        return NO_SKIP;
    }

    public static AfterMatchSkip skipToNext()
    {
        return SKIP_TO_NEXT;
    }

    public static AfterMatchSkip skipPastLastEvent()
    {
        return SKIP_PAST_LAST;
    }

    /**
     * @param step the step whose first event the next match may start at; when the match has no event of the step,
     * nothing is skipped (FlinkCEP's default).
     */
    public static AfterMatchSkip skipToFirst(final String step)
    {
        return new AfterMatchSkip(Kind.SKIP_TO_FIRST, step);
    }

    /**
     * @param step the step whose last event the next match may start at.
     */
    public static AfterMatchSkip skipToLast(final String step)
    {
        return new AfterMatchSkip(Kind.SKIP_TO_LAST, step);
    }

    public Kind kind()
    {
        return kind;
    }

    /**
     * @return the step named by SKIP_TO_FIRST / SKIP_TO_LAST, null for the others.
     */
    public String step()
    {
        return step;
    }

    public String toString()
    {
        return step == null ? kind.toString() : kind + "(" + step + ")";
    }
}
