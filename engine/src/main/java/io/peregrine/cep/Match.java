package io.peregrine.cep;

import io.peregrine.api.Row;

/**
 * A read-only view of the events of a match or partial match, by step name, each step's events in the order they
 * were taken (FlinkCEP's {@code Map<String, List<IN>>}, without copying rows to the heap). The rows handed out are
 * flyweights over the shared event buffer, valid until the next call to {@link #event} and only during the call that
 * received this view.
 */
public interface Match
{
    /**
     * @param step a step name of the pattern.
     * @return how many events the step took; 0 for an unknown name.
     */
    int count(String step);

    /**
     * @param step  a step name of the pattern.
     * @param index 0 to {@code count(step) - 1}.
     * @return the event, its event time in {@link Row#eventTime()}.
     * @throws IndexOutOfBoundsException if the step has no such event.
     */
    Row event(String step, int index);

    /**
     * @return the event time of the match's first event.
     */
    long startTime();

    /**
     * @param step a step name.
     * @return the step's first event.
     */
    default Row first(final String step)
    {
        return event(step, 0);
    }

    /**
     * @param step a step name.
     * @return the step's last event.
     */
    default Row last(final String step)
    {
        return event(step, count(step) - 1);
    }
}
