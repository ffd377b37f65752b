package io.datamesh.schema.registry;

import java.net.URL;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema registry as a server: start one with {@link #start(RegistryConfig)} (in the dev
 * platform, in tests) or run {@link #main} with {@code registry.*} system properties.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);

    private final ApplicationContext context;
    private final EmbeddedServer server;
    private final KafkaSchemaStore store;

    private SchemaRegistryServer(ApplicationContext context, EmbeddedServer server, KafkaSchemaStore store) {
        this.context = context;
        this.server = server;
        this.store = store;
    }

    /** Connects to Kafka, replays the schemas topic, and serves HTTP; returns once it answers. */
    public static SchemaRegistryServer start(RegistryConfig config) {
        KafkaSchemaStore store = new KafkaSchemaStore(config);
        try {
            Map<String, Object> props = new HashMap<>();
            props.put("micronaut.application.name", "mesh-schema-registry");
            props.put("mesh.service", "registry");
            props.put("micronaut.server.host", config.host());
            props.put("micronaut.server.port", config.port());
            props.put("micronaut.server.max-request-size", config.maxRequestBytes());
            ApplicationContext context = ApplicationContext.builder()
                    .properties(props)
                    .singletons(new SchemaRegistryService(store), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                    .start();
            EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
            log.info("Schema registry listening url={} topic={}", server.getURL(), config.topic());
            return new SchemaRegistryServer(context, server, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        URL url = server.getURL();
        return url.getProtocol() + "://" + url.getHost() + ":" + url.getPort();
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
            context.close();
        } finally {
            store.close();
        }
    }

    /** Standalone: {@code java -Dregistry.kafka.bootstrap.servers=... -cp ... SchemaRegistryServer}. */
    public static void main(String[] args) throws InterruptedException {
        Map<String, Object> values = new HashMap<>();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("registry.")) {
                values.put(k.toString(), v);
            }
        });
        SchemaRegistryServer server = start(RegistryConfig.from(values));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "registry-shutdown"));
        Thread.currentThread().join();
    }
}
