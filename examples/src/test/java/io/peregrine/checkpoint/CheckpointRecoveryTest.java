package io.peregrine.checkpoint;

import io.peregrine.demo.CheckpointedJob;
import io.peregrine.api.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointRecoveryTest
{
    private static final long EVENTS = 400_000;

    @TempDir
    Path tmp;

    private List<List<String>> reference() throws Exception
    {
        final Path out = tmp.resolve("reference");
        final Job job = CheckpointedJob.pipeline(EVENTS, out).execute(
            CheckpointedJob.context(1, tmp.resolve("reference-checkpoints"), 0));
        job.join();
        return outputs(out);
    }

    private static List<List<String>> outputs(final Path out) throws Exception
    {
        return List.of(CheckpointedJob.committed(out, "windows"), CheckpointedJob.committed(out, "sessions"),
            CheckpointedJob.committed(out, "maxima"));
    }

    @Test
    void shouldCommitEverythingAtTheEndOfABoundedJob() throws Exception
    {
        final List<List<String>> expected = reference();
        assertTrue(expected.get(0).size() >= 100 * 20, "windows: " + expected.get(0).size());
        assertTrue(expected.get(1).size() > 100, "sessions: " + expected.get(1).size());
        assertTrue(expected.get(2).size() > 100, "maxima: " + expected.get(2).size());

        final Path out = tmp.resolve("two-shards");
        final Job job = CheckpointedJob.pipeline(EVENTS, out).execute(
            CheckpointedJob.context(2, tmp.resolve("two-shards-checkpoints"), 2));
        job.join();
        assertEquals(expected, outputs(out));
        assertTrue(job.checkpoints().completedCount() >= 1);
    }

    @Test
    void shouldResumeFromASavepointWithOutputIdenticalToAnUninterruptedRun() throws Exception
    {
        final List<List<String>> expected = reference();
        for (int trial = 0; trial < 3; trial++)
        {
            final Path out = tmp.resolve("resume-" + trial);
            final Path checkpoints = tmp.resolve("resume-checkpoints-" + trial);
            // The source stops at a gate (each trial further on), so the job is stopped midway whatever its speed; a few
            // checkpoints complete first, wherever the job's threads then are.
            final long gate = EVENTS * (trial + 1) / 4;
            final Job first = CheckpointedJob.pipeline(EVENTS, () -> gate, out).execute(
                CheckpointedJob.context(2, checkpoints, 1));
            assertNull(first.restoredFrom());
            final long deadline1 = Waits.deadline();
            while (first.checkpoints().completedCount() < 2 + 3L * trial)
            {
                Waits.pause(deadline1, "the checkpoints before the stop");
            }
            first.stopWithSavepoint();
            first.join();

            final Job second = CheckpointedJob.pipeline(EVENTS, out).execute(CheckpointedJob.context(2, checkpoints, 1));
            assertNotNull(second.restoredFrom());
            second.join();
            assertEquals(expected, outputs(out), "trial " + trial + ", resumed from " + second.restoredFrom());
        }
    }

    @Test
    void shouldRescaleFromTwoShardsToOneToFourWithIdenticalResults() throws Exception
    {
        final List<List<String>> expected = reference();
        final Path out = tmp.resolve("rescaled");
        final Path checkpoints = tmp.resolve("rescaled-checkpoints");
        final int[] shardCounts = {2, 1, 4};
        final long[] gates = {EVENTS / 3, 2 * EVENTS / 3, Long.MAX_VALUE};
        for (int run = 0; run < shardCounts.length; run++)
        {
            final long gate = gates[run];
            final Job job = CheckpointedJob.pipeline(EVENTS, () -> gate, out).execute(
                CheckpointedJob.context(shardCounts[run], checkpoints, 1));
            if (run > 0)
            {
                assertNotNull(job.restoredFrom());
                assertEquals(shardCounts[run - 1], job.restoredFrom().shards);
            }
            if (run < shardCounts.length - 1)
            {
                final long deadline2 = Waits.deadline();
                while (job.checkpoints().completedCount() < 3)
                {
                    Waits.pause(deadline2, "the checkpoints before the stop");
                }
                job.stopWithSavepoint();
            }
            job.join();
        }
        assertEquals(expected, outputs(out));
    }
}
