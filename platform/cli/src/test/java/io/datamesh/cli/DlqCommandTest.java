package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.StringProductFormat;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An operator's DLQ round trip on a real broker: a record is rejected, the mapping is fixed, the letter is replayed twice, it is published once. */
class DlqCommandTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path state;

    /** The same domain before and after its team fixed the mapping. */
    record PizzaDomain(boolean fixed) implements DomainDefinition {
        @Override
        public String name() {
            return "dlqtest";
        }

        @Override
        public void define(Domain d) {
            Domain.Raw<String> raw = d.raw("orders", Serdes.String());
            d.publish("orders", 1, StringProductFormat.INSTANCE, raw, (in, out) -> {
                if (!fixed && in.value().contains("calzone")) {
                    throw new IllegalArgumentException("unknown pizza calzone");
                }
                out.upsert(in.key(), in.recordedAt(), in.value());
            });
        }
    }

    /** A domain publishing its orders as they come. */
    static final class Source implements DomainDefinition {
        @Override
        public String name() {
            return "dlqsrc";
        }

        @Override
        public void define(Domain d) {
            Domain.Raw<String> raw = d.raw("orders", Serdes.String());
            d.publish("orders", 1, StringProductFormat.INSTANCE, raw, (in, out) -> out.upsert(in.key(), in.recordedAt(), in.value()));
        }
    }

    /** Another team's domain counting dlqsrc's orders per day; its count cannot read a calzone. */
    static final class Counter implements DomainDefinition {
        @Override
        public String name() {
            return "dlqcount";
        }

        @Override
        public void define(Domain d) {
            Domain.Consumed<String> orders = d.consume("dlqsrc.product.orders.v1", StringProductFormat.INSTANCE);
            d.aggregate("per-day", orders, io.datamesh.bitemporal.aggregate.TimeBucket.Unit.DAY, p -> "all", r -> r.validFrom(), p -> {
                if (p.contains("calzone")) {
                    throw new IllegalArgumentException("unknown pizza calzone");
                }
                return 1L;
            }, io.datamesh.bitemporal.aggregate.Aggregations.sumLong(), "per-day", 1, StringProductFormat.INSTANCE, (b, n) -> b.label() + "|" + n);
        }
    }

    static String mesh(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Mesh.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void aRejectedRecordIsListedShownAndReplayedOnceAfterTheFix() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        try (DomainRuntime broken = DomainRuntime.of(new PizzaDomain(false), RuntimeSettings.builder(bootstrap, state.resolve("a")).build()).start()) {
            produce("o1", "margherita", 1);
            produce("o2", "calzone", 2);
            produce("o3", "diavola", 3);
            awaitTrue(() -> broken.deadLetters().total() == 1 && broken.products().publishedCount("dlqtest.product.orders.v1") == 2);
        }
        assertThat(count("dlqtest.product.orders.v1")).isEqualTo(2);

        String list = mesh("dlq", "list", "dlqtest", "--bootstrap-servers", bootstrap);
        assertThat(list).contains("map", "dlqtest.raw.orders-0@1", "mapping failed: unknown pizza calzone").contains("1 dead letter in dlqtest.dlq");
        String show = mesh("dlq", "show", "dlqtest", "0", "--bootstrap-servers", bootstrap);
        assertThat(show).contains("mesh.dlq.reason: mapping failed: unknown pizza calzone", "mesh.source: CDC;", "value: calzone");

        try (DomainRuntime fixed = DomainRuntime.of(new PizzaDomain(true), RuntimeSettings.builder(bootstrap, state.resolve("b")).build()).start()) {
            assertThat(mesh("dlq", "replay", "dlqtest", "--bootstrap-servers", bootstrap)).contains("replayed 1 dead letter from dlqtest.dlq");
            assertThat(mesh("dlq", "replay", "dlqtest", "--offset", "0", "--bootstrap-servers", bootstrap)).contains("replayed 1 dead letter");
            awaitTrue(() -> count("dlqtest.product.orders.v1") >= 3);
            // count() reads for 3 s: long enough for a second copy to show up if there were one.
            assertThat(count("dlqtest.product.orders.v1")).as("the replayed letter is published once").isEqualTo(3);
            assertThat(fixed.deadLetters().total()).isZero();
        }
        assertThat(mesh("topics", "--bootstrap-servers", bootstrap)).contains("dlqtest", "product", "dlqtest.product.orders.v1", "dlq");
        assertThat(mesh("tail", "dlqtest.raw.orders", "--bootstrap-servers", bootstrap, "--registry", "http://127.0.0.1:1"))
                .contains("{\"partition\":0,\"offset\":1,\"key\":\"o2\",\"value\":\"calzone\"}");
    }

    @Test
    void aConsumerDomainsLetterIsNeverWrittenIntoTheProductItCameFrom() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        try (DomainRuntime source = DomainRuntime.of(new Source(), RuntimeSettings.builder(bootstrap, state.resolve("src")).build()).start();
             DomainRuntime counter = DomainRuntime.of(new Counter(), RuntimeSettings.builder(bootstrap, state.resolve("count")).build()).start()) {
            produce("dlqsrc.raw.orders", "o1", "margherita", 1);
            produce("dlqsrc.raw.orders", "o2", "calzone", 2);
            awaitTrue(() -> counter.deadLetters().total() == 1);
        }
        assertThat(count("dlqsrc.product.orders.v1")).isEqualTo(2);

        String replay = mesh("dlq", "replay", "dlqcount", "--bootstrap-servers", bootstrap);
        assertThat(replay).contains("skipped offset 0: it was rejected at stage map reading dlqsrc.product.orders.v1, not a raw input of dlqcount")
                .contains("replayed 0 dead letters from dlqcount.dlq, skipped 1");
        assertThat(count("dlqsrc.product.orders.v1")).as("nothing written into another team's product").isEqualTo(2);
    }

    private static void produce(String key, String value, long binlog) throws Exception {
        produce("dlqtest.raw.orders", key, value, binlog);
    }

    private static void produce(String topic, String key, String value, long binlog) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(KAFKA.producerConfig(),
                new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> r = new ProducerRecord<>(topic, 0, key, value);
            SourceHeaders.write(r.headers(), Instant.parse("2018-07-08T10:00:00Z").plusSeconds(binlog),
                    SourcePosition.cdc("db", "bin.000001", binlog, 0, null));
            p.send(r).get(30, TimeUnit.SECONDS);
        }
    }

    private static long count(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.GROUP_ID_CONFIG, "count-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            List<Object> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            return seen.size();
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(100);
        }
    }
}
