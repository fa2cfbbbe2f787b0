package io.peregrine.runtime;

import io.peregrine.config.JobContext;
import io.peregrine.api.Source;
import io.peregrine.api.SourceContext;
import io.peregrine.metrics.Metric;
import io.peregrine.metrics.OperatorCounters;
import io.peregrine.plan.Node;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code SOURCE} node: a {@link SourceRunner} over the splits the shard owns (split i belongs to shard i modulo the
 * shard count), a checkpointed part named with the source's split count so that a restore reads as many splits as the
 * run that took the checkpoint. It has no input; its output leaves from the runner.
 */
final class SourceTranslator implements NodeTranslator
{
    public void translate(final Node node, final ShardPlan plan)
    {
        final SourceRunner runner = sourceRunner(node, plan);
        plan.source(runner);
        plan.part(runner, "source:" + node.name + "/" + plan.planner().splitCount(node));
        plan.exit(node, runner::downstream);
    }

    /**
     * @param context the job's settings.
     * @return what a source's readers see of the job.
     */
    static SourceContext sourceContext(final JobContext context)
    {
        return new SourceContext()
        {
            public EpochClock epochClock()
            {
                return context.epochClock();
            }

            public NanoClock nanoClock()
            {
                return context.nanoClock();
            }

            public int maxRowLength()
            {
                return context.maxRowLength();
            }

            public int maxLineLength()
            {
                return context.maxLineLength();
            }
        };
    }

    private static SourceRunner sourceRunner(final Node node, final ShardPlan plan)
    {
        final Planner planner = plan.planner();
        final int s = plan.shard();
        final JobContext context = planner.context();
        final int count = planner.splitCount(node);
        final List<Integer> owned = new ArrayList<>();
        for (int i = s; i < count; i += planner.shards())
        {
            owned.add(i);
        }
        final Source.SplitReader[] readers = new Source.SplitReader[owned.size()];
        final int[] ids = new int[owned.size()];
        final Path[] deadLetters = new Path[owned.size()];
        final SourceContext sourceContext = sourceContext(context);
        for (int i = 0; i < readers.length; i++)
        {
            final int split = owned.get(i);
            try
            {
                readers[i] = node.source.createReader(split, count, sourceContext);
            }
            catch (final RuntimeException e)
            {
                throw new IllegalStateException("source '" + node.name + "' split " + split + " could not open: " +
                    e.getMessage(), e);
            }
            ids[i] = planner.firstSplitId(node) + split;
            deadLetters[i] = context.deadLetterDir().resolve(
                planner.jobName() + "-" + node.name + "-split-" + split + ".tsv");
        }
        final OperatorCounters counters = plan.counters(node.name);
        return new SourceRunner(node.name, node.source, node.watermarks, readers, ids, deadLetters,
            context.maxRowLength(), counters.get(Metric.SOURCE_RECORDS),
            counters.get(Metric.MALFORMED_RECORDS), counters.get(Metric.SOURCE_WATERMARK),
            counters.get(Metric.DEFAULTED_FIELDS), counters.get(Metric.CONVERTED_FIELDS),
            context.watermarkIntervalMs(), planner.alignment(node));
    }
}
