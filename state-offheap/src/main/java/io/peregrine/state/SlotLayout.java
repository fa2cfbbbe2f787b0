package io.peregrine.state;

/**
 * Layout of one slot of a {@link MappedSlotTable}: a key, its state and epoch, then the value.
 * <pre>
 *   0                   8         12        16
 *   +-------------------+---------+---------+-------------------------------+
 *   |      key (long)   |  state  |  epoch  |  value (valueLength, pad to 8)  |
 *   +-------------------+---------+---------+-------------------------------+
 *   state: 0 = empty, 1 = used, 2 = moved out (only in a region being drained by growth)
 *   epoch: the mark epoch of the last findOrInsert on this entry (dirty tracking)
 * </pre>
 * Slots are read and written by raw address with {@code UnsafeApi}, little-endian (the native order, which
 * {@link MappedSlotTable} checks).
 */
final class SlotLayout
{
    static final int SLOT_KEY_OFFSET = 0;
    static final int SLOT_STATE_OFFSET = 8;
    static final int SLOT_EPOCH_OFFSET = 12;
    static final int SLOT_VALUE_OFFSET = 16;

    static final int EMPTY = 0;
    static final int USED = 1;
    static final int MOVED = 2;

    private SlotLayout()
    {
    }

    /**
     * @param valueLength bytes per value.
     * @return bytes per slot: 16 bytes of key and metadata plus the value padded to 8.
     */
    static int slotLength(final int valueLength)
    {
        return SLOT_VALUE_OFFSET + ((valueLength + 7) & ~7);
    }
}
