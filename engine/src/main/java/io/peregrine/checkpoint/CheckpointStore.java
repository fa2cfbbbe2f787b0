package io.peregrine.checkpoint;

import io.peregrine.state.SlotTable;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Reads a checkpoint directory: which checkpoints completed, which of them can be restored (every document of its
 * chain, from its full checkpoint on, present and sound in every shard's journal), and replays a shard's part of
 * the chosen chain. A document whose magic, version or checksum is wrong, or a journal Chronicle cannot read past
 * some index, makes every checkpoint whose chain needs it unusable; recovery falls back to the newest checkpoint
 * that is whole, and says why in {@link #problems()}.
 */
public final class CheckpointStore
{
    private final Path dir;
    private final List<CheckpointInfo> completed = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private long maxId;
    private CheckpointInfo restorable;
    private long[] chain = new long[0];
    private List<String> parts = List.of();

    private CheckpointStore(final Path dir)
    {
        this.dir = dir;
    }

    /**
     * Scan the directory. Nothing is changed.
     *
     * @param dir a job's checkpoint directory (it may not exist yet).
     * @return what it holds.
     */
    public static CheckpointStore scan(final Path dir)
    {
        final CheckpointStore store = new CheckpointStore(dir);
        if (Files.isDirectory(Journals.coordinator(dir)))
        {
            store.scanAll();
        }
        return store;
    }

    /** @return completed checkpoints in id order, as the coordinator journaled them (sound documents only). */
    public List<CheckpointInfo> completed()
    {
        return completed;
    }

    /** @return what was found wrong, each naming the journal and the index. */
    public List<String> problems()
    {
        return problems;
    }

    /** @return the newest checkpoint that can be restored, or null. */
    public CheckpointInfo restorable()
    {
        return restorable;
    }

    /** @return one above the largest checkpoint id seen in any journal: the id the next run starts from. */
    public long nextId()
    {
        return maxId + 1;
    }

    /** @return names of the shard parts as journaled with the restorable checkpoint. */
    public List<String> parts()
    {
        return parts;
    }

    private static final class ShardPart
    {
        int documents;
        boolean bad;
        boolean ended;
        List<String> parts;
    }

    private void scanAll()
    {
        final CRC32C crc = new CRC32C();
        final Path coordinatorPath = Journals.coordinator(dir);
        read(coordinatorPath, (doc, length, index) ->
        {
            final String wrong = JournalFormat.check(doc, doc.byteArray(), length, crc);
            if (wrong != null)
            {
                problems.add(where(coordinatorPath, index) + ": " + wrong);
                return;
            }
            if (doc.getShort(JournalFormat.KIND_OFFSET) == JournalFormat.COMPLETE)
            {
                final CheckpointInfo info = CheckpointCoordinator.decode(doc);
                completed.add(info);
                maxId = Math.max(maxId, info.id);
            }
        });
        completed.sort((a, b) -> Long.compare(a.id, b.id));
        if (completed.isEmpty())
        {
            return;
        }
        final int shards = completed.get(completed.size() - 1).shards;
        final List<Long2ObjectHashMap<ShardPart>> byShard = new ArrayList<>();
        int maxShards = 0;
        for (final CheckpointInfo info : completed)
        {
            maxShards = Math.max(maxShards, info.shards);
        }
        for (int s = 0; s < maxShards; s++)
        {
            final Long2ObjectHashMap<ShardPart> partsById = new Long2ObjectHashMap<>();
            byShard.add(partsById);
            final Path path = Journals.shard(dir, s);
            if (!Files.isDirectory(path))
            {
                continue;
            }
            final long[] previousId = {-1};
            final boolean[] unknownBad = {false};
            read(path, (doc, length, index) ->
            {
                final String wrong = JournalFormat.check(doc, doc.byteArray(), length, crc);
                final boolean headerReadable = length >= JournalFormat.HEADER_LENGTH &&
                    doc.getInt(JournalFormat.MAGIC_OFFSET) == JournalFormat.MAGIC;
                if (wrong != null)
                {
                    problems.add(where(path, index) + ": " + wrong);
                    if (headerReadable)
                    {
                        part(partsById, doc.getLong(JournalFormat.ID_OFFSET)).bad = true;
                    }
                    else
                    {
                        // Which checkpoint the document belonged to is unknown: the one before it (unless that one's
                        // part had already ended) and the next one are both suspect.
                        if (previousId[0] >= 0 && !part(partsById, previousId[0]).ended)
                        {
                            part(partsById, previousId[0]).bad = true;
                        }
                        unknownBad[0] = true;
                    }
                    return;
                }
                final long id = doc.getLong(JournalFormat.ID_OFFSET);
                maxId = Math.max(maxId, id);
                final ShardPart part = part(partsById, id);
                if (unknownBad[0])
                {
                    part.bad = true;
                    unknownBad[0] = false;
                }
                previousId[0] = id;
                final short kind = doc.getShort(JournalFormat.KIND_OFFSET);
                final int sequence = doc.getInt(JournalFormat.SEQUENCE_OFFSET);
                if (kind == JournalFormat.DATA)
                {
                    if (sequence != part.documents || part.ended)
                    {
                        part.bad = true;
                        problems.add(where(path, index) + ": checkpoint " + id + " document " + sequence +
                            " out of order (expected " + part.documents + ")");
                    }
                    part.documents++;
                }
                else if (kind == JournalFormat.SHARD_END)
                {
                    if (sequence != part.documents)
                    {
                        part.bad = true;
                        problems.add(where(path, index) + ": checkpoint " + id + " ends after " + sequence +
                            " documents but " + part.documents + " were read");
                    }
                    part.ended = true;
                    part.parts = decodeParts(doc);
                }
            });
            if (unknownBad[0] && previousId[0] >= 0 && !part(partsById, previousId[0]).ended)
            {
                part(partsById, previousId[0]).bad = true;
            }
        }

        // Newest first: a checkpoint is restorable if every completed checkpoint of its chain is whole on every
        // shard it ran on.
        final TreeMap<Long, CheckpointInfo> byId = new TreeMap<>();
        for (final CheckpointInfo info : completed)
        {
            byId.put(info.id, info);
        }
        for (int i = completed.size() - 1; i >= 0 && restorable == null; i--)
        {
            final CheckpointInfo candidate = completed.get(i);
            final List<Long> ids = new ArrayList<>(byId.subMap(candidate.base, true, candidate.id, true).keySet());
            if (!byId.containsKey(candidate.base))
            {
                problems.add("checkpoint " + candidate.id + " cannot be restored: its full checkpoint " +
                    candidate.base + " is not in the coordinator journal");
                continue;
            }
            boolean whole = true;
            for (final long id : ids)
            {
                final CheckpointInfo info = byId.get(id);
                if (info.shards != candidate.shards)
                {
                    whole = false;
                    break;
                }
                for (int s = 0; s < info.shards && whole; s++)
                {
                    final ShardPart part = byShard.get(s).get(id);
                    if (part == null || part.bad || !part.ended)
                    {
                        whole = false;
                        problems.add("checkpoint " + candidate.id + " cannot be restored: shard " + s + "'s part of " +
                            "checkpoint " + id + (part == null ? " is missing" : part.bad ? " is damaged" : " is incomplete") +
                            " in " + Journals.shard(dir, s));
                    }
                }
                if (!whole)
                {
                    break;
                }
            }
            if (whole)
            {
                restorable = candidate;
                chain = ids.stream().mapToLong(Long::longValue).toArray();
                parts = byShard.get(0).get(candidate.id).parts;
            }
        }
        if (restorable == null && shards > 0)
        {
            problems.add("no completed checkpoint in " + dir + " is whole");
        }
    }

    private static ShardPart part(final Long2ObjectHashMap<ShardPart> parts, final long id)
    {
        ShardPart part = parts.get(id);
        if (part == null)
        {
            part = new ShardPart();
            parts.put(id, part);
        }
        return part;
    }

    private static List<String> decodeParts(final UnsafeBuffer doc)
    {
        int at = JournalFormat.HEADER_LENGTH + 28;
        final int count = doc.getInt(at);
        at += 4;
        final List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final int length = doc.getShort(at);
            names.add(doc.getStringWithoutLengthAscii(at + 2, length));
            at += 2 + length;
        }
        return names;
    }

    /**
     * Replay the restorable checkpoint's chain into shard {@code shard}'s parts, oldest first. On the shard count that
     * took it, the shard replays its own journal; on another, the journals of every shard that took it, keeping the
     * keyed entries whose key group it now owns. Blobs (watermarks, positions, live windows) are those of the
     * restored checkpoint itself, one per shard that took it.
     *
     * @param shard   the shard.
     * @param owns    whether this shard owns a key (its key group is this shard's).
     * @param ownerOf the shard that owned a key when the checkpoint was taken.
     * @param parts   the shard's checkpointed parts in plan order.
     * @param names   their names, which must be those journaled.
     */
    public void restore(
        final int shard, final int shards, final java.util.function.LongPredicate owns,
        final java.util.function.LongToIntFunction ownerOf, final Checkpointed[] parts, final List<String> names)
    {
        if (restorable == null)
        {
            throw new IllegalStateException("nothing to restore in " + dir);
        }
        if (!names.equals(this.parts))
        {
            throw new IllegalStateException("checkpoint " + restorable.id + " in " + dir + " was taken from a " +
                "different pipeline: its parts are " + this.parts + ", this job's are " + names +
                "; use another checkpoint directory or the pipeline that wrote it");
        }
        final LongHashSet wanted = new LongHashSet();
        for (final long id : chain)
        {
            wanted.add(id);
        }
        final boolean rescaled = restorable.shards != shards;
        final int first = rescaled ? 0 : shard;
        final int last = rescaled ? restorable.shards - 1 : shard;
        for (int old = first; old <= last; old++)
        {
            replay(Journals.shard(dir, old), old, rescaled, wanted, owns, ownerOf, parts);
        }
        for (final Checkpointed part : parts)
        {
            part.restoreEnd();
        }
    }

    private void replay(
        final Path path, final int oldShard, final boolean rescaled, final LongHashSet wanted,
        final java.util.function.LongPredicate owns, final java.util.function.LongToIntFunction ownerOf,
        final Checkpointed[] parts)
    {
        final long restoredId = restorable.id;
        final org.agrona.collections.LongArrayList stale = new org.agrona.collections.LongArrayList();
        read(path, (doc, length, index) ->
        {
            final long id = doc.getLong(JournalFormat.ID_OFFSET);
            if (!wanted.contains(id) || doc.getShort(JournalFormat.KIND_OFFSET) != JournalFormat.DATA)
            {
                return;
            }
            final int end = JournalFormat.HEADER_LENGTH + doc.getInt(JournalFormat.LENGTH_OFFSET);
            int at = JournalFormat.HEADER_LENGTH;
            SlotTable table = null;
            io.peregrine.state.KeyChangeTracking keyed = null;
            while (at < end)
            {
                final byte type = doc.getByte(at);
                switch (type)
                {
                    case JournalFormat.TABLE:
                    {
                        final int op = doc.getInt(at + 4);
                        final long tag = doc.getLong(at + 8);
                        final boolean reset = doc.getByte(at + 1) != 0;
                        // On another shard count a reset clears only what came from the same shard before: the
                        // other shards' keys, already replayed, stay.
                        if (doc.getByte(at + 2) == 0)
                        {
                            table = parts[op].restoreTable(tag, reset && !rescaled);
                            keyed = null;
                            if (reset && rescaled)
                            {
                                stale.clear();
                                final SlotTable t = table;
                                t.forEach(k ->
                                {
                                    if (ownerOf.applyAsInt(k) == oldShard)
                                    {
                                        stale.addLong(k);
                                    }
                                });
                                for (int i = 0; i < stale.size(); i++)
                                {
                                    t.remove(stale.getLong(i));
                                }
                            }
                        }
                        else
                        {
                            keyed = parts[op].restoreKeyedState(tag, reset && !rescaled);
                            table = null;
                            if (reset && rescaled)
                            {
                                stale.clear();
                                keyed.forEachKey(k ->
                                {
                                    if (ownerOf.applyAsInt(k) == oldShard)
                                    {
                                        stale.addLong(k);
                                    }
                                });
                                for (int i = 0; i < stale.size(); i++)
                                {
                                    keyed.restoreKey(stale.getLong(i), doc, 0, 0);
                                }
                            }
                        }
                        at += JournalFormat.ENTRY_HEADER;
                        break;
                    }
                    case JournalFormat.PUT:
                    {
                        final int valueLength = doc.getInt(at + 4);
                        final long key = doc.getLong(at + 8);
                        if (!rescaled || owns.test(key))
                        {
                            if (keyed != null)
                            {
                                keyed.restoreKey(key, doc, at + JournalFormat.ENTRY_HEADER, valueLength);
                            }
                            else
                            {
                                table.findOrInsert(key);
                                table.value().putBytes(0, doc, at + JournalFormat.ENTRY_HEADER, valueLength);
                            }
                        }
                        at += JournalFormat.ENTRY_HEADER + valueLength;
                        break;
                    }
                    case JournalFormat.REMOVE:
                    {
                        final long key = doc.getLong(at + 8);
                        if (!rescaled || owns.test(key))
                        {
                            if (keyed != null)
                            {
                                keyed.restoreKey(key, doc, 0, 0);
                            }
                            else
                            {
                                table.remove(key);
                            }
                        }
                        at += JournalFormat.ENTRY_HEADER;
                        break;
                    }
                    case JournalFormat.BLOB:
                    {
                        final int op = doc.getInt(at + 4);
                        final int blobLength = doc.getInt(at + 8);
                        if (id == restoredId)
                        {
                            parts[op].restoreBlob(doc, at + JournalFormat.ENTRY_HEADER, blobLength);
                        }
                        at += JournalFormat.ENTRY_HEADER + blobLength;
                        break;
                    }
                    default:
                        throw new IllegalStateException(where(path, index) + ": unknown entry type " + type +
                            " at byte " + at + " of checkpoint " + id);
                }
            }
        });
    }

    /** Receives each document of a journal, in order. */
    @FunctionalInterface
    interface DocumentReader
    {
        void onDocument(UnsafeBuffer doc, int length, long index);
    }

    private void read(final Path path, final DocumentReader handler)
    {
        problems.addAll(readJournal(path, handler));
    }

    /**
     * Read every document of a journal, from its first cycle file left (older ones are deleted once a newer full
     * checkpoint completed; a reader must not rely on the queue's record of where it starts).
     *
     * @return what could not be read, naming the journal and the index after which it stopped.
     */
    static List<String> readJournal(final Path path, final DocumentReader handler)
    {
        final List<String> problems = new ArrayList<>();
        final UnsafeBuffer doc = new UnsafeBuffer(new byte[4096]);
        long lastIndex = -1;
        try (ChronicleQueue queue = Journals.open(path, true); ExcerptTailer tailer = queue.createTailer())
        {
            final int firstCycle = Journals.firstCycle(path);
            if (firstCycle != Integer.MAX_VALUE)
            {
                tailer.moveToIndex(queue.rollCycle().toIndex(firstCycle, 0));
            }
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    lastIndex = dc.index();
                    final Bytes<?> bytes = dc.wire().bytes();
                    final int length = (int)bytes.readRemaining();
                    if (doc.capacity() < length)
                    {
                        doc.wrap(new byte[Math.max(length, doc.capacity() * 2)]);
                    }
                    bytes.read(doc.byteArray(), 0, length);
                    handler.onDocument(doc, length, lastIndex);
                }
            }
        }
        catch (final IllegalStateException e)
        {
            if (e.getMessage() != null && e.getMessage().startsWith(path.toString()))
            {
                throw e;
            }
            problems.add(path + ": unreadable after index " + hex(lastIndex) + ": " + e);
        }
        catch (final RuntimeException e)
        {
            problems.add(path + ": unreadable after index " + hex(lastIndex) + ": " + e);
        }
        return problems;
    }

    private static String where(final Path path, final long index)
    {
        return path + " index " + hex(index);
    }

    private static String hex(final long index)
    {
        return index < 0 ? "(start)" : "0x" + Long.toHexString(index);
    }

    /**
     * @return a line per completed checkpoint, for {@code peregrine checkpoints DIR}.
     */
    public static List<String> describe(final CheckpointStore store)
    {
        final List<String> lines = new ArrayList<>();
        lines.add(String.format("%8s  %-23s  %-11s  %14s  %11s  %10s  %6s", "id", "time (UTC)", "kind", "bytes",
            "duration", "max pause", "shards"));
        for (final CheckpointInfo info : store.completed)
        {
            lines.add(String.format("%8d  %-23s  %-11s  %,14d  %8.1f ms  %7.2f ms  %6d%s", info.id,
                java.time.Instant.ofEpochMilli(info.triggerEpochMs).toString().replace('T', ' ').replace("Z", ""),
                info.full ? "full" : "incremental", info.bytes, info.durationNs / 1e6, info.maxPauseNs / 1e6,
                info.shards, info.isFinal ? "  final" : ""));
        }
        return lines;
    }
}
