package io.peregrine.api;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's API tour names the import of every Peregrine type its code uses, and each import is the class's real
 * package: a user who copies the tour gets code that compiles.
 */
class ReadmeImportsTest
{
    private static final List<String> PACKAGES = List.of("io.peregrine.api", "io.peregrine.pipeline",
        "io.peregrine.config", "io.peregrine.connector", "io.peregrine.cep", "io.peregrine.runtime", "java.nio.file");

    @Test
    void shouldImportEveryTypeTheTourUsesFromItsRealPackage() throws Exception
    {
        final String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize());
        final int start = readme.indexOf("## A five-minute tour of the API");
        final int end = readme.indexOf("\n## ", start + 1);
        assertTrue(start >= 0 && end > start, "the tour's section");
        final String tour = readme.substring(start, end);

        final Set<String> imported = new TreeSet<>();
        final Matcher imports = Pattern.compile("(?m)^import ([\\w.]+)\\.(\\w+);").matcher(tour);
        while (imports.find())
        {
            final String name = imports.group(1) + "." + imports.group(2);
            Class.forName(name); // an import of a class that is not there fails here, naming it
            imported.add(imports.group(2));
        }
        assertTrue(imported.contains("Job") && imported.contains("JobContext"), imported.toString());

        final Set<String> used = new TreeSet<>();
        final Matcher blocks = Pattern.compile("(?s)```java\\n(.*?)```").matcher(tour);
        while (blocks.find())
        {
            final Matcher words = Pattern.compile("\\b([A-Z][a-z]\\w*)\\b").matcher(blocks.group(1));
            while (words.find())
            {
                if (isPeregrineOrFileType(words.group(1)))
                {
                    used.add(words.group(1));
                }
            }
        }
        final Set<String> missing = new TreeSet<>(used);
        missing.removeAll(imported);
        assertEquals(Set.of(), missing, "types the tour uses without importing them");
    }

    private static boolean isPeregrineOrFileType(final String simpleName)
    {
        for (final String pkg : PACKAGES)
        {
            try
            {
                Class.forName(pkg + "." + simpleName, false, ReadmeImportsTest.class.getClassLoader());
                return true;
            }
            catch (final ClassNotFoundException e)
            {
                // not in this package
            }
        }
        return false;
    }
}
