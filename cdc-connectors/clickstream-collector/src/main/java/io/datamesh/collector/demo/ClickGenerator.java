package io.datamesh.collector.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's web site and mobile apps: sessions of clicks posted to the collector over HTTP, as
 * real clients post them.
 *
 * <ul>
 *   <li>a web session sends each click on its own, as {@code navigator.sendBeacon} does ({@code text/plain}
 *       body), and sometimes the last ones as a small JSON batch;</li>
 *   <li>a mobile session sends all its clicks in one gzip-compressed batch, with its app's API key.</li>
 * </ul>
 *
 * A session browses the menu, often puts pizzas in the cart and sometimes checks out; about half are
 * of a logged-in user. Use {@link #start} to send a session at a fixed pace on a thread of its own,
 * or {@link #sendSession} from the caller's scheduler; {@link #close} stops it.
 */
public final class ClickGenerator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClickGenerator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PIZZAS = List.of("margherita", "marinara", "diavola", "capricciosa", "quattro-formaggi");
    private static final List<String> APPS = List.of("pizza-app-android", "pizza-app-ios");

    private final URI collect;
    private final Clock clock;
    private final Random random;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ScheduledExecutorService scheduler;

    /**
     * @param collectorUrl the collector's base URL, e.g. {@code http://127.0.0.1:8082}
     * @param random what sessions look like; seed it for a repeatable demo
     */
    public ClickGenerator(String collectorUrl, Clock clock, Random random) {
        this.collect = URI.create(Objects.requireNonNull(collectorUrl, "collectorUrl").replaceAll("/+$", "") + "/collect");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A generator on the system clock. */
    public static ClickGenerator to(String collectorUrl) {
        return new ClickGenerator(collectorUrl, Clock.systemUTC(), new Random());
    }

    /** Sends a session every {@code every} until {@link #close()}; failures are logged, the next session goes on. */
    public synchronized ClickGenerator start(Duration every) {
        if (scheduler != null) {
            throw new IllegalStateException("click generator already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "click-generator");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                sendSession();
            } catch (UncheckedIOException | IllegalStateException e) {
                log.warn("Click generator could not send a session to {}: {}", collect, e.getMessage());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Sends one session, web (two in three) or mobile.
     *
     * @return how many of its clicks the collector accepted
     */
    public int sendSession() {
        return random.nextInt(3) < 2 ? sendWebSession() : sendMobileSession();
    }

    /** A web session: each click as a beacon ({@code text/plain}), sometimes the last ones as one JSON batch. */
    public int sendWebSession() {
        List<ObjectNode> clicks = session("w-");
        int batchFrom = random.nextBoolean() ? clicks.size() : Math.max(1, clicks.size() - 2);
        int accepted = 0;
        for (int i = 0; i < batchFrom; i++) {
            accepted += send(request("text/plain;charset=UTF-8", bytes(clicks.get(i))).build());
        }
        if (batchFrom < clicks.size()) {
            accepted += send(request("application/json", bytes(JSON.createArrayNode().addAll(clicks.subList(batchFrom, clicks.size())))).build());
        }
        return accepted;
    }

    /** A mobile session: all its clicks in one gzip batch, with the app's API key. */
    public int sendMobileSession() {
        List<ObjectNode> clicks = session("m-");
        byte[] body = gzip(bytes(JSON.createArrayNode().addAll(clicks)));
        return send(request("application/json", body).header("Content-Encoding", "gzip")
                .header("X-Api-Key", APPS.get(random.nextInt(APPS.size()))).build());
    }

    /** The clicks of one session, a second or two apart, ending now. */
    private List<ObjectNode> session(String prefix) {
        String session = prefix + UUID.randomUUID();
        String user = random.nextBoolean() ? "u" + random.nextInt(1000) : null;
        List<ObjectNode> clicks = new ArrayList<>();
        clicks.add(pageView(session, user, "/", null));
        clicks.add(pageView(session, user, "/menu", "/"));
        int pizzas = random.nextInt(4);
        for (int i = 0; i < pizzas; i++) {
            String pizza = PIZZAS.get(random.nextInt(PIZZAS.size()));
            clicks.add(pageView(session, user, "/menu/" + pizza, "/menu"));
            clicks.add(click(session, user, "add_to_cart").put("product_id", pizza).put("quantity", 1 + random.nextInt(2)));
        }
        if (pizzas > 0 && random.nextInt(3) > 0) {
            clicks.add(click(session, user, "checkout").put("items", pizzas));
        }
        Instant end = clock.instant();
        for (int i = 0; i < clicks.size(); i++) {
            clicks.get(i).put("at", end.minusMillis((clicks.size() - 1 - i) * (1_000L + random.nextInt(1_000))).toString());
        }
        return clicks;
    }

    private ObjectNode pageView(String session, String user, String url, String referrer) {
        ObjectNode c = click(session, user, "page_view").put("url", url);
        return referrer == null ? c : c.put("referrer", referrer);
    }

    private static ObjectNode click(String session, String user, String type) {
        ObjectNode c = JSON.createObjectNode().put("click_id", "k-" + UUID.randomUUID()).put("session_id", session);
        if (user != null) {
            c.put("user_id", user);
        }
        return c.put("type", type);
    }

    private HttpRequest.Builder request(String contentType, byte[] body) {
        return HttpRequest.newBuilder(collect).timeout(Duration.ofSeconds(15)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** Posts; returns the number of clicks the collector says it accepted. */
    private int send(HttpRequest request) {
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot post clicks to " + collect, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while posting clicks", e);
        }
        if (r.statusCode() != 200) {
            log.warn("Collector answered status={} to a click request: {}", r.statusCode(), r.body());
            return 0;
        }
        try {
            JsonNode answer = JSON.readTree(r.body());
            return answer.path("accepted").asInt();
        } catch (IOException e) {
            throw new IllegalStateException("the collector's answer is not JSON: " + r.body(), e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 32);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
