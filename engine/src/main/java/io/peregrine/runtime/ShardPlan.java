package io.peregrine.runtime;

import io.peregrine.checkpoint.CheckpointCoordinator;
import io.peregrine.checkpoint.CheckpointStore;
import io.peregrine.checkpoint.Checkpointed;
import io.peregrine.config.StateFactory;
import io.peregrine.metrics.Metric;
import io.peregrine.metrics.OperatorCounters;
import io.peregrine.exchange.KeyGroupRouter;
import io.peregrine.exchange.OutboundChannel;
import io.peregrine.plan.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The physical plan of one shard while the {@link NodeTranslator}s build it: the operators each node became, in the
 * order they were registered, and the parts of the shard that a checkpoint holds.
 * <p>
 * The order of the checkpointed parts and their names are those of a checkpoint's journal: a restore finds each part
 * by its position and name, so a translation must register its parts in the same order on every run.
 */
final class ShardPlan
{
    private final Planner planner;
    private final int shard;
    private final KeyGroupRouter router;
    private final Operator[] entries;
    private final List<Consumer<Operator>> exits;
    private final List<SourceRunner> sources = new ArrayList<>();
    private final List<Operator> operators = new ArrayList<>();
    private final List<Operator> timed = new ArrayList<>();
    private final List<Checkpointed> parts = new ArrayList<>();
    private final List<String> partNames = new ArrayList<>();
    private final List<StateGauge> stateGauges = new ArrayList<>();
    private final ExchangeInput[] inputs;
    private final OutboundChannel[][] outbound;

    ShardPlan(final Planner planner, final int shard, final int nodeCount, final int exchangeCount)
    {
        this.planner = planner;
        this.shard = shard;
        this.router = new KeyGroupRouter(planner.context().keyGroups(), planner.shards());
        this.entries = new Operator[nodeCount];
        this.exits = new ArrayList<>(nodeCount);
        for (int i = 0; i < nodeCount; i++)
        {
            exits.add(null);
        }
        this.inputs = new ExchangeInput[exchangeCount];
        this.outbound = new OutboundChannel[exchangeCount][];
    }

    /**
     * @return the planner, for what all shards share: the job's settings, exchanges, split counts.
     */
    Planner planner()
    {
        return planner;
    }

    /**
     * @return this shard's index.
     */
    int shard()
    {
        return shard;
    }

    /**
     * @return the router of keys to shards, the same for every operator of the shard.
     */
    KeyGroupRouter router()
    {
        return router;
    }

    /**
     * @param operator the name of an operator of the shard (a node's, or one of its parts', e.g. a window's local stage).
     * @return its counters on this shard.
     */
    OperatorCounters counters(final String operator)
    {
        return planner.counters().operator(shard, operator);
    }

    /**
     * @param operator the name of a keyed operator of the shard.
     * @return where it makes its state tables: the job's state factory, with the tables' entries and bytes counted as
     * the operator's.
     */
    StateFactory stateFactory(final String operator)
    {
        final StateGauge gauge = new StateGauge(planner.stateFactory(), counters(operator));
        stateGauges.add(gauge);
        return gauge;
    }

    /**
     * @param operator the name of an operator of the shard.
     * @return an end for records the operator drops, counting them as its dropped records.
     */
    Operator dropped(final String operator)
    {
        return new Discard(operator + "-dropped", counters(operator).get(Metric.DROPPED_RECORDS));
    }

    /**
     * Register an operator that is a node's whole translation: its input enters and its output leaves there.
     *
     * @param node the node.
     * @param op   its operator, checkpointed under its own name if it is {@link Checkpointed}.
     */
    void add(final Node node, final Operator op)
    {
        addLast(node, op);
        exit(node, op::downstream);
    }

    /**
     * Register an operator that is a node's whole translation and ends its branch: nothing is wired after it.
     *
     * @param node the node.
     * @param op   its operator, checkpointed under its own name if it is {@link Checkpointed}.
     */
    void addLast(final Node node, final Operator op)
    {
        entry(node, op);
        operator(op);
        if (op instanceof Checkpointed)
        {
            part((Checkpointed)op, op.name());
        }
    }

    /**
     * @param node the node.
     * @param op   the operator its input enters.
     */
    void entry(final Node node, final Operator op)
    {
        entries[node.id] = op;
    }

    /**
     * @param node a translated node.
     * @return the operator its input enters, null if it has none (a source).
     */
    Operator entry(final Node node)
    {
        return entries[node.id];
    }

    /**
     * @param node the node.
     * @param exit sets the operator that the node's output goes to, once the planner has built it.
     */
    void exit(final Node node, final Consumer<Operator> exit)
    {
        exits.set(node.id, exit);
    }

    /**
     * @param node a translated node.
     * @return what sets the operator the node's output goes to, null if its output goes nowhere (a sink).
     */
    Consumer<Operator> exit(final Node node)
    {
        return exits.get(node.id);
    }

    /**
     * @param op an operator of the shard, told when a checkpoint completes and closed when the shard stops.
     */
    void operator(final Operator op)
    {
        operators.add(op);
    }

    /**
     * @return how many operators are registered so far.
     */
    int operatorCount()
    {
        return operators.size();
    }

    /**
     * @param index of a registered operator, in the order of registration.
     * @return the operator.
     */
    Operator operator(final int index)
    {
        return operators.get(index);
    }

    /**
     * @param op an operator whose timers the shard fires.
     */
    void timed(final Operator op)
    {
        timed.add(op);
    }

    /**
     * @param part a part of the shard that a checkpoint holds.
     * @param name its name in the checkpoint's journal.
     */
    void part(final Checkpointed part, final String name)
    {
        parts.add(part);
        partNames.add(name);
    }

    /**
     * @param source the reader of the splits of one source that this shard owns.
     */
    void source(final SourceRunner source)
    {
        sources.add(source);
    }

    /**
     * @param exchange the exchange's index, see {@link Planner#exchange(Node)}.
     * @param input    the shard's end of the exchange that reads from every producer.
     * @param channels the shard's channels to each other consumer, null at the shard's own index.
     */
    void exchange(final int exchange, final ExchangeInput input, final OutboundChannel[] channels)
    {
        inputs[exchange] = input;
        outbound[exchange] = channels;
    }

    /**
     * @return the shard's agent, running the operators as registered.
     */
    ShardAgent agent(final LocalJob job, final CheckpointCoordinator coordinator, final CheckpointStore restoreFrom)
    {
        final OperatorCounters[] exchangeCounters = new OperatorCounters[outbound.length];
        for (int e = 0; e < exchangeCounters.length; e++)
        {
            exchangeCounters[e] = counters(planner.keyBy(e).name);
        }
        return new ShardAgent(job, shard, planner.context(), planner.counters(),
            sources.toArray(new SourceRunner[0]), inputs, outbound, exchangeCounters, timed.toArray(new Operator[0]),
            operators.toArray(new Operator[0]), stateGauges.toArray(new StateGauge[0]), coordinator,
            parts.toArray(new Checkpointed[0]), partNames, restoreFrom);
    }
}
