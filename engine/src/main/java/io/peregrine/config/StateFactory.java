package io.peregrine.config;

import io.peregrine.state.SlotTable;

/**
 * Creates the keyed-state tables of the operators of a job: one per shard per stateful operator.
 */
@FunctionalInterface
public interface StateFactory
{
    /**
     * @param operator    name of the operator.
     * @param shard       owning the table (its only writer).
     * @param valueLength bytes per value slot.
     * @return a new, empty table.
     */
    SlotTable create(String operator, int shard, int valueLength);
}
