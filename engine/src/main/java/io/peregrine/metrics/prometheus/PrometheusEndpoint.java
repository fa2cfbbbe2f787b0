package io.peregrine.metrics.prometheus;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP endpoint serving a job's counters in the Prometheus text format at {@code /metrics}, with the Prometheus
 * Java client's HTTP server (the JDK's {@code com.sun.net.httpserver}, on one daemon thread of its own, never a
 * shard's). Each scrape reads the counters file, see {@link CountersCollector}.
 */
public final class PrometheusEndpoint implements AutoCloseable
{
    private final HTTPServer server;
    private final ExecutorService executor;

    private PrometheusEndpoint(final HTTPServer server, final ExecutorService executor)
    {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param port   to listen on, on every interface; 0 for any free port (see {@link #port()}).
     * @param reader of the job's counters.
     * @param job    the job's name.
     * @return the running endpoint.
     */
    public static PrometheusEndpoint start(final int port, final CountersReader reader, final String job)
    {
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new CountersCollector(reader, job));
        final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
        {
            final Thread thread = new Thread(r, "peregrine-metrics-http");
            thread.setDaemon(true);
            return thread;
        });
        try
        {
            return new PrometheusEndpoint(
                HTTPServer.builder().port(port).registry(registry).executorService(executor).buildAndStart(), executor);
        }
        catch (final IOException e)
        {
            executor.shutdownNow();
            throw new UncheckedIOException("job '" + job + "': cannot serve metrics on port " + port + ": " + e, e);
        }
    }

    /**
     * @return the port it listens on.
     */
    public int port()
    {
        return server.getPort();
    }

    public void close()
    {
        server.close();
        executor.shutdownNow();
    }
}
