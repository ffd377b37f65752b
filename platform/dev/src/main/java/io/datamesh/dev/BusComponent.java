package io.datamesh.dev;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.datamesh.amqp.embedded.EmbeddedAmqpBroker;

/**
 * The bus the services publish their events to: the RabbitMQ that answers at {@code --amqp-uri}
 * (the development machines run one on 5672), else an embedded AMQP 0-9-1 broker (Apache Qpid
 * Broker-J) started on that address, so a fresh machine needs nothing installed.
 */
final class BusComponent implements DevComponent {

    private final DevSettings settings;
    private EmbeddedAmqpBroker embedded;
    private String uri;

    BusComponent(DevSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "bus";
    }

    @Override
    public List<PortClaim> ports() {
        return List.of(); // a RabbitMQ already listening there is what we want: checked at start
    }

    @Override
    public void start() {
        URI u = URI.create(settings.amqpUri());
        String host = u.getHost() == null ? "127.0.0.1" : u.getHost();
        int port = u.getPort() < 0 ? 5672 : u.getPort();
        if (EmbeddedAmqpBroker.answers(host, port, Duration.ofMillis(500))) {
            uri = settings.amqpUri();
            return;
        }
        embedded = EmbeddedAmqpBroker.builder().host(host).port(port).build().start();
        uri = embedded.amqpUri();
    }

    /** The bus's AMQP URI, for the bridge and the demo's publisher. */
    String uri() {
        return uri;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(new Endpoint("AMQP bus", uri, embedded == null
                ? "the RabbitMQ that answered there; the kitchen's service publishes to exchange kitchen"
                : "embedded Qpid Broker-J (no RabbitMQ answered there); the kitchen's service publishes to exchange kitchen"));
    }

    @Override
    public java.util.Map<String, String> location() {
        return java.util.Map.of("amqp.uri", uri);
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
