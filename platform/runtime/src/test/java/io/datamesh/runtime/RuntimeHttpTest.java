package io.datamesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.sdk.ShopDomain;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A running domain's /health, /ready and /metrics. */
class RuntimeHttpTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path state;

    static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReadinessWithFreshnessAndPrometheusMetrics() throws Exception {
        try (DomainRuntime runtime = DomainRuntime.of(new ShopDomain(), RuntimeSettings.builder(KAFKA.bootstrapServers(), state).httpPort(0).build())
                .start()) {
            String base = runtime.httpUrl().orElseThrow();
            assertThat(get(base + "/health").statusCode()).isEqualTo(200);
            assertThat(get(base + "/ready").statusCode()).as("running, nothing published yet").isEqualTo(200);

            Instant recordedAt = Instant.now().minus(Duration.ofHours(1)); // a source an hour behind
            try (KafkaProducer<String, String> p = new KafkaProducer<>(KAFKA.producerConfig(),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 3; i++) {
                    String value = i == 1 ? "garbage" : "o" + i + "|42|2|2018-07-08T10:00:00Z|PLACED";
                    ProducerRecord<String, String> r = new ProducerRecord<>("shop.raw.orders", "o" + i, value);
                    SourceHeaders.write(r.headers(), recordedAt, SourcePosition.cdc("db", "bin.000001", i, 0, null));
                    p.send(r).get(30, TimeUnit.SECONDS);
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (runtime.products().publishedCount("shop.product.orders.v1") < 2 || runtime.deadLetters().total() < 1) {
                assertThat(System.nanoTime()).as("records processed within 60 s").isLessThan(deadline);
                Thread.sleep(100);
            }

            HttpResponse<String> ready = get(base + "/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("product shop.product.orders.v1 is 36").contains("over its freshness SLO of 300 s");

            String metrics = get(base + "/metrics").body();
            assertThat(metrics).contains("mesh_product_records_total{domain=\"shop\",product=\"shop.product.orders.v1\"} 2.0");
            assertThat(metrics).contains("mesh_input_records_total{domain=\"shop\",topic=\"shop.raw.orders\"} 3.0");
            // Labelled by the reason's class, a fixed set: the message itself is in the letter.
            assertThat(metrics).contains("mesh_dlq_records_total{domain=\"shop\",reason=\"mapping-failed\",stage=\"map\"} 1.0");
            assertThat(metrics).containsPattern("mesh_product_freshness_seconds\\{domain=\"shop\",product=\"shop.product.orders.v1\"} 36\\d\\d");
            assertThat(metrics).contains("mesh_product_freshness_slo_seconds{domain=\"shop\",product=\"shop.product.orders.v1\"} 300.0");
            assertThat(metrics).contains("kafka_stream_");
        }
    }
}
