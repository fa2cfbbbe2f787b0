package io.peregrine.checkpoint;

import io.peregrine.demo.CheckpointedJob;
import io.peregrine.api.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged journals, each case by name: recovery falls back to the newest checkpoint that is whole and the resumed
 * output still equals an uninterrupted run's, or, when none is whole, the job refuses to start and names the
 * journal and index. Never garbage in state.
 */
class CorruptJournalTest
{
    private static final long EVENTS = 400_000;

    @TempDir
    Path tmp;

    /**
     * Run over the first half of the input until a few checkpoints completed, stop with a savepoint; return the
     * checkpoints. The source stops at the gate, so the job cannot end before.
     */
    private List<CheckpointInfo> interruptedRun(final Path out, final Path checkpoints)
    {
        final Job job = CheckpointedJob.pipeline(EVENTS, () -> EVENTS / 2, out).execute(
            CheckpointedJob.context(2, checkpoints, 1));
        final long deadline1 = Waits.deadline();
        while (job.checkpoints().completedCount() < 6)
        {
            Waits.pause(deadline1, "the checkpoints before the stop");
        }
        job.stopWithSavepoint();
        job.join();
        final List<CheckpointInfo> completed = CheckpointStore.scan(checkpoints).completed();
        assertTrue(completed.size() >= 6, "completed " + completed);
        return completed;
    }

    private List<List<String>> reference() throws Exception
    {
        final Path out = tmp.resolve("reference");
        CheckpointedJob.pipeline(EVENTS, out).execute(CheckpointedJob.context(1, tmp.resolve("reference-checkpoints"), 0))
            .join();
        return outputs(out);
    }

    private static List<List<String>> outputs(final Path out) throws Exception
    {
        return List.of(CheckpointedJob.committed(out, "windows"), CheckpointedJob.committed(out, "sessions"),
            CheckpointedJob.committed(out, "maxima"));
    }

    /**
     * Flip a byte inside the payload of the first document of {@code kind} for checkpoint {@code id} in the journal
     * at {@code journal}, found by its header bytes in the queue's files.
     */
    private static void corrupt(final Path journal, final short kind, final long id) throws Exception
    {
        final byte[] header = new byte[16];
        final org.agrona.concurrent.UnsafeBuffer h = new org.agrona.concurrent.UnsafeBuffer(header);
        h.putInt(JournalFormat.MAGIC_OFFSET, JournalFormat.MAGIC);
        h.putShort(JournalFormat.VERSION_OFFSET, JournalFormat.VERSION);
        h.putShort(JournalFormat.KIND_OFFSET, kind);
        h.putLong(JournalFormat.ID_OFFSET, id);
        try (Stream<Path> files = Files.list(journal))
        {
            for (final Path file : (Iterable<Path>)files.filter(f -> f.toString().endsWith(".cq4"))::iterator)
            {
                final byte[] bytes = Files.readAllBytes(file);
                for (int i = 0; i + header.length < bytes.length; i++)
                {
                    if (java.util.Arrays.equals(bytes, i, i + header.length, header, 0, header.length))
                    {
                        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                        {
                            final long at = i + JournalFormat.HEADER_LENGTH + 3;
                            raf.seek(at);
                            final int b = raf.read();
                            raf.seek(at);
                            raf.write(b ^ 0x5A);
                        }
                        return;
                    }
                }
            }
        }
        throw new AssertionError("no document of kind " + kind + " for checkpoint " + id + " in " + journal);
    }

    @Test
    void shouldFallBackToThePreviousCheckpointWhenTheNewestHasADamagedShardDocument() throws Exception
    {
        final List<List<String>> expected = reference();
        final Path out = tmp.resolve("out");
        final Path checkpoints = tmp.resolve("checkpoints");
        final List<CheckpointInfo> completed = interruptedRun(out, checkpoints);
        final CheckpointInfo last = completed.get(completed.size() - 1);
        corrupt(Journals.shard(checkpoints, 1), JournalFormat.SHARD_END, last.id);

        final CheckpointStore store = CheckpointStore.scan(checkpoints);
        assertNotNull(store.restorable());
        assertTrue(store.restorable().id < last.id, "restorable " + store.restorable());
        assertTrue(store.problems().stream().anyMatch(p -> p.contains("shard-1") && p.contains("checksum mismatch") &&
            p.contains("index 0x")), store.problems().toString());

        final Job resumed = CheckpointedJob.pipeline(EVENTS, out).execute(CheckpointedJob.context(2, checkpoints, 1));
        resumed.join();
        assertTrue(resumed.restoredFrom().id < last.id);
        assertEquals(expected, outputs(out));
    }

    @Test
    void shouldFallBackPastAnIncrementalChainWhoseFullCheckpointIsDamaged() throws Exception
    {
        final List<List<String>> expected = reference();
        final Path out = tmp.resolve("out");
        final Path checkpoints = tmp.resolve("checkpoints");
        final List<CheckpointInfo> completed = interruptedRun(out, checkpoints);
        final CheckpointInfo last = completed.get(completed.size() - 1);
        final long base = last.base;
        corrupt(Journals.shard(checkpoints, 0), JournalFormat.DATA, base);

        final CheckpointStore store = CheckpointStore.scan(checkpoints);
        if (store.restorable() != null)
        {
            assertTrue(store.restorable().id < base, "restorable " + store.restorable() + " needs damaged " + base);
        }
        if (store.restorable() == null)
        {
            final IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                CheckpointedJob.pipeline(EVENTS, out).execute(CheckpointedJob.context(2, checkpoints, 1)));
            assertTrue(e.getMessage().contains("none can be restored") && e.getMessage().contains("shard-0"), e.getMessage());
            return;
        }
        final Job resumed = CheckpointedJob.pipeline(EVENTS, out).execute(CheckpointedJob.context(2, checkpoints, 1));
        resumed.join();
        assertEquals(expected, outputs(out));
    }

    @Test
    void shouldIgnoreACheckpointWhoseCompletionRecordIsDamaged() throws Exception
    {
        final List<List<String>> expected = reference();
        final Path out = tmp.resolve("out");
        final Path checkpoints = tmp.resolve("checkpoints");
        final List<CheckpointInfo> completed = interruptedRun(out, checkpoints);
        final CheckpointInfo last = completed.get(completed.size() - 1);
        corrupt(Journals.coordinator(checkpoints), JournalFormat.COMPLETE, last.id);

        final CheckpointStore store = CheckpointStore.scan(checkpoints);
        assertEquals(completed.get(completed.size() - 2).id, store.restorable().id);
        assertTrue(store.problems().stream().anyMatch(p -> p.contains("coordinator")), store.problems().toString());
        final Job resumed = CheckpointedJob.pipeline(EVENTS, out).execute(CheckpointedJob.context(2, checkpoints, 1));
        resumed.join();
        assertEquals(expected, outputs(out));
    }

    @Test
    void shouldRefuseToStartWhenNoCheckpointIsWhole() throws Exception
    {
        final Path out = tmp.resolve("out");
        final Path checkpoints = tmp.resolve("checkpoints");
        final List<CheckpointInfo> completed = interruptedRun(out, checkpoints);
        for (final CheckpointInfo info : completed)
        {
            if (info.full)
            {
                corrupt(Journals.shard(checkpoints, 0), JournalFormat.SHARD_END, info.id);
            }
        }
        final IllegalStateException e = assertThrows(IllegalStateException.class, () ->
            CheckpointedJob.pipeline(EVENTS, out).execute(CheckpointedJob.context(2, checkpoints, 1)));
        assertTrue(e.getMessage().contains("none can be restored") && e.getMessage().contains("shard-0") &&
            e.getMessage().contains("move the directory away"), e.getMessage());
    }

    /**
     * Append raw excerpts to a journal, as a process killed while appending, or a disk that lost the end of a file,
     * could leave them.
     */
    private static void append(final Path journal, final byte[]... excerpts)
    {
        try (net.openhft.chronicle.queue.ChronicleQueue queue = Journals.open(journal, false);
            net.openhft.chronicle.queue.ExcerptAppender appender = queue.createAppender())
        {
            for (final byte[] excerpt : excerpts)
            {
                try (net.openhft.chronicle.wire.DocumentContext dc = appender.writingDocument())
                {
                    dc.wire().bytes().write(excerpt);
                }
            }
        }
    }

    /** A DATA document of checkpoint {@code id} for shard {@code shard}, sealed, with a payload of zeros. */
    private static byte[] document(final long id, final int shard, final int sequence, final int payload)
    {
        final byte[] bytes = new byte[JournalFormat.HEADER_LENGTH + payload];
        JournalFormat.seal(new org.agrona.concurrent.UnsafeBuffer(bytes), new java.util.zip.CRC32C(), bytes,
            JournalFormat.DATA, id, shard, sequence, payload);
        return bytes;
    }

    @Test
    void shouldIgnoreACheckpointWhoseJournalEndsMidwayAndRefuseTruncatedDocuments() throws Exception
    {
        final List<List<String>> expected = reference();
        final Path out = tmp.resolve("out");
        final Path checkpoints = tmp.resolve("checkpoints");
        final List<CheckpointInfo> completed = interruptedRun(out, checkpoints);
        final long next = completed.get(completed.size() - 1).id + 1;

        // Torn tail: checkpoint 'next' has data documents on shard 0 and no end, and is not in the coordinator's
        // journal (a kill while journaling); on shard 1 a document cut short (its header promises more bytes than
        // the excerpt holds) and one shorter than a header.
        append(Journals.shard(checkpoints, 0), document(next, 0, 0, 64), document(next, 0, 1, 64));
        final byte[] cut = java.util.Arrays.copyOf(document(next, 1, 0, 256), JournalFormat.HEADER_LENGTH + 100);
        append(Journals.shard(checkpoints, 1), cut, new byte[10]);

        final CheckpointStore store = CheckpointStore.scan(checkpoints);
        assertEquals(completed.get(completed.size() - 1).id, store.restorable().id);
        assertTrue(store.problems().stream().anyMatch(p -> p.contains("shard-1") && p.contains("payload length")),
            store.problems().toString());
        assertTrue(store.problems().stream().anyMatch(p -> p.contains("shard-1") && p.contains("shorter than a header")),
            store.problems().toString());
        assertEquals(next + 1, store.nextId(), "a resumed job's checkpoints start above every id in the journals");

        final Job resumed = CheckpointedJob.pipeline(EVENTS, out).execute(CheckpointedJob.context(2, checkpoints, 1));
        resumed.join();
        assertEquals(expected, outputs(out));
    }
}
