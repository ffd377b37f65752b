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
 */
record DevSettings(Path home, int kafkaPort, int controllerPort, int registryPort, int queryPort) {

    DevSettings {
        Objects.requireNonNull(home, "home");
        checkPort("--kafka-port", kafkaPort);
        checkPort("--controller-port", controllerPort);
        checkPort("--registry-port", registryPort);
        checkPort("--query-port", queryPort);
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
