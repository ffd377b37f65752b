package io.datamesh.runtime.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.runtime.query.QueryRouter;
import io.datamesh.sdk.ShopDomain;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Domains announce themselves: a router that was started first answers for a domain deployed later, and forgets it when it stops. */
class DomainDirectoryTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path state;

    @Test
    void aDomainStartedAfterTheRouterIsAnsweredThereAndGoneWhenItStops() throws Exception {
        try (DomainDirectory directory = DomainDirectory.start(KAFKA.bootstrapServers(), Clock.systemUTC());
             QueryRouter router = new QueryRouter(Map.of(), directory).start("127.0.0.1", 0)) {
            assertThat(get(router.url() + "/domains/shop").statusCode()).as("not deployed yet").isEqualTo(404);

            try (DomainRuntime shop = DomainRuntime.of(new ShopDomain(), RuntimeSettings.builder(KAFKA.bootstrapServers(), state)
                    .httpPort(0).build()).start()) {
                awaitTrue(() -> directory.liveDomains().containsKey("shop"));
                assertThat(directory.liveDomains().get("shop")).containsExactly(shop.httpUrl().orElseThrow());
                HttpResponse<String> catalog = get(router.url() + "/domains/shop");
                assertThat(catalog.statusCode()).isEqualTo(200);
                assertThat(catalog.body()).contains("\"name\":\"shop\"").contains("shop.product.orders.v1");
                assertThat(get(router.url() + "/domains").body()).contains("\"name\":\"shop\"");
                Announcement a = directory.announcements().get(0);
                assertThat(a.products()).contains("shop.product.orders.v1", "shop.product.pizzas-sold.v1");
                assertThat(a.views()).containsExactly("orders-by-id");
            }
            awaitTrue(() -> directory.announcements().isEmpty());
            assertThat(get(router.url() + "/domains/shop").statusCode()).as("withdrawn when it stopped").isEqualTo(404);
        }
    }

    @Test
    void anInstanceThatDiedWithoutWithdrawingShowsAsStopped() throws Exception {
        DomainDirectory.ensureTopic(KAFKA.bootstrapServers());
        Instant longAgo = Instant.now().minus(Duration.ofMinutes(5));
        Announcement dead = new Announcement("ghost", "127.0.0.1:1", "http://127.0.0.1:1", "team-ghost", List.of("ghost.product.boo.v1"),
                List.of(), List.of(), longAgo, longAgo);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KAFKA.producerConfig(), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(DomainDirectory.TOPIC, dead.key(), dead.toJson())).get(30, TimeUnit.SECONDS);
        }
        try (DomainDirectory directory = DomainDirectory.start(KAFKA.bootstrapServers(), Clock.systemUTC());
             QueryRouter router = new QueryRouter(Map.of(), directory).start("127.0.0.1", 0)) {
            assertThat(directory.liveDomains()).doesNotContainKey("ghost");
            assertThat(directory.stoppedDomains()).contains("ghost");
            assertThat(get(router.url() + "/domains").body()).contains("{\"name\":\"ghost\",\"state\":\"STOPPED\"}");
            HttpResponse<String> asked = get(router.url() + "/domains/ghost/views/x/keys/1");
            assertThat(asked.statusCode()).isEqualTo(503);
            assertThat(asked.body()).contains("domain ghost has stopped");
            assertThat(asked.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void theLiveDomainsAreOneSnapshotUntilAnAnnouncementArrivesOrGoesStale() throws Exception {
        DomainDirectory.ensureTopic(KAFKA.bootstrapServers());
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        MovableClock clock = new MovableClock(now);
        Announcement fresh = new Announcement("fresh", "127.0.0.1:2", "http://127.0.0.1:2", "team-fresh", List.of("fresh.product.a.v1"),
                List.of(), List.of(), now, now);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KAFKA.producerConfig(), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(DomainDirectory.TOPIC, fresh.key(), fresh.toJson())).get(30, TimeUnit.SECONDS);
            try (DomainDirectory directory = DomainDirectory.start(KAFKA.bootstrapServers(), clock)) {
                Map<String, List<String>> first = directory.liveDomains();
                assertThat(first).containsEntry("fresh", List.of("http://127.0.0.1:2"));
                clock.set(now.plus(DomainDirectory.STALE_AFTER));
                assertThat(directory.liveDomains()).as("nothing changed: the same snapshot").isSameAs(first);

                clock.set(now.plus(DomainDirectory.STALE_AFTER).plusMillis(1));
                assertThat(directory.liveDomains()).as("stale one millisecond later, though no record arrived").doesNotContainKey("fresh");

                Instant later = clock.instant();
                Announcement renewed = new Announcement("fresh", "127.0.0.1:2", "http://127.0.0.1:2", "team-fresh", List.of("fresh.product.a.v1"),
                        List.of(), List.of(), now, later);
                p.send(new ProducerRecord<>(DomainDirectory.TOPIC, renewed.key(), renewed.toJson())).get(30, TimeUnit.SECONDS);
                awaitTrue(() -> directory.liveDomains().containsKey("fresh"));
            } finally {
                p.send(new ProducerRecord<>(DomainDirectory.TOPIC, fresh.key(), null)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A clock the test moves by hand. */
    private static final class MovableClock extends Clock {

        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException("the test's clock has one zone");
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within 30 s").isLessThan(deadline);
            Thread.sleep(100); // polls an in-memory map the directory's reader fills
        }
    }
}
