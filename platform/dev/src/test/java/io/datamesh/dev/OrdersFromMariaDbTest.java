package io.datamesh.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.cdc.debezium.Capture;
import io.datamesh.cdc.debezium.CaptureConfig;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.mariadb.embedded.EmbeddedMariaDbExtension;
import io.datamesh.runtime.DomainJar;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schemas.orders.Order;
import io.datamesh.schemas.orders.OrderRecord;
import io.datamesh.schema.registry.SchemaRegistryServer;
import io.datamesh.sdk.Domain;
import io.datamesh.serde.MeshAvroDeserializer;
import io.datamesh.serde.RestSchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orders service refactors its database while the platform captures it, and the orders product's
 * consumers see nothing of it: the real MariaDB, Debezium's capture, the orders domain and the registry,
 * all as {@code make run} wires them. The service renames {@code total} to {@code total_amount} and
 * widens it while the capture is stopped, then adds a column while it streams; its changes come in a
 * random mix (seed printed). Every row change in MariaDB (or, before the first start, every row the
 * snapshot reads) is one product record with the values the
 * service wrote, under the one schema version the product was registered with, and nothing is dead-lettered.
 */
class OrdersFromMariaDbTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();
    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perClass();

    private static final String PRODUCT = "orders.product.orders.v1";

    /** What the service wrote, per order: status and total of each version, in commit order. */
    private final Map<String, List<String>> model = new TreeMap<>();
    private Instant clock = Instant.parse("2018-07-08T09:00:00Z");

    @Test
    void theServiceRefactorsItsTableAndTheProductStaysAsItWas(@TempDir Path state) throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("OrdersFromMariaDbTest seed: " + seed + " (rerun with -Dseed=" + seed + ")");
        Random random = new Random(seed);
        try (Connection root = MARIADB.server().connect("")) {
            DemoDatabase.create(root);
        }
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(
                RegistryConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(), RegistryConfig.PORT, 0)));
             Connection service = MARIADB.server().connect("orders")) {
            try (Statement s = service.createStatement()) {
                s.execute("SET time_zone = '+00:00'");
            }
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
            Domain orders = Domain.of(new OrdersDomain(), client, false);
            DomainJar.registerSchemas(orders, client);
            try (DomainRuntime runtime = DomainRuntime.of(orders, RuntimeSettings.builder(KAFKA.bootstrapServers(), state.resolve("orders")).build()).start()) {
                // Before the migration: rows the snapshot reads, then changes the capture streams.
                load(service, random, 40, "total");
                // The first start snapshots the table: one read per row, as it is now.
                model.replaceAll((id, versions) -> new ArrayList<>(List.of(versions.get(versions.size() - 1))));
                try (Capture capture = Capture.start(captureConfig())) {
                    // Changes made while the snapshot runs are folded into the rows it reads: wait for it to end.
                    awaitProduct();
                    load(service, random, 60, "total");
                    awaitProduct();
                }
                // The migration runs while the capture is stopped, and the service goes on with the new column.
                try (Statement s = service.createStatement()) {
                    s.execute("ALTER TABLE orders CHANGE total total_amount DECIMAL(12,2) NOT NULL");
                }
                load(service, random, 40, "total_amount");
                try (Capture capture = Capture.start(captureConfig())) {
                    load(service, random, 30, "total_amount");
                    // A column added while the capture streams.
                    try (Statement s = service.createStatement()) {
                        s.execute("ALTER TABLE orders ADD COLUMN channel VARCHAR(10) NULL");
                    }
                    load(service, random, 60, "total_amount");
                    awaitProduct();
                }
                Map<String, List<String>> published = new TreeMap<>();
                for (OrderRecord r : read(PRODUCT, client)) {
                    Order payload = r.getPayload();
                    published.computeIfAbsent(payload.getOrderId(), k -> new ArrayList<>()).add(payload.getStatus() + " " + payload.getTotal());
                }
                assertThat(published).as("each row change once, with the values the service wrote (seed %d)", seed).isEqualTo(model);
                assertThat(client.versions(PRODUCT + "-value")).as("one schema version: the refactoring did not reach the contract").hasSize(1);
                assertThat(count("orders.dlq")).as("nothing dead-lettered").isZero();
            }
        }
    }

    /** The capture file of the orders domain, as make run writes it. */
    private static CaptureConfig captureConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(CaptureConfig.DOMAIN, "orders");
        c.put(CaptureConfig.DATABASE, "orders");
        c.put(CaptureConfig.TABLES, "orders");
        c.put(CaptureConfig.HOST, "127.0.0.1");
        c.put(CaptureConfig.PORT, String.valueOf(MARIADB.server().port()));
        c.put(CaptureConfig.USER, DemoDatabase.captureUser("orders"));
        c.put(CaptureConfig.PASSWORD, DemoDatabase.CAPTURE_PASSWORD);
        c.put(CaptureConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        c.put("http.port", "0");
        return CaptureConfig.from(c);
    }

    /** {@code n} changes of the service: a new order, or a status change of one it has, each its own transaction. */
    private void load(Connection service, Random random, int n, String totalColumn) throws SQLException {
        for (int i = 0; i < n; i++) {
            clock = clock.plusSeconds(1 + random.nextInt(600));
            List<String> ids = new ArrayList<>(model.keySet());
            if (ids.isEmpty() || random.nextInt(3) == 0) {
                String id = "o" + (model.size() + 1);
                BigDecimal total = BigDecimal.valueOf(random.nextInt(100_000), 2);
                try (PreparedStatement p = service.prepareStatement("INSERT INTO orders (id, pizzeria_id, customer_id, status, placed_at, "
                        + totalColumn + ", updated_at) VALUES (?, 'napoli-1', ?, 'PLACED', ?, ?, ?)")) {
                    p.setString(1, id);
                    p.setString(2, random.nextBoolean() ? "c" + random.nextInt(20) : null);
                    p.setString(3, DemoDatabase.sql(clock));
                    p.setBigDecimal(4, total);
                    p.setString(5, DemoDatabase.sql(clock));
                    p.executeUpdate();
                }
                model.put(id, new ArrayList<>(List.of("PLACED " + total)));
            } else {
                String id = ids.get(random.nextInt(ids.size()));
                String status = List.of("PAID", "DELIVERED", "CANCELLED", "REFUNDED").get(random.nextInt(4));
                DemoDatabase.status(service, id, status, clock);
                List<String> versions = model.get(id);
                versions.add(status + " " + versions.get(versions.size() - 1).split(" ")[1]);
            }
        }
    }

    /**
     * Waits until the product holds one record per row change so far (the snapshot's reads for what came
     * before it), or until it has not grown for 20 s: the comparison with the model then names what is missing.
     */
    private void awaitProduct() throws InterruptedException {
        long changes = model.values().stream().mapToLong(List::size).sum();
        long published = -1;
        long grewAt = System.nanoTime();
        while (System.nanoTime() - grewAt < Duration.ofSeconds(20).toNanos()) {
            long now = count(PRODUCT);
            if (now >= changes) {
                return;
            }
            if (now > published) {
                published = now;
                grewAt = System.nanoTime();
            }
            Thread.sleep(300);
        }
    }

    private static List<OrderRecord> read(String topic, RestSchemaRegistryClient client) {
        MeshAvroDeserializer<OrderRecord> avro = new MeshAvroDeserializer<>(client, true);
        List<OrderRecord> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
                    records.add(avro.deserialize(topic, r.value()));
                }
            }
        }
        return records;
    }

    /** Committed records of {@code topic} (none when it does not exist). */
    private static long count(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                return 0;
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            long n = 0;
            while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                n += c.poll(Duration.ofMillis(300)).count();
            }
            return n;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
