package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Field;
import io.peregrine.api.MutableRow;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import io.peregrine.bench.nexmark.Q5HotItems;
import io.peregrine.bench.nexmark.Q7HighestBid;
import io.peregrine.bench.nexmark.Q8MonitorNewUsers;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NexmarkEffectTimeTest
{
    private static final long DELAY_MS = NexmarkQueries.WATERMARK_BOUND_MS + 1;

    @Test
    void shouldNameTheKindOfEveryQuery()
    {
        for (final String query : NexmarkQueries.QUERIES)
        {
            NexmarkEffectTime.kind(query);
        }
        assertEquals(NexmarkEffectTime.Kind.INPUT_EVENT, NexmarkEffectTime.kind("q1"));
        assertEquals(NexmarkEffectTime.Kind.JOIN, NexmarkEffectTime.kind("q3"));
        assertEquals(NexmarkEffectTime.Kind.EVENT_TIME_RESULT, NexmarkEffectTime.kind("q4"));
        assertEquals(NexmarkEffectTime.Kind.EVENT_TIME_RESULT, NexmarkEffectTime.kind("q11"));
        assertEquals(NexmarkEffectTime.Kind.PROCESSING_TIME_WINDOW, NexmarkEffectTime.kind("q12"));
        assertThrows(IllegalArgumentException.class, () -> NexmarkEffectTime.kind("q6"));
    }

    @Test
    void shouldMakeAWindowDueWithTheEventThatLetsEverySplitsWatermarkPassItsEnd()
    {
        for (final int eventRate : new int[]{ 10_000_000, 20_000, 333, 7 })
        {
            final NexmarkConfig config = new NexmarkConfig().eventRate(eventRate);
            final NexmarkGenerator generator = new NexmarkGenerator(config);
            final long events = 40L * eventRate;
            for (final int splits : new int[]{ 1, 2, 3 })
            {
                final NexmarkEffectTime effect = new NexmarkEffectTime("q7", config, events, splits, NexmarkQueries.Q7_OUT);
                for (long end = config.baseTimeMs() + 2_000; end < config.baseTimeMs() + 30_000; end += 2_000)
                {
                    for (final long t : new long[]{ end - 1, end })
                    {
                        final long due = effect.dueEventOfEventTime(t);
                        final long first = due - (splits - 1);
                        final String what = "rate " + eventRate + ", " + splits + " splits, T = base + " +
                            (t - config.baseTimeMs()) + ": due " + due;
                        // The split watermark max - bound - 1 reaches T at the first event of time T + bound + 1 ...
                        assertTrue(generator.timestampForEvent(first) - NexmarkQueries.WATERMARK_BOUND_MS - 1 >= t, what);
                        assertTrue(generator.timestampForEvent(first - 1) - NexmarkQueries.WATERMARK_BOUND_MS - 1 < t, what);
                        // ... and the job's once every split has sent one: the k events from there cover every split.
                        final List<Long> splitsCovered = new ArrayList<>();
                        for (long n = first; n <= due; n++)
                        {
                            splitsCovered.add(n % splits);
                        }
                        Collections.sort(splitsCovered);
                        assertEquals(splits, splitsCovered.size(), what);
                        assertEquals(splits - 1, splitsCovered.get(splits - 1), what);
                    }
                }
            }
        }
    }

    @Test
    void shouldMakeResultsPastTheInputDueWithTheLastEvent()
    {
        final NexmarkConfig config = new NexmarkConfig().eventRate(1_000);
        final long events = 10_000;
        final NexmarkEffectTime effect = new NexmarkEffectTime("q4", config, events, 2, NexmarkQueries.Q4_OUT);
        final long lastTime = new NexmarkGenerator(config).timestampForEvent(events - 1);
        assertEquals(events - 1, effect.dueEventOfEventTime(Long.MAX_VALUE), "q4's end-of-input timer");
        assertEquals(events - 1, effect.dueEventOfEventTime(lastTime - DELAY_MS + 1), "no event lets the watermark pass");
        assertEquals(events - 1, effect.dueEventOfEventTime(lastTime - DELAY_MS),
            "the last event does, with its split; the other split ends with it");
        assertEquals(events - 2, new NexmarkEffectTime("q4", config, events, 1, NexmarkQueries.Q4_OUT)
            .dueEventOfEventTime(lastTime - DELAY_MS - 1));
    }

    @Test
    void shouldMakeAnInputEventRowDueWithItsOwnEventNumber()
    {
        final NexmarkEffectTime effect = new NexmarkEffectTime("q2", new NexmarkConfig(), 1_000, 2, NexmarkRows.EVENT);
        final MutableRow row = row(NexmarkRows.EVENT, (w) -> w.putInt(NexmarkRows.EVENT_TYPE, NexmarkEvent.BID));
        row.meta(NexmarkConfig.DEFAULT_BASE_TIME_MS, 1, 777);
        assertEquals(777, effect.dueEvent(row));
    }

    @Test
    void shouldMakeAJoinRowDueWithTheLaterOfItsEvents()
    {
        final NexmarkConfig config = new NexmarkConfig();
        final NexmarkGenerator generator = new NexmarkGenerator(config);
        final NexmarkEvent event = new NexmarkEvent();
        final long auctionEvent = 51 * 50 + 2;
        generator.generate(auctionEvent, event);
        assertEquals(NexmarkEvent.AUCTION, event.type());
        final long auctionId = event.auction().id();
        final NexmarkEffectTime effect = new NexmarkEffectTime("q3", config, 1_000_000, 2, NexmarkQueries.Q3_OUT);
        final Field.Int64 id = NexmarkQueries.Q3_OUT.int64("id");
        final MutableRow row = row(NexmarkQueries.Q3_OUT, (w) -> w.putLong(id, auctionId));

        row.meta(Row.NO_TIMESTAMP, 0, auctionEvent + 500);
        assertEquals(auctionEvent + 500, effect.dueEvent(row), "emitted by the seller arriving after the auction");
        row.meta(Row.NO_TIMESTAMP, 0, auctionEvent - 30);
        assertEquals(auctionEvent, effect.dueEvent(row), "emitted by a person who arrived late, after the auction");
    }

    @Test
    void shouldReadTheWindowEndOfAProcessingTimeWindow()
    {
        final NexmarkEffectTime effect = new NexmarkEffectTime("q12", new NexmarkConfig(), 100, 1, NexmarkQueries.Q12_OUT);
        final MutableRow row = row(NexmarkQueries.Q12_OUT, (w) -> w.putTimestamp(NexmarkQueries.Q12_OUT.timestamp("endtime"), 1234));
        assertEquals(1234, effect.windowEndMs(row));
        assertThrows(IllegalStateException.class, () -> effect.dueEvent(row));
    }

    /**
     * What the derivation reads from a row is what the engine puts there: a stateless row's source position is its
     * event number, and an event-time result's event time is the watermark it fires at (checked against the
     * columns that carry the window).
     */
    @Test
    void shouldFindTheEventNumberAndFiringTimeTheDerivationReadsInTheEnginesRows()
    {
        final NexmarkConfig config = new NexmarkConfig().eventRate(2_000);
        final long events = 100_000;
        final NexmarkGenerator generator = new NexmarkGenerator(config);
        final NexmarkEvent event = new NexmarkEvent();

        final List<long[]> q0 = collect("q0", config, events, (row) -> new long[]{
            row.sourcePosition(), row.getTimestamp(NexmarkRows.DATE_TIME), row.getLong(NexmarkRows.B_PRICE) });
        assertTrue(q0.size() > 80_000, "bids " + q0.size());
        for (final long[] r : q0)
        {
            generator.generate(r[0], event);
            assertEquals(NexmarkEvent.BID, event.type());
            assertEquals(event.dateTime(), r[1]);
            assertEquals(event.bid().price(), r[2]);
        }

        final Field.Int64 q3Auction = NexmarkQueries.Q3_OUT.int64("id");
        final List<long[]> q3 = collect("q3", config, events, (row) -> new long[]{ row.sourcePosition(), row.getLong(q3Auction) });
        assertTrue(q3.size() > 10, "q3 rows " + q3.size());
        for (final long[] r : q3)
        {
            final long auctionEvent = generator.sequence().auctionEventNumber(r[1]);
            generator.generate(r[0], event);
            if (event.type() == NexmarkEvent.AUCTION)
            {
                assertEquals(auctionEvent, r[0], "a row emitted by an auction is emitted by its own auction");
            }
            else
            {
                assertEquals(NexmarkEvent.PERSON, event.type(), "q3 rows are emitted by people and auctions");
            }
        }

        final Field.Timestamp q8Start = NexmarkQueries.Q8_OUT.timestamp("stime");
        final List<long[]> q8 = collect("q8", config, events, (row) -> new long[]{ row.eventTime(), row.getTimestamp(q8Start) });
        assertTrue(q8.size() > 10, "q8 rows " + q8.size());
        for (final long[] r : q8)
        {
            assertEquals(r[1] + Q8MonitorNewUsers.SIZE_MS - 1, r[0], "q8 fires at window end - 1");
        }

        final Field.Timestamp q11End = NexmarkQueries.Q11_OUT.timestamp("endtime");
        final List<long[]> q11 = collect("q11", config, events, (row) -> new long[]{ row.eventTime(), row.getTimestamp(q11End) });
        assertTrue(q11.size() > 10, "q11 rows " + q11.size());
        for (final long[] r : q11)
        {
            assertEquals(r[1] - 1, r[0], "q11 fires at its last millisecond, endtime - 1");
        }

        final List<long[]> q5 = collect("q5", config, events, (row) -> new long[]{ row.eventTime() });
        assertTrue(q5.size() > 10, "q5 rows " + q5.size());
        for (final long[] r : q5)
        {
            assertEquals(Q5HotItems.SLIDE_MS - 1, Math.floorMod(r[0], Q5HotItems.SLIDE_MS), "q5 fires at window end - 1");
        }

        final Field.Timestamp q7Time = NexmarkQueries.Q7_OUT.timestamp("dateTime");
        final List<long[]> q7 = collect("q7", config, events, (row) -> new long[]{ row.eventTime(), row.getTimestamp(q7Time) });
        assertTrue(q7.size() > 3, "q7 rows " + q7.size());
        for (final long[] r : q7)
        {
            assertEquals(0, Math.floorMod(r[0], Q7HighestBid.SIZE_MS), "q7 fires at its window end");
            assertTrue(r[1] <= r[0] && r[1] >= r[0] - Q7HighestBid.SIZE_MS, "its bid is in the window");
        }
    }

    private interface RowFunction
    {
        long[] apply(Row row);
    }

    private static List<long[]> collect(final String query, final NexmarkConfig config, final long events, final RowFunction f)
    {
        final List<long[]> rows = Collections.synchronizedList(new ArrayList<>());
        final Sink sink = (shard, shards, schema) -> (row) -> rows.add(f.apply(row));
        NexmarkQueries.build(query, NexmarkSource.generator(config, events, 0), sink).execute(NexmarkRunner.context(2)).join();
        return rows;
    }

    private interface Fill
    {
        void fill(RowWriter writer);
    }

    private static MutableRow row(final Schema schema, final Fill fill)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final RowWriter writer = new RowWriter().wrap(schema, buffer, 0, buffer.capacity());
        fill.fill(writer);
        return new MutableRow().wrap(schema, buffer, 0, writer.length());
    }
}
