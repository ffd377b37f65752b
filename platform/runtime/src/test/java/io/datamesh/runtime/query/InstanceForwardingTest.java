package io.datamesh.runtime.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.sdk.ShopDomain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance asked for keys another instance owns passes them on and goes on serving: many requests
 * waiting on a slow owner (more than the instance has event-loop threads) do not hold up the next one.
 * The owner here is instance B as Kafka Streams knows it, whose advertised address is a stand-in that
 * answers after three seconds.
 */
class InstanceForwardingTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path state;

    @Test
    void requestsWaitingOnASlowOwnerDoNotHoldUpTheInstanceAsked() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (FakeInstance slowOwner = new FakeInstance(Duration.ofSeconds(3), false);
             DomainRuntime a = DomainRuntime.of(new ShopDomain(), RuntimeSettings.builder(KAFKA.bootstrapServers(), state.resolve("a"))
                     .httpPort(0).build()).start();
             DomainRuntime b = DomainRuntime.of(new ShopDomain(), RuntimeSettings.builder(KAFKA.bootstrapServers(), state.resolve("b"))
                     .httpPort(0).applicationServer(slowOwner.url().substring("http://".length())).build()).start()) {
            awaitTrue(() -> !a.activePartitions().isEmpty() && !b.activePartitions().isEmpty());
            String base = a.httpUrl().orElseThrow() + "/domains/shop/views/orders-by-id/keys/";
            // Keys named slow…: those B owns go to the stand-in and wait there; those A owns answer at once (404, no data).
            awaitTrue(() -> get(client, base + "probe").statusCode() != 503); // the group has settled
            List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                slow.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "slow-" + i)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
            }
            Thread.sleep(500); // they reach A, which passes B's on
            long waiting = slow.stream().filter(f -> !f.isDone()).count();
            assertThat(waiting).as("requests waiting on the slow owner: more than A has event-loop threads")
                    .isGreaterThan(Runtime.getRuntime().availableProcessors() * 2L);
            long start = System.nanoTime();
            HttpResponse<String> next = get(client, base + "fast-1");
            assertThat(next.statusCode()).isIn(200, 404);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(slow.stream().filter(f -> !f.isDone()).count()).as("the slow ones still wait").isGreaterThan(0);
            for (CompletableFuture<HttpResponse<String>> f : slow) {
                HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isIn(200, 404);
                if (r.statusCode() == 200) {
                    assertThat(r.body()).startsWith("{\"path\":\"/domains/shop/views/orders-by-id/keys/slow-");
                }
            }
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within 90 s").isLessThan(deadline);
            Thread.sleep(100); // polls the instances' own state
        }
    }
}
