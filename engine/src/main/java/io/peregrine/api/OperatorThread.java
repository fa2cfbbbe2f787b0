package io.peregrine.api;

/**
 * Marks the threads that run operators (the shard threads, from their start until their operators close): on them a
 * {@link Schema} refuses to look a field up by name. A lookup there would be a hash lookup per record (or per timer)
 * where a field handle, looked up once when the pipeline is built or in {@code open()}, is a load; refusing it makes
 * the slip an error at the first record rather than a cost on every one. The engine marks its shard threads; user
 * code never needs this class.
 */
public final class OperatorThread
{
    private static final ThreadLocal<String> RUNNING = new ThreadLocal<>();

    private OperatorThread()
    {
    }

    /**
     * The current thread starts running operators.
     *
     * @param name of what runs on it, for the error message (e.g. {@code "peregrine-shard-0"}).
     */
    public static void enter(final String name)
    {
        RUNNING.set(name);
    }

    /**
     * The current thread no longer runs records through operators (they are closing or closed).
     */
    public static void exit()
    {
        RUNNING.remove();
    }

    /**
     * @return the name given to {@link #enter(String)} on this thread, or null if it runs no operators.
     */
    static String current()
    {
        return RUNNING.get();
    }
}
