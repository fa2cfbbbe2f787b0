package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Source;
import io.peregrine.bench.nexmark.NexmarkBaselines;
import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkGenerator;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NexmarkSourceTest
{
    /** Captures what a split reader emits. */
    private static final class Capture implements Source.SourceOutput
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16 * 1024]);
        final RowWriter writer = new RowWriter();
        final Row row = new Row();
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
}
