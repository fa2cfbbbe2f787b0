package io.peregrine.state;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateKindsTest
{
    @Test
    void shouldKeepPanesPerWindowAndFreeThemWhenTheWindowFires()
    {
        try (WindowPaneState panes = new WindowPaneState(8, 16))
        {
            final Map<Long, Map<Long, Long>> model = new HashMap<>();
            for (long w = 0; w < 5; w++)
            {
                for (long k = 0; k < 100; k++)
                {
                    final long windowStart = w * 1000;
                    final MutableDirectBuffer pane = panes.pane(windowStart, k % 37);
                    pane.putLong(0, pane.getLong(0) + k);
                    model.computeIfAbsent(windowStart, (x) -> new HashMap<>()).merge(k % 37, k, Long::sum);
                }
            }
            assertEquals(5, panes.liveWindows());
            final Set<Long> windows = new HashSet<>();
            panes.forEachWindow(windows::add);
            assertEquals(model.keySet(), windows);

            for (final long windowStart : model.keySet())
            {
                final Map<Long, Long> seen = new HashMap<>();
                final long count = panes.forEachPane(
                    windowStart, (key) -> seen.put(key, panes.value(windowStart).getLong(0)));
                assertEquals(model.get(windowStart), seen);
                assertEquals(37, count);
            }
            assertEquals(model.get(2000L).get(5L).longValue(), panes.find(2000, 5).getLong(0));

            assertTrue(panes.free(0));
            assertEquals(0, panes.size(0));
            assertNull(panes.find(0, 5));
            assertEquals(4, panes.liveWindows());
            assertEquals(0, panes.forEachPane(0, (key) -> { throw new AssertionError(); }));

            // the freed table is reused empty for a new window
            assertEquals(0, panes.pane(5000, 1).getLong(0));
            assertEquals(1, panes.size(5000));
            assertTrue(panes.remove(5000, 1));
            assertEquals(37, panes.size(4000));
        }
    }
}
