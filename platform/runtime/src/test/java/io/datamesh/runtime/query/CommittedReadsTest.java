package io.datamesh.runtime.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.apps.sales.SalesDomain;
import io.datamesh.bitemporal.Operation;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.schemas.orders.OrderLine;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries under exactly-once show committed data only. Product records sit in an open
 * transaction on {@code orders.product.order-lines.v1}: neither the orders view nor the sales
 * aggregate built from that topic shows them, not while the transaction is open and not after it
 * aborts; once another transaction commits, both show what it committed and nothing else.
 */
class CommittedReadsTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Instant JUL_08 = Instant.parse("2018-07-08T10:30:00Z");
    static final String TOPIC = "orders.product.order-lines.v1";

    @TempDir
    Path state;

    @Test
    @SuppressWarnings("unchecked")
    void uncommittedAndAbortedProductRecordsNeverShow() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        try (DomainRuntime orders = DomainRuntime.of(Domain.of(new OrdersDomain(), registry, true), settings("orders")).start();
             DomainRuntime sales = DomainRuntime.of(Domain.of(new SalesDomain(), registry, true), settings("sales")).start()) {
            ProductFormat<OrderLine> format = (ProductFormat<OrderLine>) orders.domain().products().stream()
                    .filter(p -> p.topic().value().equals(TOPIC)).findFirst().orElseThrow().format();
            Serializer<ProductRecord<OrderLine>> serializer = format.serde(TOPIC).serializer();
            Map<String, Object> config = new HashMap<>(KAFKA.producerConfig());
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "committed-reads-test");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                    (topic, value) -> value)) {
                producer.initTransactions();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "t1#1", serializer.serialize(TOPIC, line(format, "t1", 3, 1)))).get();
                producer.flush();
                assertNothingShowsFor(Duration.ofSeconds(3), orders, sales); // open: 30 commit intervals of the domains
                producer.abortTransaction();
                assertNothingShowsFor(Duration.ofSeconds(2), orders, sales);

                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "t2#1", serializer.serialize(TOPIC, line(format, "t2", 2, 2)))).get();
                producer.commitTransaction();
            }
            awaitPizzas(sales, 2);
            assertThat(status(orders, "/domains/orders/views/order-lines-by-id/keys/t2%231")).isEqualTo(200);
            assertThat(status(orders, "/domains/orders/views/order-lines-by-id/keys/t1%231")).isEqualTo(404);
        }
    }

    private static ProductRecord<OrderLine> line(ProductFormat<OrderLine> format, String order, int quantity, long position) {
        OrderLine payload = OrderLine.newBuilder().setOrderId(order).setLineNo(1).setPizzeriaId("tx").setProductId("margherita")
                .setQuantity(quantity).setUnitPrice(new BigDecimal("8.50")).setPlacedAt(JUL_08).setRefunded(false).build();
        return new ProductRecord<>(order + "#1", JUL_08, JUL_08, Operation.UPSERT,
                SourcePosition.cdc("orders-db", "mariadb-bin.000009", position, 0, null), ContentHash.of(format, payload), payload);
    }

    private static void assertNothingShowsFor(Duration duration, DomainRuntime orders, DomainRuntime sales) throws Exception {
        long until = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < until) {
            assertThat(status(orders, "/domains/orders/views/order-lines-by-id/keys/t1%231")).isEqualTo(404);
            assertThat(buckets(sales)).isEmpty();
            Thread.sleep(100); // sampling what a client would see, over many commit intervals
        }
    }

    private static void awaitPizzas(DomainRuntime sales, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode buckets = buckets(sales);
            if (buckets.size() == 1) {
                assertThat(buckets.get(0).path("value").path("pizzas").asLong()).isEqualTo(expected);
                return;
            }
            assertThat(System.nanoTime()).as("the committed line reaches the aggregate within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static JsonNode buckets(DomainRuntime sales) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(sales.httpUrl().orElseThrow()
                + "/domains/sales/aggregates/pizzas-sold-by-day?group=tx&from=2018-07-01&to=2018-08-01")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).path("buckets");
    }

    private static int status(DomainRuntime runtime, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(runtime.httpUrl().orElseThrow() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private RuntimeSettings settings(String name) throws java.io.IOException {
        return RuntimeSettings.builder(KAFKA.bootstrapServers(), Files.createDirectories(state.resolve(name))).httpPort(0).build();
    }
}
