package io.datamesh.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamesh.apps.clickstream.ClickstreamDomain;
import io.datamesh.collector.demo.ClickGenerator;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.schemas.clickstream.Click;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.sources.JsonRecord;
import io.datamesh.sources.Receipt;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import io.datamesh.topics.TopicNames;
import io.datamesh.topics.TopicSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code POST /collect} over HTTP, into a real Kafka broker; each test with a raw topic of its own. */
class CollectorTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ClickstreamCollector start(Map<String, Object> settings) {
        Map<String, Object> m = new HashMap<>(settings);
        m.put(CollectorConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        m.put(CollectorConfig.PORT, 0);
        m.put(CollectorConfig.RAW, "clicks-" + String.format("%08x", ThreadLocalRandom.current().nextInt()));
        return ClickstreamCollector.start(CollectorConfig.from(m), TopicSettings.defaults());
    }

    /** The receipts of the clicks {@code c} accepted, each checked to name a raw record of its click id. */
    static List<Receipt> receipts(String bootstrap, ClickstreamCollector c) {
        Map<String, ConsumerRecord<byte[], byte[]>> raw = new HashMap<>();
        KafkaTopics.readAll(bootstrap, c.config().topicName()).forEach(r -> raw.put(r.partition() + "@" + r.offset(), r));
        List<Receipt> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readAll(bootstrap, TopicNames.receipts(c.config().topic().domain()).value())) {
            Receipt receipt = Receipt.read(r);
            if (receipt.rawTopic().equals(c.config().topicName())) {
                ConsumerRecord<byte[], byte[]> named = raw.get(receipt.partition() + "@" + receipt.offset());
                assertThat(named).as("the raw record of %s", receipt).isNotNull();
                assertThat(SourceHeaders.position(named.headers(), null)).isEqualTo(receipt.source());
                out.add(receipt);
            }
        }
        return out;
    }

    static String click(String id, String session, String typeAndFields) {
        return "{\"click_id\":\"" + id + "\",\"session_id\":\"" + session + "\",\"at\":\"2026-12-01T19:00:00.250Z\"," + typeAndFields + "}";
    }

    static HttpResponse<String> post(ClickstreamCollector c, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(c.url() + "/collect")).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", contentType);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(ClickstreamCollector c, String json) throws Exception {
        return post(c, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return RequestBody.JSON.readTree(r.body());
    }

    private static List<String> statuses(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.get("results").forEach(r -> out.add(r.get("status").asText()));
        return out;
    }

    @Test
    void aBatchMixingGoodAndBadEventsIsAnsweredPerIndexAndOnlyTheGoodOnesAreStoredOnceKeyedBySession() throws Exception {
        try (ClickstreamCollector c = start(Map.of())) {
            String batch = "[" + String.join(",",
                    click("k1", "s1", "\"type\":\"page_view\",\"url\":\"/menu\""),
                    "{\"click_id\":\"k2\",\"at\":\"2026-12-01T19:00:01Z\",\"type\":\"page_view\",\"url\":\"/menu\"}",
                    click("k3", "s1", "\"type\":\"scroll\""),
                    click("k4", "s1", "\"type\":\"add_to_cart\",\"product_id\":\"margherita\",\"quantity\":2"),
                    "42",
                    click("k1", "s1", "\"type\":\"page_view\",\"url\":\"/menu\"")) + "]";
            Instant before = Instant.now();

            HttpResponse<String> r = post(c, batch);

            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode answer = json(r);
            assertThat(statuses(answer)).containsExactly("accepted", "rejected", "rejected", "accepted", "rejected", "duplicate");
            assertThat(answer.get("results").get(1).get("field").asText()).isEqualTo("session_id");
            assertThat(answer.get("results").get(1).get("reason").asText()).isEqualTo("required: the client's session");
            assertThat(answer.get("results").get(2).get("field").asText()).isEqualTo("type");
            assertThat(answer.get("results").get(4).get("reason").asText()).isEqualTo("an event is a JSON object, not a number");
            assertThat(answer.get("accepted").asInt()).isEqualTo(2);
            assertThat(answer.get("error").asText()).contains("3 of 6 events rejected");

            List<ConsumerRecord<byte[], byte[]>> raw = KafkaTopics.readAll(KAFKA.bootstrapServers(), c.config().topicName());
            assertThat(raw).hasSize(2);
            assertThat(raw).allSatisfy(rec -> {
                assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo("s1");
                SourcePosition p = SourceHeaders.position(rec.headers(), null);
                assertThat(p.kind()).isEqualTo(SourcePosition.Kind.CLICK);
                assertThat(p.source()).isEqualTo("collector");
                assertThat(SourceHeaders.recordedAt(rec.headers(), null)).isBetween(before, Instant.now());
            });
            assertThat(raw).extracting(rec -> SourceHeaders.position(rec.headers(), null).id()).containsExactlyInAnyOrder("k1", "k4");
            assertThat(receipts(KAFKA.bootstrapServers(), c)).as("a receipt for each accepted click, none for the rest")
                    .extracting(receipt -> receipt.source().id()).containsExactlyInAnyOrder("k1", "k4");
            assertThat(raw).filteredOn(rec -> SourceHeaders.position(rec.headers(), null).id().equals("k4")).singleElement()
                    .satisfies(rec -> assertThat(RequestBody.JSON.readTree(rec.value()))
                            .isEqualTo(RequestBody.JSON.readTree(click("k4", "s1", "\"type\":\"add_to_cart\",\"product_id\":\"margherita\",\"quantity\":2"))));

            // What the collector stores, the clickstream domain maps: no dead letters.
            try (DomainTestDriver domain = DomainTestDriver.of(new ClickstreamDomain())) {
                for (ConsumerRecord<byte[], byte[]> rec : raw) {
                    domain.pipeRaw("clickstream.raw.clicks", new String(rec.key(), StandardCharsets.UTF_8), JsonRecord.parse(new String(rec.value(), StandardCharsets.UTF_8)),
                            SourceHeaders.recordedAt(rec.headers(), null), SourceHeaders.position(rec.headers(), null));
                }
                List<ProductRecord<Click>> clicks = domain.readProduct("clickstream.product.clicks.v1");
                assertThat(clicks).extracting(ProductRecord::key).containsExactlyInAnyOrder("k1", "k4");
                assertThat(domain.readDeadLetters()).isEmpty();
            }
        }
    }

    @Test
    void theSameBatchSentAgainIsAnsweredDuplicateAndStoresNothingTwice() throws Exception {
        try (ClickstreamCollector c = start(Map.of())) {
            String batch = IntStream.range(0, 20).mapToObj(i -> click("r" + i, "s" + i % 3, "\"type\":\"page_view\",\"url\":\"/p/" + i + "\""))
                    .collect(Collectors.joining(",", "[", "]"));

            HttpResponse<String> first = post(c, batch);
            HttpResponse<String> again = post(c, batch);

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(statuses(json(first))).containsOnly("accepted").hasSize(20);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(statuses(json(again))).containsOnly("duplicate").hasSize(20);
            assertThat(json(again).get("duplicates").asInt()).isEqualTo(20);
            assertThat(KafkaTopics.readAll(KAFKA.bootstrapServers(), c.config().topicName())).hasSize(20);
            assertThat(receipts(KAFKA.bootstrapServers(), c)).as("one receipt per click id, not one per answer").hasSize(20);
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(c.url() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("mesh_collector_events_accepted_total{collector=\"collector\"} 20.0")
                    .contains("mesh_collector_events_duplicates_total{collector=\"collector\"} 20.0")
                    .contains("mesh_collector_requests_seconds_count{collector=\"collector\",method=\"POST\",route=\"/collect\",status=\"200\"} 2");
        }
    }

    @Test
    void tooLargeIs413NamingTheLimit() throws Exception {
        try (ClickstreamCollector c = start(Map.of(CollectorConfig.MAX_REQUEST_BYTES, 64 * 1024, CollectorConfig.MAX_BATCH_EVENTS, 10))) {
            String huge = "[" + click("big", "s1", "\"type\":\"page_view\",\"url\":\"/" + "x".repeat(70 * 1024) + "\"") + "]";
            HttpResponse<String> tooManyBytes = post(c, huge);
            assertThat(tooManyBytes.statusCode()).isEqualTo(413);
            assertThat(json(tooManyBytes).get("error").asText()).contains("65536 bytes");

            String eleven = IntStream.range(0, 11).mapToObj(i -> click("e" + i, "s", "\"type\":\"checkout\"")).collect(Collectors.joining(",", "[", "]"));
            HttpResponse<String> tooManyEvents = post(c, eleven);
            assertThat(tooManyEvents.statusCode()).isEqualTo(413);
            assertThat(json(tooManyEvents).get("error").asText()).isEqualTo("the batch has 11 events; the limit is 10 events per request: split it");

            byte[] bomb = gzip(("[" + click("z", "s1", "\"type\":\"page_view\",\"url\":\"/" + " ".repeat(200 * 1024) + "\"") + "]")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(bomb.length).isLessThan(64 * 1024);
            HttpResponse<String> unpacked = post(c, "application/json", bomb, "Content-Encoding", "gzip");
            assertThat(unpacked.statusCode()).isEqualTo(413);
            assertThat(json(unpacked).get("error").asText()).contains("once gzip is undone").contains("65536 bytes");
            assertThat(KafkaTopics.readAll(KAFKA.bootstrapServers(), c.config().topicName())).isEmpty();
        }
    }

    @Test
    void aBodyThatIsNotJsonIs400WithAJsonErrorAndNoStackTrace() throws Exception {
        try (ClickstreamCollector c = start(Map.of())) {
            for (String body : List.of("click_id=k1&session_id=s1", "{\"click_id\":", "\"a text\"", "[]", "", "{} {}")) {
                HttpResponse<String> r = post(c, body);
                assertThat(r.statusCode()).as(body).isEqualTo(400);
                assertThat(json(r).get("error").asText()).as(body).doesNotContain("Exception").doesNotContain("\tat ");
            }
            assertThat(json(post(c, "{\"click_id\":")).get("error").asText()).startsWith("the body is not JSON");
            HttpResponse<String> xml = post(c, "application/xml", "<click/>".getBytes(StandardCharsets.UTF_8));
            assertThat(xml.statusCode()).isEqualTo(415);
            assertThat(json(xml).get("error").asText()).contains("application/json");
            HttpResponse<String> nowhere = HTTP.send(HttpRequest.newBuilder(URI.create(c.url() + "/clicks")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(nowhere.statusCode()).isEqualTo(404);
            assertThat(json(nowhere).get("error").asText()).contains("POST /collect");
        }
    }

    @Test
    void gzipAndTextPlainBodiesAreAcceptedAndOtherEncodingsAreNot() throws Exception {
        try (ClickstreamCollector c = start(Map.of())) {
            byte[] gzipped = gzip(("[" + click("g1", "m1", "\"type\":\"page_view\",\"url\":\"app://menu\"") + ","
                    + click("g2", "m1", "\"type\":\"checkout\",\"order_id\":\"o7\",\"items\":2") + "]").getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> mobile = post(c, "application/json", gzipped, "Content-Encoding", "gzip");
            assertThat(mobile.statusCode()).isEqualTo(200);
            assertThat(statuses(json(mobile))).containsExactly("accepted", "accepted");

            HttpResponse<String> beacon = post(c, "text/plain;charset=UTF-8",
                    click("b1", "w1", "\"type\":\"page_view\",\"url\":\"/menu\"").getBytes(StandardCharsets.UTF_8));
            assertThat(beacon.statusCode()).isEqualTo(200);
            assertThat(statuses(json(beacon))).containsExactly("accepted");

            HttpResponse<String> brotli = post(c, "application/json", new byte[] {1, 2, 3}, "Content-Encoding", "br");
            assertThat(brotli.statusCode()).isEqualTo(415);
            assertThat(json(brotli).get("error").asText()).contains("send gzip");
            HttpResponse<String> notGzip = post(c, "application/json", "{}".getBytes(StandardCharsets.UTF_8), "Content-Encoding", "gzip");
            assertThat(notGzip.statusCode()).isEqualTo(400);
            assertThat(KafkaTopics.readAll(KAFKA.bootstrapServers(), c.config().topicName())).hasSize(3);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void anEncodingItCannotUndoIs415EveryTimeAndCostsTheCollectorNothing() throws Exception {
        // Once in a few runs, a body in an encoding Micronaut does not undo made its request flow grow without end.
        try (ClickstreamCollector c = start(Map.of())) {
            for (int i = 0; i < 300; i++) {
                HttpResponse<String> brotli = post(c, "application/json", new byte[] {1, 2, 3}, "Content-Encoding", "br");
                assertThat(brotli.statusCode()).as("request %d", i).isEqualTo(415);
                assertThat(json(brotli).get("error").asText()).contains("send gzip");
            }
        }
    }

    @Test
    void overTheRateLimitIs429WithRetryAfterPerClient() throws Exception {
        try (ClickstreamCollector c = start(Map.of(CollectorConfig.RATE_LIMIT, 0.2, CollectorConfig.RATE_LIMIT_BURST, 2))) {
            String one = click("l1", "s1", "\"type\":\"checkout\"");
            assertThat(post(c, one).statusCode()).isEqualTo(200);
            assertThat(post(c, one).statusCode()).isEqualTo(200);

            HttpResponse<String> third = post(c, one);

            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(json(third).get("error").asText()).contains("rate limit");
            assertThat(post(c, "application/json", one.getBytes(StandardCharsets.UTF_8), "X-Api-Key", "mobile-app").statusCode())
                    .as("another client, by its API key").isEqualTo(200);
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(c.url() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("mesh_collector_throttled_total{collector=\"collector\"} 1.0");
        }
    }

    @Test
    void browsersOfAllowedOriginsMayPostAndOthersMayNot() throws Exception {
        try (ClickstreamCollector c = start(Map.of(CollectorConfig.ALLOWED_ORIGINS, "https://www.pizza.example"))) {
            HttpResponse<String> allowed = preflight(c, "https://www.pizza.example");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://www.pizza.example");
            HttpResponse<String> other = preflight(c, "https://evil.example");
            assertThat(other.statusCode()).as("no preflight answer for another origin").isGreaterThanOrEqualTo(400);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).as("so its browser does not post").isEmpty();
            HttpResponse<String> post = post(c, "text/plain", click("c1", "s1", "\"type\":\"checkout\"").getBytes(StandardCharsets.UTF_8),
                    "Origin", "https://www.pizza.example");
            assertThat(post.statusCode()).isEqualTo(200);
            assertThat(post.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://www.pizza.example");
        }
    }

    @Test
    void healthReadyAndMetricsAnswer() throws Exception {
        try (ClickstreamCollector c = start(Map.of())) {
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(c.url() + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .isEqualTo("{\"status\":\"UP\"}");
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(c.url() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            post(c, click("m1", "s1", "\"type\":\"scroll\""));
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(c.url() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .contains("mesh_collector_events_rejected_total{collector=\"collector\",reason=\"invalid\"} 1.0");
        }
    }

    @Test
    void theDemosClickGeneratorPostsWebAndMobileSessionsThatTheDomainMaps() throws Exception {
        try (ClickstreamCollector c = start(Map.of());
             ClickGenerator generator = new ClickGenerator(c.url(), java.time.Clock.systemUTC(), new java.util.Random(7))) {
            int accepted = generator.sendWebSession() + generator.sendMobileSession();
            for (int i = 0; i < 5; i++) {
                accepted += generator.sendSession();
            }

            List<ConsumerRecord<byte[], byte[]>> raw = KafkaTopics.readAll(KAFKA.bootstrapServers(), c.config().topicName());
            assertThat(raw).hasSize(accepted).hasSizeGreaterThan(7 * 2);
            assertThat(raw).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).anyMatch(k -> k.startsWith("w-"))
                    .anyMatch(k -> k.startsWith("m-"));
            try (DomainTestDriver domain = DomainTestDriver.of(new ClickstreamDomain())) {
                for (ConsumerRecord<byte[], byte[]> rec : raw) {
                    domain.pipeRaw("clickstream.raw.clicks", new String(rec.key(), StandardCharsets.UTF_8), JsonRecord.parse(new String(rec.value(), StandardCharsets.UTF_8)),
                            SourceHeaders.recordedAt(rec.headers(), null), SourceHeaders.position(rec.headers(), null));
                }
                assertThat(domain.<Click>readProduct("clickstream.product.clicks.v1")).hasSize(accepted);
                assertThat(domain.readDeadLetters()).isEmpty();
            }
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(c.url() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).doesNotContain("mesh_collector_events_rejected_total");
        }
    }

    private static HttpResponse<String> preflight(ClickstreamCollector c, String origin) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(c.url() + "/collect")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
    }

    static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }
}
