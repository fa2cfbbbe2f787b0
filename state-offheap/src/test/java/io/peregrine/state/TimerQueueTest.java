package io.peregrine.state;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimerQueueTest
{
    private final List<long[]> fired = new ArrayList<>();
    private final TimerQueue.TimerConsumer record = (time, key) -> fired.add(new long[]{ time, key });

    @Test
    void shouldFireInTimeThenKeyOrderUpToTheWatermark()
    {
        try (TimerQueue timers = new TimerQueue(4))
        {
            timers.register(30, 1);
            timers.register(10, 9);
            timers.register(10, 2);
            timers.register(20, 5);
            assertEquals(10, timers.nextTime());
            assertEquals(3, timers.pollDue(20, record, Integer.MAX_VALUE));
            assertEquals(List.of("10/2", "10/9", "20/5"), names());
            assertEquals(0, timers.pollDue(29, record, Integer.MAX_VALUE));
            assertEquals(1, timers.pollDue(Long.MAX_VALUE, record, Integer.MAX_VALUE));
            assertEquals(0, timers.size());
            assertEquals(Long.MAX_VALUE, timers.nextTime());
        }
    }

    @Test
    void shouldDeduplicateAndCancel()
    {
        try (TimerQueue timers = new TimerQueue())
        {
            assertTrue(timers.register(10, 1));
            assertFalse(timers.register(10, 1));
            assertTrue(timers.register(10, 2));
            assertEquals(2, timers.size());
            assertTrue(timers.cancel(10, 1));
            assertFalse(timers.cancel(10, 1));
            assertFalse(timers.contains(10, 1));
            assertTrue(timers.register(10, 1)); // again after cancel: fires once
            assertTrue(timers.cancel(10, 2));
            assertEquals(1, timers.pollDue(10, record, 100));
            assertEquals(List.of("10/1"), names());
            assertEquals(0, timers.size());
            assertTrue(timers.register(10, 1)); // fired timers may be registered again
        }
    }

    @Test
    void shouldRespectLimitAndAllowRegistrationFromTheConsumer()
    {
        try (TimerQueue timers = new TimerQueue())
        {
            for (long k = 0; k < 10; k++)
            {
                timers.register(5, k);
            }
            assertEquals(4, timers.pollDue(5, record, 4));
            assertEquals(6, timers.size());
            final int[] calls = new int[1];
            timers.pollDue(100, (time, key) ->
            {
                calls[0]++;
                if (time == 5)
                {
                    timers.register(time + 50, key);
                }
            }, 1000);
            assertEquals(12, calls[0]);
            assertEquals(0, timers.size());
        }
    }

    @Test
    void shouldMatchSortedSetModel()
    {
        final Random random = new Random(3);
        final TreeSet<String> model = new TreeSet<>();
        try (TimerQueue timers = new TimerQueue(16))
        {
            long watermark = 0;
            for (int i = 0; i < 20_000; i++)
            {
                final long time = watermark + random.nextInt(100);
                final long key = random.nextInt(50);
                if (random.nextInt(5) == 0)
                {
                    assertEquals(model.remove(id(time, key)), timers.cancel(time, key));
                }
                else
                {
                    assertEquals(model.add(id(time, key)), timers.register(time, key));
                }
                if (random.nextInt(20) == 0)
                {
                    watermark += random.nextInt(30);
                    fired.clear();
                    timers.pollDue(watermark, record, Integer.MAX_VALUE);
                    final List<String> expected = new ArrayList<>();
                    while (!model.isEmpty() && time(model.first()) <= watermark)
                    {
                        expected.add(model.pollFirst());
                    }
                    final List<String> actual = new ArrayList<>();
                    for (final long[] t : fired)
                    {
                        actual.add(id(t[0], t[1]));
                    }
                    assertEquals(expected, actual);
                }
                assertEquals(model.size(), timers.size());
            }
        }
    }

    @Test
    void shouldNotAllocateInSteadyState()
    {
        final long[] sum = new long[1];
        final TimerQueue.TimerConsumer consumer = (time, key) -> sum[0] += key;
        try (TimerQueue timers = new TimerQueue(1024))
        {
            for (int round = 0; round < 3; round++)
            {
                final long before = allocatedBytes();
                for (long t = 0; t < 100_000; t++)
                {
                    timers.register(t + 100, t & 255);
                    timers.register(t + 100, t & 255);
                    timers.pollDue(t, consumer, 10);
                }
                timers.pollDue(Long.MAX_VALUE, consumer, Integer.MAX_VALUE);
                final long allocated = allocatedBytes() - before;
                if (round == 2)
                {
                    assertTrue(allocated < 4096, "allocated " + allocated);
                }
            }
            assertTrue(sum[0] > 0);
        }
    }

    private static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static String id(final long time, final long key)
    {
        return String.format("%012d/%03d", time, key);
    }

    private static long time(final String id)
    {
        return Long.parseLong(id.substring(0, 12));
    }

    private List<String> names()
    {
        final List<String> names = new ArrayList<>();
        for (final long[] t : fired)
        {
            names.add(t[0] + "/" + t[1]);
        }
        return names;
    }
}
