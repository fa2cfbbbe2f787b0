package io.peregrine.cep;

import io.peregrine.api.MutableRow;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Runs a {@link CompiledPattern} over the events of one key at a time, its partial matches and their events held in
 * one binary state per key that the caller keeps in off-heap keyed state ({@link #load} it, feed events in timestamp
 * order, then store {@link #state()}). One instance per shard; allocates nothing per event once its scratch buffers
 * have grown to the largest key's state.
 * <p>
 * State layout: {@code | next event id (long) | events (int) | partial matches (int) | events bytes (int) |
 * earliest start time of the partial matches (long) |}, then
 * the shared buffer of events, each stored once however many partial matches take it,
 * {@code | id (long) | timestamp (long) | length (int) | row bytes |} in id order, then the partial matches,
 * {@code | step (int) | events taken by the step (int) | start time (long) | start id (long) | refs (int) |} and
 * per event taken {@code | step (int) | event id (long) |}. An event is dropped from the buffer as soon as no partial
 * match refers to it (reference counts are recomputed after each event, which keeps restore trivial).
 * <p>
 * Semantics follow FlinkCEP's NFA (documentation: "Combining Patterns", "Contiguity within looping patterns",
 * "After Match Skip Strategy", "Handling Lateness in Event Time"); where a case is undocumented the rules are those
 * written in the README's "Pattern detection" section: a partial match waiting at a step takes a matching event; it
 * stays (ignores the event) under relaxed contiguity if the event does not match, under non-deterministic contiguity
 * always, under strict never; a loop that has its minimum also proceeds to the next step; identical partial matches
 * are kept once.
 */
public final class Nfa
{
    /** Receives what processing a key's events produces. */
    public interface Output
    {
        /**
         * @param match     a complete match, the view valid only during the call.
         * @param timestamp the time of its last event (for a pattern ending in notFollowedBy, its expiry).
         */
        void match(Match match, long timestamp);

        /**
         * @param partial          a partial match that outlived {@code within}.
         * @param timeoutTimestamp its start time plus {@code within}.
         */
        void timeout(Match partial, long timeoutTimestamp);
    }

    static final int NEXT_ID = 0;
    static final int EVENT_COUNT = 8;
    static final int PM_COUNT = 12;
    static final int EVENTS_LENGTH = 16;
    static final int EARLIEST = 20;
    static final int HEADER = 28;
    static final int EV_ID = 0;
    static final int EV_TS = 8;
    static final int EV_LEN = 16;
    static final int EV_HEADER = 20;
    static final int PM_STEP = 0;
    static final int PM_COUNT_TAKEN = 4;
    static final int PM_START_TS = 8;
    static final int PM_START_ID = 16;
    static final int PM_REFS = 24;
    static final int PM_HEADER = 28;
    static final int REF_LENGTH = 12;

    private final CompiledPattern p;
    private final Schema schema;
    private final int n;
    private int maxPartialMatches;
    private final ExpandableDirectByteBuffer bufferA = new ExpandableDirectByteBuffer(1024);
    private final ExpandableDirectByteBuffer bufferB = new ExpandableDirectByteBuffer(1024);
    /** A loaded state, read in place where the caller keeps it. */
    private final UnsafeBuffer loaded = new UnsafeBuffer(0, 0);
    /** The key's state: {@link #loaded} or one of the two buffers a rebuild writes. */
    private DirectBuffer cur = bufferA;
    /** Whether the event being processed changed anything beyond moving partial matches along unchanged. */
    private boolean mutated;
    /** The partial matches made by the event being processed. */
    private final ExpandableDirectByteBuffer work = new ExpandableDirectByteBuffer(1024);
    /** The matches completed by the event being processed. */
    private final ExpandableDirectByteBuffer found = new ExpandableDirectByteBuffer(256);
    private final ExpandableDirectByteBuffer fresh = new ExpandableDirectByteBuffer(PM_HEADER);
    private int curLength;
    private int workLength;
    private int workCount;
    private int foundLength;
    private int[] workOffsets = new int[16];
    private boolean[] workDead = new boolean[16];
    /** Whether each partial match in {@code work} is one of the state's, unchanged. */
    private boolean[] workSame = new boolean[16];
    private int[] foundOffsets = new int[16];
    private boolean[] foundDead = new boolean[16];
    private long[] refIds = new long[64];
    private final View source = new View();
    private final View emitted = new View();
    private final MutableRow eventRow = new MutableRow();
    private Row current;
    private long currentId = -1;
    private long dropped;

    /**
     * @param pattern           the compiled pattern.
     * @param schema            of the events.
     * @param maxPartialMatches per key; past it the oldest partial matches are dropped and counted.
     */
    public Nfa(final CompiledPattern pattern, final Schema schema, final int maxPartialMatches)
    {
        this.p = pattern;
        this.schema = schema;
        this.n = pattern.steps();
        this.maxPartialMatches = maxPartialMatches;
        clear();
    }

    /**
     * Start on a key with no state.
     */
    public void clear()
    {
        bufferA.putLong(NEXT_ID, 1);
        bufferA.putInt(EVENT_COUNT, 0);
        bufferA.putInt(PM_COUNT, 0);
        bufferA.putInt(EVENTS_LENGTH, 0);
        bufferA.putLong(EARLIEST, Long.MAX_VALUE);
        cur = bufferA;
        curLength = HEADER;
    }

    /**
     * Start on a key whose state is {@code length} bytes at {@code offset} of {@code src}, as {@link #state()} gave.
     * The state is read in place, not copied: {@code src} must not change until the key is done (its new state, if
     * any, is written to a buffer of this instance).
     */
    public void load(final DirectBuffer src, final int offset, final int length)
    {
        loaded.wrap(src, offset, length);
        cur = loaded;
        curLength = length;
    }

    /**
     * @return the key's state after the events fed so far; {@link #stateLength()} bytes from offset 0 (the loaded
     * state itself when nothing changed it).
     */
    public DirectBuffer state()
    {
        return cur;
    }

    public int stateLength()
    {
        return curLength;
    }

    /**
     * @return the key's partial matches.
     */
    public int partialMatches()
    {
        return cur.getInt(PM_COUNT);
    }

    /**
     * @return the key's events held in its shared buffer.
     */
    public int bufferedEvents()
    {
        return cur.getInt(EVENT_COUNT);
    }

    /**
     * @return the earliest start time of the key's partial matches, {@code Long.MAX_VALUE} if it has none.
     */
    public long earliestStart()
    {
        return cur.getLong(EARLIEST);
    }

    /**
     * @return partial matches dropped because a key reached the bound, since this instance was made.
     */
    public long dropped()
    {
        return dropped;
    }

    public void maxPartialMatches(final int max)
    {
        this.maxPartialMatches = max;
    }

    private static int pmStart(final DirectBuffer state)
    {
        return HEADER + state.getInt(EVENTS_LENGTH);
    }

    private static int pmLength(final DirectBuffer buffer, final int at)
    {
        return PM_HEADER + buffer.getInt(at + PM_REFS) * REF_LENGTH;
    }

    /**
     * Event time has reached {@code time}: partial matches that started {@code within} or more before it expire, to
     * {@link Output#timeout}, or to {@link Output#match} when the pattern ends with notFollowedBy and only the
     * absence was awaited.
     */
    public boolean advanceTime(final long time, final Output out)
    {
        final long within = p.withinMs;
        if (within <= 0 || cur.getInt(PM_COUNT) == 0)
        {
            return false;
        }
        if (time - cur.getLong(EARLIEST) < within)
        {
            return false;
        }
        final int count = cur.getInt(PM_COUNT);
        currentId = -1;
        resetWork();
        int at = pmStart(cur);
        boolean expired = false;
        for (int i = 0; i < count; i++)
        {
            final int length = pmLength(cur, at);
            final long start = cur.getLong(at + PM_START_TS);
            if (time - start >= within)
            {
                expired = true;
                emitted.wrap(cur, at);
                if (awaitsOnlyAbsence(cur.getInt(at + PM_STEP), cur.getInt(at + PM_COUNT_TAKEN)))
                {
                    out.match(emitted, start + within);
                }
                else
                {
                    out.timeout(emitted, start + within);
                }
            }
            else
            {
                appendWork(cur, at, length);
            }
            at += length;
        }
        if (expired)
        {
            rebuild(false);
        }
        return expired;
    }

    /**
     * @return true if a partial match at the step, holding {@code count} of its events, lacks only the absence that
     * the pattern's last step, a notFollowedBy, asks for.
     */
    private boolean awaitsOnlyAbsence(final int step, final int count)
    {
        if (!p.endsWithAbsence())
        {
            return false;
        }
        return step == n - 1 || step == n - 2 && count >= p.min[step];
    }

    /**
     * Feed the key's next event in timestamp order; call {@link #advanceTime} with its timestamp first.
     * <p>
     * An event that changes nothing (every partial match ignores it and none starts with it, the common case under
     * relaxed contiguity) leaves the state as it was, not even rewritten: its id is not used up either, since no
     * partial match refers to it (ids only order the events that partial matches took).
     *
     * @param event the event, its time in {@link Row#eventTime()}.
     * @param out   receives the matches it completes.
     * @return true if the key's state changed, false if {@link #state()} is still the state loaded.
     */
    public boolean process(final Row event, final Output out)
    {
        current = event;
        currentId = cur.getLong(NEXT_ID);
        mutated = false;
        resetWork();
        foundLength = 0;
        int foundCount = 0;
        final int count = cur.getInt(PM_COUNT);
        int at = pmStart(cur);
        for (int i = 0; i < count; i++)
        {
            visit(cur, at, false);
            at += pmLength(cur, at);
        }
        fresh.putInt(PM_STEP, 0);
        fresh.putInt(PM_COUNT_TAKEN, 0);
        fresh.putLong(PM_START_TS, event.eventTime());
        fresh.putLong(PM_START_ID, currentId);
        fresh.putInt(PM_REFS, 0);
        visit(fresh, 0, true);
        if (!mutated && workCount == count)
        {
            current = null;
            currentId = -1;
            return false;
        }
        for (int f = 0; f < foundLength; f += pmLength(found, f))
        {
            foundCount = addOffset(foundCount, f);
        }
        sortByStart(foundCount);
        for (int i = 0; i < foundCount; i++)
        {
            if (!foundDead[i])
            {
                emitted.wrap(found, foundOffsets[i]);
                out.match(emitted, event.eventTime());
                skip(foundOffsets[i], foundCount);
            }
        }
        rebuild(true);
        current = null;
        currentId = -1;
        return true;
    }

    private int addOffset(final int count, final int offset)
    {
        if (count == foundOffsets.length)
        {
            foundOffsets = Arrays.copyOf(foundOffsets, count * 2);
            foundDead = Arrays.copyOf(foundDead, count * 2);
        }
        foundOffsets[count] = offset;
        foundDead[count] = false;
        return count + 1;
    }

    /** Stable insertion sort of the found matches by start id (few per event). */
    private void sortByStart(final int count)
    {
        for (int i = 1; i < count; i++)
        {
            final int offset = foundOffsets[i];
            final long start = found.getLong(offset + PM_START_ID);
            int j = i - 1;
            while (j >= 0 && found.getLong(foundOffsets[j] + PM_START_ID) > start)
            {
                foundOffsets[j + 1] = foundOffsets[j];
                j--;
            }
            foundOffsets[j + 1] = offset;
        }
    }

    /**
     * Apply the skip strategy after the match at {@code offset} of the found matches was emitted: discard the
     * partial matches, and the matches not yet emitted, that start in the strategy's range.
     */
    private void skip(final int offset, final int foundCount)
    {
        final long from = found.getLong(offset + PM_START_ID);
        final long to;
        switch (p.skip.kind())
        {
            case SKIP_TO_NEXT:
                to = from + 1;
                break;
            case SKIP_PAST_LAST_EVENT:
                to = currentId + 1;
                break;
            case SKIP_TO_FIRST:
            case SKIP_TO_LAST:
                to = stepEvent(found, offset, p.skipStep, p.skip.kind() == AfterMatchSkip.Kind.SKIP_TO_FIRST);
                break;
            default:
                return;
        }
        for (int i = 0; i < workCount; i++)
        {
            final long start = work.getLong(workOffsets[i] + PM_START_ID);
            if (start >= from && start < to)
            {
                workDead[i] = true;
            }
        }
        for (int i = 0; i < foundCount; i++)
        {
            final long start = found.getLong(foundOffsets[i] + PM_START_ID);
            if (foundOffsets[i] != offset && start >= from && start < to)
            {
                foundDead[i] = true;
            }
        }
    }

    /**
     * @return the id of the first or last event the step took in the match, or the match's start id (nothing
     * skipped) if it took none.
     */
    private static long stepEvent(final DirectBuffer buffer, final int at, final int step, final boolean first)
    {
        long id = buffer.getLong(at + PM_START_ID);
        final int refs = buffer.getInt(at + PM_REFS);
        for (int r = 0; r < refs; r++)
        {
            final int ref = at + PM_HEADER + r * REF_LENGTH;
            if (buffer.getInt(ref) == step)
            {
                id = buffer.getLong(ref + 4);
                if (first)
                {
                    break;
                }
            }
        }
        return id;
    }

    private void visit(final DirectBuffer src, final int at, final boolean isFresh)
    {
        final int s = src.getInt(at + PM_STEP);
        final int c = src.getInt(at + PM_COUNT_TAKEN);
        if (c == 0)
        {
            pending(src, at, s, isFresh, -1);
            return;
        }
        boolean took = false;
        if (c < p.max[s])
        {
            source.wrap(src, at);
            final IterativeCondition until = p.until[s];
            if (until == null || !until.test(current, source))
            {
                final boolean take = p.conditions[s].test(current, source);
                if (take)
                {
                    take(src, at, s, c + 1);
                    took = true;
                }
                if (ignores(p.inner[s], take))
                {
                    keep(src, at, s, c);
                }
            }
        }
        if (c >= p.min[s] && s + 1 < n && !(p.greedy[s] && took))
        {
            pending(src, at, s + 1, false, -1);
        }
    }

    /**
     * The partial match at {@code at} of {@code src} waits for step {@code t}'s first event.
     *
     * @param mayNotIgnore true for the start of a new match (never kept) or when an earlier optional step kept it.
     * @param hold         the notFollowedBy step to keep it at when the event is ignored, -1 for {@code t}.
     */
    private void pending(final DirectBuffer src, final int at, final int t, final boolean mayNotIgnore, final int hold)
    {
        source.wrap(src, at);
        final boolean matches = p.conditions[t].test(current, source);
        switch (p.kinds[t])
        {
            case NOT_NEXT:
                if (!matches)
                {
                    if (t + 1 == n)
                    {
                        appendFound(src, at, pmLength(src, at));
                    }
                    else
                    {
                        pending(src, at, t + 1, mayNotIgnore, hold);
                    }
                }
                return;
            case NOT_FOLLOWED_BY:
                if (!matches)
                {
                    if (t + 1 == n)
                    {
                        keep(src, at, t, 0);
                    }
                    else
                    {
                        pending(src, at, t + 1, mayNotIgnore, t);
                    }
                }
                return;
            default:
                if (matches)
                {
                    take(src, at, t, 1);
                }
                boolean kept = mayNotIgnore;
                if (!mayNotIgnore)
                {
                    Pattern.Contiguity contiguity = p.contiguity[t];
                    if (p.max[t] > 1 && p.inner[t] == Pattern.Contiguity.ANY && contiguity == Pattern.Contiguity.RELAXED)
                    {
                        contiguity = Pattern.Contiguity.ANY;
                    }
                    if (ignores(contiguity, matches))
                    {
                        keep(src, at, hold >= 0 ? hold : t, 0);
                        kept = true;
                    }
                }
                if (p.min[t] == 0 && t + 1 < n)
                {
                    pending(src, at, t + 1, kept, hold);
                }
        }
    }

    private static boolean ignores(final Pattern.Contiguity contiguity, final boolean taken)
    {
        return contiguity == Pattern.Contiguity.ANY || contiguity == Pattern.Contiguity.RELAXED && !taken;
    }

    /** A successor of the partial match that ignores the event: the same events, at step {@code s}, count {@code c}. */
    private void keep(final DirectBuffer src, final int at, final int s, final int c)
    {
        final int length = pmLength(src, at);
        final int w = workLength;
        work.putBytes(w, src, at, length);
        work.putInt(w + PM_STEP, s);
        work.putInt(w + PM_COUNT_TAKEN, c);
        final boolean same = src != fresh && src.getInt(at + PM_STEP) == s && src.getInt(at + PM_COUNT_TAKEN) == c;
        mutated |= !same;
        commitWork(w, length, same);
    }

    /** A successor that takes the event into step {@code s}, now holding {@code c} events; a match if complete. */
    private void take(final DirectBuffer src, final int at, final int s, final int c)
    {
        mutated = true;
        final int length = pmLength(src, at);
        final int refs = src.getInt(at + PM_REFS);
        final int w = workLength;
        work.putBytes(w, src, at, length);
        work.putInt(w + PM_STEP, s);
        work.putInt(w + PM_COUNT_TAKEN, c);
        if (refs == 0)
        {
            work.putLong(w + PM_START_TS, current.eventTime());
            work.putLong(w + PM_START_ID, currentId);
        }
        work.putInt(w + PM_REFS, refs + 1);
        work.putInt(w + length, s);
        work.putLong(w + length + 4, currentId);
        final boolean complete = c >= p.min[s] && p.restOptional[s];
        if (complete)
        {
            appendFound(work, w, length + REF_LENGTH);
        }
        if (c < p.max[s] || s + 1 < n)
        {
            commitWork(w, length + REF_LENGTH, false);
        }
    }

    private void appendFound(final DirectBuffer src, final int at, final int length)
    {
        mutated = true;
        for (int f = 0; f < foundLength; f += pmLength(found, f))
        {
            if (pmLength(found, f) == length && equal(found, f, src, at, length))
            {
                return;
            }
        }
        found.putBytes(foundLength, src, at, length);
        foundLength += length;
    }

    private void resetWork()
    {
        workLength = 0;
        workCount = 0;
    }

    /** Keep a partial match of the state as it is (the state's partial matches are distinct: no comparison). */
    private void appendWork(final DirectBuffer src, final int at, final int length)
    {
        work.putBytes(workLength, src, at, length);
        if (workCount == workOffsets.length)
        {
            growWork();
        }
        workOffsets[workCount] = workLength;
        workDead[workCount] = false;
        workSame[workCount] = true;
        workCount++;
        workLength += length;
    }

    /** Keep the partial match just written at {@code w} unless an identical one is already there. */
    private void commitWork(final int w, final int length, final boolean same)
    {
        for (int i = 0; i < workCount; i++)
        {
            if (same && workSame[i])
            {
                continue; // two partial matches of the state, unchanged: distinct as the state's are
            }
            final int o = workOffsets[i];
            if (pmLength(work, o) == length && equal(work, o, work, w, length))
            {
                mutated = true;
                return;
            }
        }
        if (workCount == workOffsets.length)
        {
            growWork();
        }
        workOffsets[workCount] = w;
        workDead[workCount] = false;
        workSame[workCount] = same;
        workCount++;
        workLength = w + length;
    }

    private void growWork()
    {
        workOffsets = Arrays.copyOf(workOffsets, workCount * 2);
        workDead = Arrays.copyOf(workDead, workCount * 2);
        workSame = Arrays.copyOf(workSame, workCount * 2);
    }

    private static boolean equal(final DirectBuffer a, final int aAt, final DirectBuffer b, final int bAt, final int length)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (a.getLong(aAt + i) != b.getLong(bAt + i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (a.getByte(aAt + i) != b.getByte(bAt + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Make the key's new state from the live partial matches in {@code work}: bound them, keep the events they
     * refer to (and the current event if taken), then swap it in.
     */
    private void rebuild(final boolean consumedEvent)
    {
        int live = 0;
        for (int i = 0; i < workCount; i++)
        {
            live += workDead[i] ? 0 : 1;
        }
        while (live > maxPartialMatches)
        {
            int oldest = -1;
            for (int i = 0; i < workCount; i++)
            {
                if (!workDead[i] && (oldest < 0 ||
                    work.getLong(workOffsets[i] + PM_START_ID) < work.getLong(workOffsets[oldest] + PM_START_ID)))
                {
                    oldest = i;
                }
            }
            workDead[oldest] = true;
            live--;
            dropped++;
        }
        int refCount = 0;
        for (int i = 0; i < workCount; i++)
        {
            if (!workDead[i])
            {
                final int o = workOffsets[i];
                final int refs = work.getInt(o + PM_REFS);
                if (refCount + refs > refIds.length)
                {
                    refIds = Arrays.copyOf(refIds, Math.max(refIds.length * 2, refCount + refs));
                }
                for (int r = 0; r < refs; r++)
                {
                    refIds[refCount++] = work.getLong(o + PM_HEADER + r * REF_LENGTH + 4);
                }
            }
        }
        Arrays.sort(refIds, 0, refCount);
        final ExpandableDirectByteBuffer out = cur == bufferA ? bufferB : bufferA;
        final long nextId = cur.getLong(NEXT_ID) + (consumedEvent ? 1 : 0);
        int events = 0;
        int w = HEADER;
        int r = 0;
        final int oldEvents = cur.getInt(EVENT_COUNT);
        int at = HEADER;
        for (int e = 0; e < oldEvents; e++)
        {
            final int length = EV_HEADER + cur.getInt(at + EV_LEN);
            final long id = cur.getLong(at + EV_ID);
            while (r < refCount && refIds[r] < id)
            {
                r++;
            }
            if (r < refCount && refIds[r] == id)
            {
                out.putBytes(w, cur, at, length);
                w += length;
                events++;
            }
            at += length;
        }
        if (consumedEvent && refCount > 0 && refIds[refCount - 1] == currentId)
        {
            final int length = current.length();
            out.putLong(w + EV_ID, currentId);
            out.putLong(w + EV_TS, current.eventTime());
            out.putInt(w + EV_LEN, length);
            out.putBytes(w + EV_HEADER, current.buffer(), current.offset(), length);
            w += EV_HEADER + length;
            events++;
        }
        out.putLong(NEXT_ID, nextId);
        out.putInt(EVENT_COUNT, events);
        out.putInt(PM_COUNT, live);
        out.putInt(EVENTS_LENGTH, w - HEADER);
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < workCount; i++)
        {
            if (!workDead[i])
            {
                final int o = workOffsets[i];
                earliest = Math.min(earliest, work.getLong(o + PM_START_TS));
                final int length = pmLength(work, o);
                out.putBytes(w, work, o, length);
                w += length;
            }
        }
        out.putLong(EARLIEST, earliest);
        cur = out;
        curLength = w;
    }

    /**
     * A partial match or match read in place: its events found by id in the current state's shared buffer (or the
     * event being processed).
     */
    private final class View implements Match
    {
        private DirectBuffer buffer;
        private int at;

        void wrap(final DirectBuffer buffer, final int at)
        {
            this.buffer = buffer;
            this.at = at;
        }

        public int count(final String step)
        {
            final int s = p.indexOf(step);
            int count = 0;
            final int refs = buffer.getInt(at + PM_REFS);
            for (int r = 0; r < refs; r++)
            {
                count += buffer.getInt(at + PM_HEADER + r * REF_LENGTH) == s ? 1 : 0;
            }
            return count;
        }

        public Row event(final String step, final int index)
        {
            final int s = p.indexOf(step);
            int seen = 0;
            final int refs = buffer.getInt(at + PM_REFS);
            for (int r = 0; r < refs; r++)
            {
                final int ref = at + PM_HEADER + r * REF_LENGTH;
                if (buffer.getInt(ref) == s && seen++ == index)
                {
                    return row(buffer.getLong(ref + 4));
                }
            }
            throw new IndexOutOfBoundsException("step '" + step + "' has " + seen + " events, not " + (index + 1));
        }

        public long startTime()
        {
            return buffer.getLong(at + PM_START_TS);
        }

        private Row row(final long id)
        {
            if (id == currentId)
            {
                return current;
            }
            final int events = cur.getInt(EVENT_COUNT);
            int e = HEADER;
            for (int i = 0; i < events; i++)
            {
                final int length = cur.getInt(e + EV_LEN);
                if (cur.getLong(e + EV_ID) == id)
                {
                    eventRow.wrap(schema, cur, e + EV_HEADER, length);
                    eventRow.meta(cur.getLong(e + EV_TS), -1, -1);
                    return eventRow;
                }
                e += EV_HEADER + length;
            }
            throw new IllegalStateException("event " + id + " of a partial match is missing from the shared buffer");
        }
    }
}
