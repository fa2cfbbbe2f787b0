package io.peregrine.bench.nexmark.engine;

import io.peregrine.bench.nexmark.NexmarkConfig;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.NexmarkJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hand-made Nexmark events files for tests.
 */
final class NexmarkEventFiles
{
    /** Event times are this plus the milliseconds given: 2026-01-01 00:00:00.000 UTC. */
    static final long BASE = NexmarkConfig.DEFAULT_BASE_TIME_MS;

    private NexmarkEventFiles()
    {
    }

    /**
     * @return a bid at {@code BASE + at}, channel "Google", url "https://x/y", extra "e" and {@code at}.
     */
    static NexmarkEvent bid(final long at, final long auction, final long bidder, final long price)
    {
        return bid(at, auction, bidder, price, "e" + at);
    }

    /**
     * @return a bid at {@code BASE + at}, channel "Google", url "https://x/y".
     */
    static NexmarkEvent bid(final long at, final long auction, final long bidder, final long price, final String extra)
    {
        final NexmarkEvent e = new NexmarkEvent();
        e.type(NexmarkEvent.BID).dateTime(BASE + at);
        e.bid().auction(auction).bidder(bidder).price(price);
        e.bid().channel().set("Google");
        e.bid().url().set("https://x/y");
        e.bid().extra().set(extra);
        return e;
    }

    /**
     * @return the file {@code events.json} in {@code dir}, written with the events as JSON lines.
     */
    static Path write(final Path dir, final NexmarkEvent... events) throws IOException
    {
        final Path file = dir.resolve("events.json");
        try (NexmarkJson.Writer w = new NexmarkJson.Writer(Files.newOutputStream(file)))
        {
            for (final NexmarkEvent e : events)
            {
                w.write(e);
            }
        }
        return file;
    }
}
