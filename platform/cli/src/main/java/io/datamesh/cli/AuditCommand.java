package io.datamesh.cli;

import java.time.Duration;
import java.util.concurrent.Callable;

import io.datamesh.cdc.debezium.CaptureConfig;
import io.datamesh.runtime.DomainJar;
import io.datamesh.sdk.Domain;
import io.datamesh.serde.RestSchemaRegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mesh audit <domain>}: proves, on the platform's own data, that every raw record of a domain
 * is accounted for in its products and that its views serve exactly the products' versions. The
 * work is {@link Audit}'s; this is its command line.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Reconcile a domain's products with their raw topics, dead letters and views, and CDC products with the rows of"
                + " their source tables: counts and hash sums per stage, then the mismatches by key.",
            "Reads committed data only and says up to which offsets; runs against a live platform.",
            "Exit code 0: everything agrees; 1: a mismatch (lost, duplicated, changed, or served differently); 3: only dead letters"
                + " are open (fix, then mesh dlq replay); 2: the audit could not run."})
final class AuditCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--registry", defaultValue = "http://127.0.0.1:8081",
            description = "Schema registry (default: MESH_REGISTRY, else where make run runs, else ${DEFAULT-VALUE}).")
    String registry;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080",
            description = "The query API: the router of make run, or a domain instance (default: MESH_URL, else where make run runs,"
                    + " else ${DEFAULT-VALUE}).")
    String url;

    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain, e.g. orders.")
    String domain;

    @Option(names = "--product", paramLabel = "TOPIC", description = "Only this product, e.g. orders.product.orders.v1 (default: all of the domain's).")
    String product;

    @Option(names = "--json", description = "Print the audit as JSON.")
    boolean json;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "List at most N mismatches (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--wait", defaultValue = "30", paramLabel = "SECONDS",
            description = "How long to read again while the domain has records it has not processed, or the product has not caught up"
                    + " with the source's rows (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Option(names = "--capture", paramLabel = "FILE",
            description = "The domain's CDC capture file, whose tables are held against its products (default: $MESH_HOME/cdc/<domain>.properties"
                    + " when there is one).")
    java.nio.file.Path capture;

    @Option(names = "--jar", paramLabel = "FILE", description = "The domain's jar, whose mapping is run on every row of the capture's tables.")
    java.nio.file.Path jar;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (limit < 0 || waitSeconds < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit and --wait must not be negative");
        }
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry);
        CaptureConfig captureConfig = null;
        java.nio.file.Path file = capture != null ? capture : defaultCapture();
        if (file != null) {
            // The capture file's Kafka is where this audit reads, wherever the file was written.
            captureConfig = CaptureConfig.load(file, java.util.Map.of(CaptureConfig.BOOTSTRAP_SERVERS, kafka.bootstrap));
            if (!captureConfig.domain().equals(domain)) {
                throw new IllegalArgumentException(file + " is the capture of domain " + captureConfig.domain() + ", not of " + domain);
            }
        }
        Domain mappings = null;
        if (jar != null) {
            mappings = DomainJar.open(jar).declare(client, false);
            if (!mappings.name().equals(domain)) {
                throw new IllegalArgumentException(jar + " holds domain " + mappings.name() + ", not " + domain);
            }
        }
        if (capture != null && jar == null) {
            throw new IllegalArgumentException("--capture needs --jar: the domain's mapping is what turns a row into its product record");
        }
        Audit.Settings settings = new Audit.Settings(kafka.bootstrap, url, client, domain, product, Duration.ofSeconds(waitSeconds),
                captureConfig, mappings);
        AuditReport report = new Audit(settings, spec.commandLine().getErr()).run();
        if (json) {
            spec.commandLine().getOut().println(report.json(limit));
        } else {
            report.print(spec.commandLine().getOut(), limit);
        }
        spec.commandLine().getOut().flush();
        return report.exitCode();
    }

    /** {@code $MESH_HOME/cdc/<domain>.properties} (what make run writes), when it is there. */
    private java.nio.file.Path defaultCapture() {
        String home = System.getenv("MESH_HOME");
        java.nio.file.Path file = java.nio.file.Path.of(home == null || home.isBlank() ? ".mesh" : home, "cdc", domain + ".properties");
        return java.nio.file.Files.isRegularFile(file) ? file : null;
    }
}
