package io.peregrine.checkpoint;

import io.peregrine.state.DirtyTracking;
import io.peregrine.state.SlotTable;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.List;
import java.util.zip.CRC32C;

/**
 * One shard's side of its checkpoint journal. A checkpoint's part is a run of DATA documents of about
 * {@link JournalFormat#DOCUMENT_TARGET} bytes each (entries gathered in a buffer and appended as one excerpt, since
 * Chronicle appends small excerpts at only a few million a second) closed by a SHARD_END document; see
 * {@link JournalFormat}. The shard only fills pooled document buffers during its pause; the {@link JournalWriter} on
 * the coordinator's thread appends them to the shard's Chronicle queue and acknowledges the part.
 */
public final class ShardJournal implements SnapshotWriter
{
    private final JournalWriter writer;
    private final int shard;
    private JournalWriter.Document current;
    private ExpandableArrayBuffer doc;
    private final CRC32C crc = new CRC32C();
    private final SlotTable.KeyConsumer putEntry = this::putEntry;
    private final SlotTable.KeyConsumer removeEntry = this::removeEntry;
    private long id;
    private boolean full;
    private int sequence;
    private int position;
    private long entries;
    private long bytes;
    private int tableOp;
    private long tableTag;
    private SlotTable table;
    private io.peregrine.state.KeyChangeTracking keyed;
    private final SlotTable.KeyConsumer putKeyed = this::putKeyed;

    public ShardJournal(final JournalWriter writer, final int shard)
    {
        this.writer = writer;
        this.shard = shard;
    }

    /**
     * Start journaling checkpoint {@code id}.
     */
    public void begin(final long id, final boolean full)
    {
        nextDocument();
        this.id = id;
        this.full = full;
        sequence = 0;
        entries = 0;
        bytes = 0;
        position = JournalFormat.HEADER_LENGTH;
        table = null;
    }

    public boolean isFull()
    {
        return full;
    }

    public void table(final int op, final long tag, final SlotTable table)
    {
        final boolean tracking = table instanceof DirtyTracking;
        final boolean whole = full || !tracking || ((DirtyTracking)table).clearedSinceMark();
        if (!whole && table instanceof io.peregrine.state.AsyncSnapshot)
        {
            beginAsync(op, tag, table);
            return;
        }
        this.table = table;
        this.tableOp = op;
        this.tableTag = tag;
        putTableHeader(whole, false);
        if (whole)
        {
            table.forEach(putEntry);
        }
        else
        {
            final DirtyTracking dirty = (DirtyTracking)table;
            dirty.forEachRemovedSinceMark(removeEntry);
            dirty.forEachChangedSinceMark(putEntry);
        }
        if (tracking)
        {
            ((DirtyTracking)table).resetMark();
        }
        this.table = null;
    }

    /**
     * An incremental checkpoint of a table that supports it is asynchronous: the removed keys are journaled now, the
     * table starts a new interval at once, and the entries changed in the one just closed are copied afterwards, by
     * {@link #flushPending(int)} from the shard loop or, before one of them changes, by the table itself (copy on
     * write), each with its value as of the barrier.
     */
    private void beginAsync(final int op, final long tag, final SlotTable table)
    {
        this.table = table;
        this.tableOp = op;
        this.tableTag = tag;
        putTableHeader(false, false);
        ((DirtyTracking)table).forEachRemovedSinceMark(removeEntry);
        this.table = null;
        final PendingTable p = pendingTable(op, tag, table);
        ((io.peregrine.state.AsyncSnapshot)table).beginSnapshot(p);
        if (((io.peregrine.state.AsyncSnapshot)table).hasPendingSnapshot())
        {
            pending.add(p);
        }
        else
        {
            free.add(p);
        }
    }

    /** A table whose snapshot is being copied: the journal's table context when it hands over an entry. */
    private final class PendingTable implements SlotTable.KeyConsumer
    {
        int op;
        long tag;
        SlotTable table;

        public void accept(final long key)
        {
            if (ShardJournal.this.table != table || tableOp != op || tableTag != tag)
            {
                ShardJournal.this.table = table;
                tableOp = op;
                tableTag = tag;
                putTableHeader(false, false);
            }
            putEntry(key);
        }
    }

    private final java.util.ArrayList<PendingTable> pending = new java.util.ArrayList<>();
    private final java.util.ArrayList<PendingTable> free = new java.util.ArrayList<>();

    private PendingTable pendingTable(final int op, final long tag, final SlotTable table)
    {
        final PendingTable p = free.isEmpty() ? new PendingTable() : free.remove(free.size() - 1);
        p.op = op;
        p.tag = tag;
        p.table = table;
        return p;
    }

    /**
     * @return true while tables of this checkpoint still have entries to copy.
     */
    public boolean hasPending()
    {
        for (int i = pending.size() - 1; i >= 0; i--)
        {
            final PendingTable p = pending.get(i);
            if (!((io.peregrine.state.AsyncSnapshot)p.table).hasPendingSnapshot())
            {
                retire(i);
            }
        }
        return !pending.isEmpty();
    }

    /**
     * Copy up to about {@code budget} pending entries (from the shard loop, between polls of the inputs).
     *
     * @return entries copied.
     */
    public int flushPending(final int budget)
    {
        int copied = 0;
        for (int i = pending.size() - 1; i >= 0 && copied < budget; i--)
        {
            final io.peregrine.state.AsyncSnapshot t = (io.peregrine.state.AsyncSnapshot)pending.get(i).table;
            copied += t.copyPending(budget - copied);
            if (!t.hasPendingSnapshot())
            {
                retire(i);
            }
        }
        return copied;
    }

    private void retire(final int i)
    {
        final PendingTable p = pending.remove(i);
        if (this.table == p.table)
        {
            this.table = null;
        }
        p.table = null;
        free.add(p);
    }

    public void keyedState(final int op, final long tag, final io.peregrine.state.KeyChangeTracking state)
    {
        final boolean whole = full || state.clearedSinceMark();
        this.keyed = state;
        this.tableOp = op;
        this.tableTag = tag;
        putTableHeader(whole, true);
        if (whole)
        {
            state.forEachKey(putKeyed);
        }
        else
        {
            state.forEachChangedKeySinceMark(putKeyed);
        }
        state.resetMark();
        this.keyed = null;
    }

    private void putKeyed(final long key)
    {
        final int length = keyed.encodedLength(key);
        reserve(JournalFormat.ENTRY_HEADER + length);
        doc.putByte(position, JournalFormat.PUT);
        doc.putInt(position + 4, length);
        doc.putLong(position + 8, key);
        if (length > 0)
        {
            doc.checkLimit(position + JournalFormat.ENTRY_HEADER + length);
            keyed.writeKey(key, doc, position + JournalFormat.ENTRY_HEADER);
        }
        position += JournalFormat.ENTRY_HEADER + length;
        entries++;
    }

    public void blob(final int op, final DirectBuffer buffer, final int offset, final int length)
    {
        table = null;
        reserve(JournalFormat.ENTRY_HEADER + length);
        doc.putByte(position, JournalFormat.BLOB);
        doc.putInt(position + 4, op);
        doc.putInt(position + 8, length);
        doc.putInt(position + 12, 0);
        doc.putBytes(position + JournalFormat.ENTRY_HEADER, buffer, offset, length);
        position += JournalFormat.ENTRY_HEADER + length;
        entries++;
    }

    private void putTableHeader(final boolean reset, final boolean keyedState)
    {
        doc.putByte(position, JournalFormat.TABLE);
        doc.putByte(position + 1, (byte)(reset ? 1 : 0));
        doc.putByte(position + 2, (byte)(keyedState ? 1 : 0));
        doc.putByte(position + 3, (byte)0);
        doc.putInt(position + 4, tableOp);
        doc.putLong(position + 8, tableTag);
        position += JournalFormat.ENTRY_HEADER;
    }

    private void putEntry(final long key)
    {
        final int length = table.valueLength();
        reserve(JournalFormat.ENTRY_HEADER + length);
        doc.putByte(position, JournalFormat.PUT);
        doc.putInt(position + 4, length);
        doc.putLong(position + 8, key);
        doc.putBytes(position + JournalFormat.ENTRY_HEADER, table.value(), 0, length);
        position += JournalFormat.ENTRY_HEADER + length;
        entries++;
    }

    private void removeEntry(final long key)
    {
        reserve(JournalFormat.ENTRY_HEADER);
        doc.putByte(position, JournalFormat.REMOVE);
        doc.putLong(position + 8, key);
        position += JournalFormat.ENTRY_HEADER;
        entries++;
    }

    /**
     * Close the current document if the next entry would take it past its target size; entries of a table that
     * continue in the next document follow a repeated table header (without reset).
     */
    private void reserve(final int length)
    {
        if (position + length > JournalFormat.DOCUMENT_TARGET && position > JournalFormat.HEADER_LENGTH)
        {
            appendData();
            if (table != null || keyed != null)
            {
                putTableHeader(false, keyed != null);
            }
        }
    }

    private void appendData()
    {
        append(JournalFormat.DATA, sequence++, position - JournalFormat.HEADER_LENGTH);
        position = JournalFormat.HEADER_LENGTH;
    }

    private void append(final short kind, final int seq, final int payloadLength)
    {
        JournalFormat.seal(doc, crc, doc.byteArray(), kind, id, shard, seq, payloadLength);
        final int length = JournalFormat.HEADER_LENGTH + payloadLength;
        bytes += length;
        current.shard = shard;
        current.length = length;
        current.end = kind == JournalFormat.SHARD_END;
        current.id = id;
        current.bytes = bytes;
        writer.hand(current);
        current = null;
        doc = null;
        if (kind != JournalFormat.SHARD_END)
        {
            nextDocument();
        }
    }

    /**
     * Take a free document buffer, waiting for the writer to append one when all are in flight (a full checkpoint
     * larger than the pool): memory in flight stays bounded.
     */
    private void nextDocument()
    {
        JournalWriter.Document next;
        while ((next = writer.take(shard)) == null)
        {
            Thread.onSpinWait();
        }
        current = next;
        doc = next.buffer;
    }

    /**
     * Close this shard's part of the checkpoint.
     *
     * @param pauseNs how long the shard paused for it (recorded for {@code peregrine checkpoints}).
     * @param parts   names of the shard's checkpointed parts in plan order, checked at recovery.
     * @return bytes journaled for this checkpoint by this shard.
     */
    public long end(final long pauseNs, final List<String> parts)
    {
        while (hasPending())
        {
            flushPending(Integer.MAX_VALUE);
        }
        table = null;
        if (position > JournalFormat.HEADER_LENGTH)
        {
            appendData();
        }
        int at = JournalFormat.HEADER_LENGTH;
        doc.putInt(at, sequence);
        doc.putLong(at + 4, entries);
        doc.putLong(at + 12, bytes);
        doc.putLong(at + 20, pauseNs);
        doc.putInt(at + 28, parts.size());
        at += 32;
        for (final String name : parts)
        {
            final int length = Math.min(name.length(), Short.MAX_VALUE);
            doc.putShort(at, (short)length);
            doc.putStringWithoutLengthAscii(at + 2, name, 0, length);
            at += 2 + length;
        }
        current.pauseNs = pauseNs;
        append(JournalFormat.SHARD_END, sequence, at - JournalFormat.HEADER_LENGTH);
        return bytes;
    }

}
