package io.datamesh.dev;

import java.util.List;
import java.util.Map;

import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;

/** The schema registry (Confluent's REST API) on the dev broker; its schemas live in the broker's {@code _schemas} topic. */
final class RegistryComponent implements DevComponent {

    private final DevSettings settings;
    private final KafkaComponent kafka;
    private SchemaRegistryServer server;

    RegistryComponent(DevSettings settings, KafkaComponent kafka) {
        this.settings = settings;
        this.kafka = kafka;
    }

    @Override
    public String name() {
        return "schema-registry";
    }

    @Override
    public List<PortClaim> ports() {
        return List.of(new PortClaim("schema registry", settings.registryPort()));
    }

    @Override
    public void start() {
        server = SchemaRegistryServer.start(RegistryConfig.from(Map.of(
                RegistryConfig.BOOTSTRAP_SERVERS, kafka.broker().bootstrapServers(),
                RegistryConfig.PORT, settings.registryPort())));
    }

    /** Base URL of the running registry. */
    String url() {
        return server.url();
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(new Endpoint("schema registry", server.url(),
                "Confluent REST API: schema.registry.url for any Confluent-compatible client; metrics at /metrics"));
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public java.util.Map<String, String> location() {
        return java.util.Map.of("registry.url", server.url());
    }
}
