package io.peregrine.api;

/**
 * How a source assigns event time and watermarks: the timestamp is read from a field; each split's
 * watermark trails the largest timestamp it has seen by the out-of-orderness bound (as Flink's
 * {@code forBoundedOutOfOrderness}: {@code max - bound - 1}); a split that produces nothing for
 * the idle timeout stops holding the watermark back until it produces again.
 */
public final class WatermarkStrategy
{
    /** Default idle timeout: {@value} ms. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 1_000;

    private static final WatermarkStrategy NONE = new WatermarkStrategy(null, 0, DEFAULT_IDLE_TIMEOUT_MS);

    private final Field.Timestamp timestampField;
    private final long maxOutOfOrdernessMs;
    private final long idleTimeoutMs;

    private WatermarkStrategy(final Field.Timestamp field, final long bound, final long idleTimeoutMs)
    {
        this.timestampField = field;
        this.maxOutOfOrdernessMs = bound;
        this.idleTimeoutMs = idleTimeoutMs;
    }

    /**
     * @return a strategy without event time: windows and event-time timers cannot follow.
     */
    public static WatermarkStrategy none()
    {
        return NONE;
    }

    /**
     * @param field               holding the event time (epoch ms).
     * @param maxOutOfOrdernessMs how far a record may come after a later one and still be on time.
     * @return the strategy.
     */
    public static WatermarkStrategy boundedOutOfOrderness(final Field.Timestamp field, final long maxOutOfOrdernessMs)
    {
        if (maxOutOfOrdernessMs < 0)
        {
            throw new IllegalArgumentException("maxOutOfOrdernessMs must be >= 0: " + maxOutOfOrdernessMs);
        }
        return new WatermarkStrategy(field, maxOutOfOrdernessMs, DEFAULT_IDLE_TIMEOUT_MS);
    }

    /**
     * @param idleTimeoutMs a split that produced nothing for this long is idle; 0 disables.
     * @return a copy with that timeout.
     */
    public WatermarkStrategy withIdleTimeout(final long idleTimeoutMs)
    {
        return new WatermarkStrategy(timestampField, maxOutOfOrdernessMs, idleTimeoutMs);
    }

    public boolean hasTimestamps()
    {
        return timestampField != null;
    }

    public Field.Timestamp timestampField()
    {
        return timestampField;
    }

    public long maxOutOfOrdernessMs()
    {
        return maxOutOfOrdernessMs;
    }

    public long idleTimeoutMs()
    {
        return idleTimeoutMs;
    }
}
