package io.datamesh.bench.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.apps.sales.SalesDomain;
import io.datamesh.bench.DomainJarFile;
import io.datamesh.kafka.embedded.EmbeddedKafka;
import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.serde.RestSchemaRegistryClient;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code make chaos}: faults against real components on this machine, each under load, each followed
 * by a count of what was offered, published, lost, duplicated and dead-lettered, and by the platform's
 * first question ("pizzas sold at napoli-1 on 2018-07-08 as known on 2018-07-09": 6, as known now: 5).
 * The embedded broker, the platform's schema registry, and the orders and sales domains deployed with
 * {@code mesh run} as processes of their own. Randomness is seeded and the seed printed; the table goes
 * to {@code bench/results/chaos.md}.
 *
 * <p>Usage: {@code bench/chaos [--seed N] [--quick] [--out FILE]}. Exit code 0 only when every fault held.
 */
public final class ChaosMain {

    static final String RAW_LINES = "orders.raw.order-lines";
    static final String LINES = "orders.product.order-lines.v1";
    static final ObjectMapper JSON = new ObjectMapper();

    /** One fault's result: a row of the table. */
    record Outcome(String id, String fault, long offered, long lost, long duplicated, long deadLettered, String checks, String recovery,
                   boolean holds) {
    }

    private final Random random;
    private final Scale scale;
    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ProductCounter lines;
    private final HttpClient http = HttpClient.newHttpClient();
    private long position;

    /**
     * How much each fault does: lines of R1 and their rate, kills, poison lines and their share in percent,
     * whether R5 and R6 run, and how long R6 asks.
     */
    public record Scale(String name, int killLines, int killRate, int kills, int poisonLines, int poisonPercent, boolean brokerAndQueries,
                        int restartLines, int restartRate, int askSeconds) {
        /** make chaos. */
        public static final Scale FULL = new Scale("full", 100_000, 2_500, 3, 20_000, 1, true, 20_000, 1_000, 45);
        /** bench/chaos --quick: a tenth of the work, to check the harness. */
        public static final Scale QUICK = new Scale("quick", 10_000, 1_000, 3, 2_000, 1, true, 5_000, 500, 30);
        /** What make test keeps of R1 and R4: one kill, a little poison of every kind. */
        public static final Scale SHORT = new Scale("short", 2_000, 500, 1, 600, 4, false, 0, 0, 0);
    }

    private ChaosMain(long seed, Scale scale, String bootstrap) {
        this.random = new Random(seed);
        this.scale = scale;
        this.bootstrap = bootstrap;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
        this.lines = new ProductCounter(bootstrap, LINES);
    }

    public static void main(String[] args) throws Exception {
        long seed = System.nanoTime();
        Scale scale = Scale.FULL;
        Path out = Path.of("bench/results/chaos.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--quick" -> scale = Scale.QUICK;
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("chaos: unknown argument " + args[i] + " (usage: bench/chaos [--seed N] [--quick] [--out FILE])");
                    System.exit(2);
                }
            }
        }
        System.out.println("chaos: seed " + seed + " (again with: bench/chaos --seed " + seed + (scale == Scale.QUICK ? " --quick" : "") + ")");
        Instant started = Instant.now();
        List<Outcome> outcomes = run(seed, scale);
        String table = table(outcomes, seed, scale, Duration.between(started, Instant.now()));
        System.out.println(table);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table);
        System.out.println("chaos: written to " + out);
        System.exit(outcomes.stream().allMatch(Outcome::holds) ? 0 : 1);
    }

    /** Starts the platform in a temporary folder, runs the faults of {@code scale}, stops everything and removes the folder. */
    public static List<Outcome> run(long seed, Scale scale) throws Exception {
        Path home = Files.createTempDirectory("mesh-chaos-");
        List<Outcome> outcomes = new ArrayList<>();
        // Fixed ports, so that a restarted broker is where every client left it.
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(home.resolve("kafka")).brokerPort(freePort()).controllerPort(freePort())
                .build().start();
             SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(
                     RegistryConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(), RegistryConfig.PORT, 0)));
             DomainProcess orders = new DomainProcess("orders", DomainJarFile.of(OrdersDomain.class), home.resolve("domains"),
                     kafka.bootstrapServers(), registry.url());
             DomainProcess sales = new DomainProcess("sales", DomainJarFile.of(SalesDomain.class), home.resolve("domains"),
                     kafka.bootstrapServers(), registry.url())) {
            orders.start();
            sales.start();
            ChaosMain chaos = new ChaosMain(seed, scale, kafka.bootstrapServers());
            try {
                chaos.story();
                outcomes.add(chaos.firstQuestion("before any fault", sales));
                outcomes.add(chaos.killRuntime(orders));
                outcomes.add(chaos.firstQuestion("after R1", sales));
                outcomes.add(chaos.poison(orders, new RestSchemaRegistryClient(registry.url())));
                outcomes.add(chaos.firstQuestion("after R4", sales));
                if (scale.brokerAndQueries()) {
                    outcomes.add(chaos.restartBroker(kafka));
                    outcomes.add(chaos.firstQuestion("after R5", sales));
                    outcomes.add(chaos.killWhileAnswering(orders, home, registry.url()));
                    outcomes.add(chaos.firstQuestion("after R6", sales));
                }
            } finally {
                chaos.close();
            }
        } finally {
            delete(home);
        }
        return outcomes;
    }

    /**
     * DESIGN's story through the orders domain's raw topic, as the capture writes it: napoli-1 sells 6
     * pizzas on 2018-07-08 (three lines, two orders); one is refunded, recorded on 2018-07-10.
     */
    private void story() throws Exception {
        Instant lunch = Instant.parse("2018-07-08T10:30:00Z");
        Instant dinner = Instant.parse("2018-07-08T19:00:00Z");
        Instant refund = Instant.parse("2018-07-10T09:15:00Z");
        send(RAW_LINES, "o20180708-1", created(line("o20180708-1", 1, "napoli-1", 2, lunch, false, lunch)), lunch).get();
        send(RAW_LINES, "o20180708-1", created(line("o20180708-1", 2, "napoli-1", 1, lunch, false, lunch)), lunch).get();
        send(RAW_LINES, "o20180708-2", created(line("o20180708-2", 1, "napoli-1", 3, dinner, false, dinner)), dinner).get();
        send(RAW_LINES, "o20180708-1", updated(line("o20180708-1", 2, "napoli-1", 1, lunch, false, lunch),
                line("o20180708-1", 2, "napoli-1", 1, lunch, true, refund)), refund).get();
    }

    /** The platform's first question, answered through the query API: 6 as known on 2018-07-09, 5 as known now. */
    private Outcome firstQuestion(String when, DomainProcess sales) throws Exception {
        String base = sales.url() + "/domains/sales/aggregates/" + SalesDomain.PIZZAS_SOLD_BY_DAY + "?group=napoli-1&from=2018-07-08&to=2018-07-09";
        long[] answers = new long[2];
        boolean right = await(Duration.ofSeconds(120), () -> {
            answers[0] = pizzas(base + "&knownAt=2018-07-09");
            answers[1] = pizzas(base);
            return answers[0] == 6 && answers[1] == 5;
        });
        return new Outcome("Q", "pizzas sold at napoli-1 on 2018-07-08, " + when, 3, 0, 0, 0,
                "as known on 2018-07-09: " + answers[0] + " (must be 6); as known now: " + answers[1] + " (must be 5)", "-", right);
    }

    private long pizzas(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return -r.statusCode();
            }
            JsonNode buckets = JSON.readTree(r.body()).path("buckets");
            return buckets.isEmpty() ? 0 : buckets.get(0).path("value").path("pizzas").asLong();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * R1: kill -9 of the orders runtime three times while order lines flow at a steady rate; each time
     * a new instance starts on the same state folder after a pause. Then every line must be in the
     * product once and in the view once.
     */
    private Outcome killRuntime(DomainProcess orders) throws Exception {
        int n = scale.killLines();
        int perSecond = scale.killRate();
        List<Integer> killAt = Stream.generate(() -> n / 10 + random.nextInt(n * 3 / 4)).limit(scale.kills()).sorted().toList();
        long dlqBefore = count("orders.dlq");
        AtomicLong sent = new AtomicLong();
        Instant placed = Instant.parse("2018-07-01T08:00:00Z");
        Thread load = new Thread(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String order = String.format("c%07d", i);
                Instant at = placed.plusSeconds(i * 7L);
                send(RAW_LINES, order, created(line(order, 1, "p" + (i % 40), 1 + (i % 3), at, false, at)), at);
                sent.incrementAndGet();
                long due = start + (i + 1) * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            producer.flush();
        }, "chaos-load");
        load.start();
        List<String> recoveries = new ArrayList<>();
        for (int point : killAt) {
            await(Duration.ofMinutes(10), () -> sent.get() >= point);
            long atKill = lines.total();
            long killed = System.nanoTime();
            orders.kill9();
            Thread.sleep(500 + random.nextInt(2_500));
            orders.start();
            long running = lines.total();
            await(Duration.ofMinutes(3), () -> lines.total() > Math.max(atKill, running));
            recoveries.add(String.format("%.1f s", (System.nanoTime() - killed) / 1e9));
            System.out.println("chaos: R1 killed the orders runtime at " + point + " lines sent; the product grew again after " + recoveries.get(recoveries.size() - 1));
        }
        load.join();
        awaitSettled(() -> lines.distinct("c"), n);
        long distinct = lines.distinct("c");
        long records = lines.records("c");
        long inView = viewKeys(orders.url(), "c", "d");
        long dead = count("orders.dlq") - dlqBefore;
        boolean holds = distinct == n && records == n && inView == n && dead == 0;
        return new Outcome("R1", "kill -9 of the orders runtime " + scale.kills() + "× while " + n + " order lines flow (" + perSecond + "/s), restarted on its state",
                n, n - distinct, records - distinct, dead, "product: " + records + " records, " + distinct + " lines; view (query API): " + inView
                + " keys", String.join(", ", recoveries), holds);
    }

    /**
     * R5: the broker stopped and started again (same data, same ports) while order lines flow: the
     * producers, the domains and the readers resume by themselves; every line once in the product.
     */
    private Outcome restartBroker(EmbeddedKafka kafka) throws Exception {
        int n = scale.restartLines();
        int perSecond = scale.restartRate();
        int stopAt = n / 5 + random.nextInt(n / 2);
        AtomicLong sent = new AtomicLong();
        Instant placed = Instant.parse("2018-07-03T08:00:00Z");
        Thread load = new Thread(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String order = String.format("r%07d", i);
                Instant at = placed.plusSeconds(i * 3L);
                send(RAW_LINES, order, created(line(order, 1, "p" + (i % 40), 1, at, false, at)), at);
                sent.incrementAndGet();
                long wait = start + (i + 1) * 1_000_000_000L / perSecond - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            producer.flush();
        }, "chaos-load-r5");
        load.start();
        await(Duration.ofMinutes(10), () -> sent.get() >= stopAt);
        kafka.close();
        long stopped = System.nanoTime();
        Thread.sleep(3_000 + random.nextInt(5_000));
        kafka.start();
        long before = lines.records("r");
        await(Duration.ofMinutes(5), () -> lines.records("r") > before);
        String recovery = String.format("%.1f s", (System.nanoTime() - stopped) / 1e9);
        System.out.println("chaos: R5 restarted the broker at " + stopAt + " lines sent; the product grew again " + recovery + " after the stop");
        load.join();
        awaitSettled(() -> lines.distinct("r"), n);
        long distinct = lines.distinct("r");
        long records = lines.records("r");
        return new Outcome("R5", "broker stopped and started again (same data and ports) while " + n + " order lines flow (" + perSecond + "/s)",
                n, n - distinct, records - distinct, 0, "product: " + records + " records, " + distinct + " lines", recovery,
                distinct == n && records == n);
    }

    /**
     * R6: two more instances of the orders domain join; one of the three is killed while clients ask the
     * other two for lines of R1 (whose quantities are known): every answer is right, or a 503 with
     * {@code Retry-After}; never a wrong answer, never another 5xx.
     */
    private Outcome killWhileAnswering(DomainProcess orders, Path home, String registryUrl) throws Exception {
        int n = scale.killLines();
        Path jar = DomainJarFile.of(OrdersDomain.class);
        try (DomainProcess second = new DomainProcess("orders-b", jar, home.resolve("domains"), bootstrap, registryUrl, "--instance", "1");
             DomainProcess third = new DomainProcess("orders-c", jar, home.resolve("domains"), bootstrap, registryUrl, "--instance", "2")) {
            List<String> askers = List.of(orders.url(), second.start());
            third.start();
            // Settled: both instances answer a sample of keys rightly.
            await(Duration.ofMinutes(3), () -> {
                for (int i = 0; i < 20; i++) {
                    int k = random.nextInt(n);
                    if (!ask(askers.get(i % 2), k, n).equals("right")) {
                        return false;
                    }
                }
                return true;
            });
            Map<String, Long> answers = new TreeMap<>();
            long until = System.nanoTime() + Duration.ofSeconds(scale.askSeconds()).toNanos();
            long killAt = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            boolean killed = false;
            long asked = 0;
            while (System.nanoTime() < until) {
                if (!killed && System.nanoTime() >= killAt) {
                    third.kill9();
                    killed = true;
                }
                answers.merge(ask(askers.get(random.nextInt(2)), random.nextInt(n), n), 1L, Long::sum);
                asked++;
            }
            long wrong = answers.entrySet().stream().filter(e -> !e.getKey().equals("right") && !e.getKey().equals("503 with Retry-After"))
                    .mapToLong(Map.Entry::getValue).sum();
            second.stop();
            return new Outcome("R6", "an orders instance killed while clients ask the other two (three instances)", asked, 0, 0, 0,
                    "answers: " + answers, "-", wrong == 0);
        }
    }

    /** Asks {@code url} for line {@code i} of R1 and says how the answer was: right, 503 with Retry-After, or what else. */
    private String ask(String url, int i, int n) {
        String key = String.format("c%07d#1", i);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/domains/orders/views/" + OrdersDomain.ORDER_LINES_BY_ID
                    + "/keys/" + URLEncoder.encode(key, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 503) {
                return r.headers().firstValue("Retry-After").isPresent() ? "503 with Retry-After" : "503 without Retry-After";
            }
            if (r.statusCode() != 200) {
                return "HTTP " + r.statusCode();
            }
            long quantity = JSON.readTree(r.body()).path("version").path("payload").path("quantity").asLong();
            return quantity == 1 + (i % 3) ? "right" : "WRONG quantity";
        } catch (IOException e) {
            return "no answer: " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Poison kinds of R4, where each is written, and the reason class its dead letter must carry. */
    enum Poison {
        NOT_JSON(RAW_LINES, "unreadable"),
        MAPPING_THROWS(RAW_LINES, "mapping-failed"),
        BAD_SOURCE_HEADER(RAW_LINES, "bad-source-headers"),
        RECORDED_IN_2100(RAW_LINES, "recorded-at-in-future"),
        CORRUPT_AVRO(LINES, "unreadable"),
        UNKNOWN_SCHEMA_ID(LINES, "unreadable");

        final String topic;
        final String reasonClass;

        Poison(String topic, String reasonClass) {
            this.topic = topic;
            this.reasonClass = reasonClass;
        }
    }

    /**
     * R4: 1 % poison mixed into the flow: bytes that are not JSON, a row the mapping cannot read, a
     * malformed source header, a recordedAt in 2100 into the orders domain's raw topic; corrupt Avro and
     * an unknown schema id into its product topic, which the sales domain reads. Each must be a dead
     * letter with its reason class; every good record must be published.
     */
    private Outcome poison(DomainProcess orders, RestSchemaRegistryClient registry) throws Exception {
        int n = scale.poisonLines();
        int schemaId = registry.latest(LINES + "-value").id();
        Map<String, Poison> injected = new LinkedHashMap<>(); // "topic/partition/offset" → kind
        List<Future<RecordMetadata>> pending = new ArrayList<>();
        List<Poison> kinds = new ArrayList<>();
        Instant placed = Instant.parse("2018-07-02T08:00:00Z");
        int good = 0;
        for (int i = 0; i < n; i++) {
            String order = String.format("q%07d", i);
            Instant at = placed.plusSeconds(i * 5L);
            if (random.nextInt(100) >= scale.poisonPercent()) {
                send(RAW_LINES, order, created(line(order, 1, "p" + (i % 40), 1, at, false, at)), at);
                good++;
                continue;
            }
            Poison kind = Poison.values()[random.nextInt(Poison.values().length)];
            byte[] key = ("x-" + order).getBytes(StandardCharsets.UTF_8);
            ProducerRecord<byte[], byte[]> r = switch (kind) {
                case NOT_JSON -> raw(RAW_LINES, key, "{\"op\":\"c\",\"after\":{\"order_id\":", at);
                case MAPPING_THROWS -> raw(RAW_LINES, key, created(line(order, 1, "p1", 1, at, false, at)).replace("\"quantity\":1", "\"quantity\":\"many\""), at);
                case BAD_SOURCE_HEADER -> {
                    ProducerRecord<byte[], byte[]> b = raw(RAW_LINES, key, created(line(order, 1, "p1", 1, at, false, at)), at);
                    b.headers().remove(SourceHeaders.SOURCE).add(SourceHeaders.SOURCE, "cdc;only-three;fields".getBytes(StandardCharsets.UTF_8));
                    yield b;
                }
                case RECORDED_IN_2100 -> raw(RAW_LINES, key, created(line(order, 1, "p1", 1, at, false, at)), Instant.parse("2100-01-01T00:00:00Z"));
                case CORRUPT_AVRO -> new ProducerRecord<>(LINES, key, avroFramed(schemaId, new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3}));
                case UNKNOWN_SCHEMA_ID -> new ProducerRecord<>(LINES, key, avroFramed(987_654_321, new byte[] {2, 4, 6}));
            };
            pending.add(producer.send(r));
            kinds.add(kind);
        }
        producer.flush();
        for (int i = 0; i < pending.size(); i++) {
            RecordMetadata m = pending.get(i).get(30, TimeUnit.SECONDS);
            injected.put(m.topic() + "/" + m.partition() + "/" + m.offset(), kinds.get(i));
        }
        int expected = good;
        awaitSettled(() -> lines.distinct("q"), expected);
        Map<String, List<String>> letters = new HashMap<>();
        await(Duration.ofSeconds(120), () -> {
            letters.clear();
            letters.putAll(letters("orders.dlq"));
            letters("sales.dlq").forEach((k, v) -> letters.merge(k, v, (a, b) -> {
                List<String> all = new ArrayList<>(a);
                all.addAll(b);
                return all;
            }));
            return letters.keySet().containsAll(injected.keySet());
        });
        long lettered = 0;
        Map<Poison, String> perKind = new TreeMap<>();
        boolean reasonsRight = true;
        for (Map.Entry<String, Poison> e : injected.entrySet()) {
            List<String> classes = letters.getOrDefault(e.getKey(), List.of());
            if (!classes.isEmpty()) {
                lettered++;
            }
            boolean right = classes.contains(e.getValue().reasonClass);
            reasonsRight &= right;
            perKind.merge(e.getValue(), right ? "1" : "1 WRONG " + classes, (a, b) -> a.contains("WRONG") || b.contains("WRONG")
                    ? a + "+" + b : String.valueOf(Integer.parseInt(a) + Integer.parseInt(b)));
        }
        long distinct = lines.distinct("q");
        long records = lines.records("q");
        boolean holds = lettered == injected.size() && reasonsRight && distinct == expected && records == expected;
        StringBuilder checks = new StringBuilder("published " + records + " of " + expected + " good; poison per kind in the DLQ with its reason class: ");
        perKind.forEach((k, v) -> checks.append(k.name().toLowerCase()).append(' ').append(v).append("; "));
        return new Outcome("R4", scale.poisonPercent() + " % poison among " + n + " order lines (not JSON, mapping throws, bad source header, recordedAt in 2100;"
                + " corrupt Avro and an unknown schema id in the product sales reads)", n, expected - distinct, records - distinct, lettered,
                checks.toString().strip(), "-", holds);
    }

    /** The dead letters of {@code dlq} by "topic/partition/offset" of the record they hold, with their reason classes. */
    private Map<String, List<String>> letters(String dlq) {
        Map<String, List<String>> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(dlq)) {
            String source = DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC) + "/" + DeadLetters.header(r.headers(), DeadLetters.SOURCE_PARTITION)
                    + "/" + DeadLetters.header(r.headers(), DeadLetters.SOURCE_OFFSET);
            out.computeIfAbsent(source, k -> new ArrayList<>()).add(String.valueOf(DeadLetters.header(r.headers(), DeadLetters.REASON_CLASS)));
        }
        return out;
    }

    /** Keys of a view in [from, to) as the query API serves them now, following its pages. */
    private long viewKeys(String url, String from, String to) throws Exception {
        String base = url + "/domains/orders/views/" + OrdersDomain.ORDER_LINES_BY_ID + "/keys";
        String next = base + "?from=" + from + "&to=" + to + "&limit=1000";
        long keys = 0;
        while (next != null) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(next)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(next + " answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode page = JSON.readTree(r.body());
            keys += page.path("items").size();
            JsonNode token = page.path("next");
            next = token.isNull() || token.isMissingNode() ? null
                    : base + "?limit=1000&page=" + URLEncoder.encode(token.asText(), StandardCharsets.UTF_8);
        }
        return keys;
    }

    private Future<RecordMetadata> send(String topic, String key, String value, Instant recordedAt) {
        return producer.send(raw(topic, key.getBytes(StandardCharsets.UTF_8), value, recordedAt));
    }

    /** A raw record as the capture writes it: commit time and a binlog position that only grows. */
    private ProducerRecord<byte[], byte[]> raw(String topic, byte[] key, String value, Instant recordedAt) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8));
        SourceHeaders.write(r.headers(), recordedAt, SourcePosition.cdc("chaos-db", "mariadb-bin.000001", ++position, 0, null));
        return r;
    }

    private static byte[] avroFramed(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
    }

    static String line(String order, int lineNo, String pizzeria, int quantity, Instant placed, boolean refunded, Instant updated) {
        return "{\"order_id\":\"" + order + "\",\"line_no\":" + lineNo + ",\"pizzeria_id\":\"" + pizzeria + "\",\"product_id\":\"margherita\","
                + "\"quantity\":" + quantity + ",\"unit_price\":\"8.50\",\"placed_at\":\"" + placed + "\",\"refunded\":" + refunded
                + ",\"updated_at\":\"" + updated + "\"}";
    }

    static String created(String row) {
        return "{\"op\":\"c\",\"before\":null,\"after\":" + row + "}";
    }

    static String updated(String before, String after) {
        return "{\"op\":\"u\",\"before\":" + before + ",\"after\":" + after + "}";
    }

    /** Waits until {@code value} reaches {@code expected}, or has not grown for 60 s. */
    private static void awaitSettled(java.util.function.LongSupplier value, long expected) throws InterruptedException {
        long last = -1;
        long grewAt = System.nanoTime();
        while (System.nanoTime() - grewAt < Duration.ofSeconds(60).toNanos()) {
            long now = value.getAsLong();
            if (now >= expected) {
                Thread.sleep(3_000); // and a little more, to see a duplicate that would follow
                return;
            }
            if (now > last) {
                last = now;
                grewAt = System.nanoTime();
            }
            Thread.sleep(250);
        }
    }

    private static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(250);
        }
        return condition.getAsBoolean();
    }

    private long count(String topic) {
        return readAll(topic).size();
    }

    /** Every committed record of {@code topic} now (none when it does not exist). */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                return out;
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                c.poll(Duration.ofMillis(300)).forEach(out::add);
            }
        }
        return out;
    }

    private void close() throws InterruptedException {
        producer.close();
        lines.close();
    }

    static String table(List<Outcome> outcomes, long seed, Scale scale, Duration took) {
        StringBuilder b = new StringBuilder("# make chaos\n\n");
        b.append("Run ").append(LocalDate.now(ZoneOffset.UTC)).append(", seed ").append(seed).append(scale == Scale.FULL ? "" : ", scale " + scale.name())
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores, JDK ").append(System.getProperty("java.version"))
                .append(", took ").append(took.toSeconds()).append(" s. Embedded broker, the platform's schema registry, the orders and sales")
                .append(" domains deployed with mesh run as processes of their own.\n\n");
        b.append("| id | fault | records offered | lost | duplicated | dead-lettered | checks | time to recover | holds |\n");
        b.append("| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |\n");
        for (Outcome o : outcomes) {
            b.append("| ").append(o.id()).append(" | ").append(o.fault()).append(" | ").append(o.offered()).append(" | ").append(o.lost())
                    .append(" | ").append(o.duplicated()).append(" | ").append(o.deadLettered()).append(" | ").append(o.checks().replace("|", "/"))
                    .append(" | ").append(o.recovery()).append(" | ").append(o.holds() ? "yes" : "**NO**").append(" |\n");
        }
        return b.toString();
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path f : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
