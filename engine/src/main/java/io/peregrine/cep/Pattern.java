package io.peregrine.cep;

import io.peregrine.api.PipelineException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pattern of events on a keyed stream, declared as with FlinkCEP's {@code Pattern} (reference: the FlinkCEP
 * documentation, "The Pattern API"): {@code Pattern.begin("a").where(...).followedBy("b").where(...).within(5000)}.
 * Each call configures the last step and returns this builder; {@link #compile()} (called when the pipeline is built)
 * checks the whole pattern and refuses a bad one with a message naming the step.
 * <p>
 * Contiguity between steps: {@link #next} strict, {@link #followedBy} relaxed (skip till next match),
 * {@link #followedByAny} non-deterministic relaxed (skip till any match); {@link #notNext} and {@link #notFollowedBy}
 * discard a partial match when a matching event comes directly next or anywhere before the following step. Within a
 * looping step ({@link #oneOrMore}, {@link #times}, {@link #timesOrMore}) contiguity is relaxed unless
 * {@link #consecutive} (strict) or {@link #allowCombinations} (non-deterministic) is asked for.
 * <p>
 * Not supported (refused or absent): groups of patterns ({@code begin(Pattern)}, {@code next(Pattern)}),
 * processing-time patterns.
 */
public final class Pattern
{
    /** How a step's events may be separated from the previous step's (or, inside a loop, from each other). */
    public enum Contiguity
    {
        STRICT,
        RELAXED,
        ANY
    }

    /** What a step does with the events it matches. */
    public enum StepKind
    {
        TAKE,
        NOT_NEXT,
        NOT_FOLLOWED_BY
    }

    static final class Step
    {
        final String name;
        final StepKind kind;
        final Contiguity contiguity;
        Contiguity inner = Contiguity.RELAXED;
        boolean innerSet;
        int min = 1;
        int max = 1;
        boolean quantified;
        boolean optional;
        boolean greedy;
        IterativeCondition condition;
        IterativeCondition until;
        final List<String> problems = new ArrayList<>();

        Step(final String name, final StepKind kind, final Contiguity contiguity)
        {
            this.name = name;
            this.kind = kind;
            this.contiguity = contiguity;
        }

        boolean looping()
        {
            return max > 1;
        }
    }

    private final List<Step> steps = new ArrayList<>();
    private final AfterMatchSkip skip;
    private long withinMs;
    private final List<String> problems = new ArrayList<>();

    private Pattern(final String name, final AfterMatchSkip skip)
    {
        this.skip = skip == null ? AfterMatchSkip.noSkip() : skip;
        steps.add(new Step(name, StepKind.TAKE, Contiguity.STRICT));
    }

    /**
     * @param name of the first step.
     * @return a pattern whose matches are all emitted ({@link AfterMatchSkip#noSkip()}).
     */
    public static Pattern begin(final String name)
    {
        return new Pattern(name, AfterMatchSkip.noSkip());
    }

    /**
     * @param name of the first step.
     * @param skip what is discarded after each match.
     * @return the pattern.
     */
    public static Pattern begin(final String name, final AfterMatchSkip skip)
    {
        return new Pattern(name, skip);
    }

    private Step last()
    {
        return steps.get(steps.size() - 1);
    }

    private Pattern append(final String name, final StepKind kind, final Contiguity contiguity)
    {
        steps.add(new Step(name, kind, contiguity));
        return this;
    }

    /** Appends a step whose first event directly follows the previous step's last (strict contiguity). */
    public Pattern next(final String name)
    {
        return append(name, StepKind.TAKE, Contiguity.STRICT);
    }

    /** Appends a step; non-matching events in between are skipped, the first matching event is taken. */
    public Pattern followedBy(final String name)
    {
        return append(name, StepKind.TAKE, Contiguity.RELAXED);
    }

    /** Appends a step; every matching event after the previous step starts an alternative match. */
    public Pattern followedByAny(final String name)
    {
        return append(name, StepKind.TAKE, Contiguity.ANY);
    }

    /** Appends a negative step: a matching event directly after the previous step discards the partial match. */
    public Pattern notNext(final String name)
    {
        return append(name, StepKind.NOT_NEXT, Contiguity.STRICT);
    }

    /**
     * Appends a negative step: a matching event anywhere before the next step's first event discards the partial
     * match. As the last step it needs {@link #within}: the partial match is emitted as a match when it expires.
     */
    public Pattern notFollowedBy(final String name)
    {
        return append(name, StepKind.NOT_FOLLOWED_BY, Contiguity.RELAXED);
    }

    /** The step's condition, and-ed with earlier ones of the step. */
    public Pattern where(final SimpleCondition condition)
    {
        return where((IterativeCondition)(event, matched) -> condition.test(event));
    }

    /** The step's condition, reading the events matched so far; and-ed with earlier ones of the step. */
    public Pattern where(final IterativeCondition condition)
    {
        final Step step = last();
        final IterativeCondition before = step.condition;
        step.condition = before == null ? condition : (event, matched) -> before.test(event, matched) &&
            condition.test(event, matched);
        return this;
    }

    /** An alternative condition of the step, or-ed with the earlier ones. */
    public Pattern or(final SimpleCondition condition)
    {
        return or((IterativeCondition)(event, matched) -> condition.test(event));
    }

    /** An alternative condition of the step, or-ed with the earlier ones. */
    public Pattern or(final IterativeCondition condition)
    {
        final Step step = last();
        final IterativeCondition before = step.condition;
        step.condition = before == null ? condition : (event, matched) -> before.test(event, matched) ||
            condition.test(event, matched);
        return this;
    }

    /** Stops a {@link #oneOrMore()} / {@link #timesOrMore} loop at the first event that satisfies the condition. */
    public Pattern until(final SimpleCondition condition)
    {
        return until((IterativeCondition)(event, matched) -> condition.test(event));
    }

    /** Stops a {@link #oneOrMore()} / {@link #timesOrMore} loop at the first event that satisfies the condition. */
    public Pattern until(final IterativeCondition condition)
    {
        last().until = condition;
        return this;
    }

    private Pattern quantify(final int min, final int max)
    {
        final Step step = last();
        if (step.quantified)
        {
            step.problems.add("is quantified twice");
        }
        if (min < 0 || max < 1 || max < min)
        {
            step.problems.add("has an invalid quantifier (" + min + ", " + max + ")");
        }
        step.quantified = true;
        step.min = min;
        step.max = max;
        return this;
    }

    /** Exactly {@code n} events. */
    public Pattern times(final int n)
    {
        return quantify(n, n);
    }

    /** From {@code from} to {@code to} events. */
    public Pattern times(final int from, final int to)
    {
        return quantify(from, to);
    }

    /** {@code n} or more events. */
    public Pattern timesOrMore(final int n)
    {
        return quantify(n, Integer.MAX_VALUE);
    }

    /** One or more events. */
    public Pattern oneOrMore()
    {
        return quantify(1, Integer.MAX_VALUE);
    }

    /** The step may take no event. */
    public Pattern optional()
    {
        last().optional = true;
        return this;
    }

    /** A loop takes as many events as it can before the next step is tried. */
    public Pattern greedy()
    {
        last().greedy = true;
        return this;
    }

    /** Strict contiguity between the events of a loop. */
    public Pattern consecutive()
    {
        return inner(Contiguity.STRICT);
    }

    /** Non-deterministic relaxed contiguity between the events of a loop. */
    public Pattern allowCombinations()
    {
        return inner(Contiguity.ANY);
    }

    private Pattern inner(final Contiguity contiguity)
    {
        final Step step = last();
        step.inner = contiguity;
        step.innerSet = true;
        return this;
    }

    /**
     * @param ms the longest time from a match's first event to its last: a partial match older than this is
     * discarded, to the timeout output. With several calls the smallest applies (as FlinkCEP).
     */
    public Pattern within(final long ms)
    {
        if (ms <= 0)
        {
            problems.add("within(" + ms + ") must be > 0 ms");
        }
        withinMs = withinMs == 0 ? ms : Math.min(withinMs, ms);
        return this;
    }

    /**
     * Check the pattern and make its automaton.
     *
     * @return the compiled pattern.
     * @throws PipelineException naming the first bad step.
     */
    public CompiledPattern compile()
    {
        final List<String> errors = new ArrayList<>(problems);
        final Set<String> names = new HashSet<>();
        boolean takes = false;
        for (int i = 0; i < steps.size(); i++)
        {
            final Step step = steps.get(i);
            final String label = "step " + (step.name == null || step.name.isBlank() ? "#" + i : "'" + step.name + "'");
            if (step.name == null || step.name.isBlank())
            {
                errors.add(label + " has no name");
            }
            else if (!names.add(step.name))
            {
                errors.add(label + " is declared twice: step names must be unique");
            }
            for (final String problem : step.problems)
            {
                errors.add(label + " " + problem);
            }
            if (step.kind != StepKind.TAKE)
            {
                if (step.optional || step.quantified || step.innerSet || step.greedy || step.until != null)
                {
                    errors.add(label + " is a " + (step.kind == StepKind.NOT_NEXT ? "notNext" : "notFollowedBy") +
                        " step: it cannot be optional, quantified, greedy, consecutive, combined or have until");
                }
                if (step.condition == null)
                {
                    errors.add(label + " is a negative step without a where(...) condition");
                }
                if (i > 0 && steps.get(i - 1).optional)
                {
                    errors.add(label + " is a negative step preceded by the optional step '" + steps.get(i - 1).name +
                        "' (FlinkCEP refuses this too)");
                }
                if (i == steps.size() - 1 && step.kind == StepKind.NOT_FOLLOWED_BY && withinMs <= 0)
                {
                    errors.add(label + ": a pattern cannot end with notFollowedBy without within(...)");
                }
            }
            else
            {
                takes = true;
                if (!step.looping() && (step.innerSet || step.greedy))
                {
                    errors.add(label + ": consecutive(), allowCombinations() and greedy() apply to looping steps " +
                        "(oneOrMore, times, timesOrMore) only");
                }
                if (step.until != null && step.max != Integer.MAX_VALUE)
                {
                    errors.add(label + ": until(...) applies to oneOrMore() and timesOrMore(n) only");
                }
            }
        }
        if (!takes)
        {
            errors.add("the pattern is empty: it has no step that takes events");
        }
        if (skip.step() != null && !names.contains(skip.step()))
        {
            errors.add("the skip strategy " + skip + " names no step of the pattern " + names);
        }
        if (!errors.isEmpty())
        {
            throw new PipelineException("pattern '" + steps.get(0).name + "': " + String.join("; ", errors));
        }
        return new CompiledPattern(steps, withinMs, skip);
    }
}
