package io.peregrine.bench.micro;

import io.peregrine.exchange.OutboundChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls every micro benchmark method from plain Java, with its {@code @State} objects built by hand
 * and set up, to prove it runs and returns what it should. No timings.
 */
@Timeout(60)
class MicroBenchmarksTest
{
    @Test
    void flyweightReadsMatchTheHeapObjects()
    {
        final FlyweightBenchmark b = new FlyweightBenchmark();
        b.setUp();
        for (int i = 0; i < FlyweightBenchmark.ROWS; i++)
        {
            final FlyweightBenchmark.Trade t = b.trades[i];
            b.index = i;
            assertEquals(t.instrument, b.rowGetLong());
            b.index = i;
            assertEquals(t.instrument, b.pojoGetLong());
            b.index = i;
            assertEquals(t.instrument, b.arrayGetLong());
            b.index = i;
            assertEquals(t.price, b.rowGetDouble());
            b.index = i;
            assertEquals(t.price, b.pojoGetDouble());
            b.index = i;
            assertEquals(t.venue, b.rowGetInt());
            b.index = i;
            assertEquals(t.venue, b.pojoGetInt());
            final boolean symbolMatches = t.symbol.equals(FlyweightBenchmark.symbol(FlyweightBenchmark.VALUES - 1));
            b.index = i;
            assertEquals(symbolMatches, b.rowAsciiEquals());
            b.index = i;
            assertEquals(symbolMatches, b.pojoAsciiEquals());
            final boolean noteMatches = t.note.equals(FlyweightBenchmark.note(FlyweightBenchmark.VALUES - 1));
            b.index = i;
            assertEquals(noteMatches, b.rowVarStringEquals());
            b.index = i;
            assertEquals(noteMatches, b.pojoVarStringEquals());
        }
        assertNotEquals(b.symbolProbe, FlyweightBenchmark.symbol(0), "the probe must match only some rows");
    }

    @Test
    void flyweightWritesTheSameRecordAsTheHeapObject()
    {
        final FlyweightBenchmark b = new FlyweightBenchmark();
        b.setUp();
        b.index = 5;
        b.sequence = 37;
        final int length = b.rowWrite();
        assertEquals(FlyweightBenchmark.TRADE.fixedLength() + FlyweightBenchmark.note(0).length(), length);
        b.index = 5;
        b.sequence = 37;
        final FlyweightBenchmark.Trade t = b.pojoWrite();
        final io.peregrine.api.Row row =
            new io.peregrine.api.Row().wrap(FlyweightBenchmark.TRADE, b.out, 5 * FlyweightBenchmark.STRIDE, length);
        assertEquals(t.instrument, row.getLong(FlyweightBenchmark.INSTRUMENT));
        assertTrue(row.asciiEquals(FlyweightBenchmark.SYMBOL, t.symbol));
        assertEquals(t.ts, row.getTimestamp(FlyweightBenchmark.TS));
        assertEquals(t.price, row.getDouble(FlyweightBenchmark.PRICE));
        assertEquals(t.qty, row.getLong(FlyweightBenchmark.QTY));
        assertEquals(t.venue, row.getInt(FlyweightBenchmark.VENUE));
        assertTrue(row.varStringEquals(FlyweightBenchmark.NOTE, t.note));
        b.sequence = 37;
        final FlyweightBenchmark.Trade fresh = b.pojoAllocate();
        assertNotSame(t, fresh);
        assertEquals(t.instrument, fresh.instrument);
        assertEquals(t.note, fresh.note);
    }

    @Test
    void fusedChainOnTheEngineComputesWhatTheBaselineComputes()
    {
        final FusedChainBenchmark b = new FusedChainBenchmark();
        b.setUp();
        final long[] baseline = b.baseline();
        assertTrue(baseline[0] > FusedChainBenchmark.EVENTS / 2 && baseline[0] < FusedChainBenchmark.EVENTS, "about 65 % pass the filter");
        assertArrayEquals(baseline, b.expected);
        assertArrayEquals(baseline, b.engine(), "engine() checks itself too");
    }

    @Test
    void exchangeHandsRecordsOverInOrderBothWays()
    {
        final ExchangeBenchmark.Ring ring = new ExchangeBenchmark.Ring();
        ring.ringCapacity = 64 * 1024;
        ring.setUp();
        final ExchangeBenchmark.Counters producer = new ExchangeBenchmark.Counters();
        final ExchangeBenchmark.Counters consumer = new ExchangeBenchmark.Counters();
        producer.reset();
        consumer.reset();

        assertTrue(ring.ring.read(ring.consumer, 1) == 0);
        assertEquals(0, ring.channel.sent());
        assertTrue(new ExchangeBenchmark().channelSend(ring, producer));
        assertEquals(0, new ExchangeBenchmark().channelReceive(ring, consumer), "batched until the cycle's flush");
        ring.channel.flushBatch();
        assertEquals(1, new ExchangeBenchmark().channelReceive(ring, consumer));
        assertEquals(1, consumer.received);
        assertEquals(0, ring.consumer.lastPosition);
        assertEquals(42, ring.consumer.row.getLong(ExchangeBenchmark.KEY));
        assertEquals(0, new ExchangeBenchmark().channelReceive(ring, consumer));
        assertEquals(2, consumer.readEmpty);

        assertTrue(new ExchangeBenchmark().ringWriteSend(ring, producer));
        assertEquals(1, new ExchangeBenchmark().ringWriteReceive(ring, consumer));
        assertEquals(2, producer.sent);
        assertEquals(2, consumer.received);
        assertEquals(1, ring.consumer.lastPosition);
        assertEquals(42, ring.consumer.row.getLong(ExchangeBenchmark.KEY));
        assertEquals(1, ring.consumer.row.eventTime());

        // Fill the ring: the channel holds one record back, then refuses until the consumer drains.
        final ExchangeBenchmark b = new ExchangeBenchmark();
        while (producer.sendFull == 0)
        {
            b.channelSend(ring, producer);
        }
        final OutboundChannel channel = ring.channel;
        assertTrue(channel.hasPending());
        assertFalse(b.channelSend(ring, producer));
        while (channel.hasPending())
        {
            b.channelReceive(ring, consumer);
            channel.flush();
        }
        while (b.channelReceive(ring, consumer) > 0)
        {
            // drain
        }
        assertTrue(b.channelSend(ring, producer), "room again once drained");
        channel.flushBatch();
        while (b.channelReceive(ring, consumer) > 0)
        {
            // drain what the batch held
        }
        assertEquals(producer.sent, consumer.received, "every record sent arrives");
        assertEquals(producer.sent - 1, ring.consumer.lastPosition);
    }

    @Test
    void watermarkTrackerAdvancesOnEveryRoundRobinUpdate()
    {
        final WatermarkTimerBenchmark b = new WatermarkTimerBenchmark();
        for (final int inputs : new int[]{ 2, 8 })
        {
            final WatermarkTimerBenchmark.Tracker s = new WatermarkTimerBenchmark.Tracker();
            s.inputs = inputs;
            s.setUp();
            for (int i = 0; i < inputs - 1; i++)
            {
                assertFalse(b.trackerUpdate(s), "no combined watermark until every input reported");
            }
            for (int i = 0; i < 100; i++)
            {
                assertTrue(b.trackerUpdate(s));
            }
            assertEquals(s.watermark - inputs + 1, s.tracker.combined());
        }
    }

    @Test
    void timerQueueFiresWhatThePriorityQueueFires()
    {
        final WatermarkTimerBenchmark b = new WatermarkTimerBenchmark();
        final WatermarkTimerBenchmark.Timers queue = new WatermarkTimerBenchmark.Timers();
        final WatermarkTimerBenchmark.Timers heap = new WatermarkTimerBenchmark.Timers();
        queue.pending = 4096;
        heap.pending = 4096;
        queue.setUp();
        heap.setUp();
        try
        {
            long fired = 0;
            for (int i = 0; i < 50_000; i++)
            {
                final int q = b.timerQueue(queue);
                assertEquals(q, b.priorityQueue(heap));
                fired += q;
            }
            assertTrue(fired > 40_000, "about one timer fires per tick: " + fired);
            assertEquals(fired, queue.checksum.fired);
            assertEquals(heap.checksum.fired, queue.checksum.fired);
            assertEquals(heap.checksum.value, queue.checksum.value);
            assertEquals(heap.heap.size(), queue.queue.size());
            assertTrue(queue.queue.size() > 2048 && queue.queue.size() < 8192, "steady state near pending: " + queue.queue.size());
        }
        finally
        {
            queue.tearDown();
            heap.tearDown();
        }
    }
}
