package io.peregrine.state;

import java.nio.file.Path;

/**
 * A state file that cannot be used as it is: wrong magic, format version or slot layout, a corrupt
 * or truncated header, a table interrupted while growing, or an I/O failure. The message names the
 * file and says what to do; the file is never read past the check that failed.
 */
public final class StateFileException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file   the file concerned.
     * @param reason what is wrong and what to do about it.
     */
    public StateFileException(final Path file, final String reason)
    {
        super("state file " + file + ": " + reason);
        this.file = file;
    }

    /**
     * @param file   the file concerned.
     * @param reason what is wrong and what to do about it.
     * @param cause  the underlying failure.
     */
    public StateFileException(final Path file, final String reason, final Throwable cause)
    {
        super("state file " + file + ": " + reason, cause);
        this.file = file;
    }

    /**
     * @return the file concerned.
     */
    public Path file()
    {
        return file;
    }
}
