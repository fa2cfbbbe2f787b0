package io.peregrine.cli;

import io.peregrine.config.Settings;
import io.peregrine.demo.ChildJvm;
import io.peregrine.state.StateDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo in a child JVM, stopped as an operator would stop it: SIGTERM (what Ctrl-C's SIGINT also does) stops the
 * job, prints the summary and leaves no working state; {@code kill -9} leaves the state, which the next run finds by
 * its lock file's dead pid and removes with a message.
 */
class ShutdownTest
{
    private static final long WAIT_S = 120;

    @Test
    void shouldPrintTheSummaryAndRemoveTheWorkingStateOnSigterm(@TempDir final Path dir) throws Exception
    {
        final Path state = dir.resolve("state");
        final Path metrics = dir.resolve("metrics");
        final Process child = demo(dir.resolve("child.err"), state, metrics, "--duration", "600", "--rate", "20000");
        try
        {
            final BufferedReader out = reader(child);
            final StringBuilder seen = new StringBuilder();
            awaitProgress(out, seen);
            assertEquals(1, jobDirectories(state).size(), "the running job's state directory in " + state);
            assertEquals(1, children(metrics).size(), "the running job's metrics directory in " + metrics);

            child.toHandle().destroy(); // SIGTERM (Process.destroy() would also close the pipe we read the summary from)
            readAll(out, seen);
            assertTrue(child.waitFor(WAIT_S, TimeUnit.SECONDS), "the demo did not exit after SIGTERM");
            final String text = seen.toString();
            assertTrue(text.contains("\nSummary\n"), text);
            assertTrue(text.contains("  stopped by a signal: the job was cancelled and its working state removed"), text);
            assertEquals(List.of(), jobDirectories(state), "no working state left in " + state);
            assertEquals(List.of(), children(metrics), "no metrics directory left in " + metrics);
        }
        finally
        {
            child.destroyForcibly();
        }
    }

    @Test
    void shouldTakeAFinalCheckpointOnSigtermWhenCheckpointsAreOn(@TempDir final Path dir) throws Exception
    {
        final Path state = dir.resolve("state");
        final Path checkpoints = dir.resolve("checkpoints");
        final Path log = dir.resolve("child.err");
        final Process child = demo(log, state, dir.resolve("metrics"), "--duration", "600",
            "--rate", "20000", "--checkpoint-dir", checkpoints.toString(), "--checkpoint-interval", "0");
        try
        {
            final BufferedReader out = reader(child);
            final StringBuilder seen = new StringBuilder();
            awaitProgress(out, seen);
            child.toHandle().destroy();
            readAll(out, seen);
            assertTrue(child.waitFor(WAIT_S, TimeUnit.SECONDS), "the demo did not exit after SIGTERM");
            final String text = seen.toString();
            assertTrue(text.contains("\nSummary\n"), text);
            assertTrue(text.contains("  stopped by a signal with a final checkpoint, 1 in " + checkpoints +
                ": run the same command again to resume"), text + Files.readString(log));
            assertEquals(List.of(), jobDirectories(state), "no working state left in " + state);
        }
        finally
        {
            child.destroyForcibly();
        }
    }

    @Test
    void shouldRemoveTheStateAKilledProcessLeftWithAMessageNamingIt(@TempDir final Path dir) throws Exception
    {
        final Path state = dir.resolve("state");
        final Path metrics = dir.resolve("metrics");
        final Process killed = demo(dir.resolve("killed.err"), state, metrics, "--duration", "600", "--rate", "20000");
        final List<Path> left;
        try
        {
            awaitProgress(reader(killed), new StringBuilder());
            killed.destroyForcibly(); // kill -9: no hook runs
            assertTrue(killed.waitFor(WAIT_S, TimeUnit.SECONDS));
            left = jobDirectories(state);
            assertEquals(1, left.size(), "kill -9 leaves the job's state directory");
            assertEquals(Long.toString(killed.pid()),
                Files.readString(left.get(0).resolve(StateDirectory.LOCK_FILE_NAME)).trim(), "its lock holds the pid");
            assertEquals(1, children(metrics).size(), "and its metrics directory");
        }
        finally
        {
            killed.destroyForcibly();
        }

        final Path log = dir.resolve("next.err");
        final Process next = demo(log, state, metrics, "--events", "20000");
        try
        {
            final StringBuilder seen = new StringBuilder();
            readAll(reader(next), seen);
            assertTrue(next.waitFor(WAIT_S, TimeUnit.SECONDS));
            assertEquals(0, next.exitValue(), seen + Files.readString(log));
            final String messages = Files.readString(log);
            assertTrue(messages.contains("removed the state directory " + left.get(0) + " left by process " + killed.pid() +
                ", which is no longer running"), messages);
            assertTrue(messages.contains("left by process " + killed.pid()) &&
                messages.contains("removed the metrics directory " + metrics), messages);
            assertFalse(Files.exists(left.get(0)), left.get(0) + " removed");
            assertEquals(List.of(), jobDirectories(state), "the second run removed its own state when it ended");
            assertEquals(List.of(), children(metrics));
        }
        finally
        {
            next.destroyForcibly();
        }
    }

    private static Process demo(final Path log, final Path state, final Path metrics, final String... args) throws Exception
    {
        final String[] all = new String[args.length + 5];
        System.arraycopy(new String[] { "demo", "--shards", "1", "--instruments", "100" }, 0, all, 0, 5);
        System.arraycopy(args, 0, all, 5, args.length);
        return ChildJvm.start(log, List.of("-Xmx256m", "-D" + Settings.STATE_DIR.key() + "=" + state,
            "-D" + Settings.METRICS_DIR.key() + "=" + metrics), PeregrineCli.class, all);
    }

    private static BufferedReader reader(final Process child)
    {
        return new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads the demo's output up to its first progress line: the job is running. */
    private static void awaitProgress(final BufferedReader out, final StringBuilder seen) throws IOException
    {
        String line;
        do
        {
            line = out.readLine();
            assertNotNull(line, "the demo ended before its first progress line:\n" + seen);
            seen.append(line).append('\n');
        }
        while (!(line.startsWith("[") && line.contains("] events ")));
    }

    private static void readAll(final BufferedReader out, final StringBuilder seen) throws IOException
    {
        String line;
        while ((line = out.readLine()) != null)
        {
            seen.append(line).append('\n');
        }
    }

    private static List<Path> jobDirectories(final Path state) throws IOException
    {
        return children(state).stream().filter(d -> Files.exists(d.resolve(StateDirectory.LOCK_FILE_NAME))).toList();
    }

    private static List<Path> children(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir))
        {
            return list.sorted().toList();
        }
    }
}
