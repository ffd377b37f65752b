package io.datamesh.dev;

import java.nio.file.Path;
import java.util.List;

import io.datamesh.kafka.embedded.EmbeddedKafka;

/** The dev broker: a real KRaft broker whose data lives under the platform's home folder. */
final class KafkaComponent implements DevComponent {

    private final DevSettings settings;
    private EmbeddedKafka kafka;

    KafkaComponent(DevSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public List<PortClaim> ports() {
        return List.of(new PortClaim("Kafka broker", settings.kafkaPort()),
                new PortClaim("KRaft controller", settings.controllerPort()));
    }

    @Override
    public void start() {
        Path dataDir = settings.home().resolve("kafka");
        kafka = EmbeddedKafka.builder()
                .dataDir(dataDir)
                .brokerPort(settings.kafkaPort())
                .controllerPort(settings.controllerPort())
                .build()
                .start();
    }

    /** The running broker, for components that start after it. */
    EmbeddedKafka broker() {
        return kafka;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(new Endpoint("Kafka broker (KRaft)", kafka.bootstrapServers(),
                "bootstrap.servers for any Kafka client; data in " + settings.home().resolve("kafka")));
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Override
    public java.util.Map<String, String> location() {
        return java.util.Map.of("bootstrap.servers", kafka.bootstrapServers());
    }
}
