package io.datamesh.runtime.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The query router in front of stand-in instances: it passes requests on over pooled keep-alive
 * connections, never holds its event loop while an instance thinks, and answers 503 with Retry-After
 * when no instance of a domain answers.
 */
class RouterTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void passesRequestsOnOverPooledKeptAliveConnections() throws Exception {
        try (FakeInstance instance = new FakeInstance(Duration.ofMillis(100), false);
             QueryRouter router = new QueryRouter(Map.of("orders", List.of(instance.url()))).start("127.0.0.1", 0)) {
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> r = get(router.url() + "/domains/orders/views/orders-by-id/keys/o" + i + "?knownAt=2018-07-09");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("{\"path\":\"/domains/orders/views/orders-by-id/keys/o" + i + "?knownAt=2018-07-09\"}");
                assertThat(r.headers().firstValue(QueryService.INSTANCE)).hasValue("fake:1");
            }
            assertThat(instance.connections()).as("one connection for requests one after another").isEqualTo(1);
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    burst.add(getAsync(router.url() + "/domains/orders/x/slow"));
                }
                for (CompletableFuture<HttpResponse<String>> r : burst) {
                    assertThat(r.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                }
            }
            assertThat(instance.connections()).as("at most one per concurrent request, kept for the next bursts").isLessThanOrEqualTo(7);
        }
    }

    @Test
    void aSlowInstanceDoesNotHoldUpRequestsForOthers() throws Exception {
        // More slow requests than the router has event-loop threads (two per core): were any of them
        // waiting on a thread, the fast request would queue behind them.
        int slow = Runtime.getRuntime().availableProcessors() * 2 + 2;
        try (FakeInstance sluggish = new FakeInstance(Duration.ofSeconds(3), false);
             FakeInstance quick = new FakeInstance(Duration.ZERO, false);
             QueryRouter router = new QueryRouter(Map.of("kitchen", List.of(sluggish.url()), "orders", List.of(quick.url())))
                     .start("127.0.0.1", 0)) {
            assertThat(get(router.url() + "/domains/orders/warm-up").statusCode()).isEqualTo(200);
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < slow; i++) {
                waiting.add(getAsync(router.url() + "/domains/kitchen/views/v/slow"));
            }
            Thread.sleep(300); // the slow requests reach the router and are passed on
            long start = System.nanoTime();
            HttpResponse<String> fast = get(router.url() + "/domains/orders/views/orders-by-id/keys/o1");
            assertThat(fast.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(waiting).noneMatch(CompletableFuture::isDone);
            for (CompletableFuture<HttpResponse<String>> r : waiting) {
                assertThat(r.get(15, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void aDomainWhoseInstancesAreGoneIsA503WithRetryAfter() throws Exception {
        FakeInstance instance = new FakeInstance(Duration.ZERO, false);
        try (QueryRouter router = new QueryRouter(Map.of("orders", List.of(instance.url()), "kitchen", List.of(closedPortUrl())))
                .start("127.0.0.1", 0)) {
            HttpResponse<String> never = get(router.url() + "/domains/kitchen/views/v/keys/k");
            assertThat(never.statusCode()).isEqualTo(503);
            assertThat(never.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(never.body()).contains("no instance of domain kitchen answers");

            assertThat(get(router.url() + "/domains/orders/views/v/keys/k").statusCode()).isEqualTo(200);
            instance.close(); // its pooled connection is now dead
            HttpResponse<String> gone = get(router.url() + "/domains/orders/views/v/keys/k");
            assertThat(gone.statusCode()).isEqualTo(503);
            assertThat(gone.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(gone.body()).contains("no instance of domain orders answers", instance.url());

            HttpResponse<String> catalog = get(router.url() + "/domains");
            assertThat(catalog.statusCode()).isEqualTo(200);
            assertThat(catalog.body()).contains("\"state\":\"UNREACHABLE\"");
        } finally {
            instance.close();
        }
    }

    private static String closedPortUrl() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private CompletableFuture<HttpResponse<String>> getAsync(String url) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
