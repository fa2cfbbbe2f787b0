package io.peregrine.metrics;

/**
 * Per-shard counters of a job, with stable type ids (as Aeron's SystemCounterDescriptor).
 */
public enum Metric
{
    SOURCE_RECORDS(1, "records read from sources"),
    SINK_RECORDS(2, "records written to sinks"),
    LATE_RECORDS(3, "records too late for every window"),
    MALFORMED_RECORDS(4, "malformed inputs dead-lettered"),
    BACK_PRESSURE(5, "records held back by a full exchange ring"),
    EXCHANGE_RECORDS(6, "records sent to another shard"),
    WATERMARK(7, "last watermark reaching the sinks (ms)"),
    SOURCE_WATERMARK(8, "watermark of the shard's sources (ms)"),
    CHECKPOINT_PAUSE_NS(9, "how long the shard paused to journal its last checkpoint (ns)"),
    JOIN_STATE_BYTES(10, "bytes of rows and per-key slots the shard's joins hold (at their last watermark)"),
    JOIN_STATE_KEYS(11, "keys the shard's joins hold state for (at their last watermark)");

    private final int typeId;
    private final String label;

    Metric(final int typeId, final String label)
    {
        this.typeId = typeId;
        this.label = label;
    }

    public int typeId()
    {
        return typeId;
    }

    public String label()
    {
        return label;
    }
}
