package io.peregrine.checkpoint;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting in a test for something a running job makes true: a generous deadline (a hang becomes a failure naming
 * what was awaited) and a short park between looks, so the waiting thread does not take a core from the shards on a
 * two-core machine (a spin did).
 */
public final class Waits
{
    /** Longest wait: far beyond what a loaded machine needs, short of hanging a build. */
    public static final long TIMEOUT_S = 120;

    private Waits()
    {
    }

    /**
     * @return the deadline of a wait that starts now, for {@link #pause(long, String)}.
     */
    public static long deadline()
    {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    }

    /**
     * Park briefly; fail if the deadline has passed.
     *
     * @param deadline from {@link #deadline()}.
     * @param what     is awaited, for the failure.
     */
    public static void pause(final long deadline, final String what)
    {
        if (System.nanoTime() - deadline > 0)
        {
            throw new AssertionError("timed out after " + TIMEOUT_S + " s waiting for " + what);
        }
        LockSupport.parkNanos(100_000);
    }
}
