package io.datamesh.bench;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.apps.orders.OrdersTables;
import io.datamesh.cdc.debezium.Capture;
import io.datamesh.cdc.debezium.CaptureConfig;
import io.datamesh.cdc.debezium.CaptureStatus;
import io.datamesh.mariadb.embedded.EmbeddedMariaDb;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * B5.5 and B5.6: how long a committed row takes to reach the domain's raw topic, and to be answered
 * by the query API, at 1,000 rows/s. One deployment for the whole run, as {@code make run} wires it:
 * a database with the demo's orders tables on the private MariaDB, its capture (platform defaults), and
 * the orders domain deployed by the runtime (exactly-once, view {@code orders-by-id}), under a name of
 * its own. Each repetition commits new orders, one a transaction, paced at 1,000 a second, each handed to a
 * free one of eight writer connections, and takes each commit's time in the client once the commit returned.
 *
 * <p>Arrival in the raw topic is when a consumer of it in this JVM receives the record. The answer is
 * when a client polling the view's key range over HTTP ({@code GET .../views/orders-by-id/keys?from=},
 * from the oldest order not yet answered, every 10 ms) first finds the order: every order is measured,
 * with a resolution of the poll interval. Metrics: p50/p99 of both in ms, and the rate achieved.
 */
final class CommitLatencyBench implements Bench {

    static final int RATE = 1_000;
    private static final String DATABASE = "bench_latency";
    private static final String DOMAIN = "bench-latency";
    private static final int WRITERS = 8;
    private static final Duration POLL = Duration.ofMillis(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchContext context;
    private EmbeddedMariaDb db;
    private Capture capture;
    private DomainRuntime runtime;
    private Path state;
    private String viewUrl;
    private KafkaConsumer<String, String> consumer;
    private Thread consumerThread;
    private volatile Window window;
    private int rows;
    private int next;

    /** The orders of one repetition: index {@code i} is order {@code key(first + i)}; times from {@link System#nanoTime()}. */
    private record Window(int first, int n, AtomicLongArray committed, AtomicLongArray arrived, AtomicLongArray answered,
                          java.util.concurrent.atomic.AtomicLong polled) {
        Window(int first, int n) {
            this(first, n, new AtomicLongArray(n), new AtomicLongArray(n), new AtomicLongArray(n), new java.util.concurrent.atomic.AtomicLong());
        }

        int index(String key) {
            if (key.length() != 10 || key.charAt(0) != 'l') {
                return -1;
            }
            int i = Integer.parseInt(key.substring(1)) - first;
            return i >= 0 && i < n ? i : -1;
        }
    }

    /** The orders domain as its team wrote it, under a name no other bench uses. */
    private record Renamed(DomainDefinition domain, String name) implements DomainDefinition {
        @Override
        public void define(Domain d) {
            domain.define(d);
        }
    }

    @Override
    public String name() {
        return "commit-latency";
    }

    @Override
    public void setUp(BenchContext context) throws Exception {
        this.context = context;
        this.rows = context.scale(4 * RATE);
        db = SourceDatabase.acquire();
        SourceDatabase.createDatabase(db, DATABASE);
        db.execute("USE " + DATABASE, OrdersTables.ORDERS.create("orders"), OrdersTables.ORDER_LINES.create("order_lines"));
        String bootstrap = context.kafka().bootstrapServers();
        CaptureConfig config = SourceDatabase.capture(db, bootstrap, DOMAIN, DATABASE, "orders,order_lines");
        capture = Capture.start(config);
        state = Files.createTempDirectory("bench-latency-");
        runtime = DomainRuntime.of(Domain.of(new Renamed(new OrdersDomain(), DOMAIN), new InMemorySchemaRegistryClient(), true),
                RuntimeSettings.builder(bootstrap, state).httpPort(0).build()).start();
        viewUrl = runtime.httpUrl().orElseThrow() + "/domains/" + DOMAIN + "/views/" + OrdersDomain.ORDERS_BY_ID + "/keys";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (capture.status().state() != CaptureStatus.State.STREAMING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("capture of " + DATABASE + " not streaming after 60 s: " + capture.status());
            }
            Thread.sleep(20);
        }
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(),
                new StringDeserializer());
        String topic = config.rawTopic("orders").value();
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        consumerThread = new Thread(this::consume, "bench-latency-raw-consumer");
        consumerThread.start();
    }

    /** Takes each raw record's arrival; keys are Debezium's {@code {"id":"l000000042"}}. */
    private void consume() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    Window w = window;
                    String key = r.key();
                    int at = key.indexOf("\"l");
                    int i = w == null || at < 0 ? -1 : w.index(key.substring(at + 1, Math.min(key.length(), at + 11)));
                    if (i >= 0) {
                        w.arrived().compareAndSet(i, 0, now);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    @Override
    public Sample runOnce() throws Exception {
        Window w = new Window(next, rows);
        next += rows;
        window = w;
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        ExecutorService poller = Executors.newSingleThreadExecutor();
        java.util.concurrent.BlockingQueue<PreparedStatement> statements = new java.util.concurrent.ArrayBlockingQueue<>(WRITERS);
        List<Connection> connections = new ArrayList<>();
        try {
            for (int k = 0; k < WRITERS; k++) {
                Connection c = SourceDatabase.connect(db, DATABASE);
                connections.add(c);
                statements.add(c.prepareStatement(String.format(SourceDatabase.INSERT, "orders")));
            }
            Future<?> polled = poller.submit(() -> poll(w));
            // Each order is handed to a free writer at its time on a 1,000-a-second clock, so that one slow
            // commit does not hold back the orders after it; an order no writer is free for waits for one.
            long start = System.nanoTime();
            List<Future<?>> written = new ArrayList<>(w.n());
            for (int i = 0; i < w.n(); i++) {
                long wait = start + i * (1_000_000_000L / RATE) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int order = i;
                written.add(writers.submit(() -> write(w, order, statements)));
            }
            for (Future<?> f : written) {
                f.get();
            }
            long lastCommit = 0;
            for (int i = 0; i < w.n(); i++) {
                lastCommit = Math.max(lastCommit, w.committed().get(i));
            }
            polled.get();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (missing(w.arrived()) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(missing(w.arrived()) + " of " + w.n() + " orders not in the raw topic after 60 s");
                }
                Thread.sleep(10);
            }
            double[] raw = latenciesMs(w.committed(), w.arrived());
            double[] answer = latenciesMs(w.committed(), w.answered());
            return new Sample(Map.of("raw p50 ms", raw[raw.length / 2], "raw p99 ms", raw[(int) (raw.length * 0.99)],
                    "answer p50 ms", answer[answer.length / 2], "answer p99 ms", answer[(int) (answer.length * 0.99)],
                    "rows/s", w.n() / ((lastCommit - start) / 1e9),
                    // How many versions the answer's client read per order: its cost on the machine (the log shows it).
                    "polled per order", (double) w.polled().get() / w.n()));
        } finally {
            writers.shutdownNow();
            poller.shutdownNow();
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** Commits order {@code i} on a free writer's connection (autocommit) and takes the time once the commit returned. */
    private Void write(Window w, int i, java.util.concurrent.BlockingQueue<PreparedStatement> statements) throws Exception {
        PreparedStatement p = statements.take();
        try {
            String now = SourceDatabase.sql(Instant.now());
            p.setString(1, key(w.first() + i));
            p.setString(2, "napoli-" + i % 40);
            p.setString(3, "c" + i % 1000);
            p.setString(4, now);
            p.setBigDecimal(5, new BigDecimal("12.50"));
            p.setString(6, now);
            p.executeUpdate(); // autocommit: returns once committed
            w.committed().set(i, System.nanoTime());
        } finally {
            statements.add(p);
        }
        return null;
    }

    /** Polls the view's key range from the oldest order not yet answered until every order of the window is answered. */
    private Void poll(Window w) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int lo = 0;
        long deadline = Long.MAX_VALUE;
        while (lo < w.n()) {
            long tick = System.nanoTime();
            if (w.committed().get(w.n() - 1) != 0 && deadline == Long.MAX_VALUE) {
                deadline = tick + Duration.ofSeconds(60).toNanos();
            }
            if (tick > deadline) {
                throw new IllegalStateException((w.n() - lo) + " of " + w.n() + " orders not answered by " + viewUrl + " 60 s after the last commit");
            }
            String uri = viewUrl + "?limit=1000&from=" + key(w.first() + lo);
            while (uri != null) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
                long now = System.nanoTime();
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
                }
                JsonNode body = JSON.readTree(r.body());
                w.polled().addAndGet(body.get("items").size());
                for (JsonNode item : body.get("items")) {
                    int i = w.index(item.get("key").asText());
                    if (i >= 0) {
                        w.answered().compareAndSet(i, 0, now);
                    }
                }
                JsonNode page = body.get("next");
                uri = page == null || page.isNull() ? null : viewUrl + "?limit=1000&page=" + URLEncoder.encode(page.asText(), StandardCharsets.UTF_8);
            }
            while (lo < w.n() && w.answered().get(lo) != 0) {
                lo++;
            }
            long sleep = tick + POLL.toNanos() - System.nanoTime();
            if (sleep > 0) {
                LockSupport.parkNanos(sleep);
            }
        }
        return null;
    }

    private static int missing(AtomicLongArray times) {
        int m = 0;
        for (int i = 0; i < times.length(); i++) {
            m += times.get(i) == 0 ? 1 : 0;
        }
        return m;
    }

    private static double[] latenciesMs(AtomicLongArray from, AtomicLongArray to) {
        double[] ms = new double[from.length()];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = (to.get(i) - from.get(i)) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static String key(int n) {
        return "l" + String.format("%09d", n);
    }

    @Override
    public void tearDown() throws Exception {
        if (consumerThread != null) {
            consumer.wakeup();
            consumerThread.join(10_000);
            consumer.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (capture != null) {
            capture.close();
        }
        if (state != null) {
            try (var paths = Files.walk(state)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        if (db != null) {
            SourceDatabase.release();
            db = null;
        }
    }
}
