package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateKindsTest
{
    @Test
    void shouldReadAndUpdateValueStateInPlace()
    {
        try (ValueState state = new ValueState(new DirectSlotTable(16)))
        {
            assertNull(state.get(1));
            assertEquals(-1, state.getLong(1, -1));
            state.putLong(1, 42);
            state.update(1).putLong(8, 7);
            final DirectBuffer value = state.get(1);
            assertEquals(42, value.getLong(0));
            assertEquals(7, value.getLong(8));
            assertEquals(1, state.size());
            assertTrue(state.remove(1));
            assertEquals(0, state.size());
        }
    }

    @Test
    void shouldAggregateWithBuiltInAccumulators()
    {
        final long[] inputs = { 5, -3, 12, 7, 0 };
        final double[] expected = { 21, 5, -3, 12, 21.0 / 5 };
        final BuiltInAccumulator[] kinds = { BuiltInAccumulator.SUM, BuiltInAccumulator.COUNT,
            BuiltInAccumulator.MIN, BuiltInAccumulator.MAX, BuiltInAccumulator.AVG };
        for (int i = 0; i < kinds.length; i++)
        {
            try (AggregatingState state = new AggregatingState(new DirectSlotTable(16), kinds[i]))
            {
                for (final long input : inputs)
                {
                    state.add(9, input);
                    state.add(10, input * 2);
                }
                assertEquals(expected[i], state.result(9, Double.NaN), kinds[i].name());
                assertEquals(Double.NaN, state.result(11, Double.NaN));

                // merging key 9's accumulator into key 12 twice equals adding the inputs twice
                final UnsafeBuffer copy = new UnsafeBuffer(new byte[16]);
                copy.putBytes(0, state.accumulatorOf(9), 0, kinds[i].length());
                state.merge(12, copy, 0);
                state.merge(12, copy, 0);
                try (AggregatingState twice = new AggregatingState(new DirectSlotTable(16), kinds[i]))
                {
                    for (int r = 0; r < 2; r++)
                    {
                        for (final long input : inputs)
                        {
                            twice.add(1, input);
                        }
                    }
                    assertEquals(twice.result(1, Double.NaN), state.result(12, Double.NaN), kinds[i].name());
                }
            }
        }
    }

    /**
     * A user-defined fixed-size accumulator: volume-weighted average price of inputs encoding
     * price (high 32 bits) and quantity (low 32 bits).
     */
    static final class Vwap implements Accumulator
    {
        public int length()
        {
            return 16;
        }

        public void init(final MutableDirectBuffer acc, final int offset)
        {
        }

        public void add(final MutableDirectBuffer acc, final int offset, final long value)
        {
            final long price = value >> 32;
            final long quantity = value & 0xFFFF_FFFFL;
            acc.putLong(offset, acc.getLong(offset) + price * quantity);
            acc.putLong(offset + 8, acc.getLong(offset + 8) + quantity);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset)
        {
            acc.putLong(offset, acc.getLong(offset) + other.getLong(otherOffset));
            acc.putLong(offset + 8, acc.getLong(offset + 8) + other.getLong(otherOffset + 8));
        }

        public double result(final DirectBuffer acc, final int offset)
        {
            return (double)acc.getLong(offset) / acc.getLong(offset + 8);
        }
    }

    @Test
    void shouldAggregateWithUserDefinedAccumulator()
    {
        try (AggregatingState state = new AggregatingState(new DirectSlotTable(16), new Vwap()))
        {
            state.add(1, (100L << 32) | 10);
            state.add(1, (110L << 32) | 30);
            assertEquals((100.0 * 10 + 110.0 * 30) / 40, state.result(1, Double.NaN));
        }
        assertThrows(IllegalArgumentException.class, () -> new AggregatingState(new DirectSlotTable(8), new Vwap()));
    }

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
