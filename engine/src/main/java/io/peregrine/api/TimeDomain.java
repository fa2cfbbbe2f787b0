package io.peregrine.api;

public enum TimeDomain
{
    EVENT_TIME,
    PROCESSING_TIME
}
