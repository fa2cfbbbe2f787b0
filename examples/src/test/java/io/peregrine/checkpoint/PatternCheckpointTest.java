package io.peregrine.checkpoint;

import io.peregrine.api.Field;
import io.peregrine.api.Job;
import io.peregrine.api.Schema;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.cep.Pattern;
import io.peregrine.config.JobContext;
import io.peregrine.demo.CheckpointedJob;
import io.peregrine.pipeline.PatternOutput;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pattern's state (records waiting for the watermark, partial matches and their shared event buffer) is engine
 * state: stopped with a savepoint and resumed, with incremental checkpoints in between, the job emits the same
 * matches and timeouts as an uninterrupted run.
 */
class PatternCheckpointTest
{
    private static final Schema OUT = Schema.builder("found").int64("key").int64("a").int64("b").int64("c").build();
    private static final Field.Int64 O_KEY = OUT.int64("key");
    private static final Field.Int64 O_A = OUT.int64("a");
    private static final Field.Int64 O_B = OUT.int64("b");
    private static final Field.Int64 O_C = OUT.int64("c");
    private static final long EVENTS = 200_000;

    @TempDir
    Path tmp;

    private static Pattern pattern()
    {
        return Pattern.begin("a").where(e -> e.getLong(CheckpointedJob.VALUE) % 3 == 0)
            .followedBy("b").where(e -> e.getLong(CheckpointedJob.VALUE) % 3 == 1)
            .followedBy("c").where((e, m) -> e.getLong(CheckpointedJob.VALUE) > m.first("a").getLong(CheckpointedJob.VALUE))
            .within(40);
    }

    private static Pipeline pipeline(final Path out, final long gate)
    {
        final Pipeline p = Pipeline.create("pattern-state");
        final PatternOutput found = p.source("gen", new CheckpointedJob.GatedSource(Sources.generator(CheckpointedJob.EVENT,
                EVENTS, (i, w) -> w
                .putLong(CheckpointedJob.KEY, (i & 1) + 2 * ((i >> 1) % 50))
                .putTimestamp(CheckpointedJob.TS, i / 20)
                .putLong(CheckpointedJob.VALUE, (i * 2654435761L) % 100_003)), () -> gate),
                WatermarkStrategy.boundedOutOfOrderness(CheckpointedJob.TS, 10))
            .keyBy("by-key", CheckpointedJob.KEY)
            .pattern("abc", pattern())
            .select("matches", OUT, (match, o) ->
            {
                o.next().putLong(O_KEY, match.first("a").getLong(CheckpointedJob.KEY))
                    .putLong(O_A, match.first("a").getTimestamp(CheckpointedJob.TS))
                    .putLong(O_B, match.first("b").getTimestamp(CheckpointedJob.TS))
                    .putLong(O_C, match.first("c").getTimestamp(CheckpointedJob.TS));
                o.emit();
            });
        found.union("all", found.timedOut("timeouts", OUT, (partial, ts, o) ->
        {
            o.next().putLong(O_KEY, partial.first("a").getLong(CheckpointedJob.KEY))
                .putLong(O_A, partial.first("a").getTimestamp(CheckpointedJob.TS))
                .putLong(O_B, partial.count("b") > 0 ? partial.first("b").getTimestamp(CheckpointedJob.TS) : -1)
                .putLong(O_C, -ts);
            o.emit();
        })).sink("out", Sinks.csv(out));
        return p;
    }

    private static JobContext context(final Path checkpoints)
    {
        return new JobContext().shards(2).idleStrategyName("yield").checkpointDir(checkpoints).checkpointIntervalMs(1)
            .checkpointFullEvery(3);
    }

    @Test
    void shouldResumePartialMatchesAndWaitingRecords() throws Exception
    {
        final Path referenceOut = tmp.resolve("reference");
        pipeline(referenceOut, Long.MAX_VALUE).execute(context(tmp.resolve("reference-checkpoints")).checkpointIntervalMs(0)).join();
        final List<String> expected = CheckpointedJob.committed(tmp, "reference").stream().sorted().toList();
        assertTrue(expected.size() > 1000, "matches and timeouts: " + expected.size());

        for (int trial = 0; trial < 2; trial++)
        {
            final Path out = tmp.resolve("out-" + trial);
            final Path checkpoints = tmp.resolve("checkpoints-" + trial);
            final Job first = pipeline(out, EVENTS * (trial + 1) / 3).execute(context(checkpoints));
            final long deadline1 = Waits.deadline();
            while (first.checkpoints().completedCount() < 3 + 4L * trial)
            {
                Waits.pause(deadline1, "the checkpoints before the stop");
            }
            first.stopWithSavepoint();
            first.join();
            final Job second = pipeline(out, Long.MAX_VALUE).execute(context(checkpoints));
            assertNotNull(second.restoredFrom());
            second.join();
            final List<String> actual = CheckpointedJob.committed(tmp, "out-" + trial).stream().sorted().toList();
            assertEquals(expected, actual, "trial " + trial + " resumed from " + second.restoredFrom());
        }
    }
}
