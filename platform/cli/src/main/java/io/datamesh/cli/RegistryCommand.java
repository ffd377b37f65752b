package io.datamesh.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mesh registry}: the schema registry (Confluent's REST API) on a Kafka cluster, until stopped. */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Serve the schema registry (Confluent REST API); its schemas live in the cluster's _schemas topic.")
final class RegistryCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--port", defaultValue = "8081", description = "Port to serve on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind-host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String bindHost;

    @Option(names = "--replication-factor", defaultValue = "1", description = "Replicas of _schemas when the registry creates it (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        try (SchemaRegistryServer server = SchemaRegistryServer.start(RegistryConfig.from(Map.of(RegistryConfig.BOOTSTRAP_SERVERS, bootstrap,
                RegistryConfig.PORT, port, RegistryConfig.HOST, bindHost, RegistryConfig.REPLICATION_FACTOR, replicationFactor)))) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "mesh-registry-stop"));
            spec.commandLine().getOut().println("mesh: schema registry on " + server.url() + " (schemas in " + bootstrap + ")");
            spec.commandLine().getOut().flush();
            stop.await();
        }
        return 0;
    }
}
