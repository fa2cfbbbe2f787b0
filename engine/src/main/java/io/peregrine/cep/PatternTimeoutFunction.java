package io.peregrine.cep;

import io.peregrine.api.Collector;

/**
 * Turns each partial match that timed out under {@code within} into rows of the timeout output (FlinkCEP's
 * {@code PatternFlatTimeoutFunction}).
 */
@FunctionalInterface
public interface PatternTimeoutFunction
{
    /**
     * @param partial          the partial match; its views are valid only during the call.
     * @param timeoutTimestamp its first event's time plus the pattern's {@code within}.
     * @param out              where to write rows; {@code emit()} stamps them with {@code timeoutTimestamp}.
     * @throws Exception to fail the job, naming the operator.
     */
    void timeout(Match partial, long timeoutTimestamp, Collector out) throws Exception;
}
