package io.peregrine.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A heap-based reference for the pattern property test, written from the README's rules (not from the NFA): one
 * key's events, sorted by time, run through sets of partial matches kept as lists; conditions are "type equals" with
 * an optional "value rises over the step's (or else the previous step's) last event".
 */
final class ReferenceMatcher
{
    enum Kind
    {
        TAKE, NOT_NEXT, NOT_FOLLOWED_BY
    }

    enum Contiguity
    {
        STRICT, RELAXED, ANY
    }

    record Step(Kind kind, Contiguity contiguity, int type, boolean rising, int min, int max, Contiguity inner)
    {
    }

    record Spec(List<Step> steps, long within, String skip, int skipStep)
    {
    }

    record Event(long ts, long value)
    {
        int type()
        {
            return (int)(value % 3);
        }
    }

    /** A partial match: step, events taken by it, and the (step, event index) pairs taken so far. */
    record Partial(int step, int count, List<List<Integer>> refs, long startTs, int startIndex)
    {
    }

    private final Spec spec;
    private final List<Event> events;
    final List<String> matches = new ArrayList<>();
    final List<String> timeouts = new ArrayList<>();

    ReferenceMatcher(final Spec spec, final List<Event> sortedEvents)
    {
        this.spec = spec;
        this.events = sortedEvents;
    }

    String render(final Partial pm)
    {
        final StringBuilder text = new StringBuilder();
        for (int s = 0; s < spec.steps().size(); s++)
        {
            for (final List<Integer> ref : pm.refs())
            {
                if (ref.get(0) == s)
                {
                    text.append(s).append(':').append(events.get(ref.get(1)).ts()).append(' ');
                }
            }
        }
        return text.toString().trim();
    }

    private boolean condition(final int s, final Partial pm, final Event e)
    {
        final Step step = spec.steps().get(s);
        if (e.type() != step.type())
        {
            return false;
        }
        if (!step.rising())
        {
            return true;
        }
        Event last = null;
        for (final List<Integer> ref : pm.refs())
        {
            if (ref.get(0) == s)
            {
                last = events.get(ref.get(1));
            }
        }
        if (last == null && s > 0)
        {
            for (final List<Integer> ref : pm.refs())
            {
                if (ref.get(0) == s - 1)
                {
                    last = events.get(ref.get(1));
                }
            }
        }
        return last == null || e.value() > last.value();
    }

    private boolean restOptional(final int s)
    {
        for (int i = s + 1; i < spec.steps().size(); i++)
        {
            if (spec.steps().get(i).kind() != Kind.TAKE || spec.steps().get(i).min() > 0)
            {
                return false;
            }
        }
        return true;
    }

    void run(final long finalTime)
    {
        Set<Partial> partials = new LinkedHashSet<>();
        for (int i = 0; i < events.size(); i++)
        {
            partials = expire(partials, events.get(i).ts());
            final Set<Partial> next = new LinkedHashSet<>();
            final List<Partial> found = new ArrayList<>();
            final Event e = events.get(i);
            for (final Partial pm : partials)
            {
                step(pm, i, e, false, next, found);
            }
            step(new Partial(0, 0, List.of(), e.ts(), i), i, e, true, next, found);
            final List<Partial> sorted = new ArrayList<>(new LinkedHashSet<>(found));
            sorted.sort((x, y) -> Integer.compare(x.startIndex(), y.startIndex()));
            final Set<Partial> dead = new java.util.HashSet<>();
            for (final Partial m : sorted)
            {
                if (dead.contains(m))
                {
                    continue;
                }
                matches.add(render(m));
                final int from = m.startIndex();
                final int to = switch (spec.skip())
                {
                    case "next" -> from + 1;
                    case "past" -> i + 1;
                    case "first", "last" -> skipTarget(m, spec.skip().equals("first"));
                    default -> from;
                };
                next.removeIf(pm -> pm.startIndex() >= from && pm.startIndex() < to);
                for (final Partial other : sorted)
                {
                    if (other != m && other.startIndex() >= from && other.startIndex() < to)
                    {
                        dead.add(other);
                    }
                }
            }
            partials = next;
        }
        expire(partials, finalTime);
    }

    private int skipTarget(final Partial m, final boolean first)
    {
        int target = m.startIndex();
        for (final List<Integer> ref : m.refs())
        {
            if (ref.get(0) == spec.skipStep())
            {
                target = ref.get(1);
                if (first)
                {
                    break;
                }
            }
        }
        return target;
    }

    private Set<Partial> expire(final Set<Partial> partials, final long time)
    {
        if (spec.within() <= 0)
        {
            return partials;
        }
        final Set<Partial> kept = new LinkedHashSet<>();
        final int n = spec.steps().size();
        for (final Partial pm : partials)
        {
            if (time - pm.startTs() >= spec.within())
            {
                final boolean absence = spec.steps().get(n - 1).kind() == Kind.NOT_FOLLOWED_BY &&
                    (pm.step() == n - 1 || pm.step() == n - 2 && pm.count() >= spec.steps().get(pm.step()).min());
                (absence ? matches : timeouts).add(render(pm) + (absence ? "" : "@" + (pm.startTs() + spec.within())));
            }
            else
            {
                kept.add(pm);
            }
        }
        return kept;
    }

    private Partial with(final Partial pm, final int s, final int c, final List<Integer> ref, final Event e)
    {
        final List<List<Integer>> refs = new ArrayList<>(pm.refs());
        if (ref != null)
        {
            refs.add(ref);
        }
        final boolean first = pm.refs().isEmpty() && ref != null;
        return new Partial(s, c, List.copyOf(refs), first ? e.ts() : pm.startTs(), first ? ref.get(1) : pm.startIndex());
    }

    private void taken(final Partial pm, final int s, final int c, final int i, final Event e, final Set<Partial> next,
        final List<Partial> found)
    {
        final Partial p = with(pm, s, c, List.of(s, i), e);
        final Step step = spec.steps().get(s);
        if (c >= step.min() && restOptional(s))
        {
            found.add(p);
        }
        if (c < step.max() || s + 1 < spec.steps().size())
        {
            next.add(p);
        }
    }

    private static boolean ignores(final Contiguity contiguity, final boolean taken)
    {
        return contiguity == Contiguity.ANY || contiguity == Contiguity.RELAXED && !taken;
    }

    private void step(final Partial pm, final int i, final Event e, final boolean fresh, final Set<Partial> next,
        final List<Partial> found)
    {
        final int s = pm.step();
        final int c = pm.count();
        if (c == 0)
        {
            waiting(pm, s, i, e, fresh, -1, next, found);
            return;
        }
        final Step step = spec.steps().get(s);
        if (c < step.max())
        {
            final boolean take = condition(s, pm, e);
            if (take)
            {
                taken(pm, s, c + 1, i, e, next, found);
            }
            if (ignores(step.inner(), take))
            {
                next.add(pm);
            }
        }
        if (c >= step.min() && s + 1 < spec.steps().size())
        {
            waiting(pm, s + 1, i, e, false, -1, next, found);
        }
    }

    private void waiting(final Partial pm, final int t, final int i, final Event e, final boolean noIgnore, final int hold,
        final Set<Partial> next, final List<Partial> found)
    {
        final int n = spec.steps().size();
        final Step step = spec.steps().get(t);
        final boolean matches = condition(t, pm, e);
        if (step.kind() == Kind.NOT_NEXT)
        {
            if (!matches)
            {
                if (t + 1 == n)
                {
                    found.add(pm);
                }
                else
                {
                    waiting(pm, t + 1, i, e, noIgnore, hold, next, found);
                }
            }
            return;
        }
        if (step.kind() == Kind.NOT_FOLLOWED_BY)
        {
            if (!matches)
            {
                if (t + 1 == n)
                {
                    next.add(with(pm, t, 0, null, e));
                }
                else
                {
                    waiting(pm, t + 1, i, e, noIgnore, t, next, found);
                }
            }
            return;
        }
        if (matches)
        {
            taken(pm, t, 1, i, e, next, found);
        }
        boolean kept = noIgnore;
        if (!noIgnore)
        {
            final Contiguity contiguity = step.max() > 1 && step.inner() == Contiguity.ANY &&
                step.contiguity() == Contiguity.RELAXED ? Contiguity.ANY : step.contiguity();
            if (ignores(contiguity, matches))
            {
                next.add(with(pm, hold >= 0 ? hold : t, 0, null, e));
                kept = true;
            }
        }
        if (step.min() == 0 && t + 1 < n)
        {
            waiting(pm, t + 1, i, e, kept, hold, next, found);
        }
    }
}
