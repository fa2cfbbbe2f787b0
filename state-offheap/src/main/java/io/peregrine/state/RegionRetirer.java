package io.peregrine.state;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A daemon thread that unmaps and closes the regions drained by growth off the shard thread: unmapping and freeing
 * pages cost time proportional to the old region's size, which no insert should pay. One for the process, started
 * on first use.
 */
final class RegionRetirer
{
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private Thread thread;

    /**
     * Hand over a drained region: it is closed on the retirer thread.
     *
     * @param region no longer used by its table.
     */
    synchronized void retire(final SlotRegion region)
    {
        start();
        queue.add(region);
    }

    /**
     * Wait until every region retired so far is closed.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    void await() throws InterruptedException
    {
        final CountDownLatch latch = new CountDownLatch(1);
        synchronized (this)
        {
            start();
            queue.add(latch);
        }
        latch.await();
    }

    private void start()
    {
        if (thread == null)
        {
            thread = new Thread(this::run, "peregrine-state-retirer");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void run()
    {
        while (true)
        {
            try
            {
                final Object item = queue.take();
                if (item instanceof SlotRegion)
                {
                    ((SlotRegion)item).close();
                }
                else
                {
                    ((CountDownLatch)item).countDown();
                }
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            catch (final RuntimeException ex)
            {
                ex.printStackTrace(); // a failed unmap leaks address space; nothing else depends on it
            }
        }
    }
}
