package io.peregrine.runtime;

import io.peregrine.api.Field;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.WatermarkStrategy;
import io.peregrine.cep.AfterMatchSkip;
import io.peregrine.cep.Match;
import io.peregrine.cep.Pattern;
import io.peregrine.config.JobContext;
import io.peregrine.connector.CollectSink;
import io.peregrine.pipeline.PatternOutput;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static io.peregrine.runtime.TestSchemas.TS;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random patterns over random keyed streams with out-of-order timestamps, on 1, 2 and 4 shards: every match and
 * every timeout equals the {@link ReferenceMatcher}'s. A record's type is its value modulo 3.
 */
class PatternPropertyTest
{
    static final Schema OUT = Schema.builder("found").int64("key").varString("text").build();
    static final Field.Int64 OUT_KEY = OUT.int64("key");
    static final Field.VarString OUT_TEXT = OUT.varString("text");

    @Property(tries = 100)
    void matchesAndTimeoutsAgreeWithTheReference(@ForAll final long seed, @ForAll @IntRange(min = 0, max = 2) final int shardChoice)
    {
        final Random random = new Random(seed);
        final ReferenceMatcher.Spec spec = spec(random);
        final List<Object[]> rows = new ArrayList<>();
        final List<String> expectedMatches = new ArrayList<>();
        final List<String> expectedTimeouts = new ArrayList<>();
        final List<long[]> arrivals = new ArrayList<>();
        for (long key = 1; key <= 3; key++)
        {
            final int count = 3 + random.nextInt(7);
            final List<ReferenceMatcher.Event> events = new ArrayList<>();
            final List<Long> times = new ArrayList<>();
            for (long t = 0; t < 60; t++)
            {
                times.add(t * 20);
            }
            java.util.Collections.shuffle(times, random);
            for (int i = 0; i < count; i++)
            {
                events.add(new ReferenceMatcher.Event(times.get(i), random.nextInt(9)));
            }
            events.sort(Comparator.comparingLong(ReferenceMatcher.Event::ts));
            for (final ReferenceMatcher.Event e : events)
            {
                arrivals.add(new long[]{ key, e.ts(), e.value(), e.ts() + random.nextInt(150) });
            }
            final ReferenceMatcher reference = new ReferenceMatcher(spec, events);
            reference.run(Long.MAX_VALUE);
            for (final String m : reference.matches)
            {
                expectedMatches.add(key + "," + m);
            }
            for (final String m : reference.timeouts)
            {
                expectedTimeouts.add(key + "," + m);
            }
        }
        arrivals.sort(Comparator.comparingLong(a -> a[3]));
        for (final long[] a : arrivals)
        {
            rows.add(new Object[]{ a[0], a[1], a[2] });
        }
        final int shards = new int[]{ 1, 2, 4 }[shardChoice];
        final Pipeline p = Pipeline.create("cep-property");
        final CollectSink matches = Sinks.collect();
        final CollectSink timeouts = Sinks.collect();
        final PatternOutput out = p.source("events", Sources.collection(EVENT, rows), WatermarkStrategy.boundedOutOfOrderness(TS, 300))
            .keyBy("by-key", KEY)
            .pattern("random", pattern(spec))
            .select("matches", OUT, (match, o) ->
            {
                o.next().putLong(OUT_KEY, key(match, spec)).putVarString(OUT_TEXT, render(match, spec));
                o.emit();
            });
        out.sink("matches-out", matches);
        out.timedOut("timeouts", OUT, (partial, ts, o) ->
        {
            o.next().putLong(OUT_KEY, key(partial, spec)).putVarString(OUT_TEXT, render(partial, spec) + "@" + ts);
            o.emit();
        }).sink("timeouts-out", timeouts);
        p.execute(new JobContext().shards(shards).idleStrategyName("yield")).join();
        assertEquals(expectedMatches.stream().sorted().toList(), matches.sortedRows(), "matches of " + spec);
        assertEquals(expectedTimeouts.stream().sorted().toList(), timeouts.sortedRows(), "timeouts of " + spec);
    }

    private static long key(final Match match, final ReferenceMatcher.Spec spec)
    {
        for (int s = 0; s < spec.steps().size(); s++)
        {
            if (match.count("s" + s) > 0)
            {
                return match.first("s" + s).getLong(KEY);
            }
        }
        throw new IllegalStateException("a match without events");
    }

    private static String render(final Match match, final ReferenceMatcher.Spec spec)
    {
        final StringBuilder text = new StringBuilder();
        for (int s = 0; s < spec.steps().size(); s++)
        {
            for (int i = 0; i < match.count("s" + s); i++)
            {
                text.append(s).append(':').append(match.event("s" + s, i).getTimestamp(TS)).append(' ');
            }
        }
        return text.toString().trim();
    }

    private static ReferenceMatcher.Spec spec(final Random random)
    {
        final int n = 2 + random.nextInt(3);
        final List<ReferenceMatcher.Step> steps = new ArrayList<>();
        final ReferenceMatcher.Contiguity[] contiguities = ReferenceMatcher.Contiguity.values();
        final int[][] quantifiers = { { 1, 1 }, { 1, 1 }, { 0, 1 }, { 1, Integer.MAX_VALUE }, { 2, 2 }, { 1, 3 } };
        for (int i = 0; i < n; i++)
        {
            final boolean previousOptional = i > 0 && steps.get(i - 1).min() == 0;
            ReferenceMatcher.Kind kind = ReferenceMatcher.Kind.TAKE;
            if (i > 0 && !previousOptional && random.nextInt(5) == 0)
            {
                kind = random.nextBoolean() ? ReferenceMatcher.Kind.NOT_NEXT : ReferenceMatcher.Kind.NOT_FOLLOWED_BY;
            }
            final ReferenceMatcher.Contiguity contiguity = kind == ReferenceMatcher.Kind.NOT_NEXT ?
                ReferenceMatcher.Contiguity.STRICT : kind == ReferenceMatcher.Kind.NOT_FOLLOWED_BY ?
                ReferenceMatcher.Contiguity.RELAXED : contiguities[random.nextInt(3)];
            final int[] q = kind == ReferenceMatcher.Kind.TAKE ? quantifiers[random.nextInt(quantifiers.length)] : quantifiers[0];
            final ReferenceMatcher.Contiguity inner = q[1] > 1 ? contiguities[random.nextInt(3)] : ReferenceMatcher.Contiguity.RELAXED;
            steps.add(new ReferenceMatcher.Step(kind, contiguity, random.nextInt(3), random.nextInt(3) == 0, q[0], q[1], inner));
        }
        long within = new long[]{ 0, 100, 300 }[random.nextInt(3)];
        if (steps.get(n - 1).kind() == ReferenceMatcher.Kind.NOT_FOLLOWED_BY && within == 0)
        {
            within = 300;
        }
        final String skip = new String[]{ "none", "next", "past", "first", "last" }[random.nextInt(5)];
        int skipStep = 0;
        if (skip.equals("first") || skip.equals("last"))
        {
            do
            {
                skipStep = random.nextInt(n);
            }
            while (steps.get(skipStep).kind() != ReferenceMatcher.Kind.TAKE);
        }
        return new ReferenceMatcher.Spec(steps, within, skip, skipStep);
    }

    private static Pattern pattern(final ReferenceMatcher.Spec spec)
    {
        final AfterMatchSkip skip = switch (spec.skip())
        {
            case "next" -> AfterMatchSkip.skipToNext();
            case "past" -> AfterMatchSkip.skipPastLastEvent();
            case "first" -> AfterMatchSkip.skipToFirst("s" + spec.skipStep());
            case "last" -> AfterMatchSkip.skipToLast("s" + spec.skipStep());
            default -> AfterMatchSkip.noSkip();
        };
        Pattern pattern = null;
        for (int i = 0; i < spec.steps().size(); i++)
        {
            final ReferenceMatcher.Step step = spec.steps().get(i);
            final String name = "s" + i;
            if (i == 0)
            {
                pattern = Pattern.begin(name, skip);
            }
            else if (step.kind() == ReferenceMatcher.Kind.NOT_NEXT)
            {
                pattern.notNext(name);
            }
            else if (step.kind() == ReferenceMatcher.Kind.NOT_FOLLOWED_BY)
            {
                pattern.notFollowedBy(name);
            }
            else
            {
                switch (step.contiguity())
                {
                    case STRICT -> pattern.next(name);
                    case RELAXED -> pattern.followedBy(name);
                    default -> pattern.followedByAny(name);
                }
            }
            final int type = step.type();
            pattern.where(e -> e.getLong(VALUE) % 3 == type);
            if (step.rising())
            {
                final String previous = i > 0 ? "s" + (i - 1) : null;
                pattern.where((e, m) -> rises(e, m, name, previous));
            }
            if (step.max() == Integer.MAX_VALUE)
            {
                pattern.oneOrMore();
            }
            else if (step.max() > 1)
            {
                pattern.times(step.min() == 0 ? 1 : step.min(), step.max());
            }
            if (step.min() == 0)
            {
                pattern.optional();
            }
            if (step.max() > 1 && step.inner() == ReferenceMatcher.Contiguity.STRICT)
            {
                pattern.consecutive();
            }
            else if (step.max() > 1 && step.inner() == ReferenceMatcher.Contiguity.ANY)
            {
                pattern.allowCombinations();
            }
        }
        if (spec.within() > 0)
        {
            pattern.within(spec.within());
        }
        return pattern;
    }

    private static boolean rises(final Row e, final Match m, final String step, final String previous)
    {
        if (m.count(step) > 0)
        {
            return e.getLong(VALUE) > m.last(step).getLong(VALUE);
        }
        if (previous != null && m.count(previous) > 0)
        {
            return e.getLong(VALUE) > m.last(previous).getLong(VALUE);
        }
        return true;
    }
}
