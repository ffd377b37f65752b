package io.datamesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.StringProductFormat;
import io.datamesh.sdk.record.ProductRecord;
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

/**
 * Two instances of one domain share its partitions; when one stops the other takes over, and nothing is published twice.
 * Each reads for its queries exactly the view partitions it processes: not a standby's, not one that moved away.
 */
class TwoInstancesTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path state;

    static final class PairDomain implements DomainDefinition {
        @Override
        public String name() {
            return "pair";
        }

        @Override
        public void define(Domain d) {
            Domain.Raw<String> raw = d.raw("orders", Serdes.String());
            d.publish("orders", 1, StringProductFormat.INSTANCE, raw, (in, out) -> out.upsert(in.key(), in.recordedAt(), in.value()))
                    .view("orders-by-id");
        }
    }

    @Test
    void twoInstancesSplitThePartitionsAndOneTakesOverWhenTheOtherStops() throws Exception {
        DomainRuntime a = DomainRuntime.of(new PairDomain(), RuntimeSettings.builder(KAFKA.bootstrapServers(), state.resolve("a")).standbyReplicas(1).build()).start();
        DomainRuntime b = DomainRuntime.of(new PairDomain(), RuntimeSettings.builder(KAFKA.bootstrapServers(), state.resolve("b")).standbyReplicas(1).build()).start();
        try {
            awaitTrue(() -> rawPartitions(a) + rawPartitions(b) == 3 && rawPartitions(a) > 0 && rawPartitions(b) > 0);
            produce(0, 60);
            awaitTrue(() -> a.products().publishedCount("pair.product.orders.v1") > 0 && b.products().publishedCount("pair.product.orders.v1") > 0);
            awaitTrue(() -> a.products().publishedCount("pair.product.orders.v1") + b.products().publishedCount("pair.product.orders.v1") == 60);
            awaitTrue(() -> readable(a).equals(viewPartitions(a)) && readable(b).equals(viewPartitions(b))
                    && readable(a).size() + readable(b).size() == 3);
            assertThat(readable(a)).as("each view partition read by its one active instance").doesNotContainAnyElementsOf(readable(b));

            b.close();
            assertThat(readable(b)).as("a closed instance reads nothing").isEmpty();
            awaitTrue(() -> rawPartitions(a) == 3);
            awaitTrue(() -> readable(a).equals(Set.of(0, 1, 2)));
            produce(60, 120);
            awaitTrue(() -> readProducts().size() >= 120);
            List<ProductRecord<String>> all = readProducts();
            assertThat(all).hasSize(120);
            assertThat(all).extracting(ProductRecord::key).doesNotHaveDuplicates();
        } finally {
            b.close();
            a.close();
        }
    }

    private static long rawPartitions(DomainRuntime r) {
        return r.activePartitions().stream().filter(p -> p.topic().equals("pair.raw.orders")).count();
    }

    /** The view partitions {@code r} processes. */
    private static Set<Integer> viewPartitions(DomainRuntime r) {
        return r.activePartitions().stream().filter(p -> p.topic().equals("pair.product.orders.v1")).map(p -> p.partition())
                .collect(Collectors.toSet());
    }

    /** The view partitions {@code r} reads for its queries from the stores its view writers registered. */
    private static Set<Integer> readable(DomainRuntime r) {
        return IntStream.range(0, 3).filter(p -> r.views().active("orders-by-id", p) != null).boxed().collect(Collectors.toSet());
    }

    private static void produce(int from, int to) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(KAFKA.producerConfig(),
                new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                ProducerRecord<String, String> r = new ProducerRecord<>("pair.raw.orders", "o" + i, "order " + i);
                SourceHeaders.write(r.headers(), Instant.parse("2018-07-08T10:00:00Z").plusSeconds(i), SourcePosition.bus("q", "m" + i));
                p.send(r).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<ProductRecord<String>> readProducts() {
        var deserializer = StringProductFormat.INSTANCE.serde("t").deserializer();
        List<ProductRecord<String>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.GROUP_ID_CONFIG, "read-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of("pair.product.orders.v1"));
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.add(deserializer.deserialize("t", r.value())));
            }
        }
        return out;
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 90 s");
            }
            Thread.sleep(100);
        }
    }

}
