package io.peregrine.bench.micro;

import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MicroSuiteTest
{
    @Test
    void shouldSelectEveryMicrobenchmarkAndTheGeneratorButNoEndToEndOrStateBenchmark()
    {
        final Set<String> selected = new TreeSet<>();
        for (final BenchmarkListEntry entry : BenchmarkList.defaultList().find(
            OutputFormatFactory.createFormatInstance(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                VerboseMode.SILENT), MicroSuite.INCLUDES, List.of()))
        {
            selected.add(entry.getUsername().substring(0, entry.getUsername().lastIndexOf('.')));
        }
        assertEquals(Set.of(
            "io.peregrine.bench.micro.ExchangeBenchmark",
            "io.peregrine.bench.micro.FlyweightBenchmark",
            "io.peregrine.bench.micro.FusedChainBenchmark",
            "io.peregrine.bench.micro.WatermarkTimerBenchmark",
            "io.peregrine.bench.nexmark.NexmarkGeneratorBenchmark"), selected);
    }

    @Test
    void shouldMeasureLongerInTheFullSuiteThanInTheQuickOne()
    {
        final String full = MicroSuite.Settings.full().toString();
        final String quick = MicroSuite.Settings.quick().toString();
        assertEquals("1 fork(s); warm-up 3 x 300 ms; measurement 5 x 400 ms; -prof gc", full);
        assertEquals("1 fork(s); warm-up 1 x 100 ms; measurement 3 x 100 ms; -prof gc", quick);
        assertTrue(MicroSuite.Settings.quick().iterations >= 3, "JMH gives no error below three iterations");
    }
}
