/**
 * Nexmark on the Peregrine engine: the events as a {@link io.peregrine.api.Source}
 * ({@link io.peregrine.bench.nexmark.engine.NexmarkSource}, rows of the wide schema
 * {@link io.peregrine.bench.nexmark.engine.NexmarkRows#EVENT}), the queries q0-q5, q7, q8, q11 and q12 as pipelines
 * ({@link io.peregrine.bench.nexmark.engine.NexmarkQueries}), a sink writing their rows as the baselines' CSV lines
 * ({@link io.peregrine.bench.nexmark.engine.NexmarkResultSink}) and a runner
 * ({@link io.peregrine.bench.nexmark.engine.NexmarkRunner}).
 * <p>
 * Every query produces exactly the rows of its hand-written baseline in {@code io.peregrine.bench.nexmark} on the
 * same events, on any shard count (compare in {@link io.peregrine.bench.nexmark.NexmarkBaselines#canonical} order,
 * or by {@link io.peregrine.bench.nexmark.NexmarkBaselines.DigestSink} digests); q12 (processing time) only under a
 * fixed job clock, otherwise in its per-bidder totals.
 * <pre>
 *   List&lt;String&gt; rows = NexmarkRunner.run("q5", new NexmarkConfig(), 10_000_000L, 2);
 *
 *   Pipeline p = NexmarkQueries.build("q5", NexmarkSource.generator(config, events, 0),
 *       NexmarkQueries.resultSink("q5", shard -&gt; new NexmarkBaselines.DigestSink()));
 *   p.execute(new JobContext().shards(2)).join();
 * </pre>
 */
package io.peregrine.bench.nexmark.engine;
