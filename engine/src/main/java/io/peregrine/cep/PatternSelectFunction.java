package io.peregrine.cep;

import io.peregrine.api.Collector;

/**
 * Turns each match into output rows (FlinkCEP's {@code PatternFlatSelectFunction}).
 */
@FunctionalInterface
public interface PatternSelectFunction
{
    /**
     * @param match the match; its views are valid only during the call.
     * @param out   where to write output rows; {@code emit()} stamps them with the match's last event time.
     * @throws Exception to fail the job, naming the operator.
     */
    void select(Match match, Collector out) throws Exception;
}
