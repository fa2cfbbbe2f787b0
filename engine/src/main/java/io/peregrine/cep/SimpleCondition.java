package io.peregrine.cep;

import io.peregrine.api.Row;

/**
 * A condition on the event alone, as FlinkCEP's {@code SimpleCondition}.
 */
@FunctionalInterface
public interface SimpleCondition
{
    /**
     * @param event the candidate event, a flyweight valid only during the call.
     * @return true if the event may be taken by the step.
     */
    boolean test(Row event);
}
