package io.datamesh.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.datamesh.runtime.DomainJar;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.sdk.Domain;
import io.datamesh.serde.RestSchemaRegistryClient;
import io.datamesh.serde.SchemaRegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mesh run <domain.jar>}: deploys one domain's jar in this process — manifest checked,
 * schemas checked and registered, topics created, topology running exactly-once — until SIGTERM.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a domain's jar: check it, register its schemas, run it until stopped.")
final class RunCommand implements Callable<Integer> {

    /** Exit code when a second signal forces the stop. */
    static final int EXIT_FORCED = 130;

    @Parameters(index = "0", paramLabel = "JAR", description = "The domain's jar (mvn package of its module; bin/mesh new domain makes one).")
    Path jar;

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
            description = "Kafka (default: MESH_BOOTSTRAP_SERVERS, else where make run runs, else ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--registry", defaultValue = "http://127.0.0.1:8081",
            description = "Schema registry (default: MESH_REGISTRY, else where make run runs, else ${DEFAULT-VALUE}).")
    String registry;

    @Option(names = "--state-dir", description = "Folder for this instance's state (default: .mesh/state/<domain>-<instance>).")
    Path stateDir;

    @Option(names = "--instance", defaultValue = "0", description = "Instance id, when several run the same domain (default: ${DEFAULT-VALUE}).")
    String instance;

    @Option(names = "--http-port", defaultValue = "0", description = "Port of /health, /ready and /metrics (default: a free one).")
    int httpPort;

    @Option(names = "--standby-replicas", defaultValue = "0",
            description = "Standby copies of each view on other instances, to answer queries when an owner is down (default: ${DEFAULT-VALUE}).")
    int standbyReplicas;

    @Option(names = "--bind-host", defaultValue = "127.0.0.1", description = "Address the HTTP server listens on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String bindHost;

    @Option(names = "--advertised-host", defaultValue = "127.0.0.1",
            description = "Host the other instances forward queries to, e.g. the pod's IP (default: ${DEFAULT-VALUE}).")
    String advertisedHost;

    @Option(names = "--topic", paramLabel = "KEY=VALUE", description = "A setting of the topics the domain creates, e.g. "
            + "--topic topics.replication.factor=3 --topic topics.min.insync.replicas=2 --topic topics.partitions=6 (repeatable).")
    java.util.Map<String, String> topicSettings = new java.util.LinkedHashMap<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A Kafka Streams setting for this instance, e.g. "
            + "--set num.stream.threads=2 or --set consumer.session.timeout.ms=10000 (repeatable).")
    java.util.Map<String, String> streamsSettings = new java.util.LinkedHashMap<>();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SchemaRegistryClient client = new RestSchemaRegistryClient(registry);
        try (DomainJar domainJar = DomainJar.open(jar)) {
            Domain domain = domainJar.declare(client, false);
            DomainJar.registerSchemas(domain, client);
            Path state = stateDir != null ? stateDir : Path.of(".mesh", "state", domain.name() + "-" + instance);
            DomainRuntime runtime = DomainRuntime.of(domain, RuntimeSettings.builder(bootstrap, state).httpPort(httpPort)
                    .standbyReplicas(standbyReplicas).bindHost(bindHost).advertisedHost(advertisedHost)
                    .topics(io.datamesh.topics.TopicSettings.from(topicSettings))
                    .streamsOverrides(java.util.Map.copyOf(streamsSettings)).build()).start();
            CountDownLatch stopRequested = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger signals = new java.util.concurrent.atomic.AtomicInteger();
            sun.misc.SignalHandler onSignal = signal -> {
                if (signals.incrementAndGet() > 1) {
                    // A second SIGTERM or Ctrl-C: the operator does not want to wait for the commit.
                    spec.commandLine().getOut().println("mesh: forced stop");
                    spec.commandLine().getOut().flush();
                    Runtime.getRuntime().halt(EXIT_FORCED);
                }
                stopRequested.countDown();
            };
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), onSignal);
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), onSignal);
            spec.commandLine().getOut().println("mesh: domain " + domain.name() + " running (" + domain.applicationId() + "), products "
                    + domain.products().stream().map(p -> p.topic().value()).toList() + ", queries and metrics at " + runtime.httpUrl().orElse("-"));
            spec.commandLine().getOut().flush();
            stopRequested.await();
            spec.commandLine().getOut().println("mesh: stopping domain " + domain.name() + " (commit, leave the group)");
            spec.commandLine().getOut().flush();
            runtime.close();
            spec.commandLine().getOut().println("mesh: domain " + domain.name() + " stopped");
            return 0;
        }
    }
}
