package io.peregrine.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeregrineCliTest
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture()
    {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
    }

    @AfterEach
    void restore()
    {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

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
}
