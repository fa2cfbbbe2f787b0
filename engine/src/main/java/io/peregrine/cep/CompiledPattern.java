package io.peregrine.cep;

import java.util.List;

/**
 * A checked pattern as the arrays its automaton runs on: per step its name, kind, contiguity with the previous
 * step, contiguity inside its loop, bounds, greediness and conditions. Immutable; shared by every shard (the
 * conditions must keep nothing in their fields).
 */
public final class CompiledPattern
{
    final String[] names;
    final Pattern.StepKind[] kinds;
    final Pattern.Contiguity[] contiguity;
    final Pattern.Contiguity[] inner;
    final int[] min;
    final int[] max;
    final boolean[] greedy;
    final IterativeCondition[] conditions;
    final IterativeCondition[] until;
    /** Per step: true if every step after it may take no event (so the match can end at this step). */
    final boolean[] restOptional;
    final long withinMs;
    final AfterMatchSkip skip;
    final int skipStep;

    CompiledPattern(final List<Pattern.Step> steps, final long withinMs, final AfterMatchSkip skip)
    {
        final int n = steps.size();
        names = new String[n];
        kinds = new Pattern.StepKind[n];
        contiguity = new Pattern.Contiguity[n];
        inner = new Pattern.Contiguity[n];
        min = new int[n];
        max = new int[n];
        greedy = new boolean[n];
        conditions = new IterativeCondition[n];
        until = new IterativeCondition[n];
        restOptional = new boolean[n];
        int skipAt = -1;
        for (int i = 0; i < n; i++)
        {
            final Pattern.Step step = steps.get(i);
            names[i] = step.name;
            kinds[i] = step.kind;
            contiguity[i] = step.contiguity;
            inner[i] = step.inner;
            min[i] = step.optional ? 0 : step.min;
            max[i] = step.max;
            greedy[i] = step.greedy;
            conditions[i] = step.condition == null ? (event, matched) -> true : step.condition;
            until[i] = step.until;
            if (step.name.equals(skip.step()))
            {
                skipAt = i;
            }
        }
        boolean optional = true;
        for (int i = n - 1; i >= 0; i--)
        {
            restOptional[i] = optional;
            optional &= kinds[i] == Pattern.StepKind.TAKE && min[i] == 0;
        }
        this.withinMs = withinMs;
        this.skip = skip;
        this.skipStep = skipAt;
    }

    /**
     * @return the number of steps.
     */
    public int steps()
    {
        return names.length;
    }

    /**
     * @param step a step index.
     * @return its name.
     */
    public String name(final int step)
    {
        return names[step];
    }

    /**
     * @param name a step name.
     * @return its index, -1 if the pattern has no such step.
     */
    public int indexOf(final String name)
    {
        for (int i = 0; i < names.length; i++)
        {
            if (names[i].equals(name))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return the longest a partial match lives, 0 for no limit.
     */
    public long withinMs()
    {
        return withinMs;
    }

    public AfterMatchSkip skip()
    {
        return skip;
    }

    /**
     * @return true if the pattern ends with notFollowedBy: its matches complete when {@code within} expires.
     */
    boolean endsWithAbsence()
    {
        return kinds[kinds.length - 1] == Pattern.StepKind.NOT_FOLLOWED_BY;
    }
}
