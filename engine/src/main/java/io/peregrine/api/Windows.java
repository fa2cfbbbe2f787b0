package io.peregrine.api;

/**
 * Event-time window shapes. Windows are aligned to the epoch: a tumbling window of size s holds
 * timestamps in {@code [k*s, (k+1)*s)}; a sliding window of size s and slide d starts every d ms;
 * a session window of gap g closes after g ms without a record for its key.
 */
public final class Windows
{
    public enum Kind
    {
        TUMBLING,
        SLIDING,
        SESSION
    }

    private final Kind kind;
    private final long size;
    private final long slide;

    private Windows(final Kind kind, final long size, final long slide)
    {
        this.kind = kind;
        this.size = size;
        this.slide = slide;
    }

    public static Windows tumbling(final long sizeMs)
    {
        positive("size", sizeMs);
        return new Windows(Kind.TUMBLING, sizeMs, sizeMs);
    }

    public static Windows sliding(final long sizeMs, final long slideMs)
    {
        positive("size", sizeMs);
        positive("slide", slideMs);
        if (sizeMs % slideMs != 0)
        {
            throw new IllegalArgumentException("sliding window size " + sizeMs + " must be a multiple of its slide " + slideMs);
        }
        return new Windows(Kind.SLIDING, sizeMs, slideMs);
    }

    public static Windows session(final long gapMs)
    {
        positive("gap", gapMs);
        return new Windows(Kind.SESSION, gapMs, 0);
    }

    private static void positive(final String what, final long value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException("window " + what + " must be > 0 ms: " + value);
        }
    }

    public Kind kind()
    {
        return kind;
    }

    /**
     * @return window size, or the gap of a session window.
     */
    public long size()
    {
        return size;
    }

    public long slide()
    {
        return slide;
    }

    /**
     * @param timestamp epoch ms.
     * @return start of the last (latest-starting) aligned window that contains it.
     */
    public long lastStart(final long timestamp)
    {
        return timestamp - Math.floorMod(timestamp, slide);
    }

    public String toString()
    {
        switch (kind)
        {
            case TUMBLING: return "tumbling(" + size + "ms)";
            case SLIDING: return "sliding(" + size + "ms, " + slide + "ms)";
            default: return "session(" + size + "ms)";
        }
    }
}
