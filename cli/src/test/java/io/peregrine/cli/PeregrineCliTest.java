package io.peregrine.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeregrineCliTest extends ConsoleCapture
{
    @Test
    void shouldRefuseAnInvalidOptionWithAMessageAndNoStackTrace()
    {
        assertEquals(2, PeregrineCli.execute("demo", "--shards", "0"));
        final String text = err.toString();
        assertTrue(text.contains("Invalid value for option '--shards': peregrine.shards=0 is not valid: expected an " +
            "integer in 1..1024"), text);
        assertFalse(text.contains("\tat "), text);
        assertEquals(2, PeregrineCli.execute("demo", "--idle-strategy", "spin"));
        assertTrue(err.toString().contains("Invalid value for option '--idle-strategy': peregrine.idle.strategy=spin is " +
            "not valid: expected one of busy-spin, yield, backoff, sleep"), err.toString());
        assertEquals(2, PeregrineCli.execute("demo", "--no-such-option"));
        assertTrue(err.toString().contains("Unknown option: '--no-such-option'"), err.toString());
    }

    @Test
    void shouldRunTheDemoToItsSummary()
    {
        assertEquals(0, PeregrineCli.execute("demo", "--events", "300000", "--instruments", "200", "--shards", "2",
            "--print-every", "1"));
        final String text = out.toString();
        assertTrue(text.contains("events processed   300,000"), text);
        assertTrue(text.contains("most active, event second 0:"), text);
        assertTrue(text.contains("p99.9"), text);
    }

    @Test
    void shouldPrintTheBuildsVersionAndADemoDescriptionWhoseFirstLineStandsAlone()
    {
        assertEquals(0, PeregrineCli.execute("-V"));
        final String version = out.toString().trim();
        assertTrue(version.matches("Peregrine \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), "the parent pom's version, filtered in: " + version);
        final picocli.CommandLine cl = new picocli.CommandLine(new PeregrineCli());
        final String first = cl.getSubcommands().get("demo").getCommandSpec().usageMessage().description()[0];
        assertTrue(first.endsWith("."), "the command list shows only the first line: a sentence, not half of one: " + first);
    }

    @Test
    void shouldSayInTheDemoHelpWhatCtrlCDoes()
    {
        final picocli.CommandLine cl = new picocli.CommandLine(new PeregrineCli());
        final String help = cl.getSubcommands().get("demo").getUsageMessage();
        assertTrue(help.contains("Events to generate (default: 10000000)"), help);
        assertTrue(help.contains("Ctrl-C or SIGTERM stops it and prints the summary"), help);
    }
}
