package io.peregrine.runtime;

import io.peregrine.api.Windows;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every join operator against a nested-loop reference over random scripts of left and right records (few keys, few
 * values and times: duplicates abound), watermarks (records behind them are late) and clock ticks. The reference
 * keeps every record it accepted in a plain list and decides each output from the documented semantics alone; the
 * operator's output after each step of the script (as a multiset) must equal the reference's, and so must the count
 * of late records. The script ends with the final watermark.
 */
class JoinPropertiesTest
{
    /** One step: a left (0) or right (1) record, a watermark (2) or a clock tick (3). */
    record Step(int type, long key, long ts, int value)
    {
        public String toString()
        {
            switch (type)
            {
                case 0: return "L(" + key + "," + ts + "," + value + ")";
                case 1: return "R(" + key + "," + ts + "," + tag() + ")";
                case 2: return "W(" + ts + ")";
                default: return "C(+" + ts + ")";
            }
        }

        String tag()
        {
            return "t" + value;
        }
    }

    /** A record the reference holds. */
    record Rec(int side, long key, long ts, int value, long arrivalWatermark, long[] written, int[] matches)
    {
        String text()
        {
            return side == 0 ? ts + "/" + value : ts + "/t" + value;
        }
    }

    @Provide
    Arbitrary<List<Step>> scripts()
    {
        final Arbitrary<Step> record = Combinators.combine(
            Arbitraries.integers().between(0, 1), Arbitraries.longs().between(1, 3),
            Arbitraries.longs().between(0, 30), Arbitraries.integers().between(0, 2))
            .as(Step::new);
        final Arbitrary<Step> watermark = Arbitraries.longs().between(-2, 35).map(t -> new Step(2, 0, t, 0));
        final Arbitrary<Step> clock = Arbitraries.longs().between(0, 30).map(d -> new Step(3, 0, d, 0));
        return Arbitraries.frequencyOf(Tuple.of(8, record), Tuple.of(2, watermark), Tuple.of(1, clock))
            .list().ofMaxSize(80);
    }

    /**
     * The reference's side of a run: told each step, returns what it emits.
     */
    abstract static class Reference
    {
        long watermark = Long.MIN_VALUE;
        long now = 1_000;
        long late;

        abstract List<String> onRecord(Step step);

        abstract List<String> onWatermark(long previous);

        List<String> onClock()
        {
            return new ArrayList<>();
        }

        static String line(final String kind, final long key, final String left, final String right, final long time)
        {
            return kind + " " + key + " " + left + " " + right + " @" + time;
        }
    }

    private static void check(final List<Step> script, final JoinHarness harness, final Reference reference)
    {
        final List<Step> steps = new ArrayList<>(script);
        steps.add(new Step(2, 0, Long.MAX_VALUE, 0));
        long now = 1_000;
        try
        {
            for (int i = 0; i < steps.size(); i++)
            {
                final Step step = steps.get(i);
                final List<String> expected;
                switch (step.type())
                {
                    case 0:
                        harness.left(step.key(), step.ts(), step.value());
                        expected = reference.onRecord(step);
                        break;
                    case 1:
                        harness.right(step.key(), step.ts(), step.tag());
                        expected = reference.onRecord(step);
                        break;
                    case 2:
                        harness.watermark(step.ts());
                        if (step.ts() > reference.watermark)
                        {
                            final long previous = reference.watermark;
                            reference.watermark = step.ts();
                            expected = reference.onWatermark(previous);
                        }
                        else
                        {
                            expected = new ArrayList<>();
                        }
                        break;
                    default:
                        now += step.ts();
                        harness.clock(now);
                        reference.now = now;
                        expected = reference.onClock();
                }
                final List<String> actual = harness.take();
                expected.sort(null);
                actual.sort(null);
                assertEquals(expected, actual, "step " + i + " " + step + " of " + steps);
                assertEquals(reference.late, harness.late(), "late records after step " + i + " " + step + " of " + steps);
            }
        }
        finally
        {
            harness.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ window joins

    @Property(tries = 300)
    void tumblingAndSlidingWindowJoinsEqualTheReference(
        @ForAll("scripts") final List<Step> script, @ForAll @LongRange(min = 1, max = 3) final long slides,
        @ForAll @LongRange(min = 4, max = 20) final long slide, @ForAll final boolean distinct)
    {
        final long size = slide * slides;
        check(script, JoinHarness.window(slides == 1 ? Windows.tumbling(size) : Windows.sliding(size, slide), distinct),
            new WindowReference(size, slide, distinct));
    }

    static final class WindowReference extends Reference
    {
        private final long size;
        private final long slide;
        private final boolean distinct;
        private final List<Rec> records = new ArrayList<>();

        WindowReference(final long size, final long slide, final boolean distinct)
        {
            this.size = size;
            this.slide = slide;
            this.distinct = distinct;
        }

        private boolean inTime(final long start, final long arrivalWatermark)
        {
            return start + size - 1 > arrivalWatermark;
        }

        List<String> onRecord(final Step step)
        {
            boolean any = false;
            for (long start = step.ts() - Math.floorMod(step.ts(), slide); start > step.ts() - size; start -= slide)
            {
                any |= inTime(start, watermark);
            }
            if (any)
            {
                records.add(new Rec(step.type(), step.key(), step.ts(), step.value(), watermark, null, null));
            }
            else
            {
                late++;
            }
            return new ArrayList<>();
        }

        List<String> onWatermark(final long previous)
        {
            final List<String> out = new ArrayList<>();
            final Set<Long> starts = new HashSet<>();
            for (final Rec r : records)
            {
                for (long start = r.ts() - Math.floorMod(r.ts(), slide); start > r.ts() - size; start -= slide)
                {
                    final long last = start + size - 1;
                    if (last > previous && last <= watermark)
                    {
                        starts.add(start);
                    }
                }
            }
            for (final long start : starts)
            {
                final Set<String> seenLeft = new HashSet<>();
                for (final Rec l : records)
                {
                    if (!in(l, 0, start) || distinct && !seenLeft.add(l.key() + " " + l.text()))
                    {
                        continue;
                    }
                    final Set<String> seenRight = new HashSet<>();
                    for (final Rec r : records)
                    {
                        if (r.key() == l.key() && in(r, 1, start) && (!distinct || seenRight.add(r.text())))
                        {
                            out.add(line("+I", l.key(), l.text(), r.text(), start + size - 1));
                        }
                    }
                }
            }
            return out;
        }

        private boolean in(final Rec r, final int side, final long start)
        {
            return r.side() == side && r.ts() >= start && r.ts() < start + size && inTime(start, r.arrivalWatermark());
        }
    }

    @Property(tries = 300)
    void sessionWindowJoinsEqualTheReference(
        @ForAll("scripts") final List<Step> script, @ForAll @LongRange(min = 1, max = 15) final long gap)
    {
        check(script, JoinHarness.window(Windows.session(gap), false), new SessionReference(gap));
    }

    static final class SessionReference extends Reference
    {
        private final long gap;
        private final List<Rec> open = new ArrayList<>();

        SessionReference(final long gap)
        {
            this.gap = gap;
        }

        /** The session (start, end) of the records of a key that {@code seed}'s interval is connected to. */
        private long[] session(final List<Rec> records, final long key, final long seedTs)
        {
            long start = seedTs;
            long end = seedTs + gap;
            boolean grew = true;
            while (grew)
            {
                grew = false;
                for (final Rec r : records)
                {
                    if (r.key() == key && r.ts() <= end && r.ts() + gap >= start &&
                        (r.ts() < start || r.ts() + gap > end))
                    {
                        start = Math.min(start, r.ts());
                        end = Math.max(end, r.ts() + gap);
                        grew = true;
                    }
                }
            }
            return new long[]{ start, end };
        }

        List<String> onRecord(final Step step)
        {
            final long[] s = session(open, step.key(), step.ts());
            if (s[1] - 1 <= watermark)
            {
                late++;
            }
            else
            {
                open.add(new Rec(step.type(), step.key(), step.ts(), step.value(), watermark, null, null));
            }
            return new ArrayList<>();
        }

        List<String> onWatermark(final long previous)
        {
            final List<String> out = new ArrayList<>();
            final Map<String, long[]> fired = new LinkedHashMap<>();
            for (final Rec r : open)
            {
                final long[] s = session(open, r.key(), r.ts());
                if (s[1] - 1 <= watermark)
                {
                    fired.put(r.key() + " " + s[0] + " " + s[1], new long[]{ r.key(), s[0], s[1] });
                }
            }
            for (final long[] f : fired.values())
            {
                for (final Rec l : open)
                {
                    for (final Rec r : open)
                    {
                        if (l.side() == 0 && r.side() == 1 && l.key() == f[0] && r.key() == f[0] &&
                            l.ts() >= f[1] && l.ts() < f[2] && r.ts() >= f[1] && r.ts() < f[2])
                        {
                            out.add(line("+I", f[0], l.text(), r.text(), f[2] - 1));
                        }
                    }
                }
                open.removeIf(r -> r.key() == f[0] && r.ts() >= f[1] && r.ts() < f[2]);
            }
            return out;
        }
    }

    // ---------------------------------------------------------------------------------------------- interval joins

    @Property(tries = 300)
    void intervalJoinsEqualTheReference(
        @ForAll("scripts") final List<Step> script, @ForAll @LongRange(min = -15, max = 10) final long lower,
        @ForAll @LongRange(min = 0, max = 15) final long width)
    {
        check(script, JoinHarness.interval(lower, lower + width), new IntervalReference(lower, lower + width));
    }

    static final class IntervalReference extends Reference
    {
        private final long lower;
        private final long upper;
        private final List<Rec> records = new ArrayList<>();

        IntervalReference(final long lower, final long upper)
        {
            this.lower = lower;
            this.upper = upper;
        }

        private long cleanup(final Rec r)
        {
            return r.side() == 0 ? r.ts() + Math.max(upper, 0) : r.ts() + Math.max(-lower, 0);
        }

        List<String> onRecord(final Step step)
        {
            final List<String> out = new ArrayList<>();
            if (watermark != Long.MIN_VALUE && step.ts() < watermark)
            {
                late++;
                return out;
            }
            final Rec x = new Rec(step.type(), step.key(), step.ts(), step.value(), watermark, null, null);
            for (final Rec y : records)
            {
                if (y.side() != x.side() && y.key() == x.key())
                {
                    final Rec l = x.side() == 0 ? x : y;
                    final Rec r = x.side() == 0 ? y : x;
                    if (r.ts() >= l.ts() + lower && r.ts() <= l.ts() + upper)
                    {
                        out.add(line("+I", x.key(), l.text(), r.text(), Math.max(l.ts(), r.ts())));
                    }
                }
            }
            records.add(x);
            return out;
        }

        /** A row leaves when the watermark advances to or past its cleanup time (even one at or behind it). */
        List<String> onWatermark(final long previous)
        {
            records.removeIf(r -> cleanup(r) <= watermark);
            return new ArrayList<>();
        }
    }

    // ----------------------------------------------------------------------------------------------- regular joins

    /**
     * With a condition or not: {@code right.ts >= left.ts - 5}.
     */
    @Property(tries = 300)
    void regularJoinsEqualTheReference(
        @ForAll("scripts") final List<Step> script, @ForAll final boolean outer,
        @ForAll @LongRange(min = 0, max = 40) final long ttl, @ForAll final boolean conditioned)
    {
        check(script, JoinHarness.regular(outer, ttl, 1_000, conditioned ?
                (l, r) -> r.getTimestamp(JoinSemanticsTest.R_TS) >= l.getTimestamp(JoinSemanticsTest.L_TS) - 5 : null),
            new RegularReference(outer, ttl, conditioned));
    }

    static final class RegularReference extends Reference
    {
        private final boolean outer;
        private final long ttl;
        private final boolean conditioned;
        private final List<Rec> records = new ArrayList<>();

        RegularReference(final boolean outer, final long ttl, final boolean conditioned)
        {
            this.outer = outer;
            this.ttl = ttl;
            this.conditioned = conditioned;
        }

        private boolean holds(final Rec l, final Rec r)
        {
            return !conditioned || r.ts() >= l.ts() - 5;
        }

        private boolean alive(final Rec r)
        {
            return ttl == 0 || r.written()[0] + ttl > now;
        }

        List<String> onRecord(final Step step)
        {
            final List<String> out = new ArrayList<>();
            final Rec x = new Rec(step.type(), step.key(), step.ts(), step.value(), watermark, new long[]{ now },
                new int[1]);
            if (x.side() == 0)
            {
                for (final Rec r : records)
                {
                    if (r.side() == 1 && r.key() == x.key() && alive(r) && holds(x, r))
                    {
                        out.add(line("+I", x.key(), x.text(), r.text(), Math.max(x.ts(), r.ts())));
                        x.matches()[0]++;
                    }
                }
                if (outer && x.matches()[0] == 0)
                {
                    out.add(line("+I", x.key(), x.text(), "-", x.ts()));
                }
            }
            else
            {
                final List<Rec> matched = new ArrayList<>();
                for (final Rec l : records)
                {
                    if (l.side() == 0 && l.key() == x.key() && alive(l) && holds(l, x))
                    {
                        matched.add(l);
                    }
                }
                if (outer)
                {
                    for (final Rec l : matched)
                    {
                        if (l.matches()[0]++ == 0)
                        {
                            out.add(line("-D", l.key(), l.text(), "-", l.ts()));
                        }
                        l.written()[0] = now;
                    }
                }
                for (final Rec l : matched)
                {
                    out.add(line("+I", x.key(), l.text(), x.text(), Math.max(x.ts(), l.ts())));
                }
            }
            records.add(x);
            return out;
        }

        List<String> onWatermark(final long previous)
        {
            return new ArrayList<>();
        }
    }

    // ---------------------------------------------------------------------------------------------- temporal joins

    @Property(tries = 300)
    void temporalJoinsEqualTheReference(@ForAll("scripts") final List<Step> script, @ForAll final boolean outer)
    {
        check(script, JoinHarness.temporal(outer), new TemporalReference(outer));
    }

    static final class TemporalReference extends Reference
    {
        private final boolean outer;
        private final List<Rec> versions = new ArrayList<>();
        private final List<Rec> waiting = new ArrayList<>();

        TemporalReference(final boolean outer)
        {
            this.outer = outer;
        }

        /** The key's latest version at or before {@code time}, of equal times the last to arrive; null if none. */
        private Rec latest(final long key, final long time)
        {
            Rec best = null;
            for (final Rec v : versions)
            {
                if (v.key() == key && v.ts() <= time && (best == null || v.ts() >= best.ts()))
                {
                    best = v;
                }
            }
            return best;
        }

        private void emit(final Rec probe, final Rec version, final List<String> out)
        {
            if (version != null)
            {
                out.add(line("+I", probe.key(), probe.text(), version.text(), probe.ts()));
            }
            else if (outer)
            {
                out.add(line("+I", probe.key(), probe.text(), "-", probe.ts()));
            }
        }

        List<String> onRecord(final Step step)
        {
            final List<String> out = new ArrayList<>();
            final Rec x = new Rec(step.type(), step.key(), step.ts(), step.value(), watermark, null, null);
            final Rec floor = latest(x.key(), watermark);
            if (x.side() == 0)
            {
                if (x.ts() <= watermark)
                {
                    emit(x, floor != null && floor.ts() <= x.ts() ? floor : null, out);
                }
                else
                {
                    waiting.add(x);
                }
            }
            else if (x.ts() <= watermark && floor != null && x.ts() < floor.ts())
            {
                late++;
            }
            else
            {
                versions.add(x);
            }
            return out;
        }

        List<String> onWatermark(final long previous)
        {
            final List<String> out = new ArrayList<>();
            for (final Rec probe : waiting)
            {
                if (probe.ts() <= watermark)
                {
                    emit(probe, latest(probe.key(), probe.ts()), out);
                }
            }
            waiting.removeIf(probe -> probe.ts() <= watermark);
            return out;
        }
    }

    // ------------------------------------------------------------------------------------------------ lookup joins

    @Property(tries = 100)
    void lookupJoinsEqualTheReference(
        @ForAll("scripts") final List<Step> script, @ForAll("scripts") final List<Step> referenceRows,
        @ForAll final boolean outer)
    {
        final List<Object[]> reference = new ArrayList<>();
        final List<Rec> rows = new ArrayList<>();
        for (final Step s : referenceRows)
        {
            if (s.type() <= 1)
            {
                reference.add(JoinSemanticsTest.r(s.key(), s.ts(), s.tag()));
                rows.add(new Rec(1, s.key(), s.ts(), s.value(), 0, null, null));
            }
        }
        final List<Step> lefts = new ArrayList<>();
        for (final Step s : script)
        {
            if (s.type() == 0)
            {
                lefts.add(s);
            }
        }
        final JoinHarness harness = JoinHarness.lookup(outer, reference);
        try
        {
            for (final Step s : lefts)
            {
                final List<String> expected = new ArrayList<>();
                for (final Rec r : rows)
                {
                    if (r.key() == s.key())
                    {
                        expected.add(Reference.line("+I", s.key(), s.ts() + "/" + s.value(), r.text(), s.ts()));
                    }
                }
                if (expected.isEmpty() && outer)
                {
                    expected.add(Reference.line("+I", s.key(), s.ts() + "/" + s.value(), "-", s.ts()));
                }
                assertEquals(expected, harness.left(s.key(), s.ts(), s.value()).take(), s + " with " + rows.size() +
                    " reference rows");
            }
        }
        finally
        {
            harness.close();
        }
    }

    static final Comparator<String> ORDER = Comparator.naturalOrder();
}
