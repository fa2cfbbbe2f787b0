package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.MutableRow;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Source;
import io.peregrine.api.SourceContext;
import io.peregrine.bench.nexmark.NexmarkBaselines;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NexmarkSourceTest
{
    /** Captures what a split reader emits. */
    private static final class Capture implements Source.SourceOutput
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16 * 1024]);
        final RowWriter writer = new RowWriter();
        final MutableRow row = new MutableRow();
        final List<Long> positions = new ArrayList<>();
        final List<String> rows = new ArrayList<>();

        public RowWriter next()
        {
            return writer.wrap(NexmarkRows.EVENT, buffer, 0, buffer.capacity());
        }

        public void emit(final long position)
        {
            positions.add(position);
            rows.add(row.wrap(NexmarkRows.EVENT, buffer, 0, writer.length()).toString());
        }

        public void deadLetter(final long position, final String reason, final CharSequence raw)
        {
            throw new AssertionError("no dead letters expected: " + reason);
        }
    }

    @Test
    void shouldReadEveryKthEventNumberInASplit() throws Exception
    {
        final NexmarkSource source = NexmarkSource.generator(new NexmarkConfig(), 10, 3);
        assertTrue(source.isBounded());
        assertEquals(3, source.splitCount(8));
        final Capture out = new Capture();
        final Source.SplitReader reader = source.createReader(1, 3, null);
        assertEquals(2, reader.poll(out, 2));
        assertEquals(1, reader.poll(out, 100));
        assertEquals(Source.SplitReader.END, reader.poll(out, 100));
        assertEquals(List.of(1L, 4L, 7L), out.positions);
    }

    @Test
    void shouldWriteEachPartOfTheEventIntoTheWideRow() throws Exception
    {
        final NexmarkConfig config = new NexmarkConfig();
        final Capture out = new Capture();
        final Source.SplitReader reader = NexmarkSource.generator(config, 50, 1).createReader(0, 1, null);
        assertEquals(50, reader.poll(out, 1_000));
        final NexmarkGenerator generator = new NexmarkGenerator(config);
        final NexmarkEvent event = new NexmarkEvent();
        for (int n = 0; n < 50; n++)
        {
            generator.generate(n, event);
            final String row = out.rows.get(n);
            assertTrue(row.startsWith(event.type() + "," + event.dateTime() + ","), row);
            switch (event.type())
            {
                case NexmarkEvent.PERSON:
                    assertTrue(row.contains("," + event.person().id() + "," + event.person().name() + "," +
                        event.person().emailAddress() + "," + event.person().creditCard() + "," +
                        event.person().city() + "," + event.person().state() + "," + event.person().extra() + ","), row);
                    break;
                case NexmarkEvent.AUCTION:
                    assertTrue(row.contains("," + event.auction().id() + "," + event.auction().itemName() + "," +
                        event.auction().description() + "," + event.auction().initialBid() + "," +
                        event.auction().reserve() + "," + event.auction().expires() + "," + event.auction().seller() +
                        "," + event.auction().category() + "," + event.auction().extra() + ","), row);
                    break;
                default:
                    assertTrue(row.endsWith("," + event.bid().auction() + "," + event.bid().bidder() + "," +
                        event.bid().price() + "," + event.bid().channel() + "," + event.bid().url() + "," +
                        event.bid().extra()), row);
            }
        }
    }

    @Test
    void shouldNeverEndWhenUnbounded() throws Exception
    {
        final NexmarkSource source = NexmarkSource.generator(new NexmarkConfig(), NexmarkSource.UNBOUNDED, 0);
        assertFalse(source.isBounded());
        assertEquals(2, source.splitCount(2));
        final Capture out = new Capture();
        final Source.SplitReader reader = source.createReader(0, 2, null);
        for (int i = 0; i < 10; i++)
        {
            assertEquals(100, reader.poll(out, 100));
        }
        assertEquals(2_000, reader.position());
    }

    @Test
    void shouldGiveTheBaselineDigestWithoutKeepingRows()
    {
        final NexmarkConfig config = new NexmarkConfig().eventRate(1_000);
        final NexmarkBaselines.DigestSink expected = new NexmarkBaselines.DigestSink();
        final List<String> rows = NexmarkRunner.baseline("q5", config, 30_000, () -> 0L);
        rows.forEach(expected::row);
        final NexmarkRunner.Digest digest =
            NexmarkRunner.digest("q5", NexmarkSource.generator(config, 30_000, 0), NexmarkRunner.context(2));
        assertEquals(new NexmarkRunner.Digest(expected.rows(), expected.digest()), digest);
    }

    /** A job's view with a nano clock advanced by hand. */
    private static final class HandClock implements SourceContext, NanoClock
    {
        long nowNs;

        HandClock(final long nowNs)
        {
            this.nowNs = nowNs;
        }

        public long nanoTime()
        {
            return nowNs;
        }

        public EpochClock epochClock()
        {
            return () -> nowNs / 1_000_000;
        }

        public NanoClock nanoClock()
        {
            return this;
        }

        public int maxRowLength()
        {
            return 16 * 1024;
        }
    }

    @Test
    void shouldScheduleEveryEventOnAnAbsoluteTimelineFromTheFirstReader()
    {
        final HandClock clock = new HandClock(5_000);
        final NexmarkSource source = NexmarkSource.paced(new NexmarkConfig(), 1_000, 2, 1_000_000);
        source.createReader(1, 2, clock);
        clock.nowNs = 900_000;
        source.createReader(0, 2, clock);
        assertEquals(5_000, source.startNs(), "the schedule starts with the first reader");
        assertEquals(5_000, source.intendedNs(0));
        assertEquals(6_000, source.intendedNs(1));
        assertEquals(5_000 + 999_000, source.intendedNs(999));

        final NexmarkSource third = NexmarkSource.paced(new NexmarkConfig(), 10, 1, 3);
        third.createReader(0, 1, new HandClock(0));
        assertEquals(333_333_333, third.intendedNs(1));
        assertEquals(1_000_000_000, third.intendedNs(3));
        assertEquals(3_333_333_333L, third.intendedNs(10));
    }

    @Test
    void shouldEmitOnlyDueEventsAndCatchUpWithoutSkipping() throws Exception
    {
        final HandClock clock = new HandClock(10_000);
        final NexmarkSource source = NexmarkSource.paced(new NexmarkConfig(), 60, 2, 1_000_000);
        final Source.SplitReader reader = source.createReader(0, 2, clock);
        final Capture out = new Capture();

        assertEquals(1, reader.poll(out, 10), "event 0 is due at the start");
        assertEquals(0, reader.poll(out, 10), "event 2 is not due yet");
        clock.nowNs = 10_000 + 4_999;
        assertEquals(2, reader.poll(out, 10), "events 2 and 4 are due, 6 is not");
        assertEquals(List.of(0L, 2L, 4L), out.positions);

        // A stall: the split is 24 events behind; it catches up at the poll limit, in order, skipping none.
        clock.nowNs = 10_000 + 50_000;
        assertEquals(10, reader.poll(out, 10));
        assertEquals(10, reader.poll(out, 10));
        assertEquals(3, reader.poll(out, 10));
        assertEquals(0, reader.poll(out, 10));
        final List<Long> expected = new ArrayList<>();
        for (long n = 0; n <= 50; n += 2)
        {
            expected.add(n);
        }
        assertEquals(expected, out.positions);
        for (final long n : out.positions)
        {
            assertTrue(source.intendedNs(n) <= clock.nowNs, "event " + n + " sent before it was due");
        }

        clock.nowNs = Long.MAX_VALUE / 2;
        assertEquals(4, reader.poll(out, 10), "events 52 to 58");
        assertEquals(Source.SplitReader.END, reader.poll(out, 10));
        assertEquals(30, out.positions.size());
    }

    @Test
    void shouldWriteThePacedEventsThatTheUnpacedSourceWrites() throws Exception
    {
        final NexmarkConfig config = new NexmarkConfig();
        final Capture paced = new Capture();
        final HandClock clock = new HandClock(0);
        final Source.SplitReader pacedReader = NexmarkSource.paced(config, 100, 1, 1e6).createReader(0, 1, clock);
        clock.nowNs = 1_000_000_000;
        assertEquals(100, pacedReader.poll(paced, 1_000));
        final Capture unpaced = new Capture();
        assertEquals(100, NexmarkSource.generator(config, 100, 1).createReader(0, 1, null).poll(unpaced, 1_000));
        assertEquals(unpaced.rows, paced.rows);
        assertEquals(unpaced.positions, paced.positions);
    }

    @Test
    void shouldRefuseAPaceThatIsNotPositive()
    {
        assertThrows(IllegalArgumentException.class, () -> NexmarkSource.paced(new NexmarkConfig(), 10, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> NexmarkSource.paced(new NexmarkConfig(), 10, 0, Double.NaN));
    }
}
