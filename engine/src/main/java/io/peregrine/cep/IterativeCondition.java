package io.peregrine.cep;

import io.peregrine.api.Row;

/**
 * A condition that reads the events matched so far, as FlinkCEP's {@code IterativeCondition}: {@code matched} is the
 * partial match being extended (the candidate event is not in it yet). Both are flyweights over off-heap rows, valid
 * only during the call.
 */
@FunctionalInterface
public interface IterativeCondition
{
    /**
     * @param event   the candidate event.
     * @param matched the events of the partial match so far, by step name.
     * @return true if the event may be taken by the step.
     */
    boolean test(Row event, Match matched);
}
