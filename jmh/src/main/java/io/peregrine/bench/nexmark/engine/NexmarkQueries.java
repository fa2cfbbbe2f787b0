package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Aggregations;
import io.peregrine.api.Collector;
import io.peregrine.pipeline.DataStream;
import io.peregrine.pipeline.KeyedStream;
import io.peregrine.api.Field;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.api.Source;
import io.peregrine.api.TimeDomain;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.api.Windows;
import io.peregrine.bench.nexmark.NexmarkBaseline;
import io.peregrine.bench.nexmark.NexmarkBaselines;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.Q11UserSessions;
import io.peregrine.bench.nexmark.Q12ProcessingTimeWindows;
import io.peregrine.bench.nexmark.Q5HotItems;
import io.peregrine.bench.nexmark.Q7HighestBid;
import io.peregrine.bench.nexmark.Q8MonitorNewUsers;
import io.peregrine.bench.nexmark.ResultSink;
import org.agrona.MutableDirectBuffer;

import java.util.List;
import java.util.function.IntFunction;

import static io.peregrine.bench.nexmark.engine.NexmarkRows.A_CATEGORY;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.A_EXPIRES;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.A_ID;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.A_SELLER;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.B_AUCTION;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.B_BIDDER;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.B_EXTRA;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.B_PRICE;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.DATE_TIME;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.EVENT_TYPE;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.P_CITY;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.P_ID;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.P_NAME;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.P_STATE;

/**
 * The Nexmark queries q0-q5, q7, q8, q11 and q12 on the Peregrine API, with exactly the semantics (and the CSV rows)
 * of the hand-written baselines in {@code io.peregrine.bench.nexmark} ({@code Q0PassThrough} ...
 * {@code Q12ProcessingTimeWindows}), which follow the reference SQL of the Flink Nexmark suite.
 * <p>
 * <b>Input.</b> One source of {@link NexmarkRows#EVENT} rows ({@link NexmarkSource}) with
 * {@link #watermarks()}: event time {@code dateTime}, out-of-orderness bound {@value #WATERMARK_BOUND_MS} ms. The
 * strategy is Flink SQL's convention ({@link WatermarkStrategy#sqlDelay}), the DDL's
 * {@code dateTime - INTERVAL '4' SECOND}: {@code max - 4 s}, as the baselines'; windows and timers fire at
 * {@code watermark >= end - 1} in both. The engine sends its watermark once per poll batch rather than after every
 * event, but judges each event late or not against the watermark its split had just before it
 * ({@link Row#recordWatermark()}), as the baselines do: the results are equal for any input order, batch size and
 * shard count (of one split: a file; the generator's events are in order and nothing is late). Idle-split detection
 * is off: every split of a Nexmark source is always busy, and under back-pressure a split must not be mistaken for an
 * idle one.
 * <p>
 * <b>Output.</b> Each {@code qN(DataStream)} returns the result stream; {@link #columns(String)} names its fields in
 * the reference select-list order and {@link #resultSink(String, IntFunction)} makes the sink that writes them as the
 * baselines' CSV lines.
 * <p>
 * <b>State.</b> The joins of q3, q4 and q8 are the engine's join operators (regular and window joins), with Flink's
 * semantics for any input, duplicates included; their rows are in the engine's list state. The rankings (q5, q7) and
 * q12 keep a typed value per key (a row of a small fixed-width schema, read and written through its fields) and, for
 * what ties at a maximum, a list of rows per key; how long that list gets depends on the data, not on a capacity.
 * Everything a query needs to survive a failure is the engine's state (values, lists, timers), so it is in every
 * checkpoint: each keyed function is made per shard by a factory (or keeps no fields at all), declares its lists in
 * {@code open}, and keeps in its own fields only field handles and scratch
 * (reused, so nothing is allocated per event).
 */
public final class NexmarkQueries
{
    /**
     * Out-of-orderness bound in the DataStream convention ({@code max - bound - 1}) of the reference's watermark
     * {@code max - 4 s}, which {@link #watermarks()} declares in the SQL convention.
     */
    public static final long WATERMARK_BOUND_MS = NexmarkBaseline.WATERMARK_DELAY_MS - 1;

    /** Queries built here, in suite order (the same as {@link NexmarkBaselines#QUERIES}). */
    public static final List<String> QUERIES = NexmarkBaselines.QUERIES;

    /**
     * The hand-written versions of the joins of q3, q4 and q8 (before the engine had joins), for
     * {@code ./peregrine bench joins}: {@code q3-hand}, {@code q4-hand}, {@code q8-hand}.
     */
    public static final List<String> HAND_WRITTEN = List.of("q3-hand", "q4-hand", "q8-hand");

    private NexmarkQueries()
    {
    }

    /**
     * @return the watermark strategy of a Nexmark source: {@code dateTime - INTERVAL '4' SECOND} (SQL convention:
     * {@code max - 4 s}), no idle timeout.
     */
    public static WatermarkStrategy watermarks()
    {
        return WatermarkStrategy.sqlDelay(DATE_TIME, NexmarkBaseline.WATERMARK_DELAY_MS).withIdleTimeout(0);
    }

    /**
     * Build a whole job: the source, the query and the sink.
     *
     * @param query  one of {@link #QUERIES}.
     * @param source of {@link NexmarkRows#EVENT} rows.
     * @param sink   of the result rows, e.g. {@link #resultSink(String, IntFunction)}.
     * @return the pipeline, named {@code nexmark-<query>}.
     */
    public static Pipeline build(final String query, final Source source, final Sink sink)
    {
        final Pipeline p = Pipeline.create("nexmark-" + query);
        final DataStream events = p.source("events", source, watermarks());
        query(query, events).sink("results", sink);
        return p;
    }

    /**
     * @param query  one of {@link #QUERIES}.
     * @param events stream of {@link NexmarkRows#EVENT} rows with event time.
     * @return the result stream of the query.
     */
    public static DataStream query(final String query, final DataStream events)
    {
        switch (query)
        {
            case "q0": return q0(events);
            case "q1": return q1(events);
            case "q2": return q2(events);
            case "q3": return q3(events);
            case "q4": return q4(events);
            case "q5": return q5(events);
            case "q7": return q7(events);
            case "q8": return q8(events);
            case "q11": return q11(events);
            case "q12": return q12(events);
            case "q3-hand": return HandWrittenJoins.q3(events);
            case "q4-hand": return HandWrittenJoins.q4(events);
            case "q8-hand": return HandWrittenJoins.q8(events);
            default: throw new IllegalArgumentException("no engine query " + query + "; have " + QUERIES + " and " +
                HAND_WRITTEN);
        }
    }

    /**
     * @param query one of {@link #QUERIES}.
     * @return the result fields of {@link #query(String, DataStream)} in the reference select-list order.
     */
    public static String[] columns(final String query)
    {
        switch (query)
        {
            case "q0": return new String[] { "b_auction", "b_bidder", "b_price", "dateTime", "b_extra" };
            case "q2": return new String[] { "b_auction", "b_price" };
            case "q1": case "q3": case "q4": case "q5": case "q7": case "q8": case "q11": case "q12":
            case "q3-hand": case "q4-hand": case "q8-hand":
                return new String[0];
            default: throw new IllegalArgumentException("no engine query " + query + "; have " + QUERIES);
        }
    }

    /**
     * @param query one of {@link #QUERIES}.
     * @return the CSV header of the reference sink table (the baseline's).
     */
    public static String header(final String query)
    {
        return NexmarkBaselines.create(query, (csv) -> { }, () -> 0L).header();
    }

    /**
     * @param query    one of {@link #QUERIES}.
     * @param perShard makes each shard's receiver of CSV lines.
     * @return a sink writing the query's result rows as the baseline's CSV lines.
     */
    public static NexmarkResultSink resultSink(final String query, final IntFunction<ResultSink> perShard)
    {
        return new NexmarkResultSink(perShard, columns(query));
    }

    private static boolean isBid(final Row row)
    {
        return row.getInt(EVENT_TYPE) == NexmarkEvent.BID;
    }

    // ---------------------------------------------------------------------------------------------------------- q0

    /**
     * q0, pass-through ({@code Q0PassThrough}): {@code SELECT auction, bidder, price, dateTime, extra FROM bid}; the
     * bids themselves are the result (columns {@code b_auction, b_bidder, b_price, dateTime, b_extra}).
     *
     * @param events Nexmark events.
     * @return the bids.
     */
    public static DataStream q0(final DataStream events)
    {
        return events.filter("q0-bids", NexmarkQueries::isBid);
    }

    // ---------------------------------------------------------------------------------------------------------- q1

    /** Result of q1: the price in euros, {@code DECIMAL(23, 3)} as Flink types {@code 0.908 * price}. */
    public static final Schema Q1_OUT = Schema.builder("q1")
        .int64("auction").int64("bidder").decimal("price", 23, 3).timestamp("dateTime")
        .varString("extra").build();

    /**
     * q1, currency conversion ({@code Q1CurrencyConversion}): {@code SELECT auction, bidder, 0.908 * price as price,
     * dateTime, extra FROM bid}, the price exact as {@code price * 908} thousandths: a 128-bit product, so a price of
     * 10^17 gives {@code 90800000000000000.000} as Flink does, never a wrapped long.
     *
     * @param events Nexmark events.
     * @return rows of {@link #Q1_OUT}.
     */
    public static DataStream q1(final DataStream events)
    {
        final Field.Int64 auction = Q1_OUT.int64("auction");
        final Field.Int64 bidder = Q1_OUT.int64("bidder");
        final Field.Decimal price = Q1_OUT.decimal("price");
        final Field.Timestamp dateTime = Q1_OUT.timestamp("dateTime");
        final Field.VarString extra = Q1_OUT.varString("extra");
        return events.filter("q1-bids", NexmarkQueries::isBid)
            .map("q1-euros", Q1_OUT, (in, out) -> out
                .putLong(auction, in.getLong(B_AUCTION))
                .putLong(bidder, in.getLong(B_BIDDER))
                .putDecimal(price, Math.multiplyHigh(in.getLong(B_PRICE), 908), in.getLong(B_PRICE) * 908)
                .putTimestamp(dateTime, in.getTimestamp(DATE_TIME))
                .putVarString(extra, in.buffer(), in.varOffset(B_EXTRA), in.varLength(B_EXTRA)));
    }

    // ---------------------------------------------------------------------------------------------------------- q2

    /**
     * q2, selection ({@code Q2Selection}): {@code SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0}
     * (columns {@code b_auction, b_price}).
     *
     * @param events Nexmark events.
     * @return the selected bids.
     */
    public static DataStream q2(final DataStream events)
    {
        return events.filter("q2-select", (row) -> isBid(row) && row.getLong(B_AUCTION) % 123 == 0);
    }

    // ---------------------------------------------------------------------------------------------------------- q3

    /** A person of q3: id, name, city, state. */
    static final Schema Q3_PERSON = Schema.builder("q3-person")
        .int64("id").varString("name").varString("city").varString("state").build();
    /** A category-10 auction of q3: seller and id. */
    static final Schema Q3_AUCTION = Schema.builder("q3-auction").int64("seller").int64("id").build();
    /** Result of q3. */
    public static final Schema Q3_OUT = Schema.builder("q3")
        .varString("name").varString("city").varString("state").int64("id").build();

    /**
     * q3, local item suggestion ({@code Q3LocalItemSuggestion}): a regular inner join of the category-10 auctions
     * with the people of OR, ID or CA on {@code A.seller = P.id}, as Flink's: both filters apply before the join, each
     * side's rows are kept for ever (engine state: a list per key), and every pair is emitted once, as soon as its
     * second row arrives. A person id seen twice is two rows: a seller who moved from CA to NY joins as the CA row,
     * and two CA rows give two results.
     *
     * @param events Nexmark events.
     * @return rows of {@link #Q3_OUT}.
     */
    public static DataStream q3(final DataStream events)
    {
        final Field.Int64 personId = Q3_PERSON.int64("id");
        final Field.VarString name = Q3_PERSON.varString("name");
        final Field.VarString city = Q3_PERSON.varString("city");
        final Field.VarString state = Q3_PERSON.varString("state");
        final Field.Int64 seller = Q3_AUCTION.int64("seller");
        final Field.Int64 auctionId = Q3_AUCTION.int64("id");
        final Field.VarString outName = Q3_OUT.varString("name");
        final Field.VarString outCity = Q3_OUT.varString("city");
        final Field.VarString outState = Q3_OUT.varString("state");
        final Field.Int64 outId = Q3_OUT.int64("id");
        final KeyedStream people = events
            .filter("q3-people", (row) -> row.getInt(EVENT_TYPE) == NexmarkEvent.PERSON && isWantedState(row, P_STATE))
            .map("q3-person", Q3_PERSON, (in, out) -> out.putLong(personId, in.getLong(P_ID))
                .putVarString(name, in.buffer(), in.varOffset(P_NAME), in.varLength(P_NAME))
                .putVarString(city, in.buffer(), in.varOffset(P_CITY), in.varLength(P_CITY))
                .putVarString(state, in.buffer(), in.varOffset(P_STATE), in.varLength(P_STATE)))
            .keyBy("q3-people-by-id", personId);
        final KeyedStream auctions = events
            .filter("q3-auctions", (row) -> row.getInt(EVENT_TYPE) == NexmarkEvent.AUCTION && row.getLong(A_CATEGORY) == 10)
            .map("q3-auction", Q3_AUCTION, (in, out) -> out.putLong(seller, in.getLong(A_SELLER))
                .putLong(auctionId, in.getLong(A_ID)))
            .keyBy("q3-auctions-by-seller", seller);
        return auctions.join(people).apply("q3-join", Q3_OUT, (auction, person, out) -> out
            .putVarString(outName, person.buffer(), person.varOffset(name), person.varLength(name))
            .putVarString(outCity, person.buffer(), person.varOffset(city), person.varLength(city))
            .putVarString(outState, person.buffer(), person.varOffset(state), person.varLength(state))
            .putLong(outId, auction.getLong(auctionId)));
    }

    /**
     * @return true if the state is OR, ID or CA (q3's filter).
     */
    static boolean isWantedState(final Row in, final Field.VarString state)
    {
        if (in.varLength(state) != 2)
        {
            return false;
        }
        final int at = in.varOffset(state);
        final byte a = in.buffer().getByte(at);
        final byte b = in.buffer().getByte(at + 1);
        return (a == 'O' && b == 'R') || (a == 'I' && b == 'D') || (a == 'C' && b == 'A');
    }

    static void putText(
        final MutableDirectBuffer slot, final int at, final int capacity, final Row in, final Field field, final String what)
    {
        final int length = in.varLength(field);
        if (length > capacity)
        {
            throw new IllegalStateException("value of '" + field.name() + "' is " + length + " bytes, more than " +
                what + " = " + capacity + " of the state slot: " + in.toText(field));
        }
        slot.putInt(at, length);
        slot.putBytes(at + 4, in.buffer(), in.varOffset(field), length);
    }

    // ---------------------------------------------------------------------------------------------------------- q4

    /** An auction of q4: id, expiry and category (its dateTime is the row's event time). */
    static final Schema Q4_AUCTION = Schema.builder("q4-auction").int64("id").timestamp("expires").int64("category")
        .build();
    /** A bid of q4: auction and price (its dateTime is the row's event time). */
    static final Schema Q4_BID = Schema.builder("q4-bid").int64("auction").int64("price").build();
    /** A bid within its auction's time: auction, category, price. */
    static final Schema Q4_JOINED = Schema.builder("q4-joined").int64("auction").int64("category").int64("price")
        .build();
    static final Schema Q4_DELTA = Schema.builder("q4-delta")
        .int64("category").int64("sum_delta").int64("count_delta").build();
    /** Result of q4: category and the average of its auctions' winning prices. */
    public static final Schema Q4_OUT = Schema.builder("q4").int64("id").int64("final").build();

    /**
     * q4, average winning price per category ({@code Q4AveragePriceForCategory}): per auction the highest bid within
     * {@code [A.dateTime, A.expires]} (both inclusive), then per category the average of those maxima ({@code BIGINT}
     * average: truncated), emitted once as the final result at the end of a bounded input (the final watermark).
     * <p>
     * The join is Flink's: a regular inner join of auctions and bids on {@code A.id = B.auction} with the condition
     * {@code B.dateTime BETWEEN A.dateTime AND A.expires}, both sides kept for ever (so, like the reference, it has no
     * notion of late bids, and an auction id seen again joins the bids before it too). The nested aggregation groups
     * by {@code (A.id, A.category)}, keyed by auction: the first category of an auction id in the slot, others in the
     * key's map state; each new maximum goes downstream as a change (sum delta, count delta), the updates the
     * reference retracts and re-emits. Stage 2, keyed by category, sums the changes and emits the average at the final
     * watermark.
     *
     * @param events Nexmark events.
     * @return rows of {@link #Q4_OUT}.
     */
    public static DataStream q4(final DataStream events)
    {
        final Field.Int64 auctionId = Q4_AUCTION.int64("id");
        final Field.Timestamp expires = Q4_AUCTION.timestamp("expires");
        final Field.Int64 category = Q4_AUCTION.int64("category");
        final Field.Int64 bidAuction = Q4_BID.int64("auction");
        final Field.Int64 price = Q4_BID.int64("price");
        final Field.Int64 joinedAuction = Q4_JOINED.int64("auction");
        final Field.Int64 joinedCategory = Q4_JOINED.int64("category");
        final Field.Int64 joinedPrice = Q4_JOINED.int64("price");
        final KeyedStream auctions = events
            .filter("q4-auctions", (row) -> row.getInt(EVENT_TYPE) == NexmarkEvent.AUCTION)
            .map("q4-auction", Q4_AUCTION, (in, out) -> out.putLong(auctionId, in.getLong(A_ID))
                .putTimestamp(expires, in.getTimestamp(A_EXPIRES)).putLong(category, in.getLong(A_CATEGORY)))
            .keyBy("q4-auctions-by-id", auctionId);
        final KeyedStream bids = events
            .filter("q4-bids", NexmarkQueries::isBid)
            .map("q4-bid", Q4_BID, (in, out) -> out.putLong(bidAuction, in.getLong(B_AUCTION))
                .putLong(price, in.getLong(B_PRICE)))
            .keyBy("q4-bids-by-auction", bidAuction);
        return q4Average(auctions.join(bids)
            .where((auction, bid) -> bid.eventTime() >= auction.eventTime() && bid.eventTime() <= auction.getTimestamp(expires))
            .apply("q4-join", Q4_JOINED, (auction, bid, out) -> out.putLong(joinedAuction, auction.getLong(auctionId))
                .putLong(joinedCategory, auction.getLong(category)).putLong(joinedPrice, bid.getLong(price)))
            .keyBy("q4-by-auction", joinedAuction)
            .process("q4-winning-bid", Q4_DELTA, Q4Max.STATE_LENGTH, () -> new Q4Max(joinedCategory, joinedPrice)));
    }

    /**
     * Stage 2 of q4: per category, the changes to the sum and count of its auctions' winning prices, and the average
     * emitted at the final watermark.
     *
     * @param deltas rows of {@link #Q4_DELTA}.
     * @return rows of {@link #Q4_OUT}.
     */
    static DataStream q4Average(final DataStream deltas)
    {
        final Field.Int64 deltaCategory = Q4_DELTA.int64("category");
        final Field.Int64 sumDelta = Q4_DELTA.int64("sum_delta");
        final Field.Int64 countDelta = Q4_DELTA.int64("count_delta");
        final Field.Int64 outId = Q4_OUT.int64("id");
        final Field.Int64 outFinal = Q4_OUT.int64("final");
        return deltas.keyBy("q4-by-category", deltaCategory)
            .process("q4-average", Q4_OUT, 24, () -> new KeyedProcessFunction()
            {
                public void processElement(final Row in, final Context ctx, final Collector out)
                {
                    final MutableDirectBuffer slot = ctx.state();
                    slot.putLong(0, slot.getLong(0) + in.getLong(sumDelta));
                    slot.putLong(8, slot.getLong(8) + in.getLong(countDelta));
                    if (slot.getLong(16) == 0)
                    {
                        slot.putLong(16, 1);
                        ctx.registerEventTimeTimer(Long.MAX_VALUE);
                    }
                }

                public void onTimer(final long timestamp, final TimeDomain domain, final Context ctx, final Collector out)
                {
                    final MutableDirectBuffer slot = ctx.state();
                    if (slot.getLong(8) > 0)
                    {
                        out.next().putLong(outId, ctx.key()).putLong(outFinal, slot.getLong(0) / slot.getLong(8));
                        out.emit(timestamp);
                    }
                    ctx.clearState();
                }
            });
    }

    // ---------------------------------------------------------------------------------------------------------- q5

    static final Schema Q5_IN = Schema.builder("q5-in").int64("auction").timestamp("dateTime").build();
    /** Result of q5. */
    public static final Schema Q5_OUT = Schema.builder("q5").int64("auction").int64("num").build();
    /** A window's value: whether its timer is set, and the largest count of an auction in it so far. */
    static final Schema Q5_STATE = Schema.builder("q5-state").int32("timer_set").int64("max").build();
    /** An auction tied at its window's largest count. */
    static final Schema Q5_TIE = Schema.builder("q5-tie").int64("auction").build();

    /**
     * q5, hot items ({@code Q5HotItems}): bids counted per auction in hopping windows of
     * {@value Q5HotItems#SIZE_MS} ms sliding by {@value Q5HotItems#SLIDE_MS} ms, then per window every auction whose
     * count equals the window's maximum (ties all kept, in the key's list of {@link #Q5_TIE} rows). The second stage
     * is keyed by window end and emits when the watermark passes {@code end - 1}, after every shard's counts of that
     * window.
     *
     * @param events Nexmark events.
     * @return rows of {@link #Q5_OUT}.
     */
    public static DataStream q5(final DataStream events)
    {
        final Field.Int64 auction = Q5_IN.int64("auction");
        final Field.Timestamp dateTime = Q5_IN.timestamp("dateTime");
        final DataStream counts = events.filter("q5-bids", NexmarkQueries::isBid)
            .map("q5-narrow", Q5_IN, (in, out) -> out
                .putLong(auction, in.getLong(B_AUCTION)).putTimestamp(dateTime, in.getTimestamp(DATE_TIME)))
            .keyBy("q5-by-auction", auction)
            .window(Windows.sliding(Q5HotItems.SIZE_MS, Q5HotItems.SLIDE_MS))
            .aggregate("q5-count", Aggregations.count("num"));
        final Field.Int64 countKey = counts.schema().int64("key");
        final Field.Timestamp windowEnd = counts.schema().timestamp("window_end");
        final Field.Int64 num = counts.schema().int64("num");
        return counts
            .keyBy("q5-by-window", (row) -> row.getTimestamp(windowEnd))
            .process("q5-max", Q5_OUT, Q5_STATE, () -> new Q5Max(countKey, num));
    }

    // ---------------------------------------------------------------------------------------------------------- q7

    static final Schema Q7_IN = Schema.builder("q7-in")
        .int64("window").int32("boundary").int64("auction").int64("bidder").int64("price").timestamp("dateTime")
        .varString("extra").build();
    /** Result of q7. */
    public static final Schema Q7_OUT = Schema.builder("q7")
        .int64("auction").int64("bidder").int64("price").timestamp("dateTime").varString("extra").build();
    /** A window's value: flags ({@link Q7Highest#HAS_MAX}, {@link Q7Highest#TIMER_SET}) and its maximum price. */
    static final Schema Q7_STATE = Schema.builder("q7-state").int32("flags").int64("max").build();

    /**
     * q7, highest bid ({@code Q7HighestBid}): per {@value Q7HighestBid#SIZE_MS} ms tumbling window {@code [s, e)} the
     * maximum price, then every bid with that price and {@code s <= dateTime <= e} (a bid at exactly {@code e} also
     * matches the window before its own). Keyed by window start: a bid goes to its window, and a bid at a window
     * boundary also to the previous window as a boundary candidate; the window's value keeps the running maximum, and
     * its list of {@link #Q7_IN} rows the bids that can still match (at the generator's default rate thousands of bids
     * share one millisecond, and a window without bids yet must keep the bids at its end until it can no longer get
     * any); the window settles when the watermark reaches {@code e}. A bid is late for its window when the watermark
     * has reached {@code e - 1}; a bid at {@code e} is dropped for a window that has had no bid by then, as the
     * baseline drops it.
     *
     * @param events Nexmark events.
     * @return rows of {@link #Q7_OUT}.
     */
    public static DataStream q7(final DataStream events)
    {
        final Field.Int64 window = Q7_IN.int64("window");
        final Field.Int32 boundary = Q7_IN.int32("boundary");
        final Field.Int64 auction = Q7_IN.int64("auction");
        final Field.Int64 bidder = Q7_IN.int64("bidder");
        final Field.Int64 price = Q7_IN.int64("price");
        final Field.Timestamp dateTime = Q7_IN.timestamp("dateTime");
        final Field.VarString extra = Q7_IN.varString("extra");
        final long size = Q7HighestBid.SIZE_MS;
        return events.filter("q7-bids", NexmarkQueries::isBid)
            .flatMap("q7-to-windows", Q7_IN, (in, out) ->
            {
                final long time = in.getTimestamp(DATE_TIME);
                final long start = Math.floorDiv(time, size) * size;
                q7Row(in, out.next(), start, 0, window, boundary, auction, bidder, price, dateTime, extra);
                out.emit();
                if (time == start)
                {
                    q7Row(in, out.next(), start - size, 1, window, boundary, auction, bidder, price, dateTime, extra);
                    out.emit();
                }
            })
            .keyBy("q7-by-window", window)
            .process("q7-highest", Q7_OUT, Q7_STATE,
                () -> new Q7Highest(boundary, auction, bidder, price, dateTime, extra));
    }

    private static void q7Row(final Row in, final RowWriter out, final long windowStart, final int isBoundary,
        final Field.Int64 window, final Field.Int32 boundary, final Field.Int64 auction, final Field.Int64 bidder,
        final Field.Int64 price, final Field.Timestamp dateTime, final Field.VarString extra)
    {
        out.putLong(window, windowStart).putInt(boundary, isBoundary)
            .putLong(auction, in.getLong(B_AUCTION)).putLong(bidder, in.getLong(B_BIDDER))
            .putLong(price, in.getLong(B_PRICE)).putTimestamp(dateTime, in.getTimestamp(DATE_TIME))
            .putVarString(extra, in.buffer(), in.varOffset(B_EXTRA), in.varLength(B_EXTRA));
    }

    // ---------------------------------------------------------------------------------------------------------- q8

    /** A person of q8: id and name (dateTime is the row's event time). */
    static final Schema Q8_PERSON = Schema.builder("q8-person").int64("id").varString("name").build();
    /** A seller of an auction of q8 (dateTime is the row's event time). */
    static final Schema Q8_SELLER = Schema.builder("q8-seller").int64("seller").build();
    /** Result of q8. */
    public static final Schema Q8_OUT = Schema.builder("q8").int64("id").varString("name").timestamp("stime").build();

    /**
     * q8, monitor new users ({@code Q8MonitorNewUsers}): a window join of people and sellers of auctions in the same
     * {@value Q8MonitorNewUsers#SIZE_MS} ms tumbling window on {@code P.id = A.seller}, of distinct rows of each side,
     * as the reference's {@code GROUP BY id, name, window} and {@code GROUP BY seller, window} before its window join:
     * one row per distinct (id, name) of a window whose id also sold an auction in it, emitted when the watermark
     * reaches {@code end - 1}; people and auctions of fired windows are late and dropped.
     *
     * @param events Nexmark events.
     * @return rows of {@link #Q8_OUT}.
     */
    public static DataStream q8(final DataStream events)
    {
        final Field.Int64 personId = Q8_PERSON.int64("id");
        final Field.VarString name = Q8_PERSON.varString("name");
        final Field.Int64 seller = Q8_SELLER.int64("seller");
        final Field.Int64 outId = Q8_OUT.int64("id");
        final Field.VarString outName = Q8_OUT.varString("name");
        final Field.Timestamp outStart = Q8_OUT.timestamp("stime");
        final KeyedStream people = events
            .filter("q8-people", (row) -> row.getInt(EVENT_TYPE) == NexmarkEvent.PERSON)
            .map("q8-person", Q8_PERSON, (in, out) -> out.putLong(personId, in.getLong(P_ID))
                .putVarString(name, in.buffer(), in.varOffset(P_NAME), in.varLength(P_NAME)))
            .keyBy("q8-people-by-id", personId);
        final KeyedStream sellers = events
            .filter("q8-auctions", (row) -> row.getInt(EVENT_TYPE) == NexmarkEvent.AUCTION)
            .map("q8-seller", Q8_SELLER, (in, out) -> out.putLong(seller, in.getLong(A_SELLER)))
            .keyBy("q8-sellers-by-id", seller);
        return people.windowJoin(sellers, Windows.tumbling(Q8MonitorNewUsers.SIZE_MS)).distinct()
            .apply("q8-join", Q8_OUT, (person, auction, start, end, out) -> out
                .putLong(outId, person.getLong(personId))
                .putVarString(outName, person.buffer(), person.varOffset(name), person.varLength(name))
                .putTimestamp(outStart, start));
    }

    // --------------------------------------------------------------------------------------------------------- q11

    static final Schema Q11_IN = Schema.builder("q11-in").int64("bidder").timestamp("dateTime").build();
    /** Result of q11. */
    public static final Schema Q11_OUT = Schema.builder("q11")
        .int64("bidder").int64("bid_count").timestamp("starttime").timestamp("endtime").build();

    /**
     * q11, user sessions ({@code Q11UserSessions}): bids per bidder in session windows of gap
     * {@value Q11UserSessions#GAP_MS} ms, a session being {@code [first bid, last bid + gap)}; sessions that touch
     * merge, in the reference, the baseline and the engine's session windows alike. A session fires when the watermark
     * reaches {@code end - 1}, and a bid that merges with no open session and whose own session would end at or before
     * its watermark is late, as in Flink.
     *
     * @param events Nexmark events.
     * @return rows of {@link #Q11_OUT}.
     */
    public static DataStream q11(final DataStream events)
    {
        final Field.Int64 bidder = Q11_IN.int64("bidder");
        final Field.Timestamp dateTime = Q11_IN.timestamp("dateTime");
        final DataStream sessions = events.filter("q11-bids", NexmarkQueries::isBid)
            .map("q11-narrow", Q11_IN, (in, out) -> out
                .putLong(bidder, in.getLong(B_BIDDER)).putTimestamp(dateTime, in.getTimestamp(DATE_TIME)))
            .keyBy("q11-by-bidder", bidder)
            .window(Windows.session(Q11UserSessions.GAP_MS))
            .aggregate("q11-count", Aggregations.count("bid_count"));
        final Field.Int64 key = sessions.schema().int64("key");
        final Field.Int64 count = sessions.schema().int64("bid_count");
        final Field.Timestamp windowStart = sessions.schema().timestamp("window_start");
        final Field.Timestamp windowEnd = sessions.schema().timestamp("window_end");
        final Field.Int64 outBidder = Q11_OUT.int64("bidder");
        final Field.Int64 outCount = Q11_OUT.int64("bid_count");
        final Field.Timestamp outStart = Q11_OUT.timestamp("starttime");
        final Field.Timestamp outEnd = Q11_OUT.timestamp("endtime");
        return sessions.map("q11-result", Q11_OUT, (in, out) -> out
            .putLong(outBidder, in.getLong(key))
            .putLong(outCount, in.getLong(count))
            .putTimestamp(outStart, in.getTimestamp(windowStart))
            .putTimestamp(outEnd, in.getTimestamp(windowEnd)));
    }

    // --------------------------------------------------------------------------------------------------------- q12

    static final Schema Q12_IN = Schema.builder("q12-in").int64("bidder").build();
    /** Result of q12. */
    public static final Schema Q12_OUT = Schema.builder("q12")
        .int64("bidder").int64("bid_count").timestamp("starttime").timestamp("endtime").build();
    /** A bidder's open processing-time window: end-of-input timer set, bids so far, window start. */
    static final Schema Q12_STATE = Schema.builder("q12-state")
        .int32("end_timer_set").int64("count").timestamp("start").build();

    /**
     * q12, processing-time windows ({@code Q12ProcessingTimeWindows}): bids per bidder in
     * {@value Q12ProcessingTimeWindows#SIZE_MS} ms tumbling windows of processing time (the job's clock, read
     * through {@link KeyedProcessFunction.Context#currentProcessingTime()}). A bidder's window opens at its first bid
     * and fires on a processing-time timer at its end (or at the bidder's first bid after it); the open windows fire
     * at the end of a bounded input (an event-time timer at the final watermark). Only the per-bidder totals are
     * deterministic across runs, unless the job's clock is fixed.
     *
     * @param events Nexmark events.
     * @return rows of {@link #Q12_OUT}.
     */
    public static DataStream q12(final DataStream events)
    {
        final Field.Int64 bidder = Q12_IN.int64("bidder");
        return events.filter("q12-bids", NexmarkQueries::isBid)
            .map("q12-narrow", Q12_IN, (in, out) -> out.putLong(bidder, in.getLong(B_BIDDER)))
            .keyBy("q12-by-bidder", bidder)
            .process("q12-count", Q12_OUT, Q12_STATE, new Q12Count());
    }

}
