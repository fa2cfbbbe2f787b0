package io.peregrine.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ShardDutyCycleTest
{
    @Test
    void shouldSplitTimeIntoBusyAndIdleAndKeepTheLongestCycle(@TempDir final Path dir)
    {
        final JobCounters counters = JobCounters.create(dir, "duty", 1, JobCounters.capacity(1, 0), 0L);
        try
        {
            final ShardDutyCycle duty = new ShardDutyCycle(counters, 0);
            duty.cycle(1_000, 1_300, 5);   // busy 300
            duty.cycle(1_500, 1_520, 0);   // idle 200 between, 20 in the cycle
            duty.cycle(2_520, 3_520, 1);   // idle 1000 between, busy 1000
            duty.cycle(3_520, 3_530, 0);   // idle 10

            assertEquals(4, counters.counter(0, Metric.DUTY_CYCLES).get());
            assertEquals(1_300, counters.counter(0, Metric.BUSY_NS).get());
            assertEquals(1_230, counters.counter(0, Metric.IDLE_NS).get());
            assertEquals(1_000, counters.counter(0, Metric.MAX_CYCLE_NS).get());
            assertEquals(3_530 - 1_000, counters.total(Metric.BUSY_NS) + counters.total(Metric.IDLE_NS));
        }
        finally
        {
            counters.close();
        }
    }
}
