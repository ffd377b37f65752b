package io.datamesh.bridge;

import static io.datamesh.bridge.KafkaTopics.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.GetResponse;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bridge between the real RabbitMQ (or the embedded broker where none listens) and a real Kafka broker. */
class RabbitBridgeTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    private static TestBus bus;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startBus() {
        bus = TestBus.start();
    }

    @AfterAll
    static void cleanUpBus() {
        bus.close();
    }

    private static String pizza(String id, String stage) {
        return "{\"pizza_id\":\"" + id + "\",\"order_id\":\"o1\",\"pizzeria_id\":\"napoli-1\",\"stage\":\"" + stage
                + "\",\"at\":\"2026-12-01T19:09:58Z\"}";
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aMessageBecomesItsRawRecordAndIsAcknowledgedOnlyAfterKafkaAcknowledgedIt() throws Exception {
        BridgeConfig config = bus.domain("bt", "pizza-events", "pizza.#", "pizza_id", Map.of());
        String topic = config.feeds().get(0).topic().value();
        String queue = config.feeds().get(0).queue();
        CountDownLatch kafkaAcked = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        RabbitBridge bridge = RabbitBridge.builder(config, KAFKA.bootstrapServers()).amqpUri(bus.uri())
                .afterKafkaAck(() -> {
                    kafkaAcked.countDown();
                    try {
                        letGo.await(30, TimeUnit.SECONDS); // holds the message between Kafka's ack and the bus's
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).build().start();
        try {
            assertThat(get(bridge.httpUrl() + "/ready").statusCode()).isEqualTo(200);
            bus.publish(config.domain(), "pizza.on-heat-shelf", "o1-1:ON_HEAT_SHELF", Instant.parse("2026-12-01T19:09:59Z"),
                    pizza("o1-1", "ON_HEAT_SHELF"));

            List<ConsumerRecord<byte[], byte[]>> raw = KafkaTopics.await(KAFKA.bootstrapServers(), topic, 1, Duration.ofSeconds(30));
            assertThat(kafkaAcked.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(bridge.unacked()).as("in Kafka, not yet acknowledged to the bus").isEqualTo(1);
            letGo.countDown();
            until("the message is acknowledged", Duration.ofSeconds(10), () -> bridge.unacked() == 0);

            ConsumerRecord<byte[], byte[]> r = raw.get(0);
            assertThat(raw).hasSize(1);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("o1-1");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(pizza("o1-1", "ON_HEAT_SHELF"));
            assertThat(SourceHeaders.position(r.headers(), null)).isEqualTo(SourcePosition.bus(config.domain(), "o1-1:ON_HEAT_SHELF"));
            assertThat(SourceHeaders.recordedAt(r.headers(), null)).isEqualTo(Instant.parse("2026-12-01T19:09:59Z"));
            String metrics = get(bridge.httpUrl() + "/metrics").body();
            assertThat(metrics).contains("mesh_bridge_messages_in_total{domain=\"" + config.domain() + "\",queue=\"" + queue + "\"} 1.0")
                    .contains("mesh_bridge_records_out_total{domain=\"" + config.domain() + "\",topic=\"" + topic + "\"} 1.0")
                    .contains("mesh_bridge_acks_total").contains("mesh_bridge_ack_latency_seconds_count")
                    .contains("mesh_bridge_unacked{domain=\"" + config.domain() + "\",queue=\"" + queue + "\"} 0.0");
            assertThat(get(bridge.httpUrl() + "/health").body()).isEqualTo("{\"status\":\"UP\"}");
        } finally {
            letGo.countDown();
            bridge.close();
        }
        assertThat(bus.ready(queue)).as("acknowledged: nothing goes back to the queue when the bridge stops").isZero();
    }

    @Test
    void poisonMessagesGoToTheDeadLetterTopicWithTheReasonAndTheBridgeGoesOn() throws Exception {
        BridgeConfig config = bus.domain("bp", "pizza-events", "pizza.#", "pizza_id", Map.of());
        String exchange = config.domain();
        try (RabbitBridge bridge = RabbitBridge.builder(config, KAFKA.bootstrapServers()).amqpUri(bus.uri()).build().start()) {
            bus.publish(exchange, "pizza.ordered", null, null, pizza("p1", "ORDERED"));
            bus.publish(exchange, "pizza.ordered", "p2:ORDERED", null, "pizza p2 ordered");
            bus.publish(exchange, "pizza.ordered", "p3:ORDERED", null, "{\"order_id\":\"o1\"}");
            bus.publish(exchange, "pizza.ordered", "p4:ORDERED", null, pizza("p4", "ORDERED"));

            List<ConsumerRecord<byte[], byte[]>> letters = KafkaTopics.await(KAFKA.bootstrapServers(), config.deadLetterTopic().value(), 3,
                    Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> raw = KafkaTopics.await(KAFKA.bootstrapServers(), config.feeds().get(0).topic().value(), 1,
                    Duration.ofSeconds(30));
            until("every message acknowledged", Duration.ofSeconds(10), () -> bridge.unacked() == 0);

            assertThat(raw).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("p4");
            assertThat(letters).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON_CLASS))
                    .containsExactlyInAnyOrder("no-message-id", "unreadable", "no-key");
            assertThat(letters).allSatisfy(r -> {
                assertThat(DeadLetters.header(r.headers(), DeadLetters.STAGE)).isEqualTo("bridge");
                assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(config.feeds().get(0).queue());
                assertThat(DeadLetters.header(r.headers(), "amqp.routing-key")).isEqualTo("pizza.ordered");
            });
            assertThat(letters).filteredOn(r -> "unreadable".equals(DeadLetters.header(r.headers(), DeadLetters.REASON_CLASS)))
                    .singleElement().satisfies(r -> {
                        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("pizza p2 ordered");
                        assertThat(DeadLetters.header(r.headers(), DeadLetters.REASON)).startsWith("body of message p2:ORDERED is not JSON");
                    });
            assertThat(get(bridge.httpUrl() + "/metrics").body())
                    .contains("mesh_bridge_dead_letters_total{domain=\"" + config.domain() + "\",reason=\"no-key\"} 1.0");
        }
        assertThat(bus.ready(config.feeds().get(0).queue())).isZero();
    }

    @Test
    void aMessageKafkaCanNeverTakeIsMovedToTheDeadLetterQueueOnTheBusWithTheReasonAndAcknowledged() throws Exception {
        BridgeConfig config = bus.domain("bz", "pizza-events", "pizza.#", "pizza_id", Map.of());
        try (RabbitBridge bridge = RabbitBridge.builder(config, KAFKA.bootstrapServers()).amqpUri(bus.uri())
                .producerProperty(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_048).build().start()) {
            bus.publish(config.domain(), "pizza.ordered", "p1:ORDERED", null, "{\"pizza_id\":\"p1\",\"notes\":\"" + "x".repeat(4_096) + "\"}");
            bus.publish(config.domain(), "pizza.ordered", "p2:ORDERED", null, pizza("p2", "ORDERED"));

            KafkaTopics.await(KAFKA.bootstrapServers(), config.feeds().get(0).topic().value(), 1, Duration.ofSeconds(30));
            until("both acknowledged, one parked", Duration.ofSeconds(20), () -> bridge.unacked() == 0 && bus.ready(config.deadLetterQueue()) == 1);
            GetResponse parked = bus.get(config.deadLetterQueue());
            assertThat(parked.getProps().getMessageId()).isEqualTo("p1:ORDERED");
            assertThat(parked.getProps().getHeaders().get("x-mesh-parked-reason").toString()).contains("2048");
            bus.channel().basicAck(parked.getEnvelope().getDeliveryTag(), false);
            assertThat(get(bridge.httpUrl() + "/metrics").body())
                    .contains("mesh_bridge_parked_total{domain=\"" + config.domain() + "\",queue=\"" + config.feeds().get(0).queue() + "\"} 1.0");
        }
        assertThat(bus.ready(config.feeds().get(0).queue())).isZero();
    }

    @Test
    void theQueueHasADeliveryLimitAndADeadLetterExchange() throws Exception {
        BridgeConfig config = bus.domain("bq", "pizza-events", "pizza.#", "pizza_id", Map.of("delivery.limit", "2"));
        String queue = config.feeds().get(0).queue();
        BrokerKind kind;
        try (RabbitBridge bridge = RabbitBridge.builder(config, KAFKA.bootstrapServers()).amqpUri(bus.uri()).build().start()) {
            kind = bridge.brokerKind();
            assertThat(kind).isEqualTo(bus.isRabbitMq() ? BrokerKind.RABBITMQ_QUORUM : BrokerKind.QPID);
        }
        // With the bridge stopped, a consumer that keeps failing the message: the broker gives up on it.
        bus.publish(config.domain(), "pizza.ordered", "p1:ORDERED", null, pizza("p1", "ORDERED"));
        int deliveries = bus.failUntilDeadLettered(config, kind);
        // RabbitMQ counts the returns: dead-lettered once returned more often than the limit. Qpid counts its
        // own way (a reject and the recover after it may both count): at the latest at the limit.
        if (kind == BrokerKind.QPID) {
            assertThat(deliveries).isBetween(1, 2);
        } else {
            assertThat(deliveries).isEqualTo(3);
        }
        GetResponse dead = bus.get(config.deadLetterQueue());
        assertThat(dead.getProps().getMessageId()).isEqualTo("p1:ORDERED");
        bus.channel().basicAck(dead.getEnvelope().getDeliveryTag(), false);
    }

    @Test
    void aQueueThatExistsWithOtherSettingsStopsTheStartWithTheBrokersReason() throws Exception {
        assumeTrue(bus.isRabbitMq(), "RabbitMQ refuses a declaration with other arguments; Qpid accepts it as it is");
        BridgeConfig config = bus.domain("bx", "pizza-events", "pizza.#", "pizza_id", Map.of());
        bus.channel().queueDeclare(config.feeds().get(0).queue(), true, false, false, Map.of());

        assertThatThrownBy(() -> RabbitBridge.builder(config, KAFKA.bootstrapServers()).amqpUri(bus.uri()).build().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("queue " + config.feeds().get(0).queue())
                .hasMessageContaining("inequivalent arg")
                .hasMessageContaining("never changed by the bridge");
    }
}
