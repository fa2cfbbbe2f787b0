package io.peregrine.metrics;

/**
 * What a counter of a job counts, with a stable type id (as Aeron's SystemCounterDescriptor): the type id is written
 * into the counters file, so a reader in another process ({@code peregrine stat}, the Prometheus endpoint) knows each
 * counter's meaning without the job's classes. Ids are never reused or renumbered.
 * <p>
 * Each operator on each shard has its own counters of the {@link Scope#OPERATOR} kinds that apply to it (a source
 * reads and dead-letters, a window drops late records, a keyBy meets back-pressure); each shard has one of each
 * {@link Scope#SHARD} kind. A counter has exactly one writer, the shard's thread.
 */
public enum Metric
{
    SOURCE_RECORDS(1, Scope.OPERATOR, Type.COUNTER, "records read", "peregrine_source_records", 1,
        "Records a source emitted (its records out)."),
    SINK_RECORDS(2, Scope.OPERATOR, Type.COUNTER, "records written", "peregrine_sink_records", 1,
        "Records a sink wrote (its records in)."),
    LATE_RECORDS(3, Scope.OPERATOR, Type.COUNTER, "late records", "peregrine_late_records", 1,
        "Records too late for every window they belong to."),
    MALFORMED_RECORDS(4, Scope.OPERATOR, Type.COUNTER, "malformed records", "peregrine_malformed_records", 1,
        "Malformed inputs a source dead-lettered."),
    BACK_PRESSURE(5, Scope.OPERATOR, Type.COUNTER, "back-pressure events", "peregrine_back_pressure_events", 1,
        "Times a keyBy found another shard's ring full and held its records back."),
    EXCHANGE_RECORDS(6, Scope.OPERATOR, Type.COUNTER, "records sent to other shards", "peregrine_exchange_records", 1,
        "Records a keyBy sent to another shard's ring."),
    WATERMARK(7, Scope.OPERATOR, Type.GAUGE, "watermark (ms)", "peregrine_sink_watermark_seconds", 1e3,
        "Last watermark that reached a sink, in seconds since the epoch."),
    SOURCE_WATERMARK(8, Scope.OPERATOR, Type.GAUGE, "watermark (ms)", "peregrine_source_watermark_seconds", 1e3,
        "Last watermark a source emitted, in seconds since the epoch."),
    CHECKPOINT_PAUSE_NS(9, Scope.SHARD, Type.GAUGE, "last checkpoint pause (ns)",
        "peregrine_shard_checkpoint_pause_seconds", 1e9, "How long the shard paused to journal its last checkpoint."),
    RECORDS_IN(10, Scope.OPERATOR, Type.COUNTER, "records in", "peregrine_records_in", 1,
        "Records that entered an operator."),
    RECORDS_OUT(11, Scope.OPERATOR, Type.COUNTER, "records out", "peregrine_records_out", 1,
        "Records an operator emitted."),
    DROPPED_RECORDS(12, Scope.OPERATOR, Type.COUNTER, "records dropped", "peregrine_dropped_records", 1,
        "Records an operator discarded: late records without a late output, output that nothing reads."),
    STATE_ENTRIES(13, Scope.OPERATOR, Type.GAUGE, "state entries", "peregrine_state_entries", 1,
        "Entries in an operator's keyed-state tables."),
    STATE_BYTES(14, Scope.OPERATOR, Type.GAUGE, "state bytes", "peregrine_state_bytes", 1,
        "Bytes of memory held by an operator's keyed-state tables."),
    DUTY_CYCLES(15, Scope.SHARD, Type.COUNTER, "duty cycles", "peregrine_shard_duty_cycles", 1,
        "Duty cycles (doWork calls) of the shard."),
    BUSY_NS(16, Scope.SHARD, Type.COUNTER, "busy time (ns)", "peregrine_shard_busy_seconds", 1e9,
        "Time the shard spent in duty cycles that did work."),
    IDLE_NS(17, Scope.SHARD, Type.COUNTER, "idle time (ns)", "peregrine_shard_idle_seconds", 1e9,
        "Time the shard spent in duty cycles that found nothing to do and in its idle strategy."),
    MAX_CYCLE_NS(18, Scope.SHARD, Type.GAUGE, "longest duty cycle (ns)", "peregrine_shard_max_cycle_seconds", 1e9,
        "The longest single duty cycle of the shard."),
    ERRORS(19, Scope.SHARD, Type.COUNTER, "errors", "peregrine_shard_errors", 1,
        "Errors the shard's agent runner handled."),
    DEFAULTED_FIELDS(20, Scope.OPERATOR, Type.COUNTER, "fields defaulted", "peregrine_defaulted_fields", 1,
        "Missing input fields a source read as their type's zero (input policy LENIENT)."),
    CONVERTED_FIELDS(21, Scope.OPERATOR, Type.COUNTER, "fields converted", "peregrine_converted_fields", 1,
        "Input fields of another form a source converted exactly (input policy LENIENT)."),
    JOIN_STATE_BYTES(22, Scope.SHARD, Type.GAUGE, "join state bytes", "peregrine_shard_join_state_bytes", 1,
        "Bytes of rows and per-key slots the shard's joins hold (at their last watermark)."),
    JOIN_STATE_KEYS(23, Scope.SHARD, Type.GAUGE, "join state keys", "peregrine_shard_join_state_keys", 1,
        "Keys the shard's joins hold state for (at their last watermark)."),
    DEAD_LETTERED(24, Scope.OPERATOR, Type.COUNTER, "records dead-lettered", "peregrine_dead_lettered_records", 1,
        "Records whose user function threw, sent to the operator's dead letters (error policy dead-letter).");

    /**
     * Whether a counter belongs to an operator on a shard or to the shard itself.
     */
    public enum Scope
    {
        OPERATOR, SHARD
    }

    /**
     * A counter only grows; a gauge goes up and down.
     */
    public enum Type
    {
        COUNTER, GAUGE
    }

    private static final Metric[] BY_TYPE_ID;

    static
    {
        int max = 0;
        for (final Metric m : values())
        {
            max = Math.max(max, m.typeId);
        }
        BY_TYPE_ID = new Metric[max + 1];
        for (final Metric m : values())
        {
            BY_TYPE_ID[m.typeId] = m;
        }
    }

    private final int typeId;
    private final Scope scope;
    private final Type type;
    private final String label;
    private final String prometheusName;
    private final double prometheusDivisor;
    private final String help;

    Metric(
        final int typeId,
        final Scope scope,
        final Type type,
        final String label,
        final String prometheusName,
        final double prometheusDivisor,
        final String help)
    {
        this.typeId = typeId;
        this.scope = scope;
        this.type = type;
        this.label = label;
        this.prometheusName = prometheusName;
        this.prometheusDivisor = prometheusDivisor;
        this.help = help;
    }

    /**
     * @param typeId a counter's type id as found in a counters file.
     * @return the metric, or null for an id this version does not know.
     */
    public static Metric of(final int typeId)
    {
        return typeId >= 0 && typeId < BY_TYPE_ID.length ? BY_TYPE_ID[typeId] : null;
    }

    public int typeId()
    {
        return typeId;
    }

    public Scope scope()
    {
        return scope;
    }

    public Type type()
    {
        return type;
    }

    /**
     * @return what the counter's label ends with, e.g. {@code records in}.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return the metric family's name in the Prometheus text format, in base units (a counter's {@code _total}
     * suffix is the exposition's).
     */
    public String prometheusName()
    {
        return prometheusName;
    }

    /**
     * @param value the counter's value.
     * @return the value in the Prometheus metric's base unit (seconds for the times kept in ns or ms).
     */
    public double prometheusValue(final long value)
    {
        return prometheusDivisor == 1 ? value : value / prometheusDivisor;
    }

    public String help()
    {
        return help;
    }
}
