package io.peregrine.metrics.prometheus;

import io.peregrine.metrics.CounterKey;
import io.peregrine.metrics.Metric;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.agrona.concurrent.status.CountersReader;

import java.util.ArrayList;
import java.util.List;

/**
 * Every counter of a job's counters file as a Prometheus metric family per {@link Metric}, one data point per
 * counter, labelled {@code job}, {@code operator} (for an operator's counters) and {@code shard}. It reads the file
 * at each scrape, as {@code peregrine stat} does, so it sees exactly what another process would.
 */
public final class CountersCollector implements MultiCollector
{
    private final CountersReader reader;
    private final String job;

    /**
     * @param reader of the job's counters file.
     * @param job    the job's name, the {@code job} label.
     */
    public CountersCollector(final CountersReader reader, final String job)
    {
        this.reader = reader;
        this.job = job;
    }

    public MetricSnapshots collect()
    {
        final Metric[] metrics = Metric.values();
        @SuppressWarnings("unchecked")
        final List<Object>[] points = new List[metrics.length];
        reader.forEach((counterId, typeId, key, label) ->
        {
            final Metric metric = Metric.of(typeId);
            if (metric == null)
            {
                return; // a kind a newer version added
            }
            final String operator = CounterKey.operator(key);
            final String shard = Integer.toString(CounterKey.shard(key));
            final Labels labels = operator == null ? Labels.of("job", job, "shard", shard) :
                Labels.of("job", job, "operator", operator, "shard", shard);
            final double value = metric.prometheusValue(reader.getCounterValue(counterId));
            if (points[metric.ordinal()] == null)
            {
                points[metric.ordinal()] = new ArrayList<>();
            }
            points[metric.ordinal()].add(metric.type() == Metric.Type.COUNTER ?
                CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build() :
                GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
        });
        final List<MetricSnapshot> snapshots = new ArrayList<>();
        for (final Metric metric : metrics)
        {
            final List<Object> list = points[metric.ordinal()];
            if (list != null)
            {
                snapshots.add(snapshot(metric, list));
            }
        }
        return new MetricSnapshots(snapshots);
    }

    private static MetricSnapshot snapshot(final Metric metric, final List<Object> points)
    {
        if (metric.type() == Metric.Type.COUNTER)
        {
            final CounterSnapshot.Builder builder = CounterSnapshot.builder().name(metric.prometheusName())
                .help(metric.help());
            for (final Object point : points)
            {
                builder.dataPoint((CounterSnapshot.CounterDataPointSnapshot)point);
            }
            return builder.build();
        }
        final GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(metric.prometheusName()).help(metric.help());
        for (final Object point : points)
        {
            builder.dataPoint((GaugeSnapshot.GaugeDataPointSnapshot)point);
        }
        return builder.build();
    }

    public List<String> getPrometheusNames()
    {
        final List<String> names = new ArrayList<>();
        for (final Metric metric : Metric.values())
        {
            names.add(metric.prometheusName());
        }
        return names;
    }
}
