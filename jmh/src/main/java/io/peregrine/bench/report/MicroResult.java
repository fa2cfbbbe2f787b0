package io.peregrine.bench.report;

/**
 * One JMH benchmark's result for the report's microbenchmark table: its score with the 99.9 % error JMH gives, and
 * the bytes allocated per operation from {@code -prof gc} ({@code gc.alloc.rate.norm}).
 */
public final class MicroResult
{
    private final String benchmark;
    private final String mode;
    private final double score;
    private final double error;
    private final String unit;
    private final double allocatedBytesPerOp;

    /**
     * @param benchmark           benchmark name with its parameters, e.g. {@code WatermarkTimerBenchmark.trackerUpdate (inputs=2)}.
     * @param mode                JMH mode, e.g. {@code thrpt} or {@code avgt}.
     * @param score               primary score.
     * @param error               its error (NaN when JMH has too few iterations to give one).
     * @param unit                score unit, e.g. {@code ns/op}.
     * @param allocatedBytesPerOp {@code gc.alloc.rate.norm} in bytes per operation, NaN without {@code -prof gc}.
     */
    public MicroResult(
        final String benchmark,
        final String mode,
        final double score,
        final double error,
        final String unit,
        final double allocatedBytesPerOp)
    {
        this.benchmark = benchmark;
        this.mode = mode;
        this.score = score;
        this.error = error;
        this.unit = unit;
        this.allocatedBytesPerOp = allocatedBytesPerOp;
    }

    public String benchmark()
    {
        return benchmark;
    }

    public String mode()
    {
        return mode;
    }

    public double score()
    {
        return score;
    }

    public double error()
    {
        return error;
    }

    public String unit()
    {
        return unit;
    }

    public double allocatedBytesPerOp()
    {
        return allocatedBytesPerOp;
    }
}
