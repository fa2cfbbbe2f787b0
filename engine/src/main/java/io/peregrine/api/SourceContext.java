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
}
