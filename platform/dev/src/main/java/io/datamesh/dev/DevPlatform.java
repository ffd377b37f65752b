package io.datamesh.dev;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import io.datamesh.kafka.embedded.PortInUseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole local platform: its components started in order, each after the ports of all of them
 * were found free, and closed in reverse order.
 */
final class DevPlatform implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DevPlatform.class);

    private final List<DevComponent> components;
    private final List<DevComponent> started = new ArrayList<>();

    DevPlatform(List<DevComponent> components) {
        this.components = List.copyOf(components);
    }

    /**
     * The local platform: broker, schema registry, the platform's MariaDB and the bus, the demo domains,
     * the real sources (CDC captures, the bus bridge, the clickstream collector), the query router, and the
     * demo's services at work (unless {@code demo} is off: then only the broker and the registry).
     */
    static DevPlatform standard(DevSettings settings, boolean demo) {
        KafkaComponent kafka = new KafkaComponent(settings);
        RegistryComponent registry = new RegistryComponent(settings, kafka);
        if (!demo) {
            return new DevPlatform(List.of(kafka, registry));
        }
        MariaDbComponent mariadb = new MariaDbComponent(settings);
        BusComponent bus = new BusComponent(settings);
        DomainsComponent domains = new DomainsComponent(settings, kafka, registry);
        SourcesComponent sources = new SourcesComponent(settings, kafka, bus);
        return new DevPlatform(List.of(kafka, registry, mariadb, bus, domains, new CapturesComponent(settings.home(), kafka, mariadb), sources,
                new RouterComponent(settings, kafka, domains), new DemoLoad(settings, mariadb, bus, sources)));
    }

    /**
     * Checks every fixed port, then starts the components in order.
     *
     * @throws PortInUseException before anything starts, if a fixed port is taken
     */
    void start() throws Exception {
        for (DevComponent c : components) {
            for (PortClaim claim : c.ports()) {
                requireFree(claim);
            }
        }
        for (DevComponent c : components) {
            log.info("Starting component={}", c.name());
            c.start();
            started.add(c);
        }
    }

    /** Where the started components are, for the {@code mesh} command (see {@link DevComponent#location()}). */
    java.util.Map<String, String> location() {
        java.util.Map<String, String> all = new java.util.TreeMap<>();
        started.forEach(c -> all.putAll(c.location()));
        return all;
    }

    List<Endpoint> endpoints() {
        return started.stream().flatMap(c -> c.endpoints().stream()).toList();
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            DevComponent c = started.get(i);
            try {
                c.close();
                log.info("Stopped component={}", c.name());
            } catch (RuntimeException e) {
                log.error("Cannot stop component={}", c.name(), e);
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private static void requireFree(PortClaim claim) {
        if (claim.port() == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), claim.port()));
        } catch (IOException e) {
            throw new PortInUseException(claim.what(), "127.0.0.1", claim.port());
        }
    }
}
