package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.datamesh.amqp.embedded.EmbeddedAmqpExtension;
import io.datamesh.apps.kitchen.KitchenDomain;
import io.datamesh.bridge.BridgeConfig;
import io.datamesh.bridge.RabbitBridge;
import io.datamesh.bridge.demo.KitchenBusPublisher;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.runtime.DomainJar;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;
import io.datamesh.sdk.Domain;
import io.datamesh.serde.RestSchemaRegistryClient;
import io.datamesh.sources.Receipt;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mesh audit} holds the bus bridge's receipts against the kitchen product, end to end: the real
 * bridge on the embedded AMQP broker, the kitchen domain in its runtime on the embedded broker. Every
 * acknowledged message is found in the product; one the domain never processed (its offsets moved past
 * it while it was down) is named {@code lost after receipt}.
 */
class AuditReceiptsTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();
    @RegisterExtension
    static final EmbeddedAmqpExtension AMQP = new EmbeddedAmqpExtension();

    static final String RAW = "kitchen.raw.pizza-events";
    static final List<String> STAGES = List.of("ORDERED", "ON_HEAT_SHELF", "PICKED_UP");

    @TempDir
    Path state;

    @Test
    void everyAcknowledgedMessageIsInTheProductAndOneTheDomainSkippedIsLostAfterItsReceipt() throws Exception {
        Path configFile = state.resolve("kitchen.properties");
        try (InputStream in = RabbitBridge.class.getClassLoader().getResourceAsStream("bridges/kitchen.properties")) {
            Files.copy(in, configFile);
        }
        int pizzas = 20;
        Instant at = Instant.parse("2018-07-08T18:00:00Z");
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(RegistryConfig.BOOTSTRAP_SERVERS,
                KAFKA.bootstrapServers(), RegistryConfig.PORT, 0)));
             RabbitBridge bridge = RabbitBridge.builder(BridgeConfig.load(configFile), KAFKA.bootstrapServers()).amqpUri(AMQP.amqpUri()).build().start();
             KitchenBusPublisher kitchenService = KitchenBusPublisher.connect(AMQP.amqpUri())) {
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
            Domain domain = Domain.of(new KitchenDomain(), client, false);
            DomainJar.registerSchemas(domain, client);
            try (DomainRuntime a = start(domain, "a")) {
                for (int p = 0; p < pizzas; p++) {
                    for (String stage : STAGES) {
                        kitchenService.publish("p" + p + "-1", "o" + p, "napoli-1", stage, at.plusSeconds(p * 10L + STAGES.indexOf(stage)));
                    }
                }
                kitchenService.awaitConfirms(Duration.ofSeconds(30));
                awaitReceipts(pizzas * STAGES.size());

                Run clean = audit(registry, a.httpUrl().orElseThrow(), "--wait", "60");
                assertThat(clean.exit()).as(clean.out() + clean.err()).isZero();
                // source, acknowledged ids, in product, dead-lettered, not processed yet, before retention, lost, bad receipts, agree
                assertThat(clean.out()).contains("source⇄product:receipts (" + RAW + ")")
                        .containsPattern("BUS kitchen\\s+" + pizzas * STAGES.size() + "\\s+" + pizzas * STAGES.size() + "\\s+0\\s+0\\s+0\\s+0\\s+0\\s+yes");
            }

            // While the domain is down the bridge stores and acknowledges one more event; an operator's offset reset skips it.
            kitchenService.publish("p-skipped", "o-skipped", "napoli-1", "ORDERED", at.plusSeconds(3600));
            kitchenService.awaitConfirms(Duration.ofSeconds(30));
            awaitReceipts(pizzas * STAGES.size() + 1);
            AuditCommandTest.skipToEnd(KAFKA.bootstrapServers(), domain.applicationId(), RAW, 3);
            try (DomainRuntime b = start(domain, "b")) {
                Run lost = audit(registry, b.httpUrl().orElseThrow(), "--wait", "5");
                assertThat(lost.exit()).as(lost.out() + lost.err()).isEqualTo(AuditReport.MISMATCH);
                assertThat(lost.out()).containsPattern("lost after receipt\\s+kitchen.product.pizza-events.v1\\s+source⇄product:receipts\\s+"
                                + "p-skipped:ORDERED\\s")
                        .contains("message p-skipped:ORDERED of kitchen was acknowledged as stored")
                        .containsPattern("BUS kitchen\\s+" + (pizzas * STAGES.size() + 1) + "\\s+" + pizzas * STAGES.size() + "\\s+0\\s+0\\s+0\\s+1\\s+0\\s+NO");
            }
        }
    }

    record Run(int exit, String out, String err) {
    }

    private DomainRuntime start(Domain domain, String dir) throws Exception {
        return DomainRuntime.of(domain, RuntimeSettings.builder(KAFKA.bootstrapServers(), state.resolve(dir)).httpPort(0).build()).start();
    }

    private static Run audit(SchemaRegistryServer registry, String url, String... more) {
        List<String> args = new ArrayList<>(List.of("audit", "kitchen", "--bootstrap-servers", KAFKA.bootstrapServers(), "--registry", registry.url(),
                "--url=" + url));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Mesh.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        System.out.println(out);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Waits until the bridge has written {@code count} receipts: it has acknowledged that many messages. */
    private static void awaitReceipts(int count) throws InterruptedException {
        String topic = TopicNames.receipts("kitchen").value();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                TopicPartition tp = new TopicPartition(topic, 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                seen = 0;
                while (consumer.position(tp) < end) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        assertThat(Receipt.read(r).rawTopic()).isEqualTo(RAW);
                        seen++;
                    }
                }
            }
            if (seen >= count) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(seen + " receipts, not " + count + ", after 60 s");
    }
}
