package io.peregrine.checkpoint;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.CRC32C;

/**
 * Triggers checkpoints and completes them. Checkpoint N is requested by publishing N ({@link #requested()}); every
 * shard injects barrier N at its sources when it next looks, journals its part once it holds N on every input and
 * acknowledges ({@link #acknowledge}). When all shards have, the coordinator journals a COMPLETE document and
 * publishes N as {@link #completed()}: exactly-once sinks commit the output of N only then. One checkpoint is in
 * flight at a time. Every {@code fullEvery}-th checkpoint (and the first after a restore) journals all state, so
 * recovery replays at most that many checkpoints.
 */
public final class CheckpointCoordinator implements Agent, AutoCloseable
{
    /** Called on the coordinator's thread when the final checkpoint is complete and committed by every shard. */
    @FunctionalInterface
    public interface FinalListener
    {
        void onFinalCheckpointCommitted(long id);
    }

    private final Path dir;
    private final int shards;
    private final long intervalMs;
    private final int fullEvery;
    private final EpochClock clock;
    private final NanoClock nanoClock;
    private final FinalListener finalListener;
    private final AtomicLongArray acknowledged;
    private final AtomicLongArray committed;
    private final long[] shardBytes;
    private final long[] shardPauseNs;
    private final ExpandableArrayBuffer doc = new ExpandableArrayBuffer(256);
    private final JournalWriter writer;
    private final CRC32C crc = new CRC32C();
    private volatile long requested;
    private volatile boolean requestedFull;
    private volatile long completed;
    private volatile boolean finalRequested;
    private volatile long finalId;
    private ChronicleQueue queue;
    private ExcerptAppender appender;
    private long nextId;
    private long base;
    private long inFlight;
    private boolean inFlightFull;
    private boolean inFlightFinal;
    private long triggerEpochMs;
    private long triggerNs;
    private long lastTriggerMs;
    private int sinceFull;
    private boolean finalCommitted;
    private long completedCount;
    private long lastDurationNs;
    private long lastBytes;

    /**
     * @param dir            the job's checkpoint directory.
     * @param shards         of the job.
     * @param intervalMs     between checkpoints; 0 takes only the final one.
     * @param fullEvery      every this many checkpoints one is full.
     * @param firstId        id of the next checkpoint (one above every id in the journals).
     * @param restoredId     the checkpoint the job was restored from, 0 for a fresh start.
     * @param clock          for the interval.
     * @param nanoClock      for durations.
     * @param finalListener  told when the final checkpoint is committed.
     */
    public CheckpointCoordinator(
        final Path dir, final int shards, final long intervalMs, final int fullEvery, final long firstId,
        final long restoredId, final EpochClock clock, final NanoClock nanoClock, final FinalListener finalListener)
    {
        this.dir = dir;
        this.shards = shards;
        this.intervalMs = intervalMs;
        this.fullEvery = Math.max(1, fullEvery);
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.finalListener = finalListener;
        this.acknowledged = new AtomicLongArray(shards);
        this.committed = new AtomicLongArray(shards);
        this.shardBytes = new long[shards];
        this.shardPauseNs = new long[shards];
        this.nextId = firstId;
        this.completed = restoredId;
        this.requested = restoredId;
        for (int s = 0; s < shards; s++)
        {
            acknowledged.set(s, restoredId);
            committed.set(s, restoredId);
        }
        this.sinceFull = Integer.MAX_VALUE / 2; // the first checkpoint of a run is full
        // Chronicle starts its resource releaser, which registers a JVM shutdown hook, the first time it is used; started
        // here, on the thread that starts the job, a final checkpoint taken while the JVM shuts down (SIGTERM) cannot
        // be the first use, which fails with "Shutdown in progress".
        net.openhft.chronicle.core.io.BackgroundResourceReleaser.isOnBackgroundResourceReleaserThread();
        this.writer = new JournalWriter(dir, shards);
        this.writer.coordinator(this);
        this.lastTriggerMs = clock.time();
    }

    /**
     * @return the writer the shards hand their journal documents to.
     */
    public JournalWriter journalWriter()
    {
        return writer;
    }

    public void onStart()
    {
        writer.openAll();
    }

    public String roleName()
    {
        return "peregrine-checkpoint-coordinator";
    }

    /** @return the newest checkpoint requested; shards inject its barrier once. */
    public long requested()
    {
        return requested;
    }

    /** @return the newest completed checkpoint; exactly-once sinks may commit its output. */
    public long completed()
    {
        return completed;
    }

    public long completedCount()
    {
        return completedCount;
    }

    public long lastDurationNs()
    {
        return lastDurationNs;
    }

    public long lastBytes()
    {
        return lastBytes;
    }

    /**
     * Ask for a final checkpoint (end of input, or stop with savepoint) as soon as none is in flight.
     */
    public void requestFinal()
    {
        finalRequested = true;
    }

    /** @return true once the final checkpoint is complete and every shard has committed its output. */
    public boolean isFinalCommitted()
    {
        return finalCommitted;
    }

    /**
     * Called (by the journal writer, on this coordinator's thread) when shard {@code shard}'s part of checkpoint
     * {@code id} is journaled.
     */
    public void acknowledge(final int shard, final long id, final long bytes, final long pauseNs)
    {
        shardBytes[shard] = bytes;
        shardPauseNs[shard] = pauseNs;
        acknowledged.set(shard, id); // volatile write publishes the two plain writes above
    }

    /**
     * Called by shard {@code shard} when it has committed the output of checkpoint {@code id}.
     */
    public void committed(final int shard, final long id)
    {
        committed.lazySet(shard, id);
    }

    public int doWork()
    {
        final int appended = writer.drain();
        if (inFlight != 0)
        {
            for (int s = 0; s < shards; s++)
            {
                if (acknowledged.get(s) < inFlight)
                {
                    return appended;
                }
            }
            complete();
            return 1;
        }
        if (finalId != 0)
        {
            if (!finalCommitted)
            {
                for (int s = 0; s < shards; s++)
                {
                    if (committed.get(s) < finalId)
                    {
                        return 0;
                    }
                }
                finalCommitted = true;
                finalListener.onFinalCheckpointCommitted(finalId);
                return 1;
            }
            return 0;
        }
        final long now = clock.time();
        if (finalRequested)
        {
            trigger(now, true);
            return 1;
        }
        if (intervalMs > 0 && now - lastTriggerMs >= intervalMs)
        {
            trigger(now, false);
            return 1;
        }
        return 0;
    }

    private void trigger(final long nowMs, final boolean isFinal)
    {
        final long id = nextId++;
        final boolean full = sinceFull + 1 >= fullEvery;
        sinceFull = full ? 0 : sinceFull + 1;
        if (full)
        {
            base = id;
        }
        inFlight = id;
        inFlightFull = full;
        inFlightFinal = isFinal;
        triggerEpochMs = nowMs;
        triggerNs = nanoClock.nanoTime();
        lastTriggerMs = nowMs;
        requestedFull = full;
        requested = id;
    }

    /** @return whether the requested checkpoint journals all state. */
    public boolean requestedFull()
    {
        return requestedFull;
    }

    private void complete()
    {
        long bytes = 0;
        long maxPause = 0;
        for (int s = 0; s < shards; s++)
        {
            bytes += shardBytes[s];
            maxPause = Math.max(maxPause, shardPauseNs[s]);
        }
        final long durationNs = nanoClock.nanoTime() - triggerNs;
        if (appender == null)
        {
            queue = Journals.open(Journals.coordinator(dir), false);
            appender = queue.createAppender();
        }
        final int at = JournalFormat.HEADER_LENGTH;
        doc.putLong(at, base);
        doc.putByte(at + 8, (byte)(inFlightFull ? 1 : 0));
        doc.putByte(at + 9, (byte)(inFlightFinal ? 1 : 0));
        doc.putShort(at + 10, (short)0);
        doc.putInt(at + 12, shards);
        doc.putLong(at + 16, triggerEpochMs);
        doc.putLong(at + 24, durationNs);
        doc.putLong(at + 32, bytes);
        doc.putLong(at + 40, maxPause);
        final int payload = 48;
        JournalFormat.seal(doc, crc, doc.byteArray(), JournalFormat.COMPLETE, inFlight, JournalFormat.COORDINATOR, 0, payload);
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(doc.byteArray(), 0, JournalFormat.HEADER_LENGTH + payload);
        }
        completedCount++;
        if (inFlightFull)
        {
            writer.deleteBeforeLastCheckpoint();
        }
        lastDurationNs = durationNs;
        lastBytes = bytes;
        if (inFlightFinal)
        {
            finalId = inFlight;
        }
        completed = inFlight;
        inFlight = 0;
    }

    public void onClose()
    {
        close();
    }

    public void close()
    {
        writer.close();
        if (queue != null)
        {
            appender.close();
            queue.close();
            queue = null;
            appender = null;
        }
    }

    static CheckpointInfo decode(final org.agrona.DirectBuffer doc)
    {
        final int at = JournalFormat.HEADER_LENGTH;
        return new CheckpointInfo(doc.getLong(JournalFormat.ID_OFFSET), doc.getLong(at), doc.getByte(at + 8) != 0,
            doc.getByte(at + 9) != 0, doc.getInt(at + 12), doc.getLong(at + 16), doc.getLong(at + 24),
            doc.getLong(at + 32), doc.getLong(at + 40));
    }
}
