package io.peregrine.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCliProfileTest
{
    @TempDir
    Path out;

    @Test
    void shouldProfileCpuByDefaultOnlyWhenAsked()
    {
        assertNull(chain().event, "off by default");
        assertEquals("cpu", chain("--profile").event);
        assertEquals("cpu", chain("--profile", "--quick").event);
        assertEquals("alloc", chain("--profile=alloc").event);
        assertEquals("itimer", chain("--profile", "itimer").event);
    }

    @Test
    void shouldPrintTheVersionWithDashV()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CommandLine cl = new CommandLine(new BenchCli());
        cl.setOut(new java.io.PrintWriter(bytes, true, StandardCharsets.UTF_8));
        assertEquals(0, cl.execute("-V"));
        final String version = bytes.toString(StandardCharsets.UTF_8).trim();
        assertTrue(version.matches("Peregrine \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(benchmarks\\)"), version);
    }

    @Test
    void shouldOfferProfileOnEveryMeasuringCommandAndNoJmhOnTheSuite()
    {
        final CommandLine cl = new CommandLine(new BenchCli());
        for (final String command : new String[]{ "suite", "chain", "trading", "nexmark" })
        {
            assertTrue(cl.getSubcommands().get(command).getCommandSpec().findOption("--profile") != null, command);
        }
        assertTrue(cl.getSubcommands().get("suite").getCommandSpec().findOption("--no-jmh") != null);
    }

    @Test
    void shouldRefuseAnUnknownEventBeforeMeasuringAnything()
    {
        final PrintStream stdout = System.out;
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code;
        try
        {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = BenchCli.execute("chain", "--quick", "--profile=cycles", "--out", out.toString());
        }
        finally
        {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        final String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, message);
        assertTrue(message.contains("--profile: unknown profile event 'cycles'; use one of [cpu, itimer, ctimer, wall, alloc, lock]"),
            message);
        assertTrue(Files.notExists(out) || out.toFile().list().length == 0, "no report for a refused command");
    }

    private static ProfileOptions chain(final String... args)
    {
        final String[] all = new String[args.length + 1];
        all[0] = "chain";
        System.arraycopy(args, 0, all, 1, args.length);
        final CommandLine cl = new CommandLine(new BenchCli());
        final CommandLine.ParseResult parsed = cl.parseArgs(all);
        return ((BenchCli.Chain)parsed.subcommand().commandSpec().userObject()).profile;
    }
}
