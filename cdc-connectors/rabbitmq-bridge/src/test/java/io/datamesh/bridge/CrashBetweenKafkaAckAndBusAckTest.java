package io.datamesh.bridge;

import static io.datamesh.bridge.KafkaTopics.until;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.datamesh.apps.kitchen.KitchenDomain;
import io.datamesh.bridge.demo.KitchenBusPublisher;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.schemas.kitchen.PizzaEvent;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.sources.JsonRecord;
import io.datamesh.sources.Receipt;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge dies like {@code kill -9} between Kafka's acknowledgement and the bus's: the message
 * is in Kafka but still unacknowledged, so the bus delivers it again to the restarted bridge, and
 * the raw topic holds it twice. Downstream, the kitchen domain's mapping (run as the runtime runs
 * it) publishes every event exactly once: zero lost, zero duplicated, counted by message id.
 */
class CrashBetweenKafkaAckAndBusAckTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    private static final int PIZZAS = 100;
    private static final List<String> STAGES = List.of("ORDERED", "ON_HEAT_SHELF", "PICKED_UP");

    @TempDir
    Path dir;

    @Test
    void aCrashBetweenTheTwoAcknowledgementsLosesNothingAndTheProductHoldsEachEventOnce() throws Exception {
        try (TestBus bus = TestBus.start()) {
            BridgeConfig config = bus.domain("kc", "pizza-events", "pizza.#", "pizza_id", Map.of("prefetch", "50"));
            String queue = config.feeds().get(0).queue();
            String topic = config.feeds().get(0).topic().value();
            Path configFile = write(config);
            // Declares the queue and the topics, so that the events wait for the bridge in its queue.
            RabbitBridge.builder(config, KAFKA.bootstrapServers()).amqpUri(bus.uri()).build().start().close();
            Instant at = Instant.parse("2026-12-01T19:00:00Z");
            for (int p = 0; p < PIZZAS; p++) {
                for (String stage : STAGES) {
                    String pizza = "o" + p + "-1";
                    bus.publish(config.domain(), KitchenBusPublisher.routingKey(stage), KitchenBusPublisher.messageId(pizza, stage),
                            Instant.now(), new String(KitchenBusPublisher.body(pizza, "o" + p, "napoli-1", stage, at.plusSeconds(p)),
                                    StandardCharsets.UTF_8));
                }
            }
            int events = PIZZAS * STAGES.size();

            Process crashing = java(dir.resolve("crashing.log"), CrashingBridge.class.getName(), configFile.toString(),
                    KAFKA.bootstrapServers(), bus.uri(), "120");
            assertThat(crashing.waitFor(60, TimeUnit.SECONDS)).as("the bridge halts after Kafka's 120th acknowledgement").isTrue();
            assertThat(crashing.exitValue()).as(log(dir.resolve("crashing.log"))).isEqualTo(CrashingBridge.HALTED);
            // Two acknowledgements a message: its raw record's, then its receipt's.
            assertThat(KafkaTopics.readAll(KAFKA.bootstrapServers(), topic)).hasSizeGreaterThanOrEqualTo(60);
            until("the bus has requeued what the dead bridge held", Duration.ofSeconds(30), () -> bus.ready(queue) > events - 120);

            Process bridge = java(dir.resolve("bridge.log"), RabbitBridgeMain.class.getName(), "--config", configFile.toString(),
                    "--bootstrap-servers", KAFKA.bootstrapServers(), "--amqp-uri", bus.uri(), "--http-port", "0");
            List<ConsumerRecord<byte[], byte[]>> raw = new ArrayList<>();
            until("every event is in the raw topic", Duration.ofSeconds(60), () -> {
                raw.clear();
                raw.addAll(KafkaTopics.readAll(KAFKA.bootstrapServers(), topic));
                return ids(raw).keySet().size() == events && bus.ready(queue) == 0;
            });
            bridge.destroy(); // SIGTERM: stops consuming, finishes and acknowledges what is in flight
            assertThat(bridge.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(dir.resolve("bridge.log"))).contains("Bus bridge stopped domain=" + config.domain());
            assertThat(bus.ready(queue)).as("every message acknowledged; nothing goes back to the queue").isZero();

            raw.clear();
            raw.addAll(KafkaTopics.readAll(KAFKA.bootstrapServers(), topic));
            Map<String, Long> rawIds = ids(raw);
            assertThat(rawIds).hasSize(events);
            assertThat(rawIds.values()).as("the message held between the two acknowledgements came twice").anyMatch(n -> n > 1);
            // Every message the bus was told is stored has its receipt, naming a raw record of that message id.
            Map<String, ConsumerRecord<byte[], byte[]>> rawAt = raw.stream().collect(Collectors.toMap(r -> r.partition() + "@" + r.offset(), r -> r));
            Map<String, Receipt> receipts = new java.util.HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readAll(KAFKA.bootstrapServers(), TopicNames.receipts(config.domain()).value())) {
                Receipt receipt = Receipt.read(r);
                receipts.put(receipt.source().id(), receipt);
                assertThat(receipt.rawTopic()).isEqualTo(topic);
                ConsumerRecord<byte[], byte[]> named = rawAt.get(receipt.partition() + "@" + receipt.offset());
                assertThat(named).as("the raw record receipt %s names", receipt).isNotNull();
                assertThat(SourceHeaders.position(named.headers(), null)).isEqualTo(receipt.source());
            }
            assertThat(receipts.keySet()).as("a receipt for every acknowledged message").isEqualTo(rawIds.keySet());

            try (DomainTestDriver kitchen = DomainTestDriver.of(new RenamedDomain(new KitchenDomain(), config.domain()))) {
                Function<byte[], JsonRecord> json = bytes -> JsonRecord.parse(new String(bytes, StandardCharsets.UTF_8));
                for (ConsumerRecord<byte[], byte[]> r : raw) {
                    kitchen.pipeRaw(topic, new String(r.key(), StandardCharsets.UTF_8), json.apply(r.value()),
                            SourceHeaders.recordedAt(r.headers(), null), SourceHeaders.position(r.headers(), null));
                }
                List<ProductRecord<PizzaEvent>> product = kitchen.readProduct(config.domain() + ".product.pizza-events.v1");
                Map<String, Long> published = product.stream().collect(Collectors.groupingBy(r -> r.source().id(), Collectors.counting()));
                assertThat(published).as("every event exactly once in the product").hasSize(events).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
                assertThat(kitchen.readDeadLetters()).isEmpty();
            }
        }
    }

    private static Map<String, Long> ids(List<ConsumerRecord<byte[], byte[]>> raw) {
        return raw.stream().collect(Collectors.groupingBy(r -> SourceHeaders.position(r.headers(), null).id(), Collectors.counting()));
    }

    private Path write(BridgeConfig config) throws IOException {
        Properties p = new Properties();
        p.setProperty("domain", config.domain());
        p.setProperty("raws", "pizza-events");
        p.setProperty("prefetch", String.valueOf(config.prefetch()));
        p.setProperty("raw.pizza-events.routing.keys", "pizza.#");
        p.setProperty("raw.pizza-events.key.field", "pizza_id");
        Path file = dir.resolve(config.domain() + ".properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "bridge of a test domain");
        }
        return file;
    }

    private final List<Process> children = new ArrayList<>();

    /** A test that fails half-way leaves no bridge running. */
    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    /** A child JVM on this test's class path, its output in {@code log}. */
    private Process java(Path log, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-Dlogback.configurationFile=logback-test.xml",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(child);
        return child;
    }

    private static String log(Path file) {
        try {
            return "child output:\n" + Files.readString(file);
        } catch (IOException e) {
            return "no child output: " + e;
        }
    }
}
