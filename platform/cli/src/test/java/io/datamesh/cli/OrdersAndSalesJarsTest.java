package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.apps.sales.SalesDomain;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orders and sales jars deployed with {@code mesh run}, each its own process, as a team would:
 * raw order lines go in, orders publishes its products and sends a poison event to its DLQ, sales
 * reads the orders product and answers pizzas sold per day over its query API.
 */
class OrdersAndSalesJarsTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    @Test
    void ordersAndSalesRunAsJarsAndTheirProductsDlqAndQueriesWork() throws Exception {
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(
                RegistryConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(), RegistryConfig.PORT, 0)))) {
            meshRun(DomainJars.of(OrdersDomain.class, dir), registry.url(), "orders");
            String salesUrl = meshRun(DomainJars.of(SalesDomain.class, dir), registry.url(), "sales");

            Instant lunch = Instant.parse("2018-07-08T10:30:00Z");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerConfig(), new StringSerializer(), new StringSerializer())) {
                send(producer, "o1", line("o1", 1, 2, lunch), lunch, 1);
                send(producer, "o1", "this is not a change event", lunch, 2); // poison
                send(producer, "o1", line("o1", 2, 1, lunch), lunch, 3);
                send(producer, "o2", line("o2", 1, 3, lunch.plusSeconds(3600)), lunch.plusSeconds(3600), 4);
                producer.flush();
            }

            JsonNode day = await(salesUrl + "/domains/sales/aggregates/pizzas-sold-by-day?group=42&from=2018-07-08&to=2018-07-09",
                    body -> body.path("buckets").path(0).path("value").path("pizzas").asLong() == 6);
            assertThat(day.path("buckets").get(0).path("value").path("revenue").asText()).isEqualTo("51.00");
            assertThat(count("orders.product.order-lines.v1")).isEqualTo(3);

            StringWriter out = new StringWriter();
            int code = Mesh.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                    "dlq", "list", "orders", "--bootstrap-servers", KAFKA.bootstrapServers());
            assertThat(code).isZero();
            assertThat(out.toString()).contains("1 dead letter in orders.dlq").contains("orders.raw.order-lines");

            StringWriter tail = new StringWriter();
            assertThat(Mesh.run(new PrintWriter(tail, true), new PrintWriter(new StringWriter(), true), "tail", "sales.product.pizzas-sold.v1",
                    "-n", "1", "--bootstrap-servers", KAFKA.bootstrapServers(), "--registry", registry.url())).isZero();
            JsonNode line = new ObjectMapper().readTree(tail.toString().lines().findFirst().orElseThrow());
            assertThat(line.path("value").path("contentHash").asText()).as("a hash in hex, as the query API prints it").matches("[0-9a-f]{64}");
            assertThat(line.path("value").path("payload").path("revenue").asText()).as("an amount as a string").matches("\\d+\\.\\d\\d");
        }
    }

    private String meshRun(Path jar, String registryUrl, String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), Mesh.class.getName(), "run",
                jar.toString(), "--bootstrap-servers", KAFKA.bootstrapServers(), "--registry", registryUrl,
                "--state-dir", dir.resolve("state-" + name).toString(), "--http-port", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        Pattern url = Pattern.compile("mesh: domain " + name + " running .* queries and metrics at (http://\\S+)");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = url.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return m.group(1);
            }
            assertThat(p.isAlive()).as("mesh run " + name + ": " + (Files.exists(log) ? Files.readString(log) : "")).isTrue();
            Thread.sleep(200); // polls a child process's log
        }
        throw new AssertionError("mesh run " + name + " did not start within 120 s: " + Files.readString(log));
    }

    private static String line(String order, int lineNo, int quantity, Instant placed) {
        return "{\"op\":\"c\",\"before\":null,\"after\":{\"order_id\":\"" + order + "\",\"line_no\":" + lineNo + ",\"pizzeria_id\":\"42\","
                + "\"product_id\":\"margherita\",\"quantity\":" + quantity + ",\"unit_price\":\"8.50\",\"placed_at\":\"" + placed
                + "\",\"refunded\":false}}";
    }

    private static void send(KafkaProducer<String, String> producer, String key, String value, Instant recordedAt, long position) {
        ProducerRecord<String, String> r = new ProducerRecord<>("orders.raw.order-lines", key, value);
        SourceHeaders.write(r.headers(), recordedAt, SourcePosition.cdc("orders-db", "mariadb-bin.000001", position, 0, null));
        producer.send(r);
    }

    private static JsonNode await(String url, java.util.function.Predicate<JsonNode> until) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200 && until.test(JSON.readTree(r.body()))) {
                return JSON.readTree(r.body());
            }
            Thread.sleep(300); // the domains are still processing
        }
        throw new AssertionError("no answer satisfying the test from " + url + " within 120 s; last: " + last);
    }

    private static int count(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.GROUP_ID_CONFIG, "count-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            int n = 0;
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) {
                n += c.poll(Duration.ofMillis(200)).count();
            }
            return n;
        }
    }
}
