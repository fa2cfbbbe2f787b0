package io.peregrine.checkpoint;

import io.peregrine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash trials: a child JVM runs {@link CheckpointedJob} with checkpoints every 20 ms, is killed with SIGKILL at a
 * random moment (after a random number of completed checkpoints, plus a random fraction of an interval, so some
 * kills land while a checkpoint is being journaled), and is started again over the same directories; the output it
 * commits must equal an uninterrupted run's, row for row.
 */
class KillRecoveryTest
{
    private static final int TRIALS = Integer.getInteger("peregrine.test.kill.trials", 20);
    private static final long EVENTS = 1_000_000;
    private static final String SHARDS = "2";
    private static final String INTERVAL_MS = "20";

    @TempDir
    Path tmp;

    @Test
    void shouldCommitTheSameOutputAsAnUninterruptedRunWhenKilledAtRandom() throws Exception
    {
        final Path referenceOut = tmp.resolve("reference");
        final Job reference = CheckpointedJob.pipeline(EVENTS, referenceOut).execute(
            CheckpointedJob.context(2, tmp.resolve("reference-checkpoints"), 0));
        reference.join();
        final List<List<String>> expected = outputs(referenceOut);
        assertTrue(expected.get(0).size() > 1000);

        final SplittableRandom random = new SplittableRandom(Long.getLong("peregrine.test.kill.seed", 42));
        int killedMidRun = 0;
        int identical = 0;
        for (int trial = 0; trial < TRIALS; trial++)
        {
            final Path out = tmp.resolve("out-" + trial);
            final Path checkpoints = tmp.resolve("checkpoints-" + trial);
            final int afterCheckpoints = random.nextInt(0, 12);
            final long extraNs = random.nextLong(0, 20_000_000);
            final String[] args = {Long.toString(EVENTS), checkpoints.toString(), out.toString(), SHARDS, INTERVAL_MS};

            final Process victim = ChildJvm.start(tmp.resolve("victim-" + trial + ".log"), args);
            boolean finished = false;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8)))
            {
                int completed = 0;
                String line;
                while ((line = lines.readLine()) != null)
                {
                    if (line.startsWith("completed"))
                    {
                        completed++;
                    }
                    else if (line.equals("finished"))
                    {
                        finished = true;
                        break;
                    }
                    if (completed >= afterCheckpoints)
                    {
                        final long until = System.nanoTime() + extraNs;
                        while (System.nanoTime() < until)
                        {
                            Thread.onSpinWait();
                        }
                        break;
                    }
                }
                victim.destroyForcibly(); // SIGKILL
                assertTrue(victim.waitFor(60, TimeUnit.SECONDS));
            }
            if (!finished && victim.exitValue() != 0)
            {
                killedMidRun++;
            }

            final Process restarted = ChildJvm.start(tmp.resolve("restarted-" + trial + ".log"), args);
            final String stdout = new String(restarted.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(restarted.waitFor(120, TimeUnit.SECONDS), "trial " + trial + ": restarted job did not end");
            assertEquals(0, restarted.exitValue(), "trial " + trial + ": restarted job failed:\n" + stdout +
                Files.readString(tmp.resolve("restarted-" + trial + ".log")));
            final List<List<String>> actual = outputs(out);
            assertEquals(expected, actual, "trial " + trial + " (killed after " + afterCheckpoints + " checkpoints + " +
                extraNs / 1000 + " us), restart: " + stdout.lines().findFirst().orElse(""));
            identical++;
        }
        System.out.println("recovery: " + identical + " of " + TRIALS + " trials identical to the fault-free run (" +
            killedMidRun + " killed before the job finished)");
        assertTrue(killedMidRun >= TRIALS / 2, "only " + killedMidRun + " of " + TRIALS + " trials killed a running job");
    }

    private static List<List<String>> outputs(final Path out) throws Exception
    {
        return List.of(CheckpointedJob.committed(out, "windows"), CheckpointedJob.committed(out, "sessions"),
            CheckpointedJob.committed(out, "maxima"));
    }
}
