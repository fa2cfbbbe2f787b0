package io.peregrine.runtime;

import io.peregrine.api.Aggregations;
import io.peregrine.api.JobFailedException;
import io.peregrine.api.Row;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.config.StateBackend;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keyed state that outgrows its disk fails the job with the directory, the bytes the table needs and the bytes free,
 * not a JVM InternalError (an unsafe memory access fault on a sparse file's page), and the job's state is removed. The
 * disk is a tmpfs of 8 MiB mounted for the test (skipped, saying why, where mounting is not allowed).
 */
class StateDiskFullTest
{
    @TempDir
    Path dir;

    private Path disk;

    @BeforeEach
    void mountASmallDisk() throws Exception
    {
        disk = Files.createDirectories(dir.resolve("small-disk"));
        final Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", disk.toString())
            .redirectErrorStream(true).start();
        final String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        final int rc = mount.waitFor();
        if (rc != 0)
        {
            final String reason = "skipped: cannot mount a tmpfs of 8 MiB at " + disk + " (mount exited " + rc + ": " +
                output + "); the test needs root or CAP_SYS_ADMIN";
            System.out.println(reason);
            disk = null;
            Assumptions.abort(reason);
        }
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (disk != null)
        {
            // Lazily: a mapping of a removed state file lives until the JVM unmaps it (at a GC of its buffer), and a
            // plain umount of a busy tmpfs fails; detached now, the kernel frees it when the last mapping goes.
            assertEquals(0, new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor());
        }
    }

    @Test
    void shouldFailNamingTheDirectoryTheBytesNeededAndFreeAndRemoveTheState() throws IOException
    {
        // 2 million keys of 24-byte slots: 48 MiB of table at least, six times the disk.
        final Pipeline p = Pipeline.create("growing");
        p.source("keys", Sources.generator(EVENT, 2_000_000, (i, w) -> w.putLong(KEY, i)))
            .keyBy("by-key", KEY)
            .aggregate("counts", Aggregations.count("n"))
            .sink("out", new Discarding());
        final JobFailedException e = assertThrows(JobFailedException.class, () -> p.execute(new JobContext().shards(1)
            .idleStrategy(IdleStrategyKind.YIELD).stateBackend(StateBackend.MAPPED).stateDir(disk)
            .metricsDir(dir.resolve("metrics"))).join());
        final String message = e.getMessage();
        Throwable cause = e;
        while (cause != null)
        {
            assertTrue(!(cause instanceof InternalError), "an InternalError reached the user: " + message);
            cause = cause.getCause();
        }
        assertTrue(message.contains("operator 'counts' on shard 0"), message);
        assertTrue(message.matches("(?s).*needs \\d+ bytes but the disk of " + java.util.regex.Pattern.quote(
            disk.toAbsolutePath().toString()) + "/growing-\\d+-\\d+ has \\d+ bytes free: free disk space.*"), message);
        try (Stream<Path> left = Files.list(disk))
        {
            assertEquals(List.of(), left.toList(), "the job's state is removed");
        }
    }

    /** Writes nothing. */
    private static final class Discarding implements Sink
    {
        public SinkWriter createWriter(final int shard, final int shards, final Schema schema)
        {
            return new SinkWriter()
            {
                public void write(final Row row)
                {
                }

                public void close()
                {
                }
            };
        }
    }
}
