package io.peregrine.runtime;

import io.peregrine.api.Field;
import io.peregrine.api.Schema;

/**
 * Schemas shared by the engine tests.
 */
final class TestSchemas
{
    static final Schema EVENT = Schema.builder("event").int64("key").timestamp("ts").int64("value").build();
    static final Field.Int64 KEY = EVENT.int64("key");
    static final Field.Timestamp TS = EVENT.timestamp("ts");
    static final Field.Int64 VALUE = EVENT.int64("value");

    private TestSchemas()
    {
    }

    static Object[] event(final long key, final long ts, final long value)
    {
        return new Object[]{ key, ts, value };
    }
}
