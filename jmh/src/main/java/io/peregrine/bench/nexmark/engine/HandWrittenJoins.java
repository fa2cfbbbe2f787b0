package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Collector;
import io.peregrine.api.Field;
import io.peregrine.api.KeyedListState;
import io.peregrine.api.KeyedProcessFunction;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.TimeDomain;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.Q8MonitorNewUsers;
import io.peregrine.pipeline.DataStream;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.peregrine.bench.nexmark.engine.NexmarkQueries.Q3_OUT;
import static io.peregrine.bench.nexmark.engine.NexmarkQueries.Q4_DELTA;
import static io.peregrine.bench.nexmark.engine.NexmarkQueries.Q8_OUT;
import static io.peregrine.bench.nexmark.engine.NexmarkQueries.isWantedState;
import static io.peregrine.bench.nexmark.engine.NexmarkQueries.putText;
import static io.peregrine.bench.nexmark.engine.NexmarkQueries.q4Average;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.A_CATEGORY;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.A_EXPIRES;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.A_ID;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.A_SELLER;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.B_AUCTION;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.B_PRICE;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.DATE_TIME;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.EVENT_TYPE;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.P_CITY;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.P_ID;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.P_NAME;
import static io.peregrine.bench.nexmark.engine.NexmarkRows.P_STATE;

/**
 * Nexmark q3, q4 and q8 as they were written before the engine had joins: each a {@link KeyedProcessFunction} over
 * one keyed stream of both inputs, its per-key state in slots with a few items inline and the rest in list state.
 * They give the baselines' rows on the generator's events, where ids are unique, but not Flink's once they are not
 * (a person id seen twice keeps only the last row, an auction id reused keeps only the first), which the join
 * operators of {@link NexmarkQueries} do. Kept to measure the join operators against ({@code ./peregrine bench
 * joins}): queries {@code q3-hand}, {@code q4-hand}, {@code q8-hand} of {@link NexmarkQueries#query}.
 */
final class HandWrittenJoins
{
    /** Longest person name a q3 or q8 state slot holds (bytes). */
    static final int NAME_CAPACITY = 64;
    /** Longest city a q3 state slot holds (bytes). */
    static final int CITY_CAPACITY = 32;
    /** Longest US state a q3 state slot holds (bytes). */
    static final int STATE_CAPACITY = 8;
    /**
     * Category-10 auctions of one seller waiting for the seller to arrive that the q3 slot holds; more go to the
     * key's list state: how many wait depends on how far one split runs ahead of another.
     */
    static final int Q3_PENDING_AUCTIONS = 8;
    /**
     * Distinct bid times (ms) of one auction waiting for the auction to arrive that the q4 slot holds; more go to
     * the key's list state.
     */
    static final int Q4_PENDING_BID_TIMES = 4;
    /** Most distinct names of one person id in one window (q8). */
    static final int Q8_NAMES = 4;

    private HandWrittenJoins()
    {
    }

    // ---------------------------------------------------------------------------------------------------------- q3

    static final Schema Q3_IN = Schema.builder("q3-in")
        .int32("kind").int64("key").int64("auction").varString("name").varString("city").varString("state").build();

    /**
     * q3, local item suggestion ({@code Q3LocalItemSuggestion}): people of OR, ID or CA joined with the category-10
     * auctions they sell, a regular inner join of two append-only inputs emitting each pair once, as soon as both
     * sides are there. Keyed by person id: a slot keeps the person's name, city and state (or that the person is of
     * another state) for ever, and the auctions that came before their seller ({@value #Q3_PENDING_AUCTIONS} in the
     * slot, more in the key's list state).
     *
     * @param events Nexmark events.
     * @return rows of {@link NexmarkQueries#Q3_OUT}.
     */
    static DataStream q3(final DataStream events)
    {
        final Field.Int32 kind = Q3_IN.int32("kind");
        final Field.Int64 key = Q3_IN.int64("key");
        final Field.Int64 auction = Q3_IN.int64("auction");
        final Field.VarString name = Q3_IN.varString("name");
        final Field.VarString city = Q3_IN.varString("city");
        final Field.VarString state = Q3_IN.varString("state");
        return events
            .filter("q3-people-and-auctions", (row) ->
            {
                final int type = row.getInt(EVENT_TYPE);
                return type == NexmarkEvent.PERSON || (type == NexmarkEvent.AUCTION && row.getLong(A_CATEGORY) == 10);
            })
            .map("q3-narrow", Q3_IN, (in, out) ->
            {
                if (in.getInt(EVENT_TYPE) == NexmarkEvent.PERSON)
                {
                    out.putInt(kind, NexmarkEvent.PERSON).putLong(key, in.getLong(P_ID))
                        .putVarString(name, in.buffer(), in.varOffset(P_NAME), in.varLength(P_NAME))
                        .putVarString(city, in.buffer(), in.varOffset(P_CITY), in.varLength(P_CITY))
                        .putVarString(state, in.buffer(), in.varOffset(P_STATE), in.varLength(P_STATE));
                }
                else
                {
                    out.putInt(kind, NexmarkEvent.AUCTION).putLong(key, in.getLong(A_SELLER))
                        .putLong(auction, in.getLong(A_ID));
                }
            })
            .keyBy("q3-by-person", key)
            .process("q3-join", Q3_OUT, Q3Join.STATE_LENGTH, () -> new Q3Join(kind, auction, name, city, state));
    }

    /**
     * Per person id: flags, pending count, name, city, state, pending auction ids in the slot; the auctions that
     * come before their seller beyond {@value #Q3_PENDING_AUCTIONS} in the list {@code pending-auctions} (one
     * 8-byte auction id per entry), used only once the slot is full.
     */
    static final class Q3Join implements KeyedProcessFunction
    {
        static final int WANTED = 1;
        static final int OTHER = 2;
        static final int FLAGS = 0;
        static final int PENDING = 4;
        static final int NAME = 8;
        static final int CITY = NAME + 4 + NAME_CAPACITY;
        static final int STATE = CITY + 4 + CITY_CAPACITY;
        static final int PENDING_IDS = STATE + 4 + STATE_CAPACITY;
        static final int STATE_LENGTH = PENDING_IDS + 8 * Q3_PENDING_AUCTIONS;

        private final Field.Int32 kind;
        private final Field.Int64 auction;
        private final Field.VarString name;
        private final Field.VarString city;
        private final Field.VarString state;
        private final Field.VarString outName = Q3_OUT.varString("name");
        private final Field.VarString outCity = Q3_OUT.varString("city");
        private final Field.VarString outState = Q3_OUT.varString("state");
        private final Field.Int64 outId = Q3_OUT.int64("id");
        private final UnsafeBuffer entry = new UnsafeBuffer(new byte[8]);
        private final KeyedListState.EntryVisitor emitPending = this::emitPending;
        private KeyedListState overflow;
        /** The slot and collector of the {@link #emitPending} visit under way (scratch, not state). */
        private DirectBuffer visitSlot;
        private Collector visitOut;

        Q3Join(final Field.Int32 kind, final Field.Int64 auction, final Field.VarString name, final Field.VarString city,
            final Field.VarString state)
        {
            this.kind = kind;
            this.auction = auction;
            this.name = name;
            this.city = city;
            this.state = state;
        }

        public void open(final OpenContext ctx)
        {
            overflow = ctx.listState("pending-auctions");
        }

        public void processElement(final Row in, final Context ctx, final Collector out)
        {
            final MutableDirectBuffer slot = ctx.state();
            if (in.getInt(kind) == NexmarkEvent.PERSON)
            {
                if (isWantedState(in, state))
                {
                    putText(slot, NAME, NAME_CAPACITY, in, name, "NAME_CAPACITY");
                    putText(slot, CITY, CITY_CAPACITY, in, city, "CITY_CAPACITY");
                    putText(slot, STATE, STATE_CAPACITY, in, state, "STATE_CAPACITY");
                    slot.putInt(FLAGS, WANTED);
                    final int pending = slot.getInt(PENDING);
                    for (int i = 0; i < pending; i++)
                    {
                        emit(slot, slot.getLong(PENDING_IDS + 8 * i), out);
                    }
                    if (pending == Q3_PENDING_AUCTIONS)
                    {
                        visitSlot = slot;
                        visitOut = out;
                        overflow.forEach(emitPending);
                        visitSlot = null;
                        visitOut = null;
                        overflow.clear();
                    }
                }
                else
                {
                    slot.putInt(FLAGS, OTHER);
                    if (slot.getInt(PENDING) == Q3_PENDING_AUCTIONS)
                    {
                        overflow.clear();
                    }
                }
                slot.putInt(PENDING, 0);
            }
            else
            {
                final int flags = slot.getInt(FLAGS);
                if ((flags & WANTED) != 0)
                {
                    emit(slot, in.getLong(auction), out);
                }
                else if ((flags & OTHER) == 0)
                {
                    final int pending = slot.getInt(PENDING);
                    if (pending == Q3_PENDING_AUCTIONS)
                    {
                        entry.putLong(0, in.getLong(auction));
                        overflow.add(entry, 0, 8);
                    }
                    else
                    {
                        slot.putLong(PENDING_IDS + 8 * pending, in.getLong(auction));
                        slot.putInt(PENDING, pending + 1);
                    }
                }
            }
        }

        private void emitPending(final DirectBuffer pendingAuction)
        {
            emit(visitSlot, pendingAuction.getLong(0), visitOut);
        }

        private void emit(final DirectBuffer slot, final long auctionId, final Collector out)
        {
            out.next()
                .putVarString(outName, slot, NAME + 4, slot.getInt(NAME))
                .putVarString(outCity, slot, CITY + 4, slot.getInt(CITY))
                .putVarString(outState, slot, STATE + 4, slot.getInt(STATE))
                .putLong(outId, auctionId);
            out.emit();
        }
    }

    // ---------------------------------------------------------------------------------------------------------- q4

    static final Schema Q4_IN = Schema.builder("q4-in")
        .int32("kind").int64("auction").timestamp("dateTime").timestamp("expires").int64("category").int64("price")
        .build();

    /**
     * q4, average winning price per category ({@code Q4AveragePriceForCategory}): per auction the highest bid within
     * {@code [A.dateTime, A.expires]} (both inclusive), then per category the average of those maxima ({@code BIGINT}
     * average: truncated), emitted once as the final result at the end of a bounded input (the final watermark).
     * <p>
     * Stage 1, keyed by auction, keeps each auction's window and running maximum for ever, as the reference's join
     * state does (so, like the baseline, it has no notion of late bids); each new maximum goes downstream as a change
     * (sum delta, count delta), the updates the reference's nested aggregation retracts and re-emits. Bids that come
     * before their auction wait in the slot as (bid time, highest price at that time), up to
     * {@value #Q4_PENDING_BID_TIMES} distinct times (milliseconds) per auction, the rest in the key's list state
     * (how many wait depends on the drift between splits). Stage 2, keyed by category, sums the changes and emits the average at the final
     * watermark.
     *
     * @param events Nexmark events.
     * @return rows of {@link NexmarkQueries#Q4_OUT}.
     */
    static DataStream q4(final DataStream events)
    {
        final Field.Int32 kind = Q4_IN.int32("kind");
        final Field.Int64 auction = Q4_IN.int64("auction");
        final Field.Timestamp dateTime = Q4_IN.timestamp("dateTime");
        final Field.Timestamp expires = Q4_IN.timestamp("expires");
        final Field.Int64 category = Q4_IN.int64("category");
        final Field.Int64 price = Q4_IN.int64("price");
        final Field.Int64 deltaCategory = Q4_DELTA.int64("category");
        final Field.Int64 sumDelta = Q4_DELTA.int64("sum_delta");
        final Field.Int64 countDelta = Q4_DELTA.int64("count_delta");
        return q4Average(events
            .filter("q4-auctions-and-bids", (row) -> row.getInt(EVENT_TYPE) != NexmarkEvent.PERSON)
            .map("q4-narrow", Q4_IN, (in, out) ->
            {
                out.putTimestamp(dateTime, in.getTimestamp(DATE_TIME));
                if (in.getInt(EVENT_TYPE) == NexmarkEvent.BID)
                {
                    out.putInt(kind, NexmarkEvent.BID).putLong(auction, in.getLong(B_AUCTION))
                        .putLong(price, in.getLong(B_PRICE));
                }
                else
                {
                    out.putInt(kind, NexmarkEvent.AUCTION).putLong(auction, in.getLong(A_ID))
                        .putTimestamp(expires, in.getTimestamp(A_EXPIRES)).putLong(category, in.getLong(A_CATEGORY));
                }
            })
            .keyBy("q4-by-auction", auction)
            .process("q4-winning-bid", Q4_DELTA, Q4Auction.STATE_LENGTH,
                () -> new Q4Auction(kind, dateTime, expires, category, price, deltaCategory, sumDelta, countDelta)));
    }

    /**
     * Per auction: flags, pending count, dateTime, expires, category, max price, then the pending (bid time, max
     * price) pairs in the slot; bids that come before their auction beyond {@value #Q4_PENDING_BID_TIMES} distinct
     * times in the list {@code pending-bids} (one 16-byte (bid time, price) entry per bid, in arrival order), used
     * only once the slot is full.
     */
    static final class Q4Auction implements KeyedProcessFunction
    {
        static final int AUCTION = 1;
        static final int HAS_BID = 2;
        static final int FLAGS = 0;
        static final int PENDING = 4;
        static final int DATE_TIME = 8;
        static final int EXPIRES = 16;
        static final int CATEGORY = 24;
        static final int MAX = 32;
        static final int PENDING_BIDS = 40;
        static final int STATE_LENGTH = PENDING_BIDS + 16 * Q4_PENDING_BID_TIMES;

        private final Field.Int32 kind;
        private final Field.Timestamp dateTime;
        private final Field.Timestamp expires;
        private final Field.Int64 category;
        private final Field.Int64 price;
        private final Field.Int64 deltaCategory;
        private final Field.Int64 sumDelta;
        private final Field.Int64 countDelta;
        private final UnsafeBuffer entry = new UnsafeBuffer(new byte[16]);
        private final KeyedListState.EntryVisitor replayPending = this::replayPending;
        private KeyedListState overflow;
        /** The slot and collector of the {@link #replayPending} visit under way (scratch, not state). */
        private MutableDirectBuffer visitSlot;
        private Collector visitOut;

        Q4Auction(final Field.Int32 kind, final Field.Timestamp dateTime, final Field.Timestamp expires,
            final Field.Int64 category, final Field.Int64 price, final Field.Int64 deltaCategory,
            final Field.Int64 sumDelta, final Field.Int64 countDelta)
        {
            this.kind = kind;
            this.dateTime = dateTime;
            this.expires = expires;
            this.category = category;
            this.price = price;
            this.deltaCategory = deltaCategory;
            this.sumDelta = sumDelta;
            this.countDelta = countDelta;
        }

        public void open(final OpenContext ctx)
        {
            overflow = ctx.listState("pending-bids");
        }

        public void processElement(final Row in, final Context ctx, final Collector out)
        {
            final MutableDirectBuffer slot = ctx.state();
            final int flags = slot.getInt(FLAGS);
            final long time = in.getTimestamp(dateTime);
            if (in.getInt(kind) == NexmarkEvent.AUCTION)
            {
                if ((flags & AUCTION) != 0)
                {
                    return;
                }
                slot.putInt(FLAGS, flags | AUCTION);
                slot.putLong(DATE_TIME, time);
                slot.putLong(EXPIRES, in.getTimestamp(expires));
                slot.putLong(CATEGORY, in.getLong(category));
                final int pending = slot.getInt(PENDING);
                for (int i = 0; i < pending; i++)
                {
                    onBid(slot, slot.getLong(PENDING_BIDS + 16 * i), slot.getLong(PENDING_BIDS + 16 * i + 8), out);
                }
                if (pending == Q4_PENDING_BID_TIMES)
                {
                    visitSlot = slot;
                    visitOut = out;
                    overflow.forEach(replayPending);
                    visitSlot = null;
                    visitOut = null;
                    overflow.clear();
                }
                slot.putInt(PENDING, 0);
            }
            else if ((flags & AUCTION) != 0)
            {
                onBid(slot, time, in.getLong(price), out);
            }
            else
            {
                pend(slot, time, in.getLong(price));
            }
        }

        private void replayPending(final DirectBuffer pendingBid)
        {
            onBid(visitSlot, pendingBid.getLong(0), pendingBid.getLong(8), visitOut);
        }

        private void onBid(final MutableDirectBuffer slot, final long time, final long bid, final Collector out)
        {
            if (time < slot.getLong(DATE_TIME) || time > slot.getLong(EXPIRES))
            {
                return;
            }
            final int flags = slot.getInt(FLAGS);
            if ((flags & HAS_BID) == 0)
            {
                slot.putLong(MAX, bid);
                slot.putInt(FLAGS, flags | HAS_BID);
                out.next().putLong(deltaCategory, slot.getLong(CATEGORY)).putLong(sumDelta, bid).putLong(countDelta, 1);
                out.emit();
            }
            else if (bid > slot.getLong(MAX))
            {
                out.next().putLong(deltaCategory, slot.getLong(CATEGORY)).putLong(sumDelta, bid - slot.getLong(MAX))
                    .putLong(countDelta, 0);
                out.emit();
                slot.putLong(MAX, bid);
            }
        }

        private void pend(final MutableDirectBuffer slot, final long time, final long bid)
        {
            final int pending = slot.getInt(PENDING);
            for (int i = 0; i < pending; i++)
            {
                final int at = PENDING_BIDS + 16 * i;
                if (slot.getLong(at) == time)
                {
                    if (bid > slot.getLong(at + 8))
                    {
                        slot.putLong(at + 8, bid);
                    }
                    return;
                }
            }
            if (pending == Q4_PENDING_BID_TIMES)
            {
                entry.putLong(0, time);
                entry.putLong(8, bid);
                overflow.add(entry, 0, 16);
                return;
            }
            final int at = PENDING_BIDS + 16 * pending;
            slot.putLong(at, time);
            slot.putLong(at + 8, bid);
            slot.putInt(PENDING, pending + 1);
        }
    }

    // ---------------------------------------------------------------------------------------------------------- q8

    static final Schema Q8_IN = Schema.builder("q8-in")
        .int32("kind").int64("id").timestamp("start").varString("name").build();

    /**
     * q8, monitor new users ({@code Q8MonitorNewUsers}): people and sellers of auctions in the same
     * {@value Q8MonitorNewUsers#SIZE_MS} ms tumbling window, joined on id; one row per distinct (id, name) of a window
     * whose id also sold an auction in it, emitted when the watermark reaches {@code end - 1}; people and auctions of
     * fired windows are late and dropped. Keyed by (window, person id) packed in one long: window index in the high
     * 32 bits, id in the low 32 (ids and window indexes beyond 32 bits fail the job clearly).
     *
     * @param events Nexmark events.
     * @return rows of {@link NexmarkQueries#Q8_OUT}.
     */
    static DataStream q8(final DataStream events)
    {
        final Field.Int32 kind = Q8_IN.int32("kind");
        final Field.Int64 id = Q8_IN.int64("id");
        final Field.Timestamp start = Q8_IN.timestamp("start");
        final Field.VarString name = Q8_IN.varString("name");
        final long size = Q8MonitorNewUsers.SIZE_MS;
        return events
            .filter("q8-people-and-auctions", (row) -> row.getInt(EVENT_TYPE) != NexmarkEvent.BID)
            .map("q8-narrow", Q8_IN, (in, out) ->
            {
                out.putTimestamp(start, Math.floorDiv(in.getTimestamp(DATE_TIME), size) * size);
                if (in.getInt(EVENT_TYPE) == NexmarkEvent.PERSON)
                {
                    out.putInt(kind, NexmarkEvent.PERSON).putLong(id, in.getLong(P_ID))
                        .putVarString(name, in.buffer(), in.varOffset(P_NAME), in.varLength(P_NAME));
                }
                else
                {
                    out.putInt(kind, NexmarkEvent.AUCTION).putLong(id, in.getLong(A_SELLER));
                }
            })
            .keyBy("q8-by-window-and-person", (row) -> windowAndId(row.getTimestamp(start) / size, row.getLong(id)))
            .process("q8-join", Q8_OUT, Q8Join.STATE_LENGTH, () -> new Q8Join(kind, id, start, name));
    }

    static long windowAndId(final long windowIndex, final long id)
    {
        if (id < 0 || id > 0xFFFF_FFFFL || windowIndex < 0 || windowIndex > Integer.MAX_VALUE)
        {
            throw new IllegalStateException("q8 keys (window index, person id) packed in 32 + 32 bits: window " +
                windowIndex + ", id " + id + " out of range");
        }
        return (windowIndex << 32) | id;
    }

    /**
     * Per (window, id): flags, name count, id, window start, names.
     */
    static final class Q8Join implements KeyedProcessFunction
    {
        static final int PERSON = 1;
        static final int SELLER = 2;
        static final int TIMER_SET = 4;
        static final int FLAGS = 0;
        static final int COUNT = 4;
        static final int ID = 8;
        static final int START = 16;
        static final int NAMES = 24;
        static final int NAME_ENTRY = 4 + NAME_CAPACITY;
        static final int STATE_LENGTH = NAMES + NAME_ENTRY * Q8_NAMES;

        private final Field.Int32 kind;
        private final Field.Int64 id;
        private final Field.Timestamp start;
        private final Field.VarString name;
        private final Field.Int64 outId = Q8_OUT.int64("id");
        private final Field.VarString outName = Q8_OUT.varString("name");
        private final Field.Timestamp outStart = Q8_OUT.timestamp("stime");

        Q8Join(final Field.Int32 kind, final Field.Int64 id, final Field.Timestamp start, final Field.VarString name)
        {
            this.kind = kind;
            this.id = id;
            this.start = start;
            this.name = name;
        }

        public void processElement(final Row in, final Context ctx, final Collector out)
        {
            final long windowStart = in.getTimestamp(start);
            final long end = windowStart + Q8MonitorNewUsers.SIZE_MS;
            if (end - 1 <= ctx.currentWatermark())
            {
                return;
            }
            final MutableDirectBuffer slot = ctx.state();
            int flags = slot.getInt(FLAGS);
            if ((flags & TIMER_SET) == 0)
            {
                flags |= TIMER_SET;
                slot.putLong(ID, in.getLong(id));
                slot.putLong(START, windowStart);
                ctx.registerEventTimeTimer(end - 1);
            }
            if (in.getInt(kind) == NexmarkEvent.PERSON)
            {
                flags |= PERSON;
                addName(slot, in, ctx);
            }
            else
            {
                flags |= SELLER;
            }
            slot.putInt(FLAGS, flags);
        }

        private void addName(final MutableDirectBuffer slot, final Row in, final Context ctx)
        {
            final int count = slot.getInt(COUNT);
            final int length = in.varLength(name);
            final int from = in.varOffset(name);
            for (int i = 0; i < count; i++)
            {
                final int at = NAMES + NAME_ENTRY * i;
                if (slot.getInt(at) == length && equal(slot, at + 4, in.buffer(), from, length))
                {
                    return;
                }
            }
            if (count == Q8_NAMES)
            {
                throw new IllegalStateException("q8: more than Q8_NAMES = " + Q8_NAMES + " names of person " +
                    in.getLong(id) + " in one window; raise the constant");
            }
            putText(slot, NAMES + NAME_ENTRY * count, NAME_CAPACITY, in, name, "NAME_CAPACITY");
            slot.putInt(COUNT, count + 1);
        }

        private static boolean equal(final DirectBuffer a, final int aAt, final DirectBuffer b, final int bAt, final int length)
        {
            for (int i = 0; i < length; i++)
            {
                if (a.getByte(aAt + i) != b.getByte(bAt + i))
                {
                    return false;
                }
            }
            return true;
        }

        public void onTimer(final long timestamp, final TimeDomain domain, final Context ctx, final Collector out)
        {
            final MutableDirectBuffer slot = ctx.state();
            if ((slot.getInt(FLAGS) & (PERSON | SELLER)) == (PERSON | SELLER))
            {
                for (int i = 0, n = slot.getInt(COUNT); i < n; i++)
                {
                    final int at = NAMES + NAME_ENTRY * i;
                    out.next()
                        .putLong(outId, slot.getLong(ID))
                        .putVarString(outName, slot, at + 4, slot.getInt(at))
                        .putTimestamp(outStart, slot.getLong(START));
                    out.emit(timestamp);
                }
            }
            ctx.clearState();
        }
    }
}
