package io.peregrine.api;

import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

/**
 * What a source sees of the job.
 */
public interface SourceContext
{
    EpochClock epochClock();

    NanoClock nanoClock();

    int maxRowLength();

    /**
     * @return the longest line in bytes a text source reads ({@code peregrine.source.max.line.length}).
     */
    default int maxLineLength()
    {
        return 1024 * 1024;
    }
}
