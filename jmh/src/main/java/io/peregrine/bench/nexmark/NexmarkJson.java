package io.peregrine.bench.nexmark;


import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Nexmark events as JSON lines in the form the Flink Nexmark suite writes to and reads from Kafka
 * ({@code queries/ddl_kafka.sql}, {@code 'format' = 'json'}): one object per line with {@code event_type}
 * 0 (person), 1 (auction) or 2 (bid) and the nested {@code person}, {@code auction} and {@code bid} rows, the
 * two unused ones {@code null} as Flink's JSON format writes them:
 * <pre>
 * {"event_type":2,"person":null,"auction":null,"bid":{"auction":1000,"bidder":2001,"price":4521,
 *  "channel":"Google","url":"https://www.nexmark.com/...","dateTime":"2026-01-01 00:00:00.000","extra":"..."}}
 * </pre>
 * Field names are those of the DDL: person {@code id, name, emailAddress, creditCard, city, state, dateTime,
 * extra}; auction {@code id, itemName, description, initialBid, reserve, dateTime, expires, seller, category,
 * extra}; bid {@code auction, bidder, price, channel, url, dateTime, extra}. Timestamps are {@code TIMESTAMP(3)} in
 * the JSON format's default SQL form {@code yyyy-MM-dd HH:mm:ss.SSS} (UTC), see {@link SqlTimestamp}.
 */
public final class NexmarkJson
{
    private NexmarkJson()
    {
    }

    /**
     * Append one event as a JSON object (no newline) to a text. Allocation-free.
     *
     * @param event event to write.
     * @param out   text to append to.
     * @return the text.
     */
    public static Utf8Text append(final NexmarkEvent event, final Utf8Text out)
    {
        out.append("{\"event_type\":").appendPadded(event.type(), 1);
        switch (event.type())
        {
            case NexmarkEvent.PERSON:
            {
                final NexmarkEvent.Person p = event.person();
                out.append(",\"person\":{\"id\":").appendPadded(p.id(), 1);
                string(out.append(",\"name\":"), p.name());
                string(out.append(",\"emailAddress\":"), p.emailAddress());
                string(out.append(",\"creditCard\":"), p.creditCard());
                string(out.append(",\"city\":"), p.city());
                string(out.append(",\"state\":"), p.state());
                timestamp(out.append(",\"dateTime\":"), event.dateTime());
                string(out.append(",\"extra\":"), p.extra());
                out.append("},\"auction\":null,\"bid\":null}");
                break;
            }
            case NexmarkEvent.AUCTION:
            {
                final NexmarkEvent.Auction a = event.auction();
                out.append(",\"person\":null,\"auction\":{\"id\":").appendPadded(a.id(), 1);
                string(out.append(",\"itemName\":"), a.itemName());
                string(out.append(",\"description\":"), a.description());
                number(out.append(",\"initialBid\":"), a.initialBid());
                number(out.append(",\"reserve\":"), a.reserve());
                timestamp(out.append(",\"dateTime\":"), event.dateTime());
                timestamp(out.append(",\"expires\":"), a.expires());
                number(out.append(",\"seller\":"), a.seller());
                number(out.append(",\"category\":"), a.category());
                string(out.append(",\"extra\":"), a.extra());
                out.append("},\"bid\":null}");
                break;
            }
            default:
            {
                final NexmarkEvent.Bid b = event.bid();
                out.append(",\"person\":null,\"auction\":null,\"bid\":{\"auction\":");
                number(out, b.auction());
                number(out.append(",\"bidder\":"), b.bidder());
                number(out.append(",\"price\":"), b.price());
                string(out.append(",\"channel\":"), b.channel());
                string(out.append(",\"url\":"), b.url());
                timestamp(out.append(",\"dateTime\":"), event.dateTime());
                string(out.append(",\"extra\":"), b.extra());
                out.append("}}");
                break;
            }
        }
        return out;
    }

    private static void number(final Utf8Text out, final long value)
    {
        if (value < 0)
        {
            if (value == Long.MIN_VALUE)
            {
                out.append("-9223372036854775808");
                return;
            }
            out.append((byte)'-');
            out.appendPadded(-value, 1);
        }
        else
        {
            out.appendPadded(value, 1);
        }
    }

    private static void timestamp(final Utf8Text out, final long epochMs)
    {
        out.append((byte)'"');
        SqlTimestamp.append(epochMs, out);
        out.append((byte)'"');
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static void string(final Utf8Text out, final Utf8Text value)
    {
        out.append((byte)'"');
        final byte[] bytes = value.bytes();
        final int from = value.offset();
        final int length = value.length();
        int clean = 0;
        while (clean < length)
        {
            final byte b = bytes[from + clean];
            if (b == '"' || b == '\\' || (b >= 0 && b < 0x20))
            {
                break;
            }
            clean++;
        }
        // Generated text never needs escaping: copy the clean prefix in one go.
        out.append(bytes, from, clean);
        for (int i = clean; i < length; i++)
        {
            final byte b = bytes[from + i];
            if (b == '"' || b == '\\')
            {
                out.append((byte)'\\').append(b);
            }
            else if (b >= 0 && b < 0x20)
            {
                out.append("\\u00").append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
            else
            {
                out.append(b);
            }
        }
        out.append((byte)'"');
    }

    /**
     * Write every event of a generator to a JSON-lines file (the input of another system's Kafka-source run).
     *
     * @param generator source, consumed.
     * @param file      file to write.
     * @return number of events written.
     * @throws IOException if the file cannot be written.
     */
    public static long writeFile(final NexmarkGenerator generator, final Path file) throws IOException
    {
        final NexmarkEvent event = new NexmarkEvent();
        try (Writer writer = new Writer(new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)))
        {
            while (generator.next(event))
            {
                writer.write(event);
            }
            return writer.lines();
        }
    }

    /**
     * Print the writer's and the reader's rates and the reader's allocation per line: writes generated events to a
     * file, then reads them back (dead letters to a second file).
     * <p>
     * {@code java -cp jmh/target/benchmarks.jar io.peregrine.bench.nexmark.NexmarkJson [events] [rounds] [dir]}
     *
     * @param args events (default 2,000,000), rounds (default 3), directory for the files (default java.io.tmpdir).
     * @throws IOException if the files cannot be written or read.
     */
    public static void main(final String[] args) throws IOException
    {
        final long events = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final Path dir = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
        final Path file = Files.createTempFile(dir, "nexmark-", ".json");
        final Path deadLetters = Files.createTempFile(dir, "nexmark-", ".dead");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        final NexmarkEvent event = new NexmarkEvent();
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                final NexmarkGenerator generator = new NexmarkGenerator(new NexmarkConfig().maxEvents(events));
                long start = System.nanoTime();
                try (Writer writer = new Writer(new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)))
                {
                    while (generator.next(event))
                    {
                        writer.write(event);
                    }
                }
                final long writeNs = System.nanoTime() - start;
                final long bytes = Files.size(file);
                start = System.nanoTime();
                final long allocatedBefore = threads.getThreadAllocatedBytes(tid);
                final long read;
                try (NexmarkJsonReader reader = new NexmarkJsonReader(Files.newInputStream(file), Files.newOutputStream(deadLetters)))
                {
                    while (reader.next(event))
                    {
                        // Read only: the rate of parsing into the reused event.
                    }
                    read = reader.eventCount();
                }
                final long allocated = threads.getThreadAllocatedBytes(tid) - allocatedBefore;
                final long readNs = System.nanoTime() - start;
                System.out.printf("round %d: write %,.0f events/s (generator included, %.1f MB/s), " +
                    "read %,.0f events/s (%.1f MB/s), read allocation %.0f bytes/line, %d bytes/event on disk%n",
                    round, events * 1e9 / writeNs, bytes * 1e3 / writeNs, read * 1e9 / readNs, bytes * 1e3 / readNs,
                    (double)allocated / read, bytes / events);
            }
        }
        finally
        {
            Files.deleteIfExists(file);
            Files.deleteIfExists(deadLetters);
        }
    }

    /**
     * Writes events as JSON lines to a stream (wrap files in a {@code BufferedOutputStream}). Allocation-free per
     * event.
     */
    public static final class Writer implements Closeable
    {
        private final OutputStream out;
        private final Utf8Text line = new Utf8Text(1024);
        private long lines;

        /**
         * @param out stream to write to; closed by {@link #close()}.
         */
        public Writer(final OutputStream out)
        {
            this.out = out;
        }

        /**
         * Write one event and a newline.
         *
         * @param event event to write.
         * @throws IOException from the stream.
         */
        public void write(final NexmarkEvent event) throws IOException
        {
            append(event, line.clear()).append((byte)'\n');
            out.write(line.bytes(), 0, line.length());
            lines++;
        }

        /**
         * @return number of lines written.
         */
        public long lines()
        {
            return lines;
        }

        /**
         * {@inheritDoc}
         */
        public void close() throws IOException
        {
            out.close();
        }
    }
}
