package io.peregrine.checkpoint;

import io.peregrine.api.Field;
import io.peregrine.api.KeyedRowList;
import io.peregrine.api.KeyedMapState;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Schema;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.demo.CheckpointedJob;
import io.peregrine.api.Job;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process function whose state is a typed value, a list of rows and a map of bytes per key, all engine state:
 * stopped with a savepoint and resumed (with incremental checkpoints in between), it emits exactly what an
 * uninterrupted run emits.
 */
class ProcessStateCheckpointTest
{
    private static final Schema OUT = Schema.builder("out").int64("key").int64("seq").int64("list_sum")
        .int64("list_size").int64("bucket_count").int64("buckets").build();
    private static final Field.Int64 O_KEY = OUT.int64("key");
    private static final Field.Int64 O_SEQ = OUT.int64("seq");
    private static final Field.Int64 O_SUM = OUT.int64("list_sum");
    private static final Field.Int64 O_SIZE = OUT.int64("list_size");
    private static final Field.Int64 O_BUCKET = OUT.int64("bucket_count");
    private static final Field.Int64 O_BUCKETS = OUT.int64("buckets");
    private static final Schema SEQ = Schema.builder("seq").int64("seq").build();
    private static final Field.Int64 S_SEQ = SEQ.int64("seq");
    private static final Schema LAST = Schema.builder("last").int64("value").build();
    private static final Field.Int64 L_VALUE = LAST.int64("value");
    private static final long EVENTS = 200_000;

    @TempDir
    Path tmp;

    /** Keeps the last five values of each key in a list and a count per value bucket in a map. */
    static final class LastValues implements KeyedProcessFunction
    {
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[16]);
        private final long[] sum = new long[1];
        private final KeyedRowList.RowVisitor addToSum = entry -> sum[0] += entry.getLong(L_VALUE);
        private KeyedRowList last;
        private KeyedMapState buckets;

        public void open(final OpenContext ctx)
        {
            last = ctx.listState("last", LAST);
            buckets = ctx.mapState("buckets");
        }

        public void processElement(final io.peregrine.api.Row in, final Context ctx, final io.peregrine.api.Collector out)
        {
            final long value = in.getLong(CheckpointedJob.VALUE);
            final long seq = ctx.value().getLong(S_SEQ) + 1;
            ctx.value().putLong(S_SEQ, seq);
            last.next().putLong(L_VALUE, value);
            last.add();
            if (last.size() > 5)
            {
                last.removeFirst(1);
            }
            sum[0] = 0;
            last.forEach(addToSum);
            // bucket key of variable length: 1..8 bytes
            final int keyLength = 1 + (int)(value % 8);
            scratch.putLong(0, value % 13);
            final org.agrona.DirectBuffer count = buckets.get(scratch, 0, keyLength);
            final long n = count == null ? 1 : count.getLong(0) + 1;
            scratch.putLong(8, n);
            buckets.put(scratch, 0, keyLength, scratch, 8, 8);
            out.next().putLong(O_KEY, ctx.key()).putLong(O_SEQ, seq).putLong(O_SUM, sum[0]).putLong(O_SIZE, last.size())
                .putLong(O_BUCKET, n).putLong(O_BUCKETS, buckets.size());
            out.emit();
        }
    }

    private static Pipeline pipeline(final Path out, final long gate)
    {
        final Pipeline p = Pipeline.create("process-state");
        // Each key is read by one split only (key and index have the same parity), so its records keep their order.
        p.source("gen", new CheckpointedJob.GatedSource(Sources.generator(CheckpointedJob.EVENT, EVENTS, (i, w) -> w
                .putLong(CheckpointedJob.KEY, (i & 1) + 2 * ((i >> 1) % 50))
                .putTimestamp(CheckpointedJob.TS, i / 20)
                .putLong(CheckpointedJob.VALUE, (i * 2654435761L) % 100_003)), () -> gate),
                WatermarkStrategy.boundedOutOfOrderness(CheckpointedJob.TS, 10))
            .keyBy("by-key", CheckpointedJob.KEY)
            .process("last-values", OUT, SEQ, LastValues::new)
            .sink("out", Sinks.csv(out));
        return p;
    }

    private static JobContext context(final Path checkpoints)
    {
        return new JobContext().shards(2).idleStrategy(IdleStrategyKind.YIELD).checkpointDir(checkpoints)
            .checkpointIntervalMs(1).checkpointFullEvery(3);
    }

    @Test
    void shouldResumeListsAndMapsOfEveryKey() throws Exception
    {
        final Path referenceOut = tmp.resolve("reference");
        pipeline(referenceOut, Long.MAX_VALUE).execute(context(tmp.resolve("reference-checkpoints")).checkpointIntervalMs(0)).join();
        final List<String> expected = CheckpointedJob.committed(tmp, "reference");
        assertEquals(EVENTS, expected.size());

        for (int trial = 0; trial < 3; trial++)
        {
            final Path out = tmp.resolve("out-" + trial);
            final Path checkpoints = tmp.resolve("checkpoints-" + trial);
            final Job first = pipeline(out, EVENTS * (trial + 1) / 4).execute(context(checkpoints));
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
            final List<String> actual = CheckpointedJob.committed(tmp, "out-" + trial);
            assertEquals(expected, actual, "trial " + trial + " resumed from " + second.restoredFrom());
        }
        assertTrue(expected.get(expected.size() - 1).length() > 0);
    }
}
