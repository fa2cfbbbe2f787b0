package io.peregrine.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountersFileTest
{
    @Test
    void shouldReadWhatAJobWroteWithItsShardAndOperatorInTheKey(@TempDir final Path dir)
    {
        final JobCounters counters = JobCounters.create(dir, "job x/y", 2, JobCounters.capacity(2, 2), 1234L);
        try
        {
            counters.operator(1, "window").get(Metric.LATE_RECORDS).setRelease(7);
            counters.counter(0, Metric.DUTY_CYCLES).setRelease(3);
            assertEquals("peregrine-job_x_y-" + ProcessHandle.current().pid(), counters.directory().getFileName().toString());
            try (CountersFile file = CountersFile.open(counters.directory()))
            {
                assertEquals("job x/y", file.jobName());
                assertEquals(1234L, file.startMs());
                assertEquals(2, file.shards());
                final StringBuilder seen = new StringBuilder();
                file.reader().forEach((id, typeId, key, label) ->
                {
                    if (typeId == Metric.LATE_RECORDS.typeId() || (typeId == Metric.DUTY_CYCLES.typeId() && CounterKey.shard(key) == 0))
                    {
                        seen.append(Metric.of(typeId)).append(' ').append(CounterKey.shard(key)).append(' ')
                            .append(CounterKey.operator(key)).append(' ').append(label).append(' ')
                            .append(file.reader().getCounterValue(id)).append('\n');
                    }
                });
                assertEquals("DUTY_CYCLES 0 null shard 0: duty cycles 3\nLATE_RECORDS 1 window window, shard 1: late records 7\n",
                    seen.toString());
            }
        }
        finally
        {
            counters.close();
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotACountersFileNamingIt(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("counters.dat");
        Files.write(file, new byte[4096]);
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> CountersFile.open(file));
        assertTrue(e.getMessage().startsWith(file + " is not a Peregrine counters file: magic 0x0"), e.getMessage());

        Files.write(file, new byte[10]);
        assertTrue(assertThrows(IllegalStateException.class, () -> CountersFile.open(dir)).getMessage()
            .contains(file + " is not a Peregrine counters file: 10 bytes"));
    }

    @Test
    void shouldRefuseAnotherVersionACutShortFileAndOneNotYetReady(@TempDir final Path dir) throws Exception
    {
        final JobCounters counters = JobCounters.create(dir, "v", 1, JobCounters.capacity(1, 1), 0L);
        final Path file = counters.file();
        final byte[] whole = Files.readAllBytes(file);
        counters.close();

        final Path copy = dir.resolve("copy.dat");
        Files.write(copy, withInt(whole, CountersFile.VERSION_OFFSET, 2));
        assertTrue(assertThrows(IllegalStateException.class, () -> CountersFile.open(copy)).getMessage()
            .equals(copy + " is a counters file of version 2; this Peregrine reads version 1"));

        Files.write(copy, withInt(whole, CountersFile.VERSION_OFFSET, 0));
        assertTrue(assertThrows(IllegalStateException.class, () -> CountersFile.open(copy)).getMessage()
            .startsWith(copy + " is not ready"));

        Files.write(copy, java.util.Arrays.copyOf(whole, whole.length - 128));
        assertTrue(assertThrows(IllegalStateException.class, () -> CountersFile.open(copy)).getMessage()
            .startsWith(copy + " is corrupt"));
    }

    private static byte[] withInt(final byte[] bytes, final int offset, final int value)
    {
        final byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return copy;
    }
}
