package io.peregrine.metrics;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.nio.charset.StandardCharsets;

/**
 * The key of every counter of a job, in the counter's metadata record, so that a reader in another process groups
 * counters by shard and operator without parsing labels:
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +---------------------------------------------------------------+
 *   |                             shard                             |  0
 *   +---------------------------------------------------------------+
 *   |          operator name length (bytes), 0 for a shard counter  |  4
 *   +---------------------------------------------------------------+
 *   |            operator name, UTF-8, at most 104 bytes           ...  8
 *   +---------------------------------------------------------------+
 * </pre>
 */
public final class CounterKey
{
    public static final int SHARD_OFFSET = 0;
    public static final int NAME_LENGTH_OFFSET = 4;
    public static final int NAME_OFFSET = 8;
    /** Longest operator name kept in a key; a longer one is cut (the label has it whole, up to its own limit). */
    public static final int MAX_NAME_LENGTH = CountersReader.MAX_KEY_LENGTH - NAME_OFFSET;

    private CounterKey()
    {
    }

    /**
     * @param key      the counter's key buffer.
     * @param shard    the shard.
     * @param operator the operator's name, or null for a shard counter.
     */
    static void write(final MutableDirectBuffer key, final int shard, final String operator)
    {
        key.putInt(SHARD_OFFSET, shard);
        if (operator == null)
        {
            key.putInt(NAME_LENGTH_OFFSET, 0);
            return;
        }
        final byte[] name = operator.getBytes(StandardCharsets.UTF_8);
        final int length = Math.min(name.length, MAX_NAME_LENGTH);
        key.putInt(NAME_LENGTH_OFFSET, length);
        key.putBytes(NAME_OFFSET, name, 0, length);
    }

    /**
     * @param key a counter's key buffer, as a {@link CountersReader.MetaData} consumer gets it.
     * @return the shard.
     */
    public static int shard(final DirectBuffer key)
    {
        return key.getInt(SHARD_OFFSET);
    }

    /**
     * @param key a counter's key buffer.
     * @return the operator's name, or null for a shard counter.
     */
    public static String operator(final DirectBuffer key)
    {
        final int length = key.getInt(NAME_LENGTH_OFFSET);
        if (length <= 0 || length > MAX_NAME_LENGTH)
        {
            return null;
        }
        final byte[] name = new byte[length];
        key.getBytes(NAME_OFFSET, name);
        return new String(name, StandardCharsets.UTF_8);
    }

    /**
     * @param shard    the shard.
     * @param operator the operator's name, or null for a shard counter.
     * @param metric   what the counter counts.
     * @return the counter's label: {@code bars, shard 0: records in}, {@code shard 0: duty cycles}.
     */
    static String label(final int shard, final String operator, final Metric metric)
    {
        final String label = (operator == null ? "" : operator + ", ") + "shard " + shard + ": " + metric.label();
        return label.length() <= CountersReader.MAX_LABEL_LENGTH ? label :
            label.substring(0, CountersReader.MAX_LABEL_LENGTH);
    }
}
