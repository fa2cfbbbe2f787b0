package io.peregrine.bench.profile;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileEventTest
{
    @Test
    void shouldUseCpuWhenPerfEventsOpen()
    {
        final ProfileEvent event = ProfileEvent.choose("cpu", true, "1");
        assertEquals("cpu", event.event());
        assertEquals("cpu via perf_events (perf_event_paranoid=1)", event.note());
    }

    @Test
    void shouldSayTheParanoidLevelBesideCpu()
    {
        final ProfileEvent event = ProfileEvent.choose(ProfileEvent.DEFAULT, true, "2");
        assertEquals("cpu", event.event());
        assertEquals("cpu via perf_events (perf_event_paranoid=2)", event.note());
    }

    @Test
    void shouldFallBackToItimerAndSayWhyWhenPerfEventsAreUnavailable()
    {
        final ProfileEvent event = ProfileEvent.choose("cpu", false, "3");
        assertEquals("cpu", event.requested());
        assertEquals("itimer", event.event());
        assertEquals("itimer: cpu needs perf_events, perf_events unavailable (perf_event_paranoid=3)", event.note());
        assertEquals("itimer", ProfileEvent.choose("cpu", false, null).event());
        assertTrue(ProfileEvent.choose("cpu", false, null).note().contains("perf_event_paranoid=unknown"));
    }

    @Test
    void shouldFallBackWhenStartingCpuFails()
    {
        final ProfileEvent event = ProfileEvent.fallback("and starting it failed (Perf events unavailable)");
        assertEquals("itimer", event.event());
        assertTrue(event.note().endsWith("starting it failed (Perf events unavailable)"), event.note());
    }

    @Test
    void shouldTakeOtherEventsAsAskedWhateverPerfEventsSay()
    {
        for (final String name : new String[]{ "itimer", "ctimer", "wall", "alloc", "lock" })
        {
            final ProfileEvent event = ProfileEvent.choose(name, false, "4");
            assertEquals(name, event.event());
            assertEquals("alloc".equals(name), event.isAllocation());
        }
        assertFalse(ProfileEvent.choose("cpu", true, "1").isAllocation());
    }

    @Test
    void shouldRejectAnUnknownEventNamingTheKnownOnes()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ProfileEvent.choose("cycles", true, "1"));
        assertEquals("unknown profile event 'cycles'; use one of [cpu, itimer, ctimer, wall, alloc, lock]", ex.getMessage());
    }
}
