package io.peregrine.cep;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.peregrine.cep.NfaHarness.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The examples of FlinkCEP's documentation (docs/content/docs/libs/cep.md of apache/flink), each on its documented
 * input, give the documented matches. Names in the inputs are events; their first letter is their type.
 */
class PatternDocumentationTest
{
    private static List<String> run(final Pattern pattern, final String input)
    {
        return new NfaHarness(pattern).feed(input).matches;
    }

    private static void assertMatches(final List<String> expected, final List<String> actual)
    {
        assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList());
    }

    /** "Combining Patterns": pattern "a b" on "a c b1 b2" with each contiguity. */
    @Test
    void contiguityBetweenSteps()
    {
        assertMatches(List.of(), run(Pattern.begin("a").where(is('a')).next("b").where(is('b')), "a c b1 b2"));
        assertMatches(List.of("a b1"), run(Pattern.begin("a").where(is('a')).followedBy("b").where(is('b')), "a c b1 b2"));
        assertMatches(List.of("a b1", "a b2"),
            run(Pattern.begin("a").where(is('a')).followedByAny("b").where(is('b')), "a c b1 b2"));
    }

    /** "Contiguity within looping patterns": "a b+ c" on "a b1 d1 b2 d2 b3 c". */
    @Test
    void contiguityWithinLoops()
    {
        final String input = "a b1 d1 b2 d2 b3 c";
        assertMatches(List.of("a b3 c"), run(Pattern.begin("a").where(is('a')).followedByAny("b").where(is('b'))
            .oneOrMore().consecutive().next("c").where(is('c')), input));
        assertMatches(List.of("a b1 c", "a b1 b2 c", "a b1 b2 b3 c", "a b2 c", "a b2 b3 c", "a b3 c"),
            run(Pattern.begin("a").where(is('a')).followedByAny("b").where(is('b')).oneOrMore()
                .followedBy("c").where(is('c')), input));
        assertMatches(List.of("a b1 c", "a b1 b2 c", "a b1 b3 c", "a b1 b2 b3 c", "a b2 c", "a b2 b3 c", "a b3 c"),
            run(Pattern.begin("a").where(is('a')).followedByAny("b").where(is('b')).oneOrMore().allowCombinations()
                .followedBy("c").where(is('c')), input));
    }

    /** "consecutive()" and "allowCombinations()": on "C D A1 A2 A3 D A4 B". */
    @Test
    void consecutiveAndCombinations()
    {
        final String input = "c d a1 a2 a3 d a4 b";
        assertMatches(List.of("c a1 b", "c a1 a2 b", "c a1 a2 a3 b"), run(Pattern.begin("start").where(is('c'))
            .followedBy("middle").where(is('a')).oneOrMore().consecutive().followedBy("end1").where(is('b')), input));
        assertMatches(List.of("c a1 b", "c a1 a2 b", "c a1 a2 a3 b", "c a1 a2 a3 a4 b"), run(Pattern.begin("start")
            .where(is('c')).followedBy("middle").where(is('a')).oneOrMore().followedBy("end1").where(is('b')), input));
        assertMatches(List.of("c a1 b", "c a1 a2 b", "c a1 a3 b", "c a1 a4 b", "c a1 a2 a3 b", "c a1 a2 a4 b",
            "c a1 a3 a4 b", "c a1 a2 a3 a4 b", "c a2 b", "c a2 a3 b", "c a2 a4 b", "c a2 a3 a4 b", "c a3 b", "c a3 a4 b",
            "c a4 b"), run(Pattern.begin("start").where(is('c')).followedBy("middle").where(is('a')).oneOrMore()
            .allowCombinations().followedBy("end1").where(is('b')), input));
    }

    private static Pattern bPlusC(final AfterMatchSkip skip)
    {
        return Pattern.begin("b", skip).where(is('b')).oneOrMore().next("c").where(is('c'));
    }

    /** "After Match Skip Strategy": "b+ c" on "b1 b2 b3 c". */
    @Test
    void skipStrategiesOnALoop()
    {
        final String input = "b1 b2 b3 c";
        final List<String> all = List.of("b1 b2 b3 c", "b2 b3 c", "b3 c");
        assertMatches(all, run(bPlusC(AfterMatchSkip.noSkip()), input));
        assertMatches(all, run(bPlusC(AfterMatchSkip.skipToNext()), input));
        assertMatches(List.of("b1 b2 b3 c"), run(bPlusC(AfterMatchSkip.skipPastLastEvent()), input));
        assertMatches(all, run(bPlusC(AfterMatchSkip.skipToFirst("b")), input));
        assertMatches(List.of("b1 b2 b3 c", "b3 c"), run(bPlusC(AfterMatchSkip.skipToLast("b")), input));
    }

    private static Pattern abcGreedy(final AfterMatchSkip skip)
    {
        return Pattern.begin("a", skip).where(is('a')).or(is('b')).or(is('c'))
            .next("b").where(is('b')).or(is('c'))
            .next("c").where(is('c')).oneOrMore().greedy()
            .next("d").where(is('d'));
    }

    /** "(a | b | c) (b | c) c+.greedy d" on "a b c1 c2 c3 d". */
    @Test
    void skipToFirstAgainstNoSkip()
    {
        final String input = "a b c1 c2 c3 d";
        assertMatches(List.of("a b c1 c2 c3 d", "b c1 c2 c3 d", "c1 c2 c3 d"), run(abcGreedy(AfterMatchSkip.noSkip()), input));
        assertMatches(List.of("a b c1 c2 c3 d", "c1 c2 c3 d"), run(abcGreedy(AfterMatchSkip.skipToFirst("c")), input));
    }

    /** "a b+" on "a b1 b2 b3": NO_SKIP against SKIP_TO_NEXT. */
    @Test
    void skipToNextAgainstNoSkip()
    {
        final String input = "a b1 b2 b3";
        assertMatches(List.of("a b1", "a b1 b2", "a b1 b2 b3"),
            run(Pattern.begin("a").where(is('a')).followedBy("b").where(is('b')).oneOrMore(), input));
        assertMatches(List.of("a b1"), run(Pattern.begin("a", AfterMatchSkip.skipToNext()).where(is('a'))
            .followedBy("b").where(is('b')).oneOrMore(), input));
    }

    /** Quantifiers ("Individual Patterns"): times, times(from, to), optional, timesOrMore. */
    @Test
    void quantifiers()
    {
        assertMatches(List.of("a1 a2", "a2 a3"), run(Pattern.begin("a").where(is('a')).times(2), "a1 a2 a3"));
        assertMatches(List.of("a1", "a1 a2", "a2", "a2 a3", "a3"),
            run(Pattern.begin("a").where(is('a')).times(1, 2), "a1 a2 a3"));
        assertMatches(List.of("a1 a2", "a1 a2 a3", "a2 a3"),
            run(Pattern.begin("a").where(is('a')).timesOrMore(2), "a1 a2 a3"));
        assertMatches(List.of("s b", "s x b"), run(Pattern.begin("s").where(is('s')).next("x").where(is('x')).optional()
            .followedBy("b").where(is('b')), "s x b").stream().distinct().toList());
    }

    /** until: "a+ until x" stops the loop at the first x. */
    @Test
    void untilStopsTheLoop()
    {
        assertMatches(List.of("a1 b", "a1 a2 b"), run(Pattern.begin("a").where(is('a')).oneOrMore().until(is('x'))
            .followedBy("b").where(is('b')), "a1 a2 x a3 b").stream().filter(m -> m.startsWith("a1")).toList());
    }

    /** notNext and notFollowedBy. */
    @Test
    void negations()
    {
        assertMatches(List.of("a2 c"), run(Pattern.begin("a").where(is('a')).notNext("b").where(is('b'))
            .followedBy("c").where(is('c')), "a1 b a2 x c"));
        assertMatches(List.of(), run(Pattern.begin("a").where(is('a')).notFollowedBy("b").where(is('b'))
            .followedBy("c").where(is('c')), "a x b c"));
        assertMatches(List.of("a c"), run(Pattern.begin("a").where(is('a')).notFollowedBy("b").where(is('b'))
            .followedBy("c").where(is('c')), "a x c b"));
    }

    /** within: partial matches expire to the timeout output; notFollowedBy at the end emits at expiry. */
    @Test
    void withinTimesOut()
    {
        final NfaHarness h = new NfaHarness(Pattern.begin("a").where(is('a')).followedBy("b").where(is('b')).within(10));
        h.feed("a", 1, 0).feed("b", 11, 0);
        assertEquals(List.of(), h.matches);
        assertEquals(List.of("a@11"), h.timeouts);
        final NfaHarness fade = new NfaHarness(Pattern.begin("t").where(is('t')).notFollowedBy("q").where(is('q')).within(100));
        fade.feed("t1", 1, 0).feed("q", 50, 0).feed("t2", 60, 0).advance(200);
        assertEquals(List.of("t2"), fade.matches);
        assertEquals(List.of(), fade.timeouts);
        assertEquals(0, fade.nfa().partialMatches());
        assertEquals(0, fade.nfa().bufferedEvents());
    }

    /** The bound on partial matches per key drops the oldest and counts them. */
    @Test
    void boundDropsTheOldestPartialMatches()
    {
        final NfaHarness h = new NfaHarness(Pattern.begin("a").where(is('a')).followedBy("b").where(is('b')), 2);
        h.feed("a1 a2 a3 a4 a5 b");
        assertEquals(List.of("a4 b", "a5 b"), h.matches);
        assertEquals(3, h.nfa().dropped());
        assertEquals(0, h.nfa().partialMatches());
        assertEquals(0, h.nfa().bufferedEvents());
    }
}
