package io.peregrine.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's table of settings is {@link Settings#markdownTable()}, between two markers. Run with
 * {@code -Dperegrine.readme.update=true} ({@link Settings#README_COMMAND}) to write it.
 */
class ConfigReadmeTableTest
{
    static final String BEGIN = "<!-- settings table: generated from io.peregrine.config.Settings; to change it, " +
        "change the declarations and regenerate (see ConfigReadmeTableTest) -->\n";
    static final String END = "<!-- end of settings table -->";

    @Test
    void readmeTableIsTheCataloguesTable() throws IOException
    {
        final Path readme = Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize();
        final String text = Files.readString(readme);
        final int begin = text.indexOf(BEGIN);
        final int end = text.indexOf(END);
        assertTrue(begin >= 0 && end > begin, readme + " has no settings table between the markers\n" + BEGIN + END);
        final String table = Settings.markdownTable();
        if (Boolean.getBoolean("peregrine.readme.update"))
        {
            Files.writeString(readme, text.substring(0, begin + BEGIN.length()) + table + text.substring(end));
            return;
        }
        assertEquals(table, text.substring(begin + BEGIN.length(), end),
            "README.md's table of settings is not the one declared in io.peregrine.config.Settings; regenerate it " +
            "from the repository's root with:\n    " + Settings.README_COMMAND + "\n");
    }
}
