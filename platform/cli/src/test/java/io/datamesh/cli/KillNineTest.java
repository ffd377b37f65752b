package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orders jar deployed with {@code mesh run} as a separate process, killed with SIGKILL in the
 * middle of a stream and started again: every source position is published exactly once, also
 * when the source replays them all to an instance that restored its state from the changelogs.
 */
class KillNineTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @Test
    void aKilledInstanceRestartsAndEveryPositionIsPublishedOnce() throws Exception {
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(
                RegistryConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(), RegistryConfig.PORT, 0)))) {
            Path jar = ordersJar();
            Process first = meshRun(jar, registry.url());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerConfig(),
                    new StringSerializer(), new StringSerializer())) {
                awaitTopic("orders.raw.order-lines");
                send(producer, 0, 1500);
                awaitAtLeast(300);
                first.destroyForcibly(); // SIGKILL: no commit, no leave-group, no goodbye
                first.waitFor();
                send(producer, 1500, 3000);
                Process second = meshRun(jar, registry.url());
                assertThat(second.isAlive()).isTrue();
                List<String> positions = awaitAtLeast(3000);
                assertThat(positions).hasSize(3000);
                assertThat(new HashSet<>(positions)).hasSize(3000);

                // Killed again once everything is committed, and started on an empty state folder: the replay
                // guard's high-water marks come back from its changelog, where they were committed with the output.
                second.destroyForcibly();
                second.waitFor();
                meshRun(jar, registry.url(), "state-restored");
                send(producer, 0, 3000); // the source replays from its first position
                send(producer, 3000, 3100);
                List<String> afterReplay = awaitAtLeast(3100);
                assertThat(afterReplay).hasSize(3100);
                assertThat(new HashSet<>(afterReplay)).hasSize(3100);
            }
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
    }

    @Test
    void sigtermCommitsAndExitsZeroAndASecondSignalForces() throws Exception {
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(
                RegistryConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(), RegistryConfig.PORT, 0)))) {
            Path jar = ordersJar();
            Process graceful = meshRun(jar, registry.url());
            awaitLog(processes.size() - 1, "mesh: domain orders running"); // printed once the signal handlers are in place
            graceful.toHandle().destroy(); // SIGTERM
            assertThat(graceful.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(graceful.exitValue()).isZero();
            assertThat(Files.readString(dir.resolve("mesh-run-" + (processes.size() - 1) + ".log"))).contains("mesh: domain orders stopped");

            Process impatient = meshRun(jar, registry.url());
            awaitLog(processes.size() - 1, "mesh: domain orders running"); // printed once the signal handlers are in place
            impatient.toHandle().destroy();
            awaitLog(processes.size() - 1, "mesh: stopping domain orders"); // the graceful stop has begun
            impatient.toHandle().destroy(); // the operator insists
            assertThat(impatient.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(impatient.exitValue()).isEqualTo(RunCommand.EXIT_FORCED);
            String log = Files.readString(dir.resolve("mesh-run-" + (processes.size() - 1) + ".log"));
            assertThat(log).contains("mesh: forced stop").doesNotContain("mesh: domain orders stopped");
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
    }

    private void awaitLog(int index, String text) throws Exception {
        Path log = dir.resolve("mesh-run-" + index + ".log");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            assertThat(System.nanoTime()).as("'" + text + "' in " + log).isLessThan(deadline);
            Thread.sleep(100); // polls a child process's log, not Kafka
        }
    }

    private Process meshRun(Path jar, String registryUrl) throws IOException {
        return meshRun(jar, registryUrl, "state");
    }

    private Process meshRun(Path jar, String registryUrl, String stateDir) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), Mesh.class.getName(), "run",
                jar.toString(), "--bootstrap-servers", KAFKA.bootstrapServers(), "--registry", registryUrl,
                "--state-dir", dir.resolve(stateDir).toString(), "--http-port", "0",
                // a killed member is noticed after 10 s instead of the default 45 s
                "--set", "consumer.session.timeout.ms=10000", "--set", "consumer.heartbeat.interval.ms=1000")
                .redirectErrorStream(true).redirectOutput(dir.resolve("mesh-run-" + processes.size() + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private static void send(KafkaProducer<String, String> producer, int from, int to) {
        Instant t = Instant.parse("2018-07-08T10:00:00Z");
        for (int i = from; i < to; i++) {
            String row = "{\"order_id\":\"o" + i + "\",\"line_no\":1,\"pizzeria_id\":\"42\",\"product_id\":\"margherita\",\"quantity\":1,"
                    + "\"unit_price\":\"8.50\",\"placed_at\":\"" + t.plusSeconds(i) + "\",\"refunded\":false}";
            ProducerRecord<String, String> r = new ProducerRecord<>("orders.raw.order-lines", "o" + i,
                    "{\"op\":\"c\",\"before\":null,\"after\":" + row + "}");
            SourceHeaders.write(r.headers(), t.plusSeconds(i), SourcePosition.cdc("orders-db", "mariadb-bin.000001", i, 0, null));
            producer.send(r);
        }
        producer.flush();
    }

    private static void awaitTopic(String topic) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        try (var admin = KAFKA.broker().admin()) {
            while (true) {
                try {
                    if (admin.listTopics().names().get().contains(topic)) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    // broker busy: poll again
                }
                assertThat(System.nanoTime()).as("topic " + topic + " created by mesh run within 120 s").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    /** Source positions of every committed product record, once at least {@code n} are there (or the deadline passed). */
    private static List<String> awaitAtLeast(int n) {
        List<String> positions = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.GROUP_ID_CONFIG, "kill9-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of("orders.product.order-lines.v1"));
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (positions.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    positions.add(r.key() == null ? "?" : new String(r.key()));
                }
            }
            long extra = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < extra) {
                c.poll(Duration.ofMillis(200)).forEach(r -> positions.add(new String(r.key())));
            }
        }
        return positions;
    }

    private Path ordersJar() throws IOException {
        return DomainJars.of(OrdersDomain.class, dir);
    }

}
