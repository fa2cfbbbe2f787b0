package io.peregrine.runtime;

import io.peregrine.api.Windows;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each join operator driven by hand ({@link JoinHarness}): the order of a changelog, lateness, state time-to-live on
 * a clock set by the test, ties and what the watermark drops, each expected output worked out from the documented
 * (Flink) semantics. Lines read {@code kind key left-time/value right-time/tag @event-time}, {@code -} for a null row.
 */
class JoinOperatorsTest
{
    @Test
    void shouldRetractTheNullPaddedRowsOfALeftOuterJoinBeforeTheirFirstMatches()
    {
        final JoinHarness h = JoinHarness.regular(true, 0, 0);
        assertEquals(List.of("+I 1 10/1 - @10"), h.left(1, 10, 1).take());
        assertEquals(List.of("+I 1 20/2 - @20"), h.left(1, 20, 2).take());
        assertEquals(List.of("-D 1 10/1 - @10", "-D 1 20/2 - @20", "+I 1 10/1 30/a @30", "+I 1 20/2 30/a @30"),
            h.right(1, 30, "a").take());
        assertEquals(List.of("+I 1 10/1 5/b @10", "+I 1 20/2 5/b @20"), h.right(1, 5, "b").take(),
            "rows already matched are not retracted again");
        assertEquals(List.of("+I 1 40/3 30/a @40", "+I 1 40/3 5/b @40"), h.left(1, 40, 3).take());
        assertEquals(List.of("+I 2 50/4 - @50"), h.left(2, 50, 4).take());
        h.close();
    }

    @Test
    void shouldEmitOnlyMatchesInAnInnerRegularJoin()
    {
        final JoinHarness h = JoinHarness.regular(false, 0, 0);
        assertEquals(List.of(), h.left(1, 10, 1).take());
        assertEquals(List.of("+I 1 10/1 30/a @30"), h.right(1, 30, "a").take());
        assertEquals(List.of("+I 1 10/1 30/a @30"), h.right(1, 30, "a").take(), "a duplicate joins again");
        assertEquals(List.of("+I 1 40/2 30/a @40", "+I 1 40/2 30/a @40"), h.left(1, 40, 2).take());
        h.close();
    }

    @Test
    void shouldForgetRowsOnceTheirTimeToLiveHasPassedOnTheJobClock()
    {
        final JoinHarness h = JoinHarness.regular(false, 100, 1_000);
        h.left(1, 10, 1);
        assertEquals(List.of("+I 1 10/1 20/a @20"), h.clock(1_050).right(1, 20, "a").take());
        // At 1,100 the left row (written at 1,000) has expired; the right row (1,050) lives until 1,150.
        assertEquals(List.of("+I 1 30/2 20/a @30"), h.clock(1_100).left(1, 30, 2).take());
        assertEquals(List.of("+I 1 30/2 40/b @40"), h.right(1, 40, "b").take());
        assertEquals(List.of(), h.clock(1_250).left(1, 50, 3).take(), "every row of key 1 has expired");
        assertEquals(List.of("+I 1 50/3 60/c @60"), h.right(1, 60, "c").take());
        h.close();
    }

    @Test
    void shouldRefreshTheTimeToLiveOfAnOuterRowWhenItGainsAMatch()
    {
        final JoinHarness h = JoinHarness.regular(true, 100, 0);
        assertEquals(List.of("+I 1 10/1 - @10"), h.left(1, 10, 1).take());
        assertEquals(List.of("-D 1 10/1 - @10", "+I 1 10/1 20/a @20"), h.clock(90).right(1, 20, "a").take());
        // Written again at 90: alive until 190, where without the match it would have gone at 100.
        assertEquals(List.of("+I 1 10/1 30/b @30"), h.clock(150).right(1, 30, "b").take());
        assertEquals(List.of(), h.clock(250).right(1, 40, "c").take(), "gone, and nothing is retracted");
        h.close();
    }

    @Test
    void shouldJoinInAnIntervalAndDropRowsAsTheWatermarkPasses()
    {
        // right.ts in [left.ts - 10, left.ts + 5]; a left row is kept until the watermark reaches ts + 5, a right
        // row until ts + 10.
        final JoinHarness h = JoinHarness.interval(-10, 5);
        h.left(1, 100, 1);
        assertEquals(List.of("+I 1 100/1 90/a @100"), h.right(1, 90, "a").take());
        assertEquals(List.of(), h.right(1, 106, "b").take());
        assertEquals(List.of("+I 1 100/1 104/c @104"), h.right(1, 104, "c").take());
        h.watermark(100);
        assertEquals(List.of(), h.right(1, 99, "d").take());
        assertEquals(1, h.late(), "99 is behind the watermark 100");
        // 100 is not late, but the right row at 90 left the state when the watermark reached 90 + 10 (as Flink's).
        assertEquals(List.of("+I 1 100/2 104/c @104"), h.left(1, 100, 2).take());
        h.watermark(106);
        assertEquals(List.of("+I 1 116/3 106/b @116"), h.left(1, 116, 3).take(), "106 + 10 has not been reached");
        assertEquals(List.of("+I 1 116/3 110/e @116"), h.right(1, 110, "e").take(), "the left rows at 100 left at 105");
        h.close();
    }

    @Test
    void shouldDropARecordWhoseWindowsHaveAllFired()
    {
        final JoinHarness h = JoinHarness.window(Windows.tumbling(10), false);
        h.left(1, 5, 1).right(1, 7, "a");
        assertEquals(List.of("+I 1 5/1 7/a @9"), h.watermark(9).take());
        h.left(1, 8, 2);
        assertEquals(1, h.late());
        h.right(1, 15, "b").left(1, 12, 3);
        assertEquals(List.of("+I 1 12/3 15/b @19"), h.watermark(19).take());
        h.close();
    }

    @Test
    void shouldJoinALateSlidingRowInItsWindowsNotYetFired()
    {
        final JoinHarness h = JoinHarness.window(Windows.sliding(20, 10), false);
        h.left(1, 15, 1);
        assertEquals(List.of(), h.watermark(19).take(), "[0, 20) fires with no right row");
        h.right(1, 16, "a");
        assertEquals(0, h.late(), "16 is too late for [0, 20) but in time for [10, 30)");
        assertEquals(List.of("+I 1 15/1 16/a @29"), h.watermark(29).take());
        h.close();
    }

    @Test
    void shouldStartANewSessionAfterOneHasFired()
    {
        final JoinHarness h = JoinHarness.window(Windows.session(10), false);
        h.left(1, 0, 1);
        assertEquals(List.of(), h.watermark(9).take(), "[0, 10) fires with no right row and is gone");
        h.right(1, 5, "a");     // [5, 15): not fired, a new session
        h.left(1, 15, 2);       // [15, 25) touches [5, 15): merged into [5, 25)
        assertEquals(List.of("+I 1 15/2 5/a @24"), h.watermark(24).take());
        h.right(1, 3, "b");     // [3, 13) has no open session to merge with and ends at or before the watermark
        assertEquals(1, h.late());
        h.close();
    }

    @Test
    void shouldJoinEachProbeWithTheLatestVersionAtItsTimeTheLastArrivedOfEqualTimes()
    {
        final JoinHarness h = JoinHarness.temporal(false);
        h.right(1, 100, "a").right(1, 200, "b").right(1, 200, "c");
        h.left(1, 200, 1).left(1, 150, 2).left(1, 300, 3);
        assertEquals(List.of(), h.take(), "probe rows wait for the watermark");
        assertEquals(List.of("+I 1 200/1 200/c @200", "+I 1 150/2 100/a @150"), h.watermark(250).take());
        // Held now: c (the latest at or before 250) and later versions.
        assertEquals(List.of("+I 1 220/4 200/c @220"), h.left(1, 220, 4).take(), "late, joined at once");
        assertEquals(List.of(), h.left(1, 180, 5).take(), "late, and its version (a) was superseded by c at 250");
        h.right(1, 190, "d");
        assertEquals(1, h.late(), "a version behind the one held at the watermark can match nothing");
        h.right(1, 240, "e");
        assertEquals(1, h.late(), "240 is after 200: the latest at or before the watermark now");
        assertEquals(List.of("+I 1 245/6 240/e @245"), h.left(1, 245, 6).take());
        assertEquals(List.of("+I 1 300/3 240/e @300"), h.watermark(400).take());
        h.close();
    }

    @Test
    void shouldPadProbesWithoutAVersionInALeftOuterTemporalJoin()
    {
        final JoinHarness h = JoinHarness.temporal(true);
        h.left(1, 50, 1).right(1, 100, "a").left(1, 150, 2).left(2, 60, 3);
        assertEquals(List.of("+I 1 50/1 - @50", "+I 2 60/3 - @60"), sorted(h.watermark(100).take()));
        assertEquals(List.of("+I 1 150/2 100/a @150"), h.watermark(150).take());
        h.right(1, 300, "b");
        h.watermark(1_000);
        assertEquals(List.of("+I 1 90/4 - @90"), h.left(1, 90, 4).take(), "late: the version before 300 is gone");
        h.close();
    }

    @Test
    void shouldMatchVersionsAndProbesThatArriveOutOfOrder()
    {
        final JoinHarness h = JoinHarness.temporal(false);
        h.right(1, 300, "c").right(1, 100, "a").right(1, 200, "b");
        h.left(1, 250, 1).left(1, 120, 2).left(1, 350, 3).left(1, 99, 4);
        assertEquals(List.of("+I 1 120/2 100/a @120", "+I 1 250/1 200/b @250", "+I 1 350/3 300/c @350"),
            sorted(h.watermark(400).take()));
        h.close();
    }

    @Test
    void shouldLookUpEveryReferenceRowOfAKey()
    {
        final JoinHarness h = JoinHarness.lookup(true, List.of(
            JoinSemanticsTest.r(1, 0, "x"), JoinSemanticsTest.r(1, 0, "y"), JoinSemanticsTest.r(2, 0, "z")));
        assertEquals(List.of("+I 1 5/1 0/x @5", "+I 1 5/1 0/y @5"), h.left(1, 5, 1).take());
        assertEquals(List.of("+I 3 6/2 - @6"), h.left(3, 6, 2).take());
        h.close();
    }

    @Test
    void shouldReportTheStateItHoldsAtEachWatermarkAndNoneOnceClosed()
    {
        final JoinHarness h = JoinHarness.temporal(false);
        h.right(1, 100, "a").right(2, 100, "b").left(1, 150, 1);
        assertEquals(0, h.stateKeys(), "not before a watermark");
        h.watermark(120);
        assertEquals(2, h.stateKeys());
        // The waiting probe, queued: length, time, key 24 + row 24 = 48; two versions: length 4 + time 8 + row 25 (a
        // 1-byte tag) + trailing length 4, and an index slot of 16 + 24 and the key's 16-byte header = 97 each.
        assertEquals(48 + 2 * 97, h.stateBytes());
        h.close();
        assertEquals(0, h.stateKeys());
        assertEquals(0, h.stateBytes());
    }

    private static List<String> sorted(final List<String> lines)
    {
        lines.sort(null);
        return lines;
    }
}
