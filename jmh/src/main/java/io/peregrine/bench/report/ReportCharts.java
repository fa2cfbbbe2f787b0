package io.peregrine.bench.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.peregrine.bench.report.ReportWriter.NANOS_PER_MICRO;

/**
 * The plots of a benchmark report, drawn with XChart:
 * <ul>
 *     <li>{@code throughput.png}: bar chart of median events/s per query, one series per shard count plus the
 *     baseline;</li>
 *     <li>{@code latency.png}: latency by percentile on a log x axis, x = 1/(1 - percentile), as HdrHistogram's
 *     plotter draws {@code .hgrm} files, and a log y axis; one panel per workload (see {@link #workload(String)}),
 *     one line per rate and shard count, panels in rows of three.</li>
 * </ul>
 */
final class ReportCharts
{
    /** Values below this many microseconds are drawn at it (a log axis has no zero). */
    static final double LOWEST_PLOTTED_MICROS = 0.1;
    private static final int CHART_WIDTH = 1000;
    private static final int CHART_HEIGHT = 600;
    private static final int PANEL_WIDTH = 600;
    private static final int PANEL_HEIGHT = 400;
    private static final int PANEL_COLUMNS = 3;

    private ReportCharts()
    {
    }

    /**
     * Draw {@code throughput.png} from the measurements that are not {@link ReportWriter#isFixedRate fixed-rate}.
     *
     * @param folder  report folder.
     * @param results measurements, in report order.
     * @throws IOException if the file cannot be written.
     */
    static void writeThroughputChart(final Path folder, final List<QueryMeasurement> results) throws IOException
    {
        final List<String> queries = new ArrayList<>();
        final TreeSet<Integer> shardCounts = new TreeSet<>();
        for (final QueryMeasurement m : results)
        {
            if (ReportWriter.isFixedRate(m))
            {
                continue;
            }
            if (!queries.contains(m.query()))
            {
                queries.add(m.query());
            }
            shardCounts.add(m.shards());
        }

        final CategoryChart chart = new CategoryChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT)
            .title("Throughput (median of rounds)").xAxisTitle("query").yAxisTitle("events/s").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisDecimalPattern("#,###");

        final List<Double> baseline = new ArrayList<>();
        boolean hasBaseline = false;
        for (final String query : queries)
        {
            double value = 0;
            for (final QueryMeasurement m : results)
            {
                if (m.query().equals(query) && m.baselineEventsPerSecond().length > 0)
                {
                    value = QueryMeasurement.median(m.baselineEventsPerSecond());
                    hasBaseline = true;
                    break;
                }
            }
            baseline.add(value);
        }
        if (hasBaseline)
        {
            chart.addSeries("baseline (1 thread)", queries, baseline);
        }
        for (final int shards : shardCounts)
        {
            final List<Double> values = new ArrayList<>();
            for (final String query : queries)
            {
                double value = 0;
                for (final QueryMeasurement m : results)
                {
                    if (m.query().equals(query) && m.shards() == shards && !ReportWriter.isFixedRate(m))
                    {
                        value = QueryMeasurement.median(m.engineEventsPerSecond());
                    }
                }
                values.add(value);
            }
            chart.addSeries("engine, " + shards + (shards == 1 ? " shard" : " shards"), queries, values);
        }
        BitmapEncoder.saveBitmap(chart, folder.resolve("throughput.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Draw {@code latency.png} from the measurements with a non-empty latency histogram.
     *
     * @param folder  report folder.
     * @param results measurements, in report order.
     * @return false if none had latencies to draw (no file is written).
     * @throws IOException if the file cannot be written.
     */
    static boolean writeLatencyChart(final Path folder, final List<QueryMeasurement> results) throws IOException
    {
        final Map<String, List<QueryMeasurement>> byWorkload = new LinkedHashMap<>();
        for (final QueryMeasurement m : results)
        {
            if (m.latencyNanos() != null && m.latencyNanos().getTotalCount() > 0)
            {
                byWorkload.computeIfAbsent(workload(m.query()), (k) -> new ArrayList<>()).add(m);
            }
        }
        if (byWorkload.isEmpty())
        {
            return false;
        }
        final boolean single = byWorkload.size() == 1;
        final List<XYChart> charts = new ArrayList<>();
        for (final Map.Entry<String, List<QueryMeasurement>> workload : byWorkload.entrySet())
        {
            final XYChart chart = new XYChartBuilder()
                .width(single ? CHART_WIDTH : PANEL_WIDTH).height(single ? CHART_HEIGHT : PANEL_HEIGHT)
                .title("Latency by percentile: " + workload.getKey())
                .xAxisTitle("1/(1 - percentile): 10 = p90, 100 = p99, 1000 = p99.9, ...")
                .yAxisTitle("latency (us)").build();
            // No tick-label formatting function: XChart then falls back to a linear tick calculator.
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setYAxisLogarithmic(true);
            // Percentile curves rise to the right: the lower right corner is the emptiest.
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
            double lowest = Double.MAX_VALUE;
            double highest = LOWEST_PLOTTED_MICROS;
            for (final QueryMeasurement m : workload.getValue())
            {
                final double[] range = addPercentileSeries(chart, m);
                lowest = Math.min(lowest, range[0]);
                highest = Math.max(highest, range[1]);
            }
            // Whole decades, so that even a panel whose values lie within one decade has labelled ticks.
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(lowest))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(highest * 1.0001))));
            charts.add(chart);
        }
        final String file = folder.resolve("latency.png").toString();
        if (single)
        {
            BitmapEncoder.saveBitmap(charts.get(0), file, BitmapEncoder.BitmapFormat.PNG);
        }
        else
        {
            // XChart's own matrix wants a full grid; a last row with gaps is drawn here instead.
            final int columns = Math.min(PANEL_COLUMNS, charts.size());
            final int rows = (charts.size() + columns - 1) / columns;
            final BufferedImage grid = new BufferedImage(columns * PANEL_WIDTH, rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
            final Graphics2D g = grid.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < charts.size(); i++)
            {
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)),
                    (i % columns) * PANEL_WIDTH, (i / columns) * PANEL_HEIGHT, null);
            }
            g.dispose();
            ImageIO.write(grid, "png", new File(file));
        }
        return true;
    }

    /**
     * @return the lowest and highest value drawn, microseconds.
     */
    private static double[] addPercentileSeries(final XYChart chart, final QueryMeasurement m)
    {
        final Histogram h = m.latencyNanos();
        final List<Double> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        for (final HistogramIterationValue v : h.percentiles(5))
        {
            final double percentile = v.getPercentileLevelIteratedTo();
            if (percentile >= 100.0)
            {
                break;
            }
            x.add(1.0 / (1.0 - percentile / 100.0));
            y.add(Math.max(LOWEST_PLOTTED_MICROS, h.highestEquivalentValue(v.getValueIteratedTo()) / NANOS_PER_MICRO));
        }
        if (x.isEmpty())
        {
            x.add(1.0);
            y.add(Math.max(LOWEST_PLOTTED_MICROS, h.getMaxValue() / NANOS_PER_MICRO));
        }
        final XYSeries series = chart.addSeries(m.query() + ", " + m.shards() + " shards", x, y);
        series.setMarker(SeriesMarkers.NONE);
        return new double[]{ Collections.min(y), Collections.max(y) };
    }

    /**
     * @param query a measurement's name, e.g. {@code q5@1200k} or {@code trading@1000k}.
     * @return the workload it belongs to: the part before {@code @}.
     */
    static String workload(final String query)
    {
        final int at = query.indexOf('@');
        return at < 0 ? query : query.substring(0, at);
    }
}
