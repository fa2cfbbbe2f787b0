package io.peregrine.api;

/**
 * Types of schema fields. Fixed-width types live at a fixed offset in the row; variable-length ones
 * keep an (offset, length) pair at their fixed offset pointing into the row's variable area.
 */
public enum FieldType
{
    INT32(4),
    INT64(8),
    FLOAT64(8),
    /** Epoch milliseconds, stored as a long. */
    TIMESTAMP(8),
    /** Fixed-length ASCII, right-padded with zero bytes. */
    ASCII(-1),
    /** Variable-length ASCII string. */
    VAR_STRING(8),
    /** Variable-length bytes. */
    VAR_BYTES(8),
    /**
     * Exact decimal {@code DECIMAL(precision, scale)} (as SQL's and Flink's): an unscaled integer of at most
     * {@code precision} digits (1 to 38) times 10^-scale, stored as one long (8 bytes) up to precision 18 and as a
     * 128-bit two's complement integer (16 bytes, low word first) above. See {@link Decimals}.
     */
    DECIMAL(-1);

    final int fixedWidth;

    FieldType(final int fixedWidth)
    {
        this.fixedWidth = fixedWidth;
    }

    public boolean isVariableLength()
    {
        return this == VAR_STRING || this == VAR_BYTES;
    }
}
