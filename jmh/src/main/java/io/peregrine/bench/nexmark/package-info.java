/**
 * Nexmark for Peregrine, independent of the engine: a deterministic generator, the JSON-lines form of the Flink
 * suite's Kafka source, and hand-written single-threaded baselines (the COST baseline) for q0-q5, q7, q8, q11, q12.
 *
 * <h2>Driving the generator into an engine</h2>
 * <pre>
 *   NexmarkConfig config = new NexmarkConfig().maxEvents(100_000_000L);   // defaults follow the reference suite
 *   NexmarkGenerator split = new NexmarkGenerator(config, shardIndex, shardCount);  // events i, i + k, ...
 *   NexmarkEvent event = new NexmarkEvent();                               // one reused holder per thread
 *   while (split.next(event))
 *   {
 *       switch (event.type())
 *       {
 *           case NexmarkEvent.BID: offerBid(event.bid().auction(), event.bid().bidder(), event.bid().price(),
 *               event.dateTime(), event.bid().extra()); break;
 *           case NexmarkEvent.AUCTION: ...; break;
 *           case NexmarkEvent.PERSON: ...; break;
 *       }
 *   }
 * </pre>
 * Text fields are {@link io.peregrine.bench.nexmark.Utf8Text}: {@code bytes()} and {@code length()} give the
 * UTF-8 bytes without allocation. Event n is a pure function of (config, n) ({@code generate(n, event)}), so the
 * splits' union is the same for any shard count, and so is every query's result.
 *
 * <h2>Checking a result</h2>
 * Run the baseline on the same events ({@link io.peregrine.bench.nexmark.NexmarkBaselines#create}, then
 * {@code run}) and compare either the sorted CSV rows ({@code canonical}, {@code writeCanonicalCsv}) or, without
 * keeping rows, the order-independent {@link io.peregrine.bench.nexmark.NexmarkBaselines.DigestSink}. An engine's
 * result rows must use the same CSV form: {@link io.peregrine.bench.nexmark.CsvRow} (columns in the reference
 * select-list order, timestamps {@code yyyy-MM-dd HH:mm:ss.SSS} UTC, decimals with their scale).
 *
 * <h2>Tools</h2>
 * <ul>
 *     <li>{@code NexmarkGenerator.main}: the generator's own rate.</li>
 *     <li>{@code NexmarkBaselines.main}: each baseline's rate fed by the generator, with row counts and digests.</li>
 *     <li>{@code NexmarkJson.main}: JSON write and read rates, read allocation per line.</li>
 *     <li>{@code NexmarkGeneratorBenchmark} (JMH): ns per generated event, B/op with {@code -prof gc}.</li>
 * </ul>
 */
package io.peregrine.bench.nexmark;
