package io.peregrine.bench.nexmark;

import io.peregrine.api.InputPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NexmarkJsonTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRoundTripGeneratedEventsThroughFile() throws IOException
    {
        final Path file = dir.resolve("events.json");
        final NexmarkGenerator generator = new NexmarkGenerator(new NexmarkConfig().maxEvents(20_000));
        final NexmarkEvent event = new NexmarkEvent();
        try (NexmarkJson.Writer writer = new NexmarkJson.Writer(new BufferedOutputStream(Files.newOutputStream(file))))
        {
            while (generator.next(event))
            {
                writer.write(event);
            }
            assertEquals(20_000, writer.lines());
        }

        final NexmarkGenerator expected = new NexmarkGenerator(new NexmarkConfig().maxEvents(20_000));
        final NexmarkEvent expectedEvent = new NexmarkEvent();
        final Path deadLetter = dir.resolve("dead.txt");
        try (NexmarkJsonReader reader = new NexmarkJsonReader(Files.newInputStream(file),
            Files.newOutputStream(deadLetter)))
        {
            while (reader.next(event))
            {
                assertTrue(expected.next(expectedEvent));
                assertTrue(event.sameContentAs(expectedEvent), event + " vs " + expectedEvent);
            }
            assertFalse(expected.next(expectedEvent));
            assertEquals(0, reader.malformedCount());
            assertEquals(20_000, reader.eventCount());
        }
        assertEquals(0, Files.size(deadLetter));
    }

    @Test
    void shouldWriteFlinkJsonForm()
    {
        final NexmarkEvent event = new NexmarkEvent().type(NexmarkEvent.BID).dateTime(1_767_225_600_123L);
        event.bid().auction(1000).bidder(2001).price(4521);
        event.bid().channel().set("Google");
        event.bid().url().set("https://x/\"q\"");
        event.bid().extra().set("abc");
        assertEquals("{\"event_type\":2,\"person\":null,\"auction\":null,\"bid\":{\"auction\":1000,\"bidder\":2001," +
            "\"price\":4521,\"channel\":\"Google\",\"url\":\"https://x/\\\"q\\\"\"," +
            "\"dateTime\":\"2026-01-01 00:00:00.123\",\"extra\":\"abc\"}}",
            NexmarkJson.append(event, new Utf8Text(64)).toString());
    }

    @Test
    void shouldDeadLetterMalformedLinesWithLineNumberAndReasonAndKeepReading() throws IOException
    {
        final String good = "{\"event_type\":2,\"bid\":{\"auction\":1000,\"bidder\":2001,\"price\":7,\"channel\":\"c\"," +
            "\"url\":\"u\",\"dateTime\":\"2026-01-01 00:00:01\",\"extra\":\"\"}}";
        final String input = String.join("\n",
            good,                                                              // 1
            "{\"event_type\":2,",                                              // 2 bad JSON
            good.replace("\"price\":7,", ""),                                  // 3 missing field
            good.replace("\"price\":7", "\"price\":\"seven\""),                // 4 wrong type
            good.replace("\"event_type\":2", "\"event_type\":7"),              // 5 unknown event_type
            "",                                                                // 6 blank: skipped
            good.replace("\"event_type\":2", "\"event_type\":0"),              // 7 no person object
            good.replace("2026-01-01 00:00:01", "yesterday"),                  // 8 bad timestamp
            "{\"person\":null,\"bid\":null}",                                  // 9 missing event_type
            good.replace("\"price\":7", "\"price\":8")) + "\n";                // 10
        final ByteArrayOutputStream deadLetter = new ByteArrayOutputStream();
        final NexmarkEvent event = new NexmarkEvent();
        try (NexmarkJsonReader reader = new NexmarkJsonReader(stream(input), deadLetter, InputPolicy.REJECT))
        {
            assertTrue(reader.next(event));
            assertEquals(7, event.bid().price());
            assertEquals(1_767_225_601_000L, event.dateTime());
            assertTrue(reader.next(event));
            assertEquals(8, event.bid().price());
            assertEquals(10, reader.lineNumber());
            assertFalse(reader.next(event));
            assertEquals(2, reader.eventCount());
            assertEquals(7, reader.malformedCount());
        }
        final List<String> dead = List.of(deadLetter.toString(StandardCharsets.UTF_8).split("\n"));
        assertEquals(7, dead.size());
        assertTrue(dead.get(0).startsWith("2\tinvalid JSON: "), dead.get(0));
        assertTrue(dead.get(1).startsWith("3\tmissing field bid.price\t{"), dead.get(1));
        assertTrue(dead.get(2).startsWith("4\twrong type for bid.price: expected integer\t"), dead.get(2));
        assertTrue(dead.get(3).startsWith("5\tunknown event_type 7\t"), dead.get(3));
        assertTrue(dead.get(4).startsWith("7\tevent_type 0 without a person object\t"), dead.get(4));
        assertTrue(dead.get(5).startsWith("8\twrong type for bid.dateTime: expected timestamp string\t"),
            dead.get(5));
        assertTrue(dead.get(6).startsWith("9\tmissing field event_type\t"), dead.get(6));
    }

    @Test
    void shouldReadMissingFieldsAsZeroAndConvertExactNumbersUnderTheLenientPolicy() throws IOException
    {
        final String good = "{\"event_type\":2,\"bid\":{\"auction\":1000,\"bidder\":2001,\"price\":7,\"channel\":\"c\"," +
            "\"url\":\"u\",\"dateTime\":\"2026-01-01 00:00:01\",\"extra\":\"e\"}}";
        final String input = String.join("\n",
            good.replace(",\"extra\":\"e\"", ""),                              // 1 no extra: empty
            good.replace("\"price\":7", "\"price\":\" 5 \""),                    // 2 a number in quotes
            good.replace("\"price\":7", "\"price\":5.0"),                      // 3 an integer written as a decimal
            good.replace("\"price\":7", "\"price\":5.5"),                      // 4 not an integer: rejected
            good.replace("\"price\":7", "\"price\":null"),                     // 5 null: zero
            good.replace("\"channel\":\"c\"", "\"channel\":42"),                // 6 a number as text
            good.replace(",\"dateTime\":\"2026-01-01 00:00:01\"", ""),          // 7 no time: rejected
            good.replace("\"event_type\":2", "\"event_type\":\"2\""),            // 8 event_type in quotes
            good.replace("\"price\":7", "\"price\":5e2")) + "\n";             // 9 500
        final ByteArrayOutputStream deadLetter = new ByteArrayOutputStream();
        final NexmarkEvent event = new NexmarkEvent();
        final List<String> read = new java.util.ArrayList<>();
        try (NexmarkJsonReader reader = new NexmarkJsonReader(stream(input), deadLetter))
        {
            while (reader.next(event))
            {
                read.add(reader.lineNumber() + ":" + event.bid().price() + "," + event.bid().channel() + "," +
                    event.bid().extra() + "," + reader.lastDefaulted() + "," + reader.lastConverted());
            }
            assertEquals(7, reader.eventCount());
            assertEquals(2, reader.malformedCount());
            assertEquals(2, reader.defaultedCount());
            assertEquals(5, reader.convertedCount());
        }
        assertEquals(List.of("1:7,c,,1,0", "2:5,c,e,0,1", "3:5,c,e,0,1", "5:0,c,e,1,0", "6:7,42,e,0,1", "8:7,c,e,0,1",
            "9:500,c,e,0,1"), read);
        final List<String> dead = List.of(deadLetter.toString(StandardCharsets.UTF_8).split("\n"));
        assertTrue(dead.get(0).startsWith("4\twrong type for bid.price: expected integer\t"), dead.get(0));
        assertTrue(dead.get(1).startsWith("7\tmissing field bid.dateTime (a time is never read as zero)\t"),
            dead.get(1));
    }

    @Test
    void shouldDeadLetterLinesHoldingMoreOrLessThanOneObject() throws IOException
    {
        final String good = "{\"event_type\":2,\"bid\":{\"auction\":1000,\"bidder\":2001,\"price\":7,\"channel\":\"c\"," +
            "\"url\":\"u\",\"dateTime\":\"2026-01-01 00:00:01\",\"extra\":\"\"}}";
        final String input = good + " " + good + "\n" +                   // 1 two objects
            good + " x\n" +                                                // 2 trailing garbage
            "[1,2]\n" +                                                    // 3 not an object
            "{\"event_type\":2,\n" +                                       // 4 cut short
            "  \r\n" +                                                     // 5 blank
            good + "\r\n" +                                                // 6
            good;                                                          // 7 no final newline
        final ByteArrayOutputStream deadLetter = new ByteArrayOutputStream();
        final NexmarkEvent event = new NexmarkEvent();
        try (NexmarkJsonReader reader = new NexmarkJsonReader(stream(input), deadLetter))
        {
            assertTrue(reader.next(event));
            assertEquals(6, reader.lineNumber());
            assertTrue(reader.next(event));
            assertEquals(7, reader.lineNumber());
            assertFalse(reader.next(event));
            assertEquals(4, reader.malformedCount());
        }
        final List<String> dead = List.of(deadLetter.toString(StandardCharsets.UTF_8).split("\n"));
        assertEquals(4, dead.size(), dead.toString());
        assertTrue(dead.get(0).startsWith("1\ttrailing content after the object\t{"), dead.get(0));
        assertTrue(dead.get(1).startsWith("2\t"), dead.get(1));
        assertTrue(dead.get(2).startsWith("3\tnot a JSON object\t[1,2]"), dead.get(2));
        assertEquals("4\t", dead.get(3).substring(0, 2));
        assertTrue(dead.get(3).endsWith("\t{\"event_type\":2,"), dead.get(3));
    }

    @Test
    void shouldReadThroughTrickleStreamAndLinesLongerThanTheBuffer() throws IOException
    {
        final NexmarkGenerator generator = new NexmarkGenerator(new NexmarkConfig().maxEvents(3_000));
        final NexmarkEvent event = new NexmarkEvent();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final NexmarkJson.Writer writer = new NexmarkJson.Writer(bytes);
        final List<String> expected = new java.util.ArrayList<>();
        while (generator.next(event))
        {
            if (event.eventNumber() == 1_000)
            {
                event.bid().extra().clear();
                for (int i = 0; i < 700_000; i++)
                {
                    event.bid().extra().append((byte)('a' + i % 26));
                }
            }
            writer.write(event);
            expected.add(event.toString().replaceFirst("^NexmarkEvent\\{n=\\d+", "NexmarkEvent{n=-1"));
        }
        final byte[] data = bytes.toByteArray();
        final InputStream trickle = new InputStream()
        {
            private int position;

            public int read()
            {
                return position < data.length ? data[position++] & 0xFF : -1;
            }

            public int read(final byte[] b, final int off, final int len)
            {
                if (position >= data.length)
                {
                    return -1;
                }
                final int n = Math.min(Math.min(len, 977), data.length - position);
                System.arraycopy(data, position, b, off, n);
                position += n;
                return n;
            }
        };
        final ByteArrayOutputStream deadLetter = new ByteArrayOutputStream();
        try (NexmarkJsonReader reader = new NexmarkJsonReader(trickle, deadLetter))
        {
            int i = 0;
            while (reader.next(event))
            {
                assertEquals(expected.get(i++), event.toString());
            }
            assertEquals(3_000, i);
            assertEquals(0, reader.malformedCount());
        }
    }

    @Test
    void shouldReadWithFewBytesAllocatedPerLine() throws IOException
    {
        final NexmarkGenerator generator = new NexmarkGenerator(new NexmarkConfig().maxEvents(100_000));
        final NexmarkEvent event = new NexmarkEvent();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final NexmarkJson.Writer writer = new NexmarkJson.Writer(bytes);
        while (generator.next(event))
        {
            writer.write(event);
        }
        final byte[] data = bytes.toByteArray();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        long allocated = 0;
        for (int round = 0; round < 3; round++)
        {
            final NexmarkJsonReader reader = new NexmarkJsonReader(new ByteArrayInputStream(data),
                new ByteArrayOutputStream());
            while (reader.next(event))
            {
                if (reader.eventCount() == 1_000)
                {
                    allocated = threads.getThreadAllocatedBytes(tid);
                }
            }
            allocated = threads.getThreadAllocatedBytes(tid) - allocated;
            assertEquals(100_000, reader.eventCount());
        }
        // One Jackson parser per 256 KiB region of lines, nothing per event: well under 64 bytes a line.
        assertTrue(allocated < 99_000L * 64, "allocated " + allocated + " bytes for 99,000 lines");
    }

    @Test
    void shouldReadFieldsInAnyOrderWithUnknownFieldsAndNonAscii() throws IOException
    {
        final String line = "{\"bid\":null,\"auction\":{\"extra\":\"\",\"category\":10,\"seller\":1001,\"zzz\":[1,{}]," +
            "\"expires\":\"2026-01-01T00:00:10.5Z\",\"dateTime\":\"2026-01-01 00:00:00.000\",\"reserve\":5," +
            "\"initialBid\":3,\"description\":\"caf\u00e9 \\u00e9\",\"itemName\":\"x\",\"id\":1000},\"event_type\":1}";
        final NexmarkEvent event = new NexmarkEvent();
        try (NexmarkJsonReader reader = new NexmarkJsonReader(stream(line), new ByteArrayOutputStream()))
        {
            assertTrue(reader.next(event));
            assertEquals(NexmarkEvent.AUCTION, event.type());
            assertEquals(1_767_225_610_500L, event.auction().expires());
            assertEquals("caf\u00e9 \u00e9", event.auction().description().toString());
            final String written = NexmarkJson.append(event, new Utf8Text(64)).toString();
            assertTrue(written.contains("\"description\":\"caf\u00e9 \u00e9\""), written);
        }
    }

    @Test
    void shouldFormatAndParseTimestampsLikeJavaTime()
    {
        final DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);
        final SplittableRandom random = new SplittableRandom(3);
        final Utf8Text text = new Utf8Text(32);
        for (int i = 0; i < 10_000; i++)
        {
            final long ms = random.nextLong(-2_000_000_000_000L, 250_000_000_000_000L);
            final String expected = format.format(Instant.ofEpochMilli(ms));
            assertEquals(expected, SqlTimestamp.append(ms, text.clear()).toString());
            assertEquals(expected, SqlTimestamp.append(ms, new StringBuilder()).toString());
            final char[] chars = expected.toCharArray();
            assertEquals(ms, SqlTimestamp.parse(chars, 0, chars.length));
        }
    }

    private static InputStream stream(final String s)
    {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
