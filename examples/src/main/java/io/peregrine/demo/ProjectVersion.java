package io.peregrine.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The project's version, one line filtered from the parent pom ({@code io/peregrine/version}, e.g.
 * {@code Peregrine 0.1.0-SNAPSHOT}): what {@code peregrine -V} and {@code peregrine bench -V} print.
 */
public final class ProjectVersion
{
    private ProjectVersion()
    {
    }

    /**
     * @return e.g. {@code Peregrine 0.1.0-SNAPSHOT}.
     */
    public static String text()
    {
        try (InputStream in = ProjectVersion.class.getResourceAsStream("/io/peregrine/version"))
        {
            if (in == null)
            {
                return "Peregrine (version unknown: io/peregrine/version is missing from the class path)";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read io/peregrine/version", e);
        }
    }
}
