package io.peregrine.api;

/**
 * How a source assigns event time and watermarks: the timestamp is read from a field; each split's
 * watermark trails the largest timestamp it has seen by the out-of-orderness bound, in one of two
 * {@link Convention conventions}: Flink's DataStream API ({@code forBoundedOutOfOrderness}: {@code max - bound - 1},
 * the default) or Flink SQL ({@code WATERMARK FOR ts AS ts - INTERVAL 'bound'}: {@code max - bound}). A split that
 * produces nothing for the idle timeout stops holding the watermark back until it produces again.
 * <p>
 * <b>Lateness is judged per record.</b> The watermark a record is judged against is its split's watermark as it
 * stood just before the record ({@link #watermarkFor(long)} of the largest timestamp of the split's earlier records,
 * carried with the record as {@link Row#recordWatermark()}), as if the split emitted a watermark after every record.
 * Watermarks still travel downstream once per poll batch at most (they cost a message on every exchange), but
 * whether a record is late no longer depends on where a batch ends, on the shard count or on two-stage aggregation:
 * only on the split's records and this strategy. Flink judges a record against the operator's current watermark (the
 * minimum over its inputs when the record arrives, which depends on timing); for a source of one split with a
 * watermark after every record the two agree.
 * <p>
 * <b>Watermark alignment</b> ({@link #withAlignment(String, long)}, Flink's {@code withWatermarkAlignment}): the
 * splits of every source in one alignment group pause while their watermark is more than a maximum drift ahead of the
 * group's smallest, so that a split that reads faster than another (a shard with less work, a file with sparser
 * times) does not fill the state of every join and window downstream with rows waiting for the slow one. Splits
 * that are idle, have ended or have no watermark yet do not hold the group back. Which records are late does not
 * change (it is judged per record); only how far ahead one split reads. Within one process.
 */
public final class WatermarkStrategy
{
    /** Default idle timeout: {@value} ms. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 1_000;

    private static final WatermarkStrategy NONE =
        new WatermarkStrategy(null, 0, DEFAULT_IDLE_TIMEOUT_MS, Convention.DATASTREAM, null, 0);

    /**
     * Where the watermark stands relative to the largest timestamp seen.
     */
    public enum Convention
    {
        /**
         * {@code max - bound - 1}, as Flink's DataStream {@code WatermarkStrategy.forBoundedOutOfOrderness(bound)}
         * ({@code BoundedOutOfOrdernessWatermarks}): a record {@code bound} ms behind the largest timestamp is still on
         * time. The default.
         */
        DATASTREAM,
        /**
         * {@code max - bound}, as a Flink SQL {@code WATERMARK FOR ts AS ts - INTERVAL 'bound' ...} declaration: a record
         * exactly {@code bound} ms behind the largest timestamp is at the watermark, so a window whose last millisecond
         * it is has fired already. The Nexmark DDL's {@code dateTime - INTERVAL '4' SECOND} is this convention.
         */
        SQL
    }

    private final Field.Timestamp timestampField;
    private final long maxOutOfOrdernessMs;
    private final long idleTimeoutMs;
    private final Convention convention;
    private final String alignmentGroup;
    private final long maxDriftMs;

    private WatermarkStrategy(final Field.Timestamp field, final long bound, final long idleTimeoutMs,
        final Convention convention, final String alignmentGroup, final long maxDriftMs)
    {
        this.timestampField = field;
        this.maxOutOfOrdernessMs = bound;
        this.idleTimeoutMs = idleTimeoutMs;
        this.convention = convention;
        this.alignmentGroup = alignmentGroup;
        this.maxDriftMs = maxDriftMs;
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
        if (maxOutOfOrdernessMs < 0 || maxOutOfOrdernessMs == Long.MAX_VALUE)
        {
            throw new IllegalArgumentException("maxOutOfOrdernessMs must be >= 0 and < Long.MAX_VALUE: " +
                maxOutOfOrdernessMs);
        }
        return new WatermarkStrategy(field, maxOutOfOrdernessMs, DEFAULT_IDLE_TIMEOUT_MS, Convention.DATASTREAM, null, 0);
    }

    /**
     * The watermark of a Flink SQL declaration {@code WATERMARK FOR field AS field - INTERVAL 'delay' ...}:
     * {@code max - delayMs} ({@link Convention#SQL}).
     *
     * @param field   holding the event time (epoch ms).
     * @param delayMs how far the watermark trails the largest timestamp seen.
     * @return the strategy.
     */
    public static WatermarkStrategy sqlDelay(final Field.Timestamp field, final long delayMs)
    {
        return boundedOutOfOrderness(field, delayMs).withConvention(Convention.SQL);
    }

    /**
     * @param idleTimeoutMs a split that produced nothing for this long is idle; 0 disables.
     * @return a copy with that timeout.
     */
    public WatermarkStrategy withIdleTimeout(final long idleTimeoutMs)
    {
        return new WatermarkStrategy(timestampField, maxOutOfOrdernessMs, idleTimeoutMs, convention, alignmentGroup,
            maxDriftMs);
    }

    /**
     * @param convention {@code max - bound - 1} (DataStream, the default) or {@code max - bound} (SQL).
     * @return a copy with that convention.
     */
    public WatermarkStrategy withConvention(final Convention convention)
    {
        return new WatermarkStrategy(timestampField, maxOutOfOrdernessMs, idleTimeoutMs,
            java.util.Objects.requireNonNull(convention, "convention"), alignmentGroup, maxDriftMs);
    }

    /**
     * Align the watermarks of this source's splits with those of every source of the same group (Flink's
     * {@code withWatermarkAlignment(group, maxAllowedWatermarkDrift)}): a split whose watermark is more than
     * {@code maxDriftMs} ahead of the smallest watermark of the group's splits is not read until the others catch
     * up. Splits that are idle, ended or without a watermark yet are left out of the smallest. The group's smallest
     * watermark is read by each shard once per poll of its sources (Flink: every update interval, 1 s by default).
     *
     * @param group      name of the alignment group (sources of one job with the same name align with each other).
     * @param maxDriftMs how far ahead of the group's smallest watermark a split may read, in ms of event time, >= 0.
     * @return a copy with that alignment.
     */
    public WatermarkStrategy withAlignment(final String group, final long maxDriftMs)
    {
        if (timestampField == null)
        {
            throw new IllegalStateException("watermark alignment needs event time: a strategy without a timestamp field " +
                "has no watermark to align");
        }
        if (maxDriftMs < 0)
        {
            throw new IllegalArgumentException("maxDriftMs must be >= 0: " + maxDriftMs);
        }
        return new WatermarkStrategy(timestampField, maxOutOfOrdernessMs, idleTimeoutMs, convention,
            java.util.Objects.requireNonNull(group, "group"), maxDriftMs);
    }

    /**
     * @return the alignment group, or null if this source's splits read as fast as they can.
     */
    public String alignmentGroup()
    {
        return alignmentGroup;
    }

    /**
     * @return how far ahead of its alignment group's smallest watermark a split may read (ms), if aligned.
     */
    public long maxDriftMs()
    {
        return maxDriftMs;
    }

    public Convention convention()
    {
        return convention;
    }

    /**
     * @param maxTimestamp largest timestamp a split has seen, {@code Long.MIN_VALUE} for none.
     * @return the split's watermark: {@code max - bound - 1} or {@code max - bound} by the convention,
     * {@code Long.MIN_VALUE} before any timestamp (and never below it).
     */
    public long watermarkFor(final long maxTimestamp)
    {
        final long lag = maxOutOfOrdernessMs + (convention == Convention.SQL ? 0 : 1);
        return maxTimestamp < Long.MIN_VALUE + lag ? Long.MIN_VALUE : maxTimestamp - lag;
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
