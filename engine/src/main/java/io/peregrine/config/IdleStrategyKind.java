package io.peregrine.config;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * How a shard thread waits when a duty cycle found no work ({@link Settings#IDLE_STRATEGY}).
 */
public enum IdleStrategyKind
{
    /** Spin: the lowest latency, one core per shard. */
    BUSY_SPIN
    {
        public IdleStrategy newIdleStrategy()
        {
            return new BusySpinIdleStrategy();
        }
    },
    /** Yield the core to other threads between duty cycles. */
    YIELD
    {
        public IdleStrategy newIdleStrategy()
        {
            return new YieldingIdleStrategy();
        }
    },
    /** Spin, then yield, then park from 1 us up to 1 ms. */
    BACKOFF
    {
        public IdleStrategy newIdleStrategy()
        {
            return new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
        }
    },
    /** Sleep 1 ms: for shared machines. */
    SLEEP
    {
        public IdleStrategy newIdleStrategy()
        {
            return new SleepingMillisIdleStrategy(1);
        }
    };

    /**
     * @return a new idle strategy of this kind, for one thread.
     */
    public abstract IdleStrategy newIdleStrategy();

    /**
     * @return the name {@link Settings#IDLE_STRATEGY} takes, e.g. {@code busy-spin}.
     */
    public String toString()
    {
        return ConfigOption.textOf(this);
    }
}
