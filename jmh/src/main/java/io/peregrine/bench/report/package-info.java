/**
 * Benchmark reports: {@link io.peregrine.bench.report.ReportWriter} turns
 * {@link io.peregrine.bench.report.QueryMeasurement}s (throughput rounds of engine and baseline, latency histograms)
 * into a folder with README tables, PNG plots, raw {@code .hgrm} files and the environment.
 */
package io.peregrine.bench.report;
