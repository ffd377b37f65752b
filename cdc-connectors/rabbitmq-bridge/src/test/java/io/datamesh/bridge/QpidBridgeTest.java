package io.datamesh.bridge;

import static io.datamesh.bridge.KafkaTopics.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.GetResponse;
import io.datamesh.apps.kitchen.KitchenDomain;
import io.datamesh.bridge.demo.KitchenBusPublisher;
import io.datamesh.schemas.kitchen.HeatShelfTime;
import io.datamesh.schemas.kitchen.PizzaEvent;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.sources.JsonRecord;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bridge on the embedded broker of {@code make run} (Qpid Broker-J, on a free port): it finds no
 * quorum queues there and falls back to a classic durable queue whose alternate exchange is the
 * domain's dead-letter exchange, with Qpid's maximum delivery count as the limit. And the kitchen
 * demo as {@code make run} will wire it: its publisher, its shipped bridge config, its domain.
 */
class QpidBridgeTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    private static TestBus bus;

    @BeforeAll
    static void startBroker() {
        bus = TestBus.embedded();
    }

    @AfterAll
    static void stopBroker() {
        bus.close();
    }

    @Test
    void onQpidAMessageBecomesItsRawRecordAndIsAcknowledged() {
        BridgeConfig config = bus.domain("bq", "pizza-events", "pizza.#", "pizza_id", Map.of());
        String topic = config.feeds().get(0).topic().value();
        try (RabbitBridge bridge = RabbitBridge.builder(config, KAFKA.bootstrapServers()).amqpUri(bus.uri()).build().start()) {
            assertThat(bridge.brokerKind()).isEqualTo(BrokerKind.QPID);
            assertThat(bridge.broker()).containsIgnoringCase("qpid");
            bus.publish(config.domain(), "pizza.baked", "p1:BAKED", Instant.parse("2026-12-01T19:05:00Z"),
                    "{\"pizza_id\":\"p1\",\"stage\":\"BAKED\",\"at\":\"2026-12-01T19:05:00Z\"}");
            List<ConsumerRecord<byte[], byte[]>> raw = KafkaTopics.await(KAFKA.bootstrapServers(), topic, 1, Duration.ofSeconds(30));
            until("acknowledged", Duration.ofSeconds(10), () -> bridge.unacked() == 0);

            assertThat(new String(raw.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("p1");
            assertThat(SourceHeaders.position(raw.get(0).headers(), null)).isEqualTo(SourcePosition.bus(config.domain(), "p1:BAKED"));
            assertThat(SourceHeaders.recordedAt(raw.get(0).headers(), null)).isEqualTo(Instant.parse("2026-12-01T19:05:00Z"));
        }
        assertThat(bus.ready(config.feeds().get(0).queue())).isZero();
    }

    @Test
    void onQpidAMessageGivenUpOnAsOftenAsTheDeliveryLimitGoesToTheDeadLetterQueue() throws Exception {
        BridgeConfig config = bus.domain("bl", "pizza-events", "pizza.#", "pizza_id", Map.of("delivery.limit", "3"));
        RabbitBridge.builder(config, KAFKA.bootstrapServers()).amqpUri(bus.uri()).build().start().close();
        bus.publish(config.domain(), "pizza.baked", "p1:BAKED", null, "{\"pizza_id\":\"p1\"}");

        // Qpid counts a reject and the recover after it its own way: dead-lettered at the latest at the limit.
        assertThat(bus.failUntilDeadLettered(config, BrokerKind.QPID)).isBetween(1, 3);
        GetResponse dead = bus.get(config.deadLetterQueue());
        assertThat(dead.getProps().getMessageId()).isEqualTo("p1:BAKED");
        bus.channel().basicAck(dead.getEnvelope().getDeliveryTag(), false);
    }

    @Test
    void theKitchensPublisherClosesQuietlyWhenTheBrokerStoppedFirst() {
        // make run's embedded broker stops itself when the JVM does, possibly before the demo closes its publisher.
        TestBus own = TestBus.embedded();
        KitchenBusPublisher publisher;
        try {
            publisher = KitchenBusPublisher.connect(own.uri());
        } finally {
            own.close();
        }
        assertThatCode(publisher::close).doesNotThrowAnyException();
    }

    @Test
    void theKitchensPublisherAndShippedConfigFeedTheKitchenDomainUnchanged() {
        BridgeConfig kitchen = BridgeConfig.fromResource("bridges/kitchen.properties");
        Instant ordered = Instant.parse("2026-12-01T19:00:00Z");
        try (RabbitBridge bridge = RabbitBridge.builder(kitchen, KAFKA.bootstrapServers()).amqpUri(bus.uri()).build().start();
             KitchenBusPublisher publisher = KitchenBusPublisher.connect(bus.uri())) {
            publisher.publish("o1-1", "o1", "napoli-1", "ORDERED", ordered);
            publisher.publish("o1-1", "o1", "napoli-1", "ON_HEAT_SHELF", ordered.plusSeconds(600));
            publisher.publish("o1-1", "o1", "napoli-1", "PICKED_UP", ordered.plusSeconds(700));
            publisher.awaitConfirms(Duration.ofSeconds(10));

            List<ConsumerRecord<byte[], byte[]>> raw = KafkaTopics.await(KAFKA.bootstrapServers(), "kitchen.raw.pizza-events", 3,
                    Duration.ofSeconds(30));
            until("acknowledged", Duration.ofSeconds(10), () -> bridge.unacked() == 0);
            assertThat(new String(raw.get(0).value(), StandardCharsets.UTF_8)).as("the demo generator's JSON, byte for byte")
                    .isEqualTo("{\"pizza_id\":\"o1-1\",\"order_id\":\"o1\",\"pizzeria_id\":\"napoli-1\",\"stage\":\"ORDERED\","
                            + "\"at\":\"2026-12-01T19:00:00Z\"}");
            try (DomainTestDriver domain = DomainTestDriver.of(new KitchenDomain())) {
                for (ConsumerRecord<byte[], byte[]> r : raw) {
                    domain.pipeRaw("kitchen.raw.pizza-events", new String(r.key(), StandardCharsets.UTF_8),
                            JsonRecord.parse(new String(r.value(), StandardCharsets.UTF_8)),
                            SourceHeaders.recordedAt(r.headers(), null), SourceHeaders.position(r.headers(), null));
                }
                assertThat(domain.<PizzaEvent>readProduct("kitchen.product.pizza-events.v1")).extracting(p -> p.source().id())
                        .containsExactlyInAnyOrder("o1-1:ORDERED", "o1-1:ON_HEAT_SHELF", "o1-1:PICKED_UP");
                assertThat(domain.<HeatShelfTime>readProduct("kitchen.product.heat-shelf-times.v1")).singleElement()
                        .satisfies(h -> assertThat(h.payload().getSecondsOnShelf()).isEqualTo(100));
                assertThat(domain.readDeadLetters()).isEmpty();
            }
        }
    }
}
