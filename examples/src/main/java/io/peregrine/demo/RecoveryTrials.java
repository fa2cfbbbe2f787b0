package io.peregrine.demo;

import io.peregrine.api.Job;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Crash trials: a child JVM runs {@link CheckpointedJob} with a checkpoint every 20 ms, is killed with SIGKILL at a
 * random moment (after a random number of completed checkpoints plus a random fraction of an interval, so some kills
 * land while a checkpoint is being journaled) and is started again over the same directories; the output it commits
 * is compared, row for row, with an uninterrupted run's. {@code ./peregrine bench recovery} and the tests run it.
 */
public final class RecoveryTrials
{
    /** What the trials found. */
    public static final class Result
    {
        public int trials;
        public int identical;
        public int killedMidRun;
        public String firstDifference;
        public long referenceRows;

        public String summary()
        {
            return "recovery: " + identical + " of " + trials + " trials identical to the fault-free run";
        }
    }

    private RecoveryTrials()
    {
    }

    /**
     * @param trials     how many kills.
     * @param events     events of the job.
     * @param shards     of the job.
     * @param intervalMs between checkpoints.
     * @param dir        work directory (outputs, checkpoints, logs).
     * @param seed       of the kill moments.
     * @param log        progress lines, or null.
     * @return the counts.
     */
    public static Result run(
        final int trials, final long events, final int shards, final long intervalMs, final Path dir, final long seed,
        final PrintStream log) throws Exception
    {
        final Result result = new Result();
        final Path referenceOut = dir.resolve("reference");
        final Job reference = CheckpointedJob.pipeline(events, referenceOut).execute(
            CheckpointedJob.context(shards, dir.resolve("reference-checkpoints"), 0));
        reference.join();
        final List<List<String>> expected = CheckpointedJob.outputs(referenceOut);
        for (final List<String> rows : expected)
        {
            result.referenceRows += rows.size();
        }

        final SplittableRandom random = new SplittableRandom(seed);
        for (int trial = 0; trial < trials; trial++)
        {
            final Path out = dir.resolve("out-" + trial);
            final Path checkpoints = dir.resolve("checkpoints-" + trial);
            final int afterCheckpoints = random.nextInt(0, 12);
            final long extraNs = random.nextLong(0, intervalMs * 1_000_000L);
            // The killed run's source stops at a random event number, so that however fast or loaded the machine the
            // kill lands mid-run: while the job reads (the gate not reached yet) or while it waits at the gate taking
            // checkpoints. The restarted run has no gate.
            final long gate = random.nextLong(events / 4, events);
            final String[] args = {Long.toString(events), checkpoints.toString(), out.toString(), Integer.toString(shards),
                Long.toString(intervalMs)};
            final String[] victimArgs = java.util.Arrays.copyOf(args, args.length + 1);
            victimArgs[args.length] = Long.toString(gate);

            final Process victim = ChildJvm.start(dir.resolve("victim-" + trial + ".log"), CheckpointedJob.class, victimArgs);
            boolean finished = false;
            int completed = 0;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8)))
            {
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
                if (!victim.waitFor(60, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("trial " + trial + ": the killed JVM did not exit");
                }
            }
            if (!finished && victim.exitValue() != 0)
            {
                result.killedMidRun++;
            }

            final Path restartLog = dir.resolve("restarted-" + trial + ".log");
            final Process restarted = ChildJvm.start(restartLog, CheckpointedJob.class, args);
            final String stdout = new String(restarted.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!restarted.waitFor(120, TimeUnit.SECONDS) || restarted.exitValue() != 0)
            {
                throw new IllegalStateException("trial " + trial + ": the restarted job failed:\n" + stdout +
                    Files.readString(restartLog));
            }
            final boolean same = expected.equals(CheckpointedJob.outputs(out));
            result.trials++;
            if (same)
            {
                result.identical++;
            }
            else if (result.firstDifference == null)
            {
                result.firstDifference = "trial " + trial + " (killed after " + afterCheckpoints + " checkpoints + " +
                    extraNs / 1000 + " us; restart: " + stdout.lines().findFirst().orElse("") + ")";
            }
            if (log != null)
            {
                log.printf("trial %2d: killed %s after %d checkpoint(s), %s; %s%n", trial,
                    finished ? "after the job finished" : "mid-run", completed, stdout.lines().findFirst().orElse(""),
                    same ? "identical" : "DIFFERENT");
            }
        }
        return result;
    }
}
