package io.peregrine.bench.micro;

import io.peregrine.api.Field;
import io.peregrine.api.Row;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.bench.JvmFlags;
import io.peregrine.exchange.ExchangeFrame;
import io.peregrine.exchange.OutboundChannel;
import io.peregrine.config.Settings;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Records per second handed from one thread to another over an exchange ring, the way a
 * {@code keyBy} moves records between shards: an Agrona {@link OneToOneRingBuffer} carrying
 * {@link ExchangeFrame} RECORD messages (24-byte header + a 24-byte row, 64 bytes a slot with the
 * ring's own header and alignment).
 * <ul>
 *   <li>group {@code channel}: the producer thread sends through the engine's public
 *   {@link OutboundChannel#sendRecord(Row)} (tryClaim / write header / copy row / commit, falling back
 *   to its pending buffer when the ring is full); when something is pending it only flushes, as a
 *   shard does (sources are not read while anything is held back), so the pending buffer holds at
 *   most one record.</li>
 *   <li>group {@code ringWrite} (baseline): the producer copies an already framed record with
 *   {@code ring.write(...)}, no channel.</li>
 * </ul>
 * In both, the consumer thread calls {@code ring.read(handler, 1024)} (the engine's default poll
 * limit) and the handler does what {@code ExchangeInput} does: check type and version, wrap the
 * {@link Row} flyweight over the payload, take the meta data from the header, and read the key; it
 * also checks that the records arrive in order, none lost (their positions are 0, 1, 2, ...).
 * <p>
 * <b>Read the {@code received} counter</b> ({@code @AuxCounters}): records consumed per second, the
 * result. {@code sent} is records accepted by the producer; {@code sendFull} and {@code readEmpty}
 * count attempts that found the ring full or empty. The primary score sums every attempt of both
 * threads and is not a record rate. {@code gc.alloc.rate.norm} is per attempt and should be ~0.
 * Both threads spin: on a 2-core machine they take both cores.
 * <p>
 * {@code java -jar jmh/target/benchmarks.jar ExchangeBenchmark -prof gc}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    JvmFlags.EXPORT_MISC, JvmFlags.OPEN_LANG, JvmFlags.OPEN_REFLECT, JvmFlags.OPEN_NIO, JvmFlags.EXPORT_NIO_CH,
    JvmFlags.EXPORT_REF, JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER })
public class ExchangeBenchmark
{
    /** Messages read per {@code ring.read} call: the engine's default. */
    public static final int POLL_LIMIT = Settings.EXCHANGE_POLL_LIMIT.defaultValue();

    /** Records a producing shard sends per duty cycle, after which it flushes its batch. */
    static final int RECORDS_PER_CYCLE = 64;

    static final Schema RECORD = Schema.builder("record").int64("key").timestamp("ts").int64("value").build();
    static final Field.Int64 KEY = RECORD.int64("key");
    static final Field.Timestamp TS = RECORD.timestamp("ts");
    static final Field.Int64 VALUE = RECORD.int64("value");

    /**
     * The ring shared by the producer and the consumer of one group, with each side's objects (each
     * touched by one thread only).
     */
    @State(Scope.Group)
    public static class Ring
    {
        /** Ring capacity in bytes (a power of two); the engine's default is 1 MiB. */
        @Param({ "1048576" })
        public int ringCapacity;

        OneToOneRingBuffer ring;

        // Producer side.
        OutboundChannel channel;
        UnsafeBuffer rowBuffer;
        final Row row = new Row();
        UnsafeBuffer framed;
        int framedLength;
        long sequence;

        // Consumer side.
        final Consumer consumer = new Consumer();

        @Setup(Level.Trial)
        public void setUp()
        {
            ring = new OneToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                ringCapacity + RingBufferDescriptor.TRAILER_LENGTH, 64)));
            channel = new OutboundChannel(ring);
            rowBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
            final RowWriter writer = new RowWriter().wrap(RECORD, rowBuffer, 0, 64)
                .putLong(KEY, 42).putTimestamp(TS, 1_700_000_000_000L).putLong(VALUE, 7);
            row.wrap(RECORD, rowBuffer, 0, writer.length()).meta(1_700_000_000_000L, 0, 0);
            framedLength = ExchangeFrame.RECORD_HEADER_LENGTH + writer.length();
            framed = new UnsafeBuffer(BufferUtil.allocateDirectAligned(128, 64));
            framed.putLong(ExchangeFrame.EVENT_TIME_OFFSET, 1_700_000_000_000L);
            framed.putLong(ExchangeFrame.POSITION_OFFSET, 0);
            framed.putInt(ExchangeFrame.SPLIT_OFFSET, 0);
            framed.putInt(ExchangeFrame.VERSION_OFFSET, ExchangeFrame.VERSION);
            framed.putBytes(ExchangeFrame.RECORD_HEADER_LENGTH, rowBuffer, 0, writer.length());
        }
    }

    /**
     * The consumer's handler: what {@code ExchangeInput} does with a RECORD message.
     */
    static final class Consumer implements MessageHandler
    {
        final Row row = new Row();
        long records;
        long checksum;
        long lastPosition = -1;

        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            if (msgTypeId == ExchangeFrame.BATCH)
            {
                // What ExchangeInput does with a batch: each entry is a length, padding and a RECORD payload.
                final int end = index + length;
                int at = index;
                while (at < end)
                {
                    final int recordLength = buffer.getInt(at);
                    final int record = at + ExchangeFrame.BATCH_ENTRY_HEADER;
                    onMessage(ExchangeFrame.RECORD, buffer, record, recordLength);
                    at = record + ((recordLength + 7) & ~7);
                }
                return;
            }
            if (msgTypeId != ExchangeFrame.RECORD || buffer.getInt(index + ExchangeFrame.VERSION_OFFSET) != ExchangeFrame.VERSION)
            {
                throw new IllegalStateException("unexpected message type " + msgTypeId + " or version");
            }
            row.wrap(RECORD, buffer, index + ExchangeFrame.RECORD_HEADER_LENGTH, length - ExchangeFrame.RECORD_HEADER_LENGTH);
            row.meta(
                buffer.getLong(index + ExchangeFrame.EVENT_TIME_OFFSET),
                buffer.getInt(index + ExchangeFrame.SPLIT_OFFSET),
                buffer.getLong(index + ExchangeFrame.POSITION_OFFSET));
            final long position = row.sourcePosition();
            if (position != lastPosition + 1)
            {
                throw new IllegalStateException("record " + position + " after " + lastPosition + ": lost or reordered");
            }
            lastPosition = position;
            checksum += row.getLong(KEY) + row.eventTime();
            records++;
        }
    }

    /**
     * Per-thread outcome counters, reported as rates; reset every iteration.
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counters
    {
        /** Records accepted by the producer. */
        public long sent;
        /** Producer attempts that found the ring full (nothing sent). */
        public long sendFull;
        /** Records consumed: the result. */
        public long received;
        /** Consumer attempts that found the ring empty. */
        public long readEmpty;

        @Setup(Level.Iteration)
        public void reset()
        {
            sent = 0;
            sendFull = 0;
            received = 0;
            readEmpty = 0;
        }
    }

    /**
     * Producer of group {@code channel}: one record through {@link OutboundChannel#sendRecord(Row)}
     * unless a record is held back and the ring is still full.
     *
     * @return true if a record was sent.
     */
    @Benchmark
    @Group("channel")
    @GroupThreads(1)
    public boolean channelSend(final Ring ring, final Counters counters)
    {
        final OutboundChannel channel = ring.channel;
        if (channel.hasPending())
        {
            channel.flush();
            if (channel.hasPending())
            {
                counters.sendFull++;
                return false;
            }
        }
        final long seq = ring.sequence++;
        ring.row.meta(seq, 0, seq);
        channel.sendRecord(ring.row);
        if ((seq & (RECORDS_PER_CYCLE - 1)) == RECORDS_PER_CYCLE - 1)
        {
            // A shard flushes its batches at the end of every duty cycle.
            channel.flushBatch();
        }
        counters.sent++;
        return true;
    }

    /**
     * Consumer of group {@code channel}.
     *
     * @return records read.
     */
    @Benchmark
    @Group("channel")
    @GroupThreads(1)
    public int channelReceive(final Ring ring, final Counters counters)
    {
        return receive(ring, counters);
    }

    /**
     * Producer of group {@code ringWrite} (baseline): {@code ring.write} of a pre-framed record with
     * its event time and position updated.
     *
     * @return true if a record was sent.
     */
    @Benchmark
    @Group("ringWrite")
    @GroupThreads(1)
    public boolean ringWriteSend(final Ring ring, final Counters counters)
    {
        final long seq = ring.sequence;
        final UnsafeBuffer framed = ring.framed;
        framed.putLong(ExchangeFrame.EVENT_TIME_OFFSET, seq);
        framed.putLong(ExchangeFrame.POSITION_OFFSET, seq);
        if (ring.ring.write(ExchangeFrame.RECORD, framed, 0, ring.framedLength))
        {
            ring.sequence = seq + 1;
            counters.sent++;
            return true;
        }
        counters.sendFull++;
        return false;
    }

    /**
     * Consumer of group {@code ringWrite}.
     *
     * @return records read.
     */
    @Benchmark
    @Group("ringWrite")
    @GroupThreads(1)
    public int ringWriteReceive(final Ring ring, final Counters counters)
    {
        return receive(ring, counters);
    }

    /**
     * @return records read (a batch message holds many).
     */
    private static int receive(final Ring ring, final Counters counters)
    {
        final long before = ring.consumer.records;
        ring.ring.read(ring.consumer, POLL_LIMIT);
        final int n = (int)(ring.consumer.records - before);
        if (n == 0)
        {
            counters.readEmpty++;
        }
        counters.received += n;
        return n;
    }
}
