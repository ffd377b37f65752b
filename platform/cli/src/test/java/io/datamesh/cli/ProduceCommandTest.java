package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.StringProductFormat;
import io.datamesh.sources.SourceHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code mesh produce} feeds a deployed domain as a source would, and refuses what a source could not write. */
class ProduceCommandTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path state;

    /** A domain publishing its deliveries as they come. */
    static final class Deliveries implements DomainDefinition {
        @Override
        public String name() {
            return "producetest";
        }

        @Override
        public void define(Domain d) {
            Domain.Raw<String> raw = d.raw("deliveries", Serdes.String());
            d.publish("deliveries", 1, StringProductFormat.INSTANCE, raw, (in, out) -> out.upsert(in.key(), in.recordedAt(), in.value()));
        }
    }

    @Test
    void aRecordTypedOrPipedReachesTheProductWithItsRecordedTime() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        try (DomainRuntime runtime = DomainRuntime.of(new Deliveries(), RuntimeSettings.builder(bootstrap, state).build()).start()) {
            assertThat(mesh(null, 0, "produce", "producetest.raw.deliveries", "k1", "{\"status\":\"NEW\"}",
                    "--recorded-at", "2018-07-08T10:31:00Z", "--bootstrap-servers", bootstrap))
                    .contains("produced 1 record to producetest.raw.deliveries");
            assertThat(mesh("k2\t{\"status\":\"NEW\"}\n\nk1\t{\"status\":\"DELIVERED\",\"note\":\"a\ttab\"}\n", 0,
                    "produce", "producetest.raw.deliveries", "--bootstrap-servers", bootstrap))
                    .contains("produced 2 records to producetest.raw.deliveries");

            List<ConsumerRecord<String, String>> raw = read("producetest.raw.deliveries", 3);
            List<ConsumerRecord<String, String>> k1 = raw.stream().filter(r -> r.key().equals("k1")).toList();
            assertThat(k1).extracting(ConsumerRecord::value).containsExactly("{\"status\":\"NEW\"}", "{\"status\":\"DELIVERED\",\"note\":\"a\ttab\"}");
            assertThat(SourceHeaders.recordedAt(k1.get(0).headers(), null)).isEqualTo(Instant.parse("2018-07-08T10:31:00Z"));
            assertThat(k1.get(1).headers().lastHeader(SourceHeaders.RECORDED_AT)).isNull();
            assertThat(raw).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("k1", "k2", "k1");
            assertThat(read("producetest.product.deliveries.v1", 3)).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("k1", "k2", "k1");

            // Refused in one line, and nothing is sent.
            assertThat(mesh(null, 2, "produce", "producetest.product.deliveries.v1", "k9", "x", "--bootstrap-servers", bootstrap))
                    .contains("mesh: producetest.product.deliveries.v1 is not a raw topic");
            assertThat(mesh(null, 2, "produce", "producetest.raw.returns", "k9", "x", "--bootstrap-servers", bootstrap))
                    .contains("mesh: no topic producetest.raw.returns at");
            assertThat(mesh(null, 2, "produce", "producetest.raw.deliveries", "k9", "x", "--recorded-at", "yesterday", "--bootstrap-servers", bootstrap))
                    .contains("mesh: --recorded-at yesterday is not an ISO-8601 instant");
            assertThat(mesh(null, 2, "produce", "producetest.raw.deliveries", "k9", "--bootstrap-servers", bootstrap))
                    .contains("mesh: KEY k9 has no VALUE");
            assertThat(mesh("k8\tok\nk9 no tab\n", 2, "produce", "producetest.raw.deliveries", "--bootstrap-servers", bootstrap))
                    .contains("mesh: line 2 of the input has no TAB between KEY and VALUE; nothing was sent");
            assertThat(mesh(null, 2, "produce", "Producetest.raw.deliveries", "k9", "x", "--bootstrap-servers", bootstrap)).startsWith("mesh: ");
            assertThat(endOffset("producetest.raw.deliveries")).isEqualTo(3);
        }
    }

    private static String mesh(String stdin, int expectedExit, String... args) {
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = Mesh.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
            assertThat(exit).as("exit of mesh %s, stderr: %s", String.join(" ", args), err).isEqualTo(expectedExit);
            return expectedExit == 0 ? out.toString() : err.toString();
        } finally {
            System.setIn(before);
        }
    }

    private static List<ConsumerRecord<String, String>> read(String topic, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> c = consumer()) {
            c.assign(partitions(c, topic));
            c.seekToBeginning(c.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static long endOffset(String topic) {
        try (KafkaConsumer<String, String> c = consumer()) {
            return c.endOffsets(partitions(c, topic)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, String> c, String topic) {
        return c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer());
    }
}
