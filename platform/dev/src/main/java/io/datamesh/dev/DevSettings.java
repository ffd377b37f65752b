package io.datamesh.dev;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the local platform keeps its state and which ports it binds.
 *
 * @param home folder for all state (broker logs, registry, stores, logs); a restart continues from it
 * @param kafkaPort client port of the dev broker (DESIGN: 9092)
 * @param controllerPort KRaft controller port of the dev broker
 * @param registryPort HTTP port of the schema registry (DESIGN: 8081)
 * @param queryPort HTTP port of the query router over all domains (DESIGN: 8080)
 * @param mariadbPort port of the platform's own MariaDB, the CDC source (DESIGN: 3307)
 * @param collectorPort HTTP port of the clickstream collector (DESIGN: 8082)
 * @param amqpUri the bus: RabbitMQ where one answers there, else an embedded broker is started on its port
 * @param demoRate orders the demo's services take per second
 */
record DevSettings(Path home, int kafkaPort, int controllerPort, int registryPort, int queryPort, int mariadbPort, int collectorPort,
                   String amqpUri, double demoRate) {

    /** The defaults of the parts that came later (CDC, bus, collector, demo load), for callers that set only the first ports. */
    DevSettings(Path home, int kafkaPort, int controllerPort, int registryPort, int queryPort) {
        this(home, kafkaPort, controllerPort, registryPort, queryPort, 3307, 8082, "amqp://guest:guest@127.0.0.1:5672", 1.0);
    }

    DevSettings {
        Objects.requireNonNull(home, "home");
        checkPort("--kafka-port", kafkaPort);
        checkPort("--controller-port", controllerPort);
        checkPort("--registry-port", registryPort);
        checkPort("--query-port", queryPort);
        checkPort("--mariadb-port", mariadbPort);
        checkPort("--collector-port", collectorPort);
        Objects.requireNonNull(amqpUri, "amqpUri");
        if (!amqpUri.startsWith("amqp://")) {
            throw new IllegalArgumentException("--amqp-uri must be amqp://user:password@host:port, was '" + amqpUri + "'");
        }
        if (!(demoRate > 0 && demoRate <= 1000)) {
            throw new IllegalArgumentException("--demo-rate must be more than 0 and at most 1000 orders a second, was " + demoRate);
        }
        if (kafkaPort == controllerPort && kafkaPort != 0) {
            throw new IllegalArgumentException("--kafka-port and --controller-port must differ, both are " + kafkaPort);
        }
    }

    private static void checkPort(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " must be 0..65535 (0 picks a free port), was " + port);
        }
    }
}
