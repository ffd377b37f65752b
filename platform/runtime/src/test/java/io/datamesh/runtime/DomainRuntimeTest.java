package io.datamesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.datamesh.bitemporal.BitemporalView;
import io.datamesh.bitemporal.HistoryOrder;
import io.datamesh.bitemporal.Version;
import io.datamesh.bitemporal.aggregate.Aggregations;
import io.datamesh.bitemporal.aggregate.TimeBucket;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.ShopDomain;
import io.datamesh.sdk.StringProductFormat;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A domain deployed by the runtime on a real broker: topics, products, DLQ, views, restarts. */
class DomainRuntimeTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    private static final Instant JUL_08 = Instant.parse("2018-07-08T10:00:00Z");

    @TempDir
    Path state;

    @Test
    void deploysADomainPublishesItsProductsAndSendsPoisonToItsDlq() throws Exception {
        try (DomainRuntime runtime = DomainRuntime.of(new ShopDomain(), settings("a")).start()) {
            assertThat(config("shop.product.orders.v1")).containsEntry("retention.ms", "-1").containsEntry("cleanup.policy", "delete");
            assertThat(config("shop.dlq")).containsEntry("cleanup.policy", "delete");

            produce(List.of(raw("o1", "o1|42|2|" + JUL_08 + "|PLACED", 1), raw("bad", "garbage", 2),
                    raw("o2", "o2|42|3|" + JUL_08 + "|PLACED", 3)));

            List<ProductRecord<String>> products = readProducts("shop.product.orders.v1", 2);
            assertThat(products).extracting(ProductRecord::key).containsExactlyInAnyOrder("o1", "o2");
            List<ConsumerRecord<byte[], byte[]>> dead = readRaw("shop.dlq", 1);
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("garbage");
            assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON)).startsWith("mapping failed: expected 5 fields");
            assertThat(runtime.deadLetters().total()).isEqualTo(1);

            awaitTrue(() -> runtime.<String>view("orders-by-id").asOf("o2", Instant.now(), Instant.now()).isPresent());
            // o1 and o2 live in different partitions, so either may reach the day's bucket first.
            List<ProductRecord<String>> totals = readProducts("shop.product.pizzas-sold.v1", 2);
            assertThat(totals).hasSize(2);
            assertThat(totals.get(0).payload()).isIn("42|2018-07-08|2", "42|2018-07-08|3");
            assertThat(totals.get(1).payload()).isEqualTo("42|2018-07-08|5");
        }
    }

    @Test
    void aRestartedDomainPublishesEverySourcePositionExactlyOnce() throws Exception {
        List<ProducerRecord<String, String>> first = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            first.add(raw("r" + i, "r" + i + "|7|1|" + JUL_08 + "|PLACED", 1000 + i));
        }
        try (DomainRuntime runtime = DomainRuntime.of(new RestartDomain(), settings("b")).start()) {
            produce(first);
            assertThat(readProducts("restart.product.orders.v1", 50)).hasSize(50);
        }
        List<ProducerRecord<String, String>> second = new ArrayList<>(first.subList(20, 50)); // a source replaying from an older position
        for (int i = 50; i < 80; i++) {
            second.add(raw("r" + i, "r" + i + "|7|1|" + JUL_08 + "|PLACED", 1000 + i));
        }
        try (DomainRuntime runtime = DomainRuntime.of(new RestartDomain(), settings("b")).start()) {
            produce(second);
            List<ProductRecord<String>> all = readProducts("restart.product.orders.v1", 80);
            assertThat(all).extracting(r -> r.source().offset()).doesNotHaveDuplicates().hasSize(80);
        }
    }

    @Test
    void aDomainReadingAMissingProductRefusesToStartNamingIt() {
        DomainDefinition consumer = new DomainDefinition() {
            @Override
            public String name() {
                return "report";
            }

            @Override
            public void define(Domain d) {
                Domain.Consumed<String> in = d.consume("nobody.product.things.v1", StringProductFormat.INSTANCE);
                d.aggregate("things-per-day", in, TimeBucket.Unit.DAY, p -> "all", r -> r.validFrom(), p -> 1L,
                        Aggregations.count(), "things", 1, StringProductFormat.INSTANCE, (b, n) -> String.valueOf(n));
            }
        };
        assertThatThrownBy(() -> DomainRuntime.of(consumer, settings("c")).start())
                .isInstanceOf(RuntimeStartException.class)
                .hasMessage("domain report reads [nobody.product.things.v1], which do not exist: deploy the domains that own them first");
    }

    @Test
    void aViewOverSeveralPartitionsOfOneInstanceRangesAndPagesInKeyOrder() throws Exception {
        List<String> keys = new ArrayList<>(List.of("a", "ab", "a b", "café", "cafe", "ü", "u", "日本", "日", "😀", "\uFF21", "z"));
        for (int i = 0; i < 30; i++) {
            keys.add(String.format("k%02d", i));
        }
        Set<String> deleted = Set.of("ab", "cafe", "k03", "k10", "k17", "k29", "z");
        try (DomainRuntime runtime = DomainRuntime.of(new SpreadDomain(), settings("d")).start()) {
            assertThat(runtime.activePartitions()).filteredOn(p -> p.topic().equals("spread.raw.orders")).hasSize(3);
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            for (String key : keys) {
                records.add(spread(key, "order " + key, records.size()));
            }
            for (String key : deleted) {
                records.add(spread(key, SpreadDomain.DELETED, records.size()));
            }
            produce(records);
            BitemporalView<ProductRecord<String>> view = runtime.view("orders-by-id");
            awaitTrue(() -> keys.stream().allMatch(k -> view.history(k, HistoryOrder.VALID).size() == (deleted.contains(k) ? 2 : 1)));

            Comparator<String> storeOrder = (x, y) -> Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
            List<String> all = keys.stream().sorted(storeOrder).toList();
            List<String> live = all.stream().filter(k -> !deleted.contains(k)).toList();
            Instant now = Instant.now();
            assertThat(view.rangeAsOf(null, null, now, now, 1000)).extracting(Version::entity).containsExactlyElementsOf(live);
            assertThat(view.rangeAsOf("k05", "k15", now, now, 1000)).extracting(Version::entity)
                    .containsExactlyElementsOf(live.stream().filter(k -> storeOrder.compare(k, "k05") >= 0 && storeOrder.compare(k, "k15") < 0).toList());

            List<String> paged = new ArrayList<>();
            Optional<String> start = Optional.of("");
            while (start.isPresent()) {
                List<Version<ProductRecord<String>>> page = view.rangeAsOf(start.get(), null, now, now, 4);
                page.forEach(v -> paged.add(v.entity()));
                start = page.size() < 4 ? Optional.empty() : view.nextEntity(page.get(page.size() - 1).entity());
            }
            assertThat(paged).as("pages of 4").containsExactlyElementsOf(live);

            List<String> walked = new ArrayList<>();
            for (Optional<String> e = view.nextEntity(""); e.isPresent(); e = view.nextEntity(e.get())) {
                walked.add(e.get());
            }
            assertThat(walked).as("every key with a version, by nextEntity").containsExactlyElementsOf(all);
        }
    }

    /** The shop's orders product alone, under its own domain name so tests do not share topics. */
    public static final class RestartDomain implements DomainDefinition {
        @Override
        public String name() {
            return "restart";
        }

        @Override
        public void define(Domain d) {
            Domain.Raw<String> raw = d.raw("orders", org.apache.kafka.common.serialization.Serdes.String());
            d.publish("orders", 1, StringProductFormat.INSTANCE, raw, (in, out) -> {
                String[] f = in.value().split("\\|");
                out.upsert(f[0], Instant.parse(f[3]), f[1] + "|" + f[2]);
            });
        }
    }

    /** Orders "id" → any text as a product with a view; the text DELETED ends the order. */
    public static final class SpreadDomain implements DomainDefinition {

        static final String DELETED = "DELETED";

        @Override
        public String name() {
            return "spread";
        }

        @Override
        public void define(Domain d) {
            Domain.Raw<String> raw = d.raw("orders", org.apache.kafka.common.serialization.Serdes.String());
            d.publish("orders", 1, StringProductFormat.INSTANCE, raw, (in, out) -> {
                if (in.value().equals(DELETED)) {
                    out.delete(in.key(), in.recordedAt());
                } else {
                    out.upsert(in.key(), in.recordedAt(), in.value());
                }
            }).view("orders-by-id");
        }
    }

    private RuntimeSettings settings(String instance) {
        return RuntimeSettings.builder(KAFKA.bootstrapServers(), state.resolve(instance)).build();
    }

    private static ProducerRecord<String, String> raw(String key, String value, long binlogPosition) {
        String topic = value.startsWith("r") ? "restart.raw.orders" : "shop.raw.orders";
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, key, value);
        SourceHeaders.write(r.headers(), JUL_08.plusSeconds(binlogPosition),
                SourcePosition.cdc("db-1", "mariadb-bin.000001", binlogPosition, 0, null));
        return r;
    }

    private static ProducerRecord<String, String> spread(String key, String value, int position) {
        ProducerRecord<String, String> r = new ProducerRecord<>("spread.raw.orders", key, value);
        SourceHeaders.write(r.headers(), JUL_08.plusSeconds(position), SourcePosition.bus("spread-orders", "m" + position));
        return r;
    }

    private static void produce(List<ProducerRecord<String, String>> records) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerConfig(), new StringSerializer(), new StringSerializer())) {
            for (ProducerRecord<String, String> r : records) {
                producer.send(r).get(30, TimeUnit.SECONDS); // in order: one source stream
            }
        }
    }

    private static List<ProductRecord<String>> readProducts(String topic, int expected) {
        var deserializer = StringProductFormat.INSTANCE.serde(topic).deserializer();
        return readRaw(topic, expected).stream().map(r -> deserializer.deserialize(topic, r.value())).toList();
    }

    /** Reads committed records until {@code expected} arrived, then a little longer to catch extras. */
    private static List<ConsumerRecord<byte[], byte[]>> readRaw(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            long extra = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < extra) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        out.sort(java.util.Comparator.comparing((ConsumerRecord<byte[], byte[]> r) -> r.partition()).thenComparing(ConsumerRecord::offset));
        return out;
    }

    private static Map<String, String> config(String topic) throws Exception {
        try (Admin admin = KAFKA.broker().admin()) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(Set.of(r)).all().get(30, TimeUnit.SECONDS).get(r).entries().stream()
                    .filter(e -> e.value() != null)
                    .collect(java.util.stream.Collectors.toMap(e -> e.name(), e -> e.value()));
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // store not queryable yet (rebalancing): poll again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition not met within 30 s");
    }

}
