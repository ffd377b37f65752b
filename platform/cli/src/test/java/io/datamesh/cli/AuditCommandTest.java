package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.bitemporal.Operation;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.runtime.DomainJar;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;
import io.datamesh.schemas.orders.Order;
import io.datamesh.schemas.orders.OrderStatus;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.serde.RestSchemaRegistryClient;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mesh audit} against the real orders domain on an embedded broker, its registry and its
 * query API: a clean run agrees; then each kind of tampering is detected and named, in turn: a dead
 * letter, a product record whose hash is not its payload's, raw records the product lacks, and a
 * view that lost a version.
 */
class AuditCommandTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String ORDERS = "orders.product.orders.v1";
    static final Instant T0 = Instant.parse("2018-07-08T10:00:00Z");

    @TempDir
    Path state;

    long binlog = 4;
    final Map<String, Long> positions = new java.util.HashMap<>();

    record Run(int exit, String out, String err) {
    }

    @Test
    void aCleanRunAgreesAndEachTamperingIsNamed() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("AuditCommandTest seed " + seed);
        Random random = new Random(seed);
        int orders = 30 + random.nextInt(30);
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(RegistryConfig.BOOTSTRAP_SERVERS,
                KAFKA.bootstrapServers(), RegistryConfig.PORT, 0)))) {
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
            Domain domain = Domain.of(new OrdersDomain(), client, false);
            DomainJar.registerSchemas(domain, client);
            String url;
            String o1;
            DomainRuntime a = start(domain, "a");
            try {
                url = a.httpUrl().orElseThrow();
                for (int i = 0; i < orders; i++) {
                    order("o" + i, String.valueOf(random.nextInt(10)), i + ".50", "placed");
                }
                // The source sends o3's change again, at its position (a redelivery after a crash): the replay guard drops it.
                order("o3", "3", "3.50", "placed", positions.get("o3"));
                awaitVersions(url, orders);

                Run clean = audit(registry, url);
                assertThat(clean.exit()).as(clean.out() + clean.err()).isZero();
                assertThat(clean.out()).contains("audited orders.raw.orders up to offset", "raw⇄product (orders.raw.orders)",
                        "product⇄view:orders-by-id", "everything agrees");
                // partition, raw, published, product records, dead letters, open, replays, tombstones, missing, accounted
                assertThat(clean.out()).containsPattern("all\\s+" + (orders + 1) + "\\s+" + orders + "\\s+" + orders + "\\s+0\\s+0\\s+1\\s+0\\s+0\\s+yes");
                JsonNode json = JSON.readTree(audit(registry, url, "--json", "--product", ORDERS).out());
                assertThat(json.path("agrees").asBoolean()).isTrue();
                assertThat(json.path("auditedTo").path(ORDERS).size()).isGreaterThan(1);

                // Against a live domain: orders keep coming while the audit reads; what the domain has not committed yet is not audited.
                int load = 300;
                Thread producing = new Thread(() -> load(load));
                producing.start();
                Run live = audit(registry, url, "--product", ORDERS, "--wait", "0");
                producing.join();
                assertThat(live.exit()).as(live.out() + live.err()).isZero();
                assertThat(live.out()).contains("everything agrees");
                orders += load;
                awaitVersions(url, orders);

                // A dead letter: accounted for, but open until fixed and replayed (exit 3), named with its reason.
                order("o-burnt", "1", "9.00", "burnt");
                Run letter = audit(registry, url, "--product", ORDERS);
                assertThat(letter.exit()).as(letter.out()).isEqualTo(AuditReport.OPEN_DEAD_LETTERS);
                assertThat(letter.out()).contains("dead letter", "o-burnt", "column status must be one of");

                // A record forged into the product with a hash that is not its payload's.
                forge(domain, "o-forged");
                Run forged = audit(registry, url, "--product", ORDERS, "--wait", "2");
                assertThat(forged.exit()).isEqualTo(AuditReport.MISMATCH);
                assertThat(forged.out()).containsPattern("hash mismatch\\s+" + ORDERS + "\\s+raw⇄product\\s+o-forged")
                        .containsPattern("not from raw\\s+" + ORDERS + "\\s+raw⇄product\\s+o-forged")
                        .containsPattern("missing in view\\s+" + ORDERS + "\\s+product⇄view:orders-by-id\\s+o-forged")
                        .contains(OrdersDomain.ORDERS_BY_ID + "-writer rejected it to the DLQ: content hash mismatch");
                o1 = versionId(url, "o1");
            } finally {
                a.close();
            }

            // Raw records the product lacks: written while the domain is down, then skipped by an offset reset.
            order("o-lost-1", "1", "1.00", "placed");
            order("o-lost-2", "1", "2.00", "placed");
            skipToEnd(KAFKA.bootstrapServers(), domain.applicationId(), "orders.raw.orders", 3);
            // A view that lost a version: its changelog forgets o1's, and the next instance restores the view from it.
            forget(domain.applicationId() + "-" + OrdersDomain.ORDERS_BY_ID + "-changelog", o1);
            try (DomainRuntime b = start(domain, "b")) {
                String urlB = b.httpUrl().orElseThrow();
                awaitVersions(urlB, orders - 1);
                Run tampered = audit(registry, urlB, "--product", ORDERS, "--wait", "2", "--limit", "100");
                assertThat(tampered.exit()).isEqualTo(AuditReport.MISMATCH);
                assertThat(tampered.out()).containsPattern("missing\\s+" + ORDERS + "\\s+raw⇄product\\s+o-lost-1\\s")
                        .containsPattern("missing\\s+" + ORDERS + "\\s+raw⇄product\\s+o-lost-2\\s")
                        .containsPattern("missing in view\\s+" + ORDERS + "\\s+product⇄view:orders-by-id\\s+o1\\s")
                        .contains("is not in the product, not in the DLQ");
                // The view's row of o1's partition disagrees: one version fewer, another hash sum.
                assertThat(tampered.out()).containsPattern("(?m)^" + o1.split(" ")[0] + "\\s+\\d+\\s+[0-9a-f]{16}\\s+\\d+\\s+[0-9a-f]{16}\\s+NO\\s+\\d+$");
                JsonNode json = JSON.readTree(audit(registry, urlB, "--product", ORDERS, "--wait", "0", "--json", "--limit", "1").out());
                assertThat(json.path("agrees").asBoolean()).isFalse();
                assertThat(json.path("mismatches")).hasSize(1);
                assertThat(json.path("mismatchCount").asInt()).isGreaterThanOrEqualTo(6);
            }
        }
    }

    /** Moves the domain's committed offsets of {@code topic} to its end, as an operator's reset would: what was not processed is skipped. */
    static void skipToEnd(String bootstrap, String group, String topic, int partitions) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> ends = new java.util.HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get();
        }
    }

    private DomainRuntime start(Domain domain, String dir) throws Exception {
        return DomainRuntime.of(domain, RuntimeSettings.builder(KAFKA.bootstrapServers(), state.resolve(dir)).httpPort(0).build()).start();
    }

    private Run audit(SchemaRegistryServer registry, String url, String... more) {
        String[] args = new String[7 + more.length];
        String[] base = {"audit", "orders", "--bootstrap-servers", KAFKA.bootstrapServers(), "--registry", registry.url(), "--url=" + url};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Mesh.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        System.out.println(out);
        return new Run(exit, out.toString(), err.toString());
    }

    private void order(String id, String pizzeria, String total, String status) {
        order(id, pizzeria, total, status, ++binlog);
    }

    /** A change event of the orders table at binlog position {@code position}. */
    private void order(String id, String pizzeria, String total, String status, long position) {
        binlog = Math.max(binlog, position);
        positions.putIfAbsent(id, position);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerConfig(), new StringSerializer(), new StringSerializer())) {
            String row = "{\"id\":\"" + id + "\",\"pizzeria_id\":\"" + pizzeria + "\",\"customer_id\":null,\"status\":\"" + status + "\","
                    + "\"placed_at\":\"" + T0.plusSeconds(position) + "\",\"total\":\"" + total + "\"}";
            ProducerRecord<String, String> r = new ProducerRecord<>("orders.raw.orders", id, "{\"op\":\"c\",\"before\":null,\"after\":" + row + "}");
            SourceHeaders.write(r.headers(), T0.plusSeconds(position), SourcePosition.cdc("orders-db", "mariadb-bin.000001", position, 0, null));
            producer.send(r);
        }
    }

    /** Orders l0.. from a second server (a stream of its own), one after the other, as a busy source writes them. */
    private static void load(int count) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerConfig(), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                long position = 1_000_000 + i;
                String row = "{\"id\":\"l" + i + "\",\"pizzeria_id\":\"7\",\"customer_id\":null,\"status\":\"placed\","
                        + "\"placed_at\":\"" + T0.plusSeconds(i) + "\",\"total\":\"1.00\"}";
                ProducerRecord<String, String> r = new ProducerRecord<>("orders.raw.orders", "l" + i, "{\"op\":\"c\",\"before\":null,\"after\":" + row + "}");
                SourceHeaders.write(r.headers(), T0.plusSeconds(i), SourcePosition.cdc("orders-db-2", "mariadb-bin.000001", position, 0, null));
                producer.send(r);
                if (i % 10 == 0) {
                    producer.flush(); // a steady stream, not one batch
                }
            }
        }
    }

    /** Writes a product record straight into the product topic, in the product's own format, with a hash of zeros. */
    @SuppressWarnings("unchecked")
    private static void forge(Domain domain, String key) {
        ProductFormat<Order> format = (ProductFormat<Order>) domain.products().get(0).format();
        Order payload = Order.newBuilder().setOrderId(key).setPizzeriaId("1").setStatus(OrderStatus.PLACED).setPlacedAt(T0)
                .setTotal(new BigDecimal("1.00")).build();
        ProductRecord<Order> record = new ProductRecord<>(key, T0, T0, Operation.UPSERT, SourcePosition.cdc("forger", "x", 1, 0, null),
                new byte[32], payload);
        byte[] bytes = format.serde(ORDERS).serializer().serialize(ORDERS, record);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(ORDERS, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), bytes));
        }
    }

    /** Deletes a version from a view's changelog: the store key, a tombstone, in the store's partition. */
    private static void forget(String changelog, String id) {
        String[] at = id.split(" ", 2);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(changelog, Integer.parseInt(at[0]), Base64.getUrlDecoder().decode(at[1]), null));
        }
    }

    /** The partition and store key of the one version of {@code key} in orders-by-id. */
    private static String versionId(String url, String key) throws Exception {
        for (int p = 0; p < 3; p++) {
            for (JsonNode item : get(url + "/domains/orders/views/orders-by-id/partitions/" + p + "/versions?limit=1000").path("items")) {
                if (item.path("key").asText().equals(key)) {
                    return p + " " + item.path("id").asText();
                }
            }
        }
        throw new AssertionError("no version of " + key);
    }

    private static void awaitVersions(String url, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline) {
            seen = 0;
            for (int p = 0; p < 3; p++) {
                JsonNode page = get(url + "/domains/orders/views/orders-by-id/partitions/" + p + "/versions?limit=1000");
                seen += page.path("items").size();
            }
            if (seen == count) {
                return;
            }
            Thread.sleep(300); // the domain is still processing
        }
        throw new AssertionError("the view holds " + seen + " versions, not " + count + ", after 120 s");
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
    }
}
