package io.datamesh.bridge;

import static io.datamesh.bridge.KafkaTopics.until;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.datamesh.kafka.embedded.EmbeddedKafka;
import io.datamesh.sources.SourceHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka stops while messages arrive: the bridge acknowledges nothing, the prefetch window stops the
 * deliveries, records are sent again for as long as Kafka is away; when it is back, everything is
 * delivered and acknowledged. The broker restarts on the same ports with the same data, as an
 * operator's restart would.
 */
class KafkaOutageTest {

    @TempDir
    Path kafkaData;

    @Test
    void whileKafkaIsDownNothingIsAcknowledgedAndEverythingArrivesWhenItIsBack() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(kafkaData).build().start();
        int brokerPort = kafka.brokerPort();
        int controllerPort = kafka.controllerPort();
        String bootstrap = kafka.bootstrapServers();
        HttpClient http = HttpClient.newHttpClient();
        try (TestBus bus = TestBus.start()) {
            BridgeConfig config = bus.domain("bk", "pizza-events", "pizza.#", "pizza_id", Map.of("prefetch", "10"));
            String queue = config.feeds().get(0).queue();
            String topic = config.feeds().get(0).topic().value();
            // Short producer timeouts, so that the outage outlasts them and the bridge's own resending is what saves the records.
            RabbitBridge bridge = RabbitBridge.builder(config, bootstrap).amqpUri(bus.uri())
                    .producerProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000)
                    .producerProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000)
                    .producerProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000)
                    .build().start();
            try {
                bus.publish(config.domain(), "pizza.ordered", "p0:ORDERED", null, pizza("p0"));
                KafkaTopics.await(bootstrap, topic, 1, Duration.ofSeconds(30));
                until("p0 acknowledged", Duration.ofSeconds(10), () -> bridge.unacked() == 0);

                kafka.close();
                for (int i = 1; i <= 30; i++) {
                    bus.publish(config.domain(), "pizza.ordered", "p" + i + ":ORDERED", null, pizza("p" + i));
                }
                until("the prefetch window is full", Duration.ofSeconds(10), () -> bridge.unacked() == 10);
                until("the bridge says Kafka is away", Duration.ofSeconds(20), () -> status(http, bridge) == 503);
                until("records were sent again after the producer gave up on them", Duration.ofSeconds(20),
                        () -> metric(http, bridge, "mesh_bridge_kafka_retries_total") > 0);
                assertThat(bridge.unacked()).as("nothing acknowledged while Kafka is away").isEqualTo(10);
                assertThat(bus.ready(queue)).as("the rest waits in the queue").isEqualTo(20);
                assertThat(metric(http, bridge, "mesh_bridge_acks_total")).isEqualTo(1);

                kafka = EmbeddedKafka.builder().dataDir(kafkaData).brokerPort(brokerPort).controllerPort(controllerPort).build().start();

                until("everything acknowledged", Duration.ofSeconds(60), () -> bridge.unacked() == 0 && bus.ready(queue) == 0);
                List<ConsumerRecord<byte[], byte[]>> raw = KafkaTopics.readAll(bootstrap, topic);
                Set<String> ids = raw.stream().map(r -> SourceHeaders.position(r.headers(), null).id()).collect(Collectors.toSet());
                assertThat(ids).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(0, 30).mapToObj(i -> "p" + i + ":ORDERED").toList());
                until("the bridge is ready again", Duration.ofSeconds(20), () -> status(http, bridge) == 200);
            } finally {
                bridge.close();
            }
        } finally {
            kafka.close();
        }
    }

    private static String pizza(String id) {
        return "{\"pizza_id\":\"" + id + "\",\"order_id\":\"o1\",\"pizzeria_id\":\"napoli-1\",\"stage\":\"ORDERED\",\"at\":\"2026-12-01T19:00:00Z\"}";
    }

    private static int status(HttpClient http, RabbitBridge bridge) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(bridge.httpUrl() + "/ready")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sum of a counter's series in {@code /metrics}. */
    private static double metric(HttpClient http, RabbitBridge bridge, String name) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create(bridge.httpUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
