package io.peregrine.runtime;

import io.peregrine.api.Job;
import io.peregrine.config.JobContext;
import io.peregrine.pipeline.Pipeline;
import io.peregrine.pipeline.Sinks;
import io.peregrine.pipeline.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.peregrine.runtime.RuntimeBehaviourTest.await;
import static io.peregrine.runtime.TestSchemas.EVENT;
import static io.peregrine.runtime.TestSchemas.VALUE;
import static io.peregrine.runtime.TestSchemas.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusEndpointTest
{
    @Test
    void shouldServeEveryOperatorsCountersInThePrometheusTextFormat(@TempDir final Path dir) throws Exception
    {
        final List<Object[]> events = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            events.add(event(i, i, i));
        }
        final Pipeline p = Pipeline.create("scraped");
        p.source("events", Sources.collection(EVENT, events))
            .filter("small", row -> row.getLong(VALUE) < 30)
            .sink("out", Sinks.collect());
        final Job job = p.execute(new JobContext().shards(1).metricsDir(dir).metricsPort(0));
        final int port = job.metricsPort();
        assertTrue(port > 0, "an ephemeral port: " + port);
        final HttpClient client = HttpClient.newHttpClient();
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build();
        try
        {
            await(job::isDone, "the job's end"); // the endpoint serves until the job is closed
            final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            final String text = response.body();
            assertTrue(text.contains("# TYPE peregrine_records_in_total counter"), text);
            assertTrue(text.contains("peregrine_source_records_total{job=\"scraped\",operator=\"events\",shard=\"0\"} 100.0"), text);
            assertTrue(text.contains("peregrine_records_in_total{job=\"scraped\",operator=\"small\",shard=\"0\"} 100.0"), text);
            assertTrue(text.contains("peregrine_records_out_total{job=\"scraped\",operator=\"small\",shard=\"0\"} 30.0"), text);
            assertTrue(text.contains("peregrine_sink_records_total{job=\"scraped\",operator=\"out\",shard=\"0\"} 30.0"), text);
            assertTrue(text.contains("# TYPE peregrine_shard_max_cycle_seconds gauge"), text);
            assertTrue(text.contains("peregrine_shard_duty_cycles_total{job=\"scraped\",shard=\"0\"}"), text);
        }
        finally
        {
            job.join();
        }
        assertThrows(ConnectException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()),
            "closed with the job");
    }
}
