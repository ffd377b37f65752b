package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.runtime.DomainJar;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;
import io.datamesh.sdk.Domain;
import io.datamesh.serde.RestSchemaRegistryClient;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Two instances of the orders domain for query tests: A in this JVM, B a {@code mesh run} process
 * that a test can kill -9. Both notice a dead member after 10 s (not the default 45 s).
 */
final class TwoInstanceQueries implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final int ORDERS = 60;
    static final Map<String, Object> FAST_FAILURE_DETECTION = Map.of("consumer.session.timeout.ms", 10000, "consumer.heartbeat.interval.ms", 1000);

    final EmbeddedKafkaExtension kafka;
    final Path dir;
    final SchemaRegistryServer registry;
    final DomainRuntime a;
    final Process b;
    final String bUrl;

    TwoInstanceQueries(EmbeddedKafkaExtension kafka, Path dir, int standbyReplicas) throws Exception {
        this.kafka = kafka;
        this.dir = dir;
        registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(RegistryConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                RegistryConfig.PORT, 0)));
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
        Domain domain = Domain.of(new OrdersDomain(), client, false);
        DomainJar.registerSchemas(domain, client);
        a = DomainRuntime.of(domain, RuntimeSettings.builder(kafka.bootstrapServers(), dir.resolve("state-a")).httpPort(0)
                .standbyReplicas(standbyReplicas).streamsOverrides(FAST_FAILURE_DETECTION).build()).start();
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve("b.log");
        b = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), Mesh.class.getName(), "run",
                ordersJar().toString(), "--bootstrap-servers", kafka.bootstrapServers(), "--registry", registry.url(),
                "--state-dir", dir.resolve("state-b").toString(), "--http-port", "0", "--standby-replicas", String.valueOf(standbyReplicas),
                "--set", "consumer.session.timeout.ms=10000", "--set", "consumer.heartbeat.interval.ms=1000")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        bUrl = awaitUrl(log);
    }

    /** Writes the orders o0..o(N-1) to the raw topic. */
    void writeOrders() {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
            Instant t = Instant.parse("2018-07-08T10:00:00Z");
            for (int i = 0; i < ORDERS; i++) {
                String row = "{\"id\":\"o" + i + "\",\"pizzeria_id\":\"" + (i % 5) + "\",\"customer_id\":null,\"status\":\"placed\","
                        + "\"placed_at\":\"" + t.plusSeconds(i) + "\",\"total\":\"" + i + ".50\"}";
                ProducerRecord<String, String> r = new ProducerRecord<>("orders.raw.orders", "o" + i,
                        "{\"op\":\"c\",\"before\":null,\"after\":" + row + "}");
                SourceHeaders.write(r.headers(), t.plusSeconds(i), SourcePosition.cdc("orders-db", "mariadb-bin.000001", i, 0, null));
                producer.send(r);
            }
            producer.flush();
        }
    }

    /** Waits until every order is answered through A, and both instances own some of them; returns key → owner. */
    Map<String, String> awaitBothOwnKeys() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Map<String, String> owners = new HashMap<>();
        while (System.nanoTime() < deadline) {
            owners.clear();
            for (int i = 0; i < ORDERS; i++) {
                Reply r = get(aUrl(), "o" + i);
                if (r.status == 200 && r.body.path("version").path("payload").path("total").asText().equals(i + ".50")) {
                    owners.put("o" + i, r.instance);
                }
            }
            if (owners.size() == ORDERS && owners.values().stream().distinct().count() == 2) {
                return owners;
            }
            Thread.sleep(500); // the domains are still processing or rebalancing
        }
        throw new AssertionError("not every order answered by two owners within 120 s: " + owners);
    }

    String aUrl() {
        return a.httpUrl().orElseThrow();
    }

    String aInstance() {
        return a.applicationServer().orElseThrow().host() + ":" + a.applicationServer().orElseThrow().port();
    }

    record Reply(int status, JsonNode body, String instance, String servedBy, String lag, String retryAfter) {
    }

    static Reply get(String baseUrl, String key) throws IOException, InterruptedException {
        return getPath(baseUrl, "/domains/orders/views/orders-by-id/keys/" + key);
    }

    static Reply getPath(String baseUrl, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JSON.readTree(r.body()), r.headers().firstValue("Mesh-Instance").orElse(null),
                r.headers().firstValue("Mesh-Served-By").orElse(null), r.headers().firstValue("Mesh-Standby-Lag-Records").orElse(null),
                r.headers().firstValue("Retry-After").orElse(null));
    }

    void killB() throws InterruptedException {
        b.destroyForcibly(); // SIGKILL: no leave-group; the group notices after the session timeout
        b.waitFor();
    }

    @Override
    public void close() throws Exception {
        b.destroyForcibly();
        b.waitFor();
        a.close();
        registry.close();
    }

    private String awaitUrl(Path log) throws Exception {
        Pattern url = Pattern.compile("queries and metrics at (http://\\S+)");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Matcher m = url.matcher(Files.readString(log));
                if (m.find()) {
                    return m.group(1);
                }
            }
            assertThat(b.isAlive()).as("mesh run of instance B is alive; its log: " + (Files.exists(log) ? Files.readString(log) : "")).isTrue();
            Thread.sleep(200); // polls a child process's log
        }
        throw new AssertionError("instance B did not start within 120 s: " + Files.readString(log));
    }

    private Path ordersJar() throws IOException {
        return DomainJars.of(OrdersDomain.class, dir);
    }

    static List<String> keysOwnedBy(Map<String, String> owners, String instance) {
        List<String> out = new ArrayList<>();
        owners.forEach((k, v) -> {
            if (v.equals(instance)) {
                out.add(k);
            }
        });
        return out;
    }
}
