package io.datamesh.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.bitemporal.BitemporalView;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.runtime.directory.DomainDirectory;
import io.datamesh.runtime.query.QueryRouter;
import io.datamesh.runtime.query.QueryService;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * B8: the query API's {@code asOf} latency with two concurrent clients. Two instances of the orders
 * domain (A and B) run in this JVM with 2,000 orders in their view. Modes: in-process {@code asOf}
 * on A's store (the baseline), HTTP to A for keys A owns (local), and HTTP to A for keys B owns
 * (A forwards to B); {@code GET /health} on A (our server's floor); and the machine's HTTP floor, a
 * bare Netty server with a fixed body asked the same way ({@link NettyFloorServer}). Each HTTP mode
 * runs with the JDK's client and again with wrk's way of asking ({@link Client}). The benches, and
 * {@link QueryLoadBench}, share one deployment.
 */
final class QueryBench implements Bench {

    enum Mode { IN_PROCESS, HTTP_LOCAL, HTTP_FORWARDED, HTTP_FLOOR, HTTP_NETTY_FLOOR }

    /**
     * Who asks over HTTP: the JDK's {@code HttpClient}, as a Java user would (its own selector thread and
     * executor), or {@link BlockingHttpClient}, wrk's way (the measuring thread reads the socket), which
     * adds next to nothing and so shows what the server itself costs, p99 included.
     */
    enum Client { JDK, BLOCKING }

    private static final int ORDERS = 2_000;
    private static final int CLIENTS = 2;
    private static Deployment deployment;
    private static int users;

    private final Mode mode;
    private final Client client;
    private NettyFloorServer netty;
    private int lookups;
    private final Random random = new Random(8);

    QueryBench(Mode mode) {
        this(mode, Client.JDK);
    }

    QueryBench(Mode mode, Client client) {
        this.mode = mode;
        this.client = mode == Mode.IN_PROCESS ? Client.JDK : client;
    }

    @Override
    public String name() {
        String name = switch (mode) {
            case IN_PROCESS -> "query-in-process";
            case HTTP_LOCAL -> "query-http-local";
            case HTTP_FORWARDED -> "query-http-forwarded";
            case HTTP_FLOOR -> "query-http-floor";
            case HTTP_NETTY_FLOOR -> "query-http-netty-floor";
        };
        return client == Client.BLOCKING ? name + "-wrk" : name;
    }

    @Override
    public void setUp(BenchContext context) throws Exception {
        lookups = context.scale(4_000);
        if (mode == Mode.HTTP_NETTY_FLOOR) {
            netty = new NettyFloorServer();
        } else {
            deployment(context);
        }
    }

    /** The shared deployment, started by its first user. */
    static Deployment deployment(BenchContext context) throws Exception {
        synchronized (QueryBench.class) {
            if (deployment == null) {
                deployment = new Deployment(context);
            }
            users++;
            return deployment;
        }
    }

    /** Stops the shared deployment when its last user is done. */
    static void release() throws Exception {
        synchronized (QueryBench.class) {
            if (--users == 0 && deployment != null) {
                deployment.close();
                deployment = null;
            }
        }
    }

    @Override
    public Sample runOnce() throws Exception {
        List<String> keys = mode == Mode.HTTP_NETTY_FLOOR ? List.of("-") : mode == Mode.HTTP_FORWARDED ? deployment.keysOfB : deployment.keysOfA;
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            long cpuBefore = ServerCpu.nanos();
            List<Future<long[]>> parts = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                long seed = random.nextLong();
                parts.add(clients.submit(() -> measure(keys, lookups / CLIENTS, new Random(seed))));
            }
            long[] all = new long[0];
            for (Future<long[]> f : parts) {
                long[] part = f.get();
                long[] merged = Arrays.copyOf(all, all.length + part.length);
                System.arraycopy(part, 0, merged, all.length, part.length);
                all = merged;
            }
            long serverCpu = ServerCpu.nanos() - cpuBefore;
            Arrays.sort(all);
            return new Sample(Map.of("p50 µs", all[all.length / 2] / 1e3, "p99 µs", all[(int) (all.length * 0.99)] / 1e3,
                    "server CPU µs/req", serverCpu / 1e3 / all.length));
        } finally {
            clients.shutdownNow();
        }
    }

    private long[] measure(List<String> keys, int n, Random r) throws Exception {
        long[] nanos = new long[n];
        HttpClient http = client == Client.JDK ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build() : null;
        BitemporalView<ProductRecord<Object>> view = mode == Mode.IN_PROCESS ? deployment.a.view(OrdersDomain.ORDERS_BY_ID) : null;
        String base = mode == Mode.IN_PROCESS ? null : mode == Mode.HTTP_NETTY_FLOOR ? netty.url() : deployment.aUrl;
        try (BlockingHttpClient blocking = client == Client.BLOCKING ? new BlockingHttpClient(base) : null) {
            for (int i = 0; i < n; i++) {
                String key = keys.get(r.nextInt(keys.size()));
                long start = System.nanoTime();
                if (view != null) {
                    if (view.asOf(key, Instant.now(), Instant.now()).isEmpty()) {
                        throw new IllegalStateException("no version of " + key);
                    }
                } else {
                    String path = mode == Mode.HTTP_FLOOR || mode == Mode.HTTP_NETTY_FLOOR ? "/health" : "/domains/orders/views/orders-by-id/keys/" + key;
                    int status;
                    String body;
                    if (blocking == null) {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        status = response.statusCode();
                        body = response.body();
                    } else {
                        BlockingHttpClient.Answer a = blocking.get(path);
                        status = a.status();
                        body = a.body();
                    }
                    if (status != 200) {
                        throw new IllegalStateException(key + " answered " + status + ": " + body);
                    }
                }
                nanos[i] = System.nanoTime() - start;
            }
        }
        return nanos;
    }

    @Override
    public void tearDown() throws Exception {
        if (netty != null) {
            netty.close();
            netty = null;
        } else {
            release();
        }
    }

    /**
     * Orders deployed twice (A and B), fed, with the keys each owns; and the query router in front of them
     * as {@code make run} starts it (A given by hand, both announced on the cluster).
     */
    static final class Deployment implements AutoCloseable {
        final Path state;
        final DomainRuntime a;
        final DomainRuntime b;
        final String aUrl;
        final DomainDirectory directory;
        final QueryRouter router;
        final List<String> keysOfA = new ArrayList<>();
        final List<String> keysOfB = new ArrayList<>();

        Deployment(BenchContext context) throws Exception {
            state = Files.createTempDirectory("bench-query-");
            InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
            String bootstrap = context.kafka().bootstrapServers();
            a = DomainRuntime.of(Domain.of(new OrdersDomain(), registry, true),
                    RuntimeSettings.builder(bootstrap, state.resolve("a")).httpPort(0).build()).start();
            b = DomainRuntime.of(Domain.of(new OrdersDomain(), registry, true),
                    RuntimeSettings.builder(bootstrap, state.resolve("b")).httpPort(0).build()).start();
            aUrl = a.httpUrl().orElseThrow();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(context.kafka().producerConfig(),
                    new StringSerializer(), new StringSerializer())) {
                Instant t = Instant.parse("2018-07-08T10:00:00Z");
                for (int i = 0; i < ORDERS; i++) {
                    String row = "{\"id\":\"o" + i + "\",\"pizzeria_id\":\"42\",\"customer_id\":null,\"status\":\"placed\","
                            + "\"placed_at\":\"" + t.plusSeconds(i) + "\",\"total\":\"12.50\"}";
                    ProducerRecord<String, String> r = new ProducerRecord<>("orders.raw.orders", "o" + i,
                            "{\"op\":\"c\",\"before\":null,\"after\":" + row + "}");
                    SourceHeaders.write(r.headers(), t.plusSeconds(i), SourcePosition.cdc("bench-db", "bin.000001", i, 0, null));
                    producer.send(r);
                }
                producer.flush();
            }
            String aInstance = a.applicationServer().orElseThrow().host() + ":" + a.applicationServer().orElseThrow().port();
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            for (int i = 0; i < ORDERS; i++) {
                while (true) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(aUrl + "/domains/orders/views/orders-by-id/keys/o" + i)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        (aInstance.equals(r.headers().firstValue(QueryService.INSTANCE).orElse("")) ? keysOfA : keysOfB).add("o" + i);
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("order o" + i + " not queryable after 180 s: " + r.statusCode() + " " + r.body());
                    }
                    Thread.sleep(100); // still flowing through the domain
                }
            }
            if (keysOfA.isEmpty() || keysOfB.isEmpty()) {
                throw new IllegalStateException("both instances must own keys: A " + keysOfA.size() + ", B " + keysOfB.size());
            }
            directory = DomainDirectory.start(bootstrap, java.time.Clock.systemUTC());
            router = new QueryRouter(Map.of("orders", List.of(aUrl)), directory).start("127.0.0.1", 0);
        }

        @Override
        public void close() throws Exception {
            router.close();
            directory.close();
            b.close();
            a.close();
            try (var paths = Files.walk(state)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
