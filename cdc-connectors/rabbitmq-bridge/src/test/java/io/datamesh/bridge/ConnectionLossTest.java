package io.datamesh.bridge;

import static io.datamesh.bridge.KafkaTopics.until;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.sources.SourceHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bus connection fails while a record is between Kafka's acknowledgement and the bus's: the
 * client recovers the connection (with backoff) and the consumer; the old delivery is never
 * acknowledged on the new channel; the bus delivers the message again, and it is acknowledged then.
 */
class ConnectionLossTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @Test
    void aLostConnectionIsRecoveredAndNothingIsAcknowledgedThatWasNotInKafka() throws Exception {
        try (TestBus bus = TestBus.start()) {
            URI broker = URI.create(bus.uri());
            BridgeConfig config = bus.domain("bn", "pizza-events", "pizza.#", "pizza_id", Map.of());
            String topic = config.feeds().get(0).topic().value();
            String queue = config.feeds().get(0).queue();
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch letGo = new CountDownLatch(1);
            AtomicBoolean first = new AtomicBoolean(true);
            try (TcpProxy network = new TcpProxy(broker.getHost(), broker.getPort());
                 RabbitBridge bridge = RabbitBridge.builder(config, KAFKA.bootstrapServers())
                         .amqpUri(bus.uri().replace(":" + broker.getPort(), ":" + network.port()))
                         .afterKafkaAck(() -> {
                             if (first.getAndSet(false)) {
                                 held.countDown();
                                 await(letGo);
                             }
                         }).build().start()) {
                bus.publish(config.domain(), "pizza.ordered", "p1:ORDERED", null, "{\"pizza_id\":\"p1\"}");
                assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

                network.cut();
                until("the bus requeued the unacknowledged message and delivered it again", Duration.ofSeconds(30),
                        () -> bridge.isReady() && bridge.unacked() == 1);
                letGo.countDown();

                until("the message is acknowledged on the recovered channel", Duration.ofSeconds(30),
                        () -> bridge.unacked() == 0 && bus.ready(queue) == 0);
                bus.publish(config.domain(), "pizza.ordered", "p2:ORDERED", null, "{\"pizza_id\":\"p2\"}");
                List<ConsumerRecord<byte[], byte[]>> raw = KafkaTopics.await(KAFKA.bootstrapServers(), topic, 3, Duration.ofSeconds(30));
                assertThat(raw).extracting(r -> SourceHeaders.position(r.headers(), null).id())
                        .as("p1 once before the failure, once redelivered after it").containsExactlyInAnyOrder("p1:ORDERED", "p1:ORDERED", "p2:ORDERED");
                until("p2 acknowledged", Duration.ofSeconds(10), () -> bridge.unacked() == 0);
            } finally {
                letGo.countDown();
            }
            assertThat(bus.ready(queue)).as("nothing left unacknowledged").isZero();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
