package io.datamesh.runtime.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.apps.sales.SalesDomain;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.sdk.Domain;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The query API of running {@code orders} and {@code sales} deployments, over HTTP: catalog, a key
 * as of a time, history, paged ranges, aggregates with DESIGN's July-2018 story, the OpenAPI
 * document, metrics, every kind of bad input, and a fuzz run that never gets a 5xx.
 */
class QueryApiTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant JUL_07 = Instant.parse("2018-07-07T15:00:00Z");
    static final Instant JUL_08_LUNCH = Instant.parse("2018-07-08T10:30:00Z");
    static final Instant JUL_08_DINNER = Instant.parse("2018-07-08T19:00:00Z");
    static final Instant JUL_10 = Instant.parse("2018-07-10T09:15:00Z");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Path state;
    static DomainRuntime orders;
    static DomainRuntime sales;
    static long binlog = 100;

    @BeforeAll
    static void deploy() throws Exception {
        state = Files.createTempDirectory("query-api");
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        orders = DomainRuntime.of(Domain.of(new OrdersDomain(), registry, true), settings("orders")).start();
        sales = DomainRuntime.of(Domain.of(new SalesDomain(), registry, true), settings("sales")).start();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerConfig(), new StringSerializer(), new StringSerializer())) {
            order(producer, "o1", "42", JUL_08_LUNCH, "25.50");
            order(producer, "o2", "42", JUL_08_DINNER, "25.50");
            order(producer, "o3", "7", JUL_08_DINNER, "34.00");
            line(producer, "c", "o1", 1, "42", 2, false, JUL_08_LUNCH, JUL_08_LUNCH);
            line(producer, "c", "o1", 2, "42", 1, false, JUL_08_LUNCH, JUL_08_LUNCH);
            line(producer, "c", "o2", 1, "42", 3, false, JUL_08_DINNER, JUL_08_DINNER);
            line(producer, "c", "o3", 1, "7", 4, false, JUL_08_DINNER, JUL_08_DINNER);
            for (int i = 0; i < 20; i++) {
                line(producer, "c", String.format("p%02d", i), 1, "99", 1, false, JUL_07, JUL_07);
            }
            line(producer, "u", "o1", 2, "42", 1, true, JUL_08_LUNCH, JUL_10); // the refund, recorded on the 10th
            producer.flush();
        }
        // Everything has flowed through both domains once the refund is in the day's bucket.
        awaitStatus(200, "/domains/sales/aggregates/pizzas-sold-by-day?group=42&from=2018-07-08&to=2018-07-09", sales,
                body -> body.path("buckets").path(0).path("value").path("pizzas").asLong() == 5);
        awaitStatus(200, "/domains/orders/views/order-lines-by-id/keys?limit=1000", orders, body -> body.path("items").size() == 24);
    }

    @AfterAll
    static void undeploy() throws Exception {
        if (sales != null) {
            sales.close();
        }
        if (orders != null) {
            orders.close();
        }
        try (var files = Files.walk(state)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theCatalogListsProductsSchemasViewsAndAggregates() throws Exception {
        JsonNode all = get(orders, "/domains").body;
        assertThat(all.isArray()).isTrue();
        assertThat(all.get(0).path("name").asText()).isEqualTo("orders");

        JsonNode domain = get(orders, "/domains/orders").body;
        assertThat(domain.path("owner").asText()).isEqualTo("team-orders@pizza.example");
        assertThat(domain.path("timeZone").asText()).isEqualTo("Europe/Rome");
        assertThat(domain.path("products").findValuesAsText("topic")).containsExactly("orders.product.orders.v1", "orders.product.order-lines.v1");
        JsonNode lines = domain.path("products").get(1);
        assertThat(lines.path("schema").path("type").asText()).isEqualTo("record");
        assertThat(lines.path("freshness").path("slo").asText()).isEqualTo("PT5M");
        assertThat(domain.path("views").findValuesAsText("name")).containsExactly("orders-by-id", "order-lines-by-id");

        JsonNode salesDomain = get(sales, "/domains/sales").body;
        assertThat(salesDomain.path("aggregates").get(0).path("name").asText()).isEqualTo("pizzas-sold-by-day");
        assertThat(salesDomain.path("aggregates").get(0).path("bucket").asText()).isEqualTo("DAY");
        assertThat(salesDomain.path("consumes").get(0).asText()).isEqualTo("orders.product.order-lines.v1");
    }

    @Test
    void aKeyAsOfATimeAnswersWhatWasKnownThen() throws Exception {
        // o1#2 was refunded on the 10th: as known on the 9th it was a sale, as known now a refund.
        Reply then = get(orders, "/domains/orders/views/order-lines-by-id/keys/o1%232?validAt=2018-07-08T12:00:00Z&knownAt=2018-07-09");
        assertThat(then.status).isEqualTo(200);
        JsonNode v = then.body.path("version");
        assertThat(v.path("key").asText()).isEqualTo("o1#2");
        assertThat(v.path("payload").path("refunded").asBoolean()).isFalse();
        assertThat(v.path("payload").path("unitPrice").asText()).isEqualTo("8.50");
        assertThat(v.path("recordedAt").asText()).isEqualTo(JUL_08_LUNCH.toString());
        assertThat(v.path("validFrom").asText()).isEqualTo(JUL_08_LUNCH.toString());
        assertThat(v.path("operation").asText()).isEqualTo("UPSERT");
        assertThat(v.path("contentHash").asText()).hasSize(64);
        assertThat(v.path("source").path("kind").asText()).isEqualTo("CDC");
        assertThat(then.body.path("knownAt").asText()).isEqualTo("2018-07-09T21:59:59.999Z"); // the end of the 9th in Rome
        assertThat(then.headers.firstValue(QueryService.SERVED_BY)).hasValue("active");

        Reply now = get(orders, "/domains/orders/views/order-lines-by-id/keys/o1%232");
        assertThat(now.body.path("version").path("payload").path("refunded").asBoolean()).isTrue();
        assertThat(now.body.path("version").path("recordedAt").asText()).isEqualTo(JUL_10.toString());
        assertThat(now.body.path("version").path("validFrom").asText()).isEqualTo(JUL_10.toString());
        // The refund took effect on the 10th: at lunch on the 8th the line was a sale, even as known now.
        Reply lunch = get(orders, "/domains/orders/views/order-lines-by-id/keys/o1%232?validAt=2018-07-08T12:00:00Z");
        assertThat(lunch.body.path("version").path("payload").path("refunded").asBoolean()).isFalse();

        Reply before = get(orders, "/domains/orders/views/order-lines-by-id/keys/o1%232?validAt=2018-07-01");
        assertThat(before.status).isEqualTo(404);
        assertThat(before.body.path("message").asText()).contains("no version valid at");

        JsonNode order = get(orders, "/domains/orders/views/orders-by-id/keys/o3").body.path("version").path("payload");
        assertThat(order.path("pizzeriaId").asText()).isEqualTo("7");
        assertThat(order.path("status").asText()).isEqualTo("PLACED");
        assertThat(order.path("total").asText()).isEqualTo("34.00");
    }

    @Test
    void historyInBothOrders() throws Exception {
        JsonNode valid = get(orders, "/domains/orders/views/order-lines-by-id/keys/o1%232/history").body;
        assertThat(valid.path("versions")).hasSize(2);
        JsonNode recorded = get(orders, "/domains/orders/views/order-lines-by-id/keys/o1%232/history?order=recorded").body;
        assertThat(recorded.path("versions").findValuesAsText("recordedAt")).containsExactly(JUL_08_LUNCH.toString(), JUL_10.toString());
        assertThat(get(orders, "/domains/orders/views/order-lines-by-id/keys/nobody/history").status).isEqualTo(404);
    }

    @Test
    void aRangeIsPagedWithAContinuationTokenInKeyOrder() throws Exception {
        List<String> keys = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            Reply page = get(orders, "/domains/orders/views/order-lines-by-id/keys?limit=7" + (next == null ? "" : "&page=" + next));
            assertThat(page.status).isEqualTo(200);
            page.body.path("items").forEach(i -> keys.add(i.path("key").asText()));
            next = page.body.path("next").isNull() ? null : page.body.path("next").asText();
            pages++;
        } while (next != null && pages < 10);
        assertThat(pages).isEqualTo(4);
        assertThat(keys).hasSize(24).isSorted().doesNotHaveDuplicates();

        List<String> from = new ArrayList<>();
        get(orders, "/domains/orders/views/order-lines-by-id/keys?from=o2&to=p03").body.path("items").forEach(i -> from.add(i.path("key").asText()));
        assertThat(from).containsExactly("o2#1", "o3#1", "p00#1", "p01#1", "p02#1");

        // As known on the 8th, the lines recorded on the 7th and 8th exist; nothing refunded yet.
        JsonNode early = get(orders, "/domains/orders/views/order-lines-by-id/keys?knownAt=2018-07-08&limit=100").body;
        assertThat(early.path("items")).hasSize(24);
        assertThat(early.path("items").findValues("refunded")).noneMatch(JsonNode::asBoolean);
        JsonNode beforeAll = get(orders, "/domains/orders/views/order-lines-by-id/keys?knownAt=2018-07-06").body;
        assertThat(beforeAll.path("items")).isEmpty();
        assertThat(beforeAll.path("next").isNull()).isTrue();
    }

    @Test
    void everyStoredVersionOfAPartitionIsListedAsStoredPageByPage() throws Exception {
        JsonNode catalog = get(orders, "/domains/orders").body;
        assertThat(catalog.path("products").findValuesAsText("raw")).containsExactly("orders.raw.orders", "orders.raw.order-lines");
        List<String> versions = new ArrayList<>();
        int partitions = 0;
        for (int p = 0; ; p++) {
            Reply first = get(orders, "/domains/orders/views/order-lines-by-id/partitions/" + p + "/versions?limit=3");
            if (first.status == 400) {
                assertThat(first.body.path("parameter").asText()).isEqualTo("partition");
                break;
            }
            partitions++;
            String next = null;
            int pages = 0;
            do {
                Reply page = next == null ? first : get(orders, "/domains/orders/views/order-lines-by-id/partitions/" + p + "/versions?limit=3&after=" + next);
                assertThat(page.status).isEqualTo(200);
                for (JsonNode item : page.body.path("items")) {
                    versions.add(item.path("key").asText() + "@" + item.path("recordedAt").asText());
                    // The record as the view stores it: Confluent's wire format, whose magic byte is 0.
                    assertThat(java.util.Base64.getDecoder().decode(item.path("record").asText())[0]).isZero();
                }
                next = page.body.path("next").isNull() ? null : page.body.path("next").asText();
                pages++;
            } while (next != null && pages < 20);
        }
        assertThat(partitions).isGreaterThan(1);
        // 24 lines, and the refund of o1#2 as a second version of it.
        assertThat(versions).hasSize(25).doesNotHaveDuplicates().contains("o1#2@" + JUL_08_LUNCH, "o1#2@" + JUL_10);
        expect400(orders, "/domains/orders/views/order-lines-by-id/partitions/x/versions", "partition");
        expect400(orders, "/domains/orders/views/order-lines-by-id/partitions/0/versions?after=" + token("nonsense"), "after");
        expect400(orders, "/domains/orders/views/order-lines-by-id/partitions/0/versions?limit=0", "limit");
    }

    @Test
    void theJuly2018StoryOverHttp() throws Exception {
        String day = "/domains/sales/aggregates/pizzas-sold-by-day?group=42&from=2018-07-08&to=2018-07-09";
        JsonNode asKnownOn9th = get(sales, day + "&knownAt=2018-07-09").body;
        assertThat(asKnownOn9th.path("buckets")).hasSize(1);
        JsonNode bucket = asKnownOn9th.path("buckets").get(0);
        assertThat(bucket.path("bucket").asText()).isEqualTo("2018-07-08");
        assertThat(bucket.path("start").asText()).isEqualTo("2018-07-07T22:00:00Z"); // midnight in Rome
        assertThat(bucket.path("value").path("pizzas").asLong()).isEqualTo(6);
        assertThat(bucket.path("value").path("revenue").asText()).isEqualTo("51.00");

        JsonNode asKnownNow = get(sales, day).body.path("buckets").get(0);
        assertThat(asKnownNow.path("value").path("pizzas").asLong()).isEqualTo(5);
        assertThat(asKnownNow.path("value").path("revenue").asText()).isEqualTo("42.50");
        assertThat(asKnownNow.path("recordedAt").asText()).isEqualTo(JUL_10.toString());

        JsonNode week = get(sales, "/domains/sales/aggregates/pizzas-sold-by-day?group=99&from=2018-07-01&to=2018-07-31").body;
        assertThat(week.path("buckets").findValuesAsText("bucket")).containsExactly("2018-07-07");
        assertThat(get(sales, day.replace("group=42", "group=nobody")).body.path("buckets")).isEmpty();
    }

    @Test
    void badInputIsAClearFourHundredNeverAFiveHundred() throws Exception {
        Reply unknownDomain = get(orders, "/domains/nope");
        assertThat(unknownDomain.status).isEqualTo(404);
        assertThat(unknownDomain.body.path("available").get(0).asText()).isEqualTo("orders");

        Reply unknownView = get(orders, "/domains/orders/views/nope/keys/o1");
        assertThat(unknownView.status).isEqualTo(404);
        assertThat(unknownView.body.path("available").toString()).contains("orders-by-id", "order-lines-by-id");

        Reply unknownAggregate = get(sales, "/domains/sales/aggregates/nope?group=42&from=2018-07-08&to=2018-07-09");
        assertThat(unknownAggregate.status).isEqualTo(404);
        assertThat(unknownAggregate.body.path("available").toString()).contains("pizzas-sold-by-day");

        expect400(orders, "/domains/orders/views/orders-by-id/keys/o1?validAt=yesterday", "validAt");
        expect400(orders, "/domains/orders/views/orders-by-id/keys/o1?knownAt=2018-13-45", "knownAt");
        expect400(orders, "/domains/orders/views/orders-by-id/keys/o1?knownAt=" + Instant.now().plus(Duration.ofDays(1)), "knownAt");
        expect400(orders, "/domains/orders/views/orders-by-id/keys/o1/history?order=sideways", "order");
        expect400(orders, "/domains/orders/views/orders-by-id/keys?limit=5000", "limit");
        expect400(orders, "/domains/orders/views/orders-by-id/keys?limit=ten", "limit");
        expect400(orders, "/domains/orders/views/orders-by-id/keys?page=not-a-token", "page");
        expect400(orders, "/domains/orders/views/orders-by-id/keys/" + "k".repeat(2000), "key");
        expect400(sales, "/domains/sales/aggregates/pizzas-sold-by-day?from=2018-07-08&to=2018-07-09", "group");
        expect400(sales, "/domains/sales/aggregates/pizzas-sold-by-day?group=42&from=2018-07-09&to=2018-07-08", "to");
        expect400(sales, "/domains/sales/aggregates/pizzas-sold-by-day?group=42&from=2015-01-01&to=2018-07-08", "to");
        expect400(sales, "/domains/sales/aggregates/pizzas-sold-by-day?group=42&to=2018-07-08", "from");

        Reply tooFar = get(sales, "/domains/sales/aggregates/pizzas-sold-by-day?group=42&from=2015-01-01&to=2018-07-08");
        assertThat(tooFar.body.path("message").asText()).contains("1000");
        Reply wrongMethod = send(orders, HttpRequest.newBuilder(URI.create(orders.httpUrl().orElseThrow() + "/domains"))
                .DELETE().build());
        assertThat(wrongMethod.status).isEqualTo(405);
        assertThat(wrongMethod.body.path("message").asText()).contains("read-only");
        Reply unparsable = get(orders, "//");
        assertThat(unparsable.status).isEqualTo(400);
        assertThat(unparsable.body.path("message").asText()).startsWith("malformed request path");
        Reply noRoute = get(orders, "/nowhere");
        assertThat(noRoute.status).isEqualTo(404);
        assertThat(noRoute.body.path("available").toString()).contains("/domains/{domain}/views/{view}/keys/{key}");
    }

    @Test
    void timesBeyondWhatAStoreHoldsAreRefusedNamingTheParameterAndTheRange() throws Exception {
        Instant first = Instant.ofEpochMilli(Long.MIN_VALUE);
        Instant last = Instant.ofEpochMilli(Long.MAX_VALUE);
        String key = "/domains/orders/views/order-lines-by-id/keys/o1%232";
        Reply farFuture = expect400(orders, key + "?validAt=" + encode("+300000000-01-01T00:00:00Z"), "validAt");
        assertThat(farFuture.body.path("message").asText()).contains(first.toString(), last.toString());
        expect400(orders, key + "?knownAt=" + encode("-999999999-01-01T00:00:00Z"), "knownAt");
        expect400(orders, key + "?validAt=" + encode(last.plusMillis(1)), "validAt");
        expect400(orders, key + "?validAt=" + encode(first.minusNanos(1)), "validAt");
        expect400(orders, key + "?validAt=" + encode("-999999999-01-01T00:00:00+18:00"), "validAt");
        expect400(orders, "/domains/orders/views/order-lines-by-id/keys?validAt=" + encode("+999999999-12-31T23:59:59.999999999Z"), "validAt");
        expect400(orders, "/domains/orders/views/order-lines-by-id/keys?knownAt=" + encode(first.minusMillis(1)), "knownAt");

        // At the limits a store holds, the question has an answer.
        assertThat(get(orders, key + "?validAt=" + encode(last)).body.path("version").path("payload").path("refunded").asBoolean()).isTrue();
        assertThat(get(orders, key + "?validAt=" + encode(last.plusNanos(999_999))).status).isEqualTo(200);
        assertThat(get(orders, key + "?validAt=" + encode(first)).status).isEqualTo(404);
        assertThat(get(orders, key + "?knownAt=" + encode(first)).status).isEqualTo(404);
        assertThat(get(orders, "/domains/orders/views/order-lines-by-id/keys?knownAt=" + encode(first)).body.path("items")).isEmpty();
        // A time is read to the millisecond it lies in: the line took effect at 10:30:00.000.
        Reply justAfter = get(orders, key + "?validAt=" + encode(JUL_08_LUNCH.plusNanos(1)));
        assertThat(justAfter.status).isEqualTo(200);
        assertThat(justAfter.body.path("validAt").asText()).isEqualTo(JUL_08_LUNCH.toString());
        assertThat(get(orders, key + "?validAt=" + encode(JUL_08_LUNCH.minusNanos(1))).status).isEqualTo(404);

        // Aggregates: buckets are labelled by four-digit years of the domain's zone.
        String day = "/domains/sales/aggregates/pizzas-sold-by-day?group=42";
        Reply longAgo = expect400(sales, day + "&from=" + encode("-999999999-01-01T00:00:00+18:00") + "&to=2018-07-09", "from");
        assertThat(longAgo.body.path("message").asText()).contains("0000-01-01", "9999-12-31", "Europe/Rome");
        expect400(sales, day + "&from=2018-07-08&to=" + encode("+999999999-12-31T23:59:59.999999999-18:00"), "to");
        expect400(sales, day + "&from=" + encode("-0001-12-31T00:00:00Z") + "&to=0000-01-02", "from");
        expect400(sales, day + "&from=" + encode(Instant.MIN) + "&to=" + encode(Instant.MAX), "from");
        expect400(sales, day + "&from=2018-07-08&to=2018-07-09&knownAt=" + encode("-999999999-01-01T00:00:00Z"), "knownAt");
        assertThat(get(sales, day + "&from=0000-01-01&to=0000-01-02").body.path("buckets")).isEmpty();
        assertThat(get(sales, day + "&from=9999-12-30&to=9999-12-31").body.path("buckets")).isEmpty();
        assertThat(get(sales, day + "&from=2018-07-08&to=2018-07-09&knownAt=" + encode(first)).body.path("buckets")).isEmpty();
        assertThat(get(sales, day + "&from=2018-07-08&to=2018-07-09&knownAt=" + encode(JUL_10.plusNanos(1)))
                .body.path("buckets").path(0).path("value").path("pizzas").asLong()).isEqualTo(5);
    }

    @Test
    void aPageTokenIsCheckedLikeTheQuestionItCarries() throws Exception {
        String range = "/domains/orders/views/order-lines-by-id/keys";
        Instant now = Instant.now();
        Reply future = expect400(orders, range + "?page=" + new QueryService.PageToken("o1", false, null, now,
                now.plus(Duration.ofDays(1))).encode(), "page");
        assertThat(future.body.path("message").asText()).contains("knownAt", "future");
        expect400(orders, range + "?page=" + new QueryService.PageToken("k".repeat(1025), false, null, now, now).encode(), "page");
        expect400(orders, range + "?page=" + new QueryService.PageToken("o1", true, "k".repeat(1025), now, now).encode(), "page");

        String genuine = get(orders, range + "?limit=2").body.path("next").asText();
        assertThat(get(orders, range + "?limit=2&page=" + genuine).status).isEqualTo(200);
        for (String garbled : List.of("not-a-token", genuine.substring(0, genuine.length() - 3), genuine + "A", "+" + genuine.substring(1),
                token("v2\0o1\0x\0\0" + now.toEpochMilli() + "\0" + "9223372036854775808"), token("v2\0o1\0y\0\0" + 1 + "\0" + 1),
                token("v2\0o1\0x\0\0" + 1 + "\0" + 1 + "\0" + 1), token("v9\0o1\0x\0\0" + 1 + "\0" + 1))) {
            expect400(orders, range + "?page=" + encode(garbled), "page");
        }
        // At the limits a store holds, a token's times are a question with an answer, as a plain request's.
        String edges = new QueryService.PageToken("", false, null, Instant.ofEpochMilli(Long.MAX_VALUE), Instant.ofEpochMilli(Long.MIN_VALUE)).encode();
        assertThat(get(orders, range + "?page=" + edges).body.path("items")).isEmpty();

        // Bounds with NUL and non-ASCII travel in the token unchanged: every page of [o1, p01#1\0) once, in order.
        List<String> keys = new ArrayList<>();
        String next = null;
        for (int pages = 0; pages < 10; pages++) {
            Reply page = get(orders, range + "?limit=2&" + (next == null ? "from=o1&to=" + encode("p01#1\0") : "page=" + next));
            assertThat(page.status).as("page %d", pages).isEqualTo(200);
            page.body.path("items").forEach(i -> keys.add(i.path("key").asText()));
            next = page.body.path("next").isNull() ? null : page.body.path("next").asText();
            if (next == null) {
                break;
            }
        }
        assertThat(keys).containsExactly("o1#1", "o1#2", "o2#1", "o3#1", "p00#1", "p01#1");
        Reply accented = get(orders, range + "?limit=1&from=" + encode("é".repeat(1024)) + "&to=" + encode("日".repeat(1024)));
        assertThat(accented.status).isEqualTo(200);
        assertThat(accented.body.path("items")).isEmpty();
    }

    @Test
    void longAndNonAsciiKeysAreAnsweredOrRefusedByName() throws Exception {
        String view = "/domains/orders/views/order-lines-by-id/keys/";
        for (String key : List.of("café", "日本", "😀", "é".repeat(1024), "日".repeat(1024), "😀".repeat(512), "k".repeat(1024))) {
            Reply r = get(orders, view + encode(key));
            assertThat(r.status).as(abbreviate(key)).isEqualTo(404);
            assertThat(r.body.path("key").asText()).isEqualTo(key);
            assertThat(get(orders, view + encode(key) + "/history").status).as(abbreviate(key)).isEqualTo(404);
        }
        for (String key : List.of("é".repeat(1025), "😀".repeat(513), "o1\0")) {
            expect400(orders, view + encode(key), "key");
            expect400(orders, view + encode(key) + "/history", "key");
        }
        expect400(sales, "/domains/sales/aggregates/pizzas-sold-by-day?from=2018-07-08&to=2018-07-09&group=" + encode("日".repeat(1025)), "group");
        Reply tooLong = get(orders, view + encode("日".repeat(4000))); // a request line of 36 KB: refused before any route
        assertThat(tooLong.status).isEqualTo(413);
        assertThat(tooLong.body.path("error").asText()).isEqualTo("too_large");
        assertThat(tooLong.body.path("message").asText()).contains("1024 characters");
        assertThat(get(sales, "/domains/sales/aggregates/pizzas-sold-by-day?from=2018-07-08&to=2018-07-09&group=" + encode("日".repeat(1024)))
                .body.path("buckets")).isEmpty();
    }

    @Test
    void theRouterAnswersForEveryDomainAtOneAddress() throws Exception {
        try (QueryRouter router = new QueryRouter(Map.of("orders", List.of(orders.httpUrl().orElseThrow()),
                "sales", List.of("http://127.0.0.1:1", sales.httpUrl().orElseThrow()))).start("127.0.0.1", 0)) {
            Reply all = get(router.url(), "/domains");
            List<String> names = new ArrayList<>();
            all.body.forEach(d -> names.add(d.path("name").asText()));
            assertThat(names).containsExactlyInAnyOrder("orders", "sales");
            Reply key = get(router.url(), "/domains/orders/views/order-lines-by-id/keys/o1%232?validAt=2018-07-08T12:00:00Z&knownAt=2018-07-09");
            assertThat(key.status).isEqualTo(200);
            assertThat(key.body.path("version").path("key").asText()).isEqualTo("o1#2");
            assertThat(key.headers.firstValue(QueryService.SERVED_BY)).hasValue("active");
            Reply day = get(router.url(), "/domains/sales/aggregates/pizzas-sold-by-day?group=42&from=2018-07-08&to=2018-07-09&knownAt=2018-07-09");
            assertThat(day.body.path("buckets").get(0).path("value").path("pizzas").asLong()).isEqualTo(6); // past a dead first address
            Reply unknown = get(router.url(), "/domains/nope/views/x/keys/y");
            assertThat(unknown.status).isEqualTo(404);
            assertThat(unknown.body.path("available").toString()).contains("orders", "sales");
            Reply badTime = get(router.url(), "/domains/orders/views/orders-by-id/keys/o1?knownAt=soon");
            assertThat(badTime.status).isEqualTo(400);
            assertThat(badTime.body.path("parameter").asText()).isEqualTo("knownAt");
            Reply beyond = get(router.url(), "/domains/orders/views/orders-by-id/keys/o1?validAt=" + encode("+300000000-01-01T00:00:00Z"));
            assertThat(beyond.status).isEqualTo(400);
            assertThat(beyond.body.path("parameter").asText()).isEqualTo("validAt");
            assertThat(get(router.url(), "/domains/orders/views/orders-by-id/keys/" + encode("日".repeat(1024))).status).isEqualTo(404);
            assertThat(get(router.url(), "/domains/orders/views/orders-by-id/keys/" + encode("日".repeat(4000))).status).isEqualTo(413);
        }
    }

    @Test
    void theOpenApiDocumentNamesEveryRouteAndMetricsTimeEachEndpoint() throws Exception {
        HttpResponse<String> doc = HTTP.send(HttpRequest.newBuilder(URI.create(orders.httpUrl().orElseThrow() + "/openapi.yml")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(doc.statusCode()).isEqualTo(200);
        for (String route : QueryErrors.ROUTES) {
            assertThat(doc.body()).contains("  " + route + ":");
        }
        get(orders, "/domains/orders/views/orders-by-id/keys/o1");
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(orders.httpUrl().orElseThrow() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("mesh_query_requests_seconds_bucket{caller=\"client\",route=\"/domains/{domain}/views/{view}/keys/{key}\","
                + "served_by=\"active\",status=\"200\"");
    }

    @Test
    void fuzzedRequestsAreAnsweredOrRefusedInJsonNeverWithAFiveHundred() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("QueryApiTest fuzz.seed=" + seed);
        QueryFuzz fuzz = new QueryFuzz(new Random(seed));
        List<String> wrong = new ArrayList<>();
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        int sent = 0;
        for (int i = 0; i < 1500 && wrong.size() < 10; i++) {
            QueryFuzz.Request r = fuzz.next();
            DomainRuntime target = r.domain().equals("orders") ? orders : sales;
            HttpResponse<String> answer;
            try {
                answer = HTTP.send(HttpRequest.newBuilder(URI.create(target.httpUrl().orElseThrow() + r.path())).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IllegalArgumentException e) {
                continue; // not a URI the client can send at all
            }
            sent++;
            statuses.merge(answer.statusCode(), 1, Integer::sum);
            String problem = fuzz.check(r, answer.statusCode(), answer.headers().firstValue("Content-Type").orElse(""), answer.body());
            if (problem != null) {
                wrong.add("GET " + r.domain() + " " + abbreviate(r.path()) + " -> " + problem);
            }
        }
        System.out.println("QueryApiTest fuzz.seed=" + seed + ": " + sent + " requests, by status " + statuses);
        assertThat(wrong).as("fuzz.seed=%d (rerun with -Dfuzz.seed=%d)", seed, seed).isEmpty();
        assertThat(sent).as("requests the client could send, fuzz.seed=%d", seed).isGreaterThan(1000);
    }

    // ---------------------------------------------------------------- helpers

    record Reply(int status, JsonNode body, java.net.http.HttpHeaders headers) {
    }

    static Reply get(DomainRuntime runtime, String path) throws Exception {
        return get(runtime.httpUrl().orElseThrow(), path);
    }

    static Reply get(String baseUrl, String path) throws Exception {
        return send(null, HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
    }

    static Reply send(DomainRuntime runtime, HttpRequest request) throws Exception {
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as(request.uri() + " answers JSON").startsWith("application/json");
        return new Reply(r.statusCode(), JSON.readTree(r.body()), r.headers());
    }

    static Reply expect400(DomainRuntime runtime, String path, String parameter) throws Exception {
        Reply r = get(runtime, path);
        assertThat(r.status).as(abbreviate(path)).isEqualTo(400);
        assertThat(r.body.path("parameter").asText()).as(abbreviate(path)).isEqualTo(parameter);
        assertThat(r.body.path("message").asText()).as(abbreviate(path)).isNotBlank();
        return r;
    }

    static String encode(Object value) {
        return QueryService.encode(String.valueOf(value));
    }

    /** A page token made by hand: base64url of the text, as the service encodes its own. */
    static String token(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static void awaitStatus(int status, String path, DomainRuntime runtime, java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Reply last = null;
        while (System.nanoTime() < deadline) {
            last = get(runtime, path);
            if (last.status == status && until.test(last.body)) {
                return;
            }
            Thread.sleep(200); // the domains are still processing
        }
        throw new AssertionError("no " + status + " answer that satisfies the condition for " + path + " within 120 s; last: "
                + (last == null ? "none" : last.status + " " + last.body));
    }

    static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + " characters)" : s;
    }

    static RuntimeSettings settings(String name) {
        return RuntimeSettings.builder(KAFKA.bootstrapServers(), state.resolve(name)).httpPort(0).build();
    }

    static void order(KafkaProducer<String, String> producer, String id, String pizzeria, Instant placedAt, String total) {
        String row = "{\"id\":\"" + id + "\",\"pizzeria_id\":\"" + pizzeria + "\",\"customer_id\":null,\"status\":\"placed\","
                + "\"placed_at\":\"" + placedAt + "\",\"total\":\"" + total + "\"}";
        send(producer, "orders.raw.orders", id, "{\"op\":\"c\",\"before\":null,\"after\":" + row + "}", placedAt);
    }

    static void line(KafkaProducer<String, String> producer, String op, String order, int lineNo, String pizzeria, int quantity,
                     boolean refunded, Instant placedAt, Instant recordedAt) {
        String row = "{\"order_id\":\"" + order + "\",\"line_no\":" + lineNo + ",\"pizzeria_id\":\"" + pizzeria + "\",\"product_id\":\"margherita\","
                + "\"quantity\":" + quantity + ",\"unit_price\":\"8.50\",\"placed_at\":\"" + placedAt + "\",\"refunded\":" + refunded
                + ",\"updated_at\":\"" + recordedAt + "\"}";
        send(producer, "orders.raw.order-lines", order, "{\"op\":\"" + op + "\",\"before\":null,\"after\":" + row + "}", recordedAt);
    }

    static void send(KafkaProducer<String, String> producer, String topic, String key, String value, Instant recordedAt) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, key, value);
        SourceHeaders.write(r.headers(), recordedAt, SourcePosition.cdc("orders-db", "mariadb-bin.000001", binlog++, 0, null));
        producer.send(r);
    }
}
