package io.peregrine.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Change tracking of a variable-length keyed state ({@link ListState}, {@link MapState}) between two
 * marks, for incremental checkpoints that journal the whole content of each changed key.
 * <p>
 * A key is changed when its list or map was added to, updated, trimmed, removed or restored since the
 * last {@link #resetMark()}. To bring a copy taken at the mark up to date: if
 * {@link #clearedSinceMark()} clear it; then for each key of {@link #forEachChangedKeySinceMark}
 * replace its content with the bytes of {@link #writeKey} (an encoded length of 0 meaning the key is
 * now absent: remove it from the copy).
 * <p>
 * The encoded content of a key is in the compact format each implementation documents; it is read
 * back by {@link #restoreKey} of a state of the same kind. Lengths inside it are in native byte order
 * (little-endian on x86-64 and AArch64).
 */
public interface KeyChangeTracking
{
    /**
     * Visit every key changed since the mark, each once. The consumer may call {@link #encodedLength}
     * and {@link #writeKey} but must not change the state.
     *
     * @param consumer called with each changed key.
     * @return the number of keys visited.
     */
    long forEachChangedKeySinceMark(SlotTable.KeyConsumer consumer);

    /**
     * @return true if {@code clear()} was called since the mark (keys changed before the clear are
     * then not visited: the copy must be cleared).
     */
    boolean clearedSinceMark();

    /**
     * Start a new interval: afterwards no key is changed and nothing is cleared.
     */
    void resetMark();

    /**
     * @param key top-level key.
     * @return bytes {@link #writeKey} writes for it; 0 when absent (an empty list or map is absent).
     */
    int encodedLength(long key);

    /**
     * Write the whole content of a key in the compact format.
     *
     * @param key    top-level key.
     * @param dst    buffer with at least {@link #encodedLength(long)} bytes from {@code offset}.
     * @param offset in {@code dst}.
     * @return bytes written; 0 when absent.
     */
    int writeKey(long key, MutableDirectBuffer dst, int offset);

    /**
     * Replace the content of a key with encoded content (from {@link #writeKey}); length 0 removes
     * the key. The key is marked changed. Malformed content is refused before anything changes.
     *
     * @param key    top-level key.
     * @param src    buffer holding the encoded content.
     * @param offset in {@code src}.
     * @param length bytes of encoded content.
     * @throws IllegalArgumentException if the content is malformed.
     */
    void restoreKey(long key, DirectBuffer src, int offset, int length);

    /**
     * Visit every key that has content (for a full checkpoint).
     *
     * @param consumer called with each key.
     */
    void forEachKey(SlotTable.KeyConsumer consumer);
}
