package io.peregrine.checkpoint;

import io.peregrine.demo.RecoveryTrials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash trials ({@link RecoveryTrials}): child JVMs killed with SIGKILL at random moments, restarted, and their
 * committed output compared with an uninterrupted run's.
 */
class KillRecoveryTest
{
    private static final int TRIALS = Integer.getInteger("peregrine.test.kill.trials", 20);

    @TempDir
    Path tmp;

    @Test
    void shouldCommitTheSameOutputAsAnUninterruptedRunWhenKilledAtRandom() throws Exception
    {
        final RecoveryTrials.Result result = RecoveryTrials.run(TRIALS, 1_000_000, 2, 20, tmp,
            Long.getLong("peregrine.test.kill.seed", 42), System.out);
        System.out.println(result.summary());
        assertTrue(result.referenceRows > 1000, "reference rows " + result.referenceRows);
        assertEquals(TRIALS, result.identical, result.summary() + "; first difference: " + result.firstDifference);
        assertEquals(TRIALS, result.killedMidRun, "only " + result.killedMidRun + " of " + TRIALS +
            " trials killed a running job");
    }
}
