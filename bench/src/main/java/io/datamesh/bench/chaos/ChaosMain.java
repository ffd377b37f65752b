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
import java.sql.Connection;
import java.sql.Statement;
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
import io.datamesh.amqp.embedded.EmbeddedAmqpBroker;
import io.datamesh.apps.kitchen.KitchenDomain;
import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.apps.orders.OrdersTables;
import io.datamesh.apps.sales.SalesDomain;
import io.datamesh.bench.DomainJarFile;
import io.datamesh.bridge.BridgeConfig;
import io.datamesh.bridge.CrashingBridge;
import io.datamesh.bridge.RabbitBridge;
import io.datamesh.bridge.demo.KitchenBusPublisher;
import io.datamesh.cdc.debezium.CaptureConfig;
import io.datamesh.cdc.debezium.CaptureGrants;
import io.datamesh.cdc.debezium.CaptureMain;
import io.datamesh.kafka.embedded.EmbeddedKafka;
import io.datamesh.kafka.embedded.EmbeddedKafkaCluster;
import io.datamesh.mariadb.embedded.EmbeddedMariaDb;
import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.serde.RestSchemaRegistryClient;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
    static final java.time.format.DateTimeFormatter SQL_TIME = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    /** One fault's result: a row of the table. */
    record Outcome(String id, String fault, long offered, long lost, long duplicated, long deadLettered, String checks, String recovery,
                   boolean holds, String audit) {

        Outcome(String id, String fault, long offered, long lost, long duplicated, long deadLettered, String checks, String recovery, boolean holds) {
            this(id, fault, offered, lost, duplicated, deadLettered, checks, recovery, holds, "-");
        }

        /** The same outcome with the audit's result; it holds only if the audit says what it must. */
        Outcome withAudit(String result, boolean auditRight) {
            return new Outcome(id, fault, offered, lost, duplicated, deadLettered, checks, recovery, holds && auditRight, result);
        }
    }

    /** What {@code mesh audit} said: its exit code, its verdict line and all of its output. */
    record Audit(int exit, String summary, String output) {
    }

    private final Random random;
    private final Scale scale;
    private final String registryUrl;
    private final Path home;
    private int audits;
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
                        int restartLines, int restartRate, int askSeconds, int bridgePizzas, int captureRows, int clusterLines) {
        /** make chaos. */
        public static final Scale FULL = new Scale("full", 100_000, 2_500, 3, 20_000, 1, true, 20_000, 1_000, 45, 3_000, 30_000, 20_000);
        /** bench/chaos --quick: a tenth of the work, to check the harness. */
        public static final Scale QUICK = new Scale("quick", 10_000, 1_000, 3, 2_000, 1, true, 5_000, 500, 30, 400, 5_000, 3_000);
        /**
         * What make test keeps of R1 and R4: one kill, a little poison of every kind (R2 and R3 have tests of
         * their own in the capture's and the bridge's modules).
         */
        public static final Scale SHORT = new Scale("short", 2_000, 500, 1, 600, 4, false, 0, 0, 0, 0, 0, 0);
    }

    private ChaosMain(long seed, Scale scale, String bootstrap, String registryUrl, Path home) {
        this.random = new Random(seed);
        this.scale = scale;
        this.registryUrl = registryUrl;
        this.home = home;
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
            ChaosMain chaos = new ChaosMain(seed, scale, kafka.bootstrapServers(), registry.url(), home);
            try {
                chaos.story();
                outcomes.add(chaos.firstQuestion("before any fault", sales));
                outcomes.add(chaos.audited(chaos.killRuntime(orders), "orders", orders.url()));
                outcomes.add(chaos.firstQuestion("after R1", sales));
                if (scale.captureRows() > 0) {
                    outcomes.add(chaos.killCapture(orders));
                    outcomes.add(chaos.firstQuestion("after R2", sales));
                }
                if (scale.bridgePizzas() > 0) {
                    outcomes.add(chaos.killBridge());
                }
                if (scale.brokerAndQueries()) {
                    outcomes.add(chaos.audited(chaos.restartBroker(kafka), "orders", orders.url()));
                    outcomes.add(chaos.firstQuestion("after R5", sales));
                    outcomes.add(chaos.audited(chaos.killWhileAnswering(orders), "orders", orders.url()));
                    outcomes.add(chaos.firstQuestion("after R6", sales));
                }
                // Last: its forged product records stay in the orders product for good, and every later audit would name them.
                Outcome poisoned = chaos.poison(new RestSchemaRegistryClient(registry.url()));
                Audit audit = chaos.audit("orders", orders.url());
                boolean named = audit.exit() == 1 && audit.output().contains("unreadable");
                outcomes.add(poisoned.withAudit(named ? "exit 1, names the forged product records unreadable: " + audit.summary()
                        : "exit " + audit.exit() + ": " + audit.summary() + " (should have named the forged product records)", named));
                outcomes.add(chaos.firstQuestion("after R4", sales));
            } finally {
                chaos.close();
            }
        } finally {
            delete(home);
        }
        if (scale.clusterLines() > 0) {
            // On a platform of its own, once the first one is gone.
            Path clusterHome = Files.createTempDirectory("mesh-chaos-cluster-");
            try {
                outcomes.add(brokerLostInCluster(seed, scale, clusterHome));
            } finally {
                delete(clusterHome);
            }
        }
        return outcomes;
    }

    /** {@code outcome} with what {@code mesh audit <domain>} says after it: it must agree (exit 0). */
    private Outcome audited(Outcome outcome, String domain, String url, String... extra) throws Exception {
        Audit audit = audit(domain, url, extra);
        return outcome.withAudit((audit.exit() == 0 ? "agrees" : "exit " + audit.exit() + ": " + audit.summary()), audit.exit() == 0);
    }

    /** Runs {@code mesh audit} as an operator would, against the live platform, and keeps its output beside the others. */
    private Audit audit(String domain, String url, String... extra) throws Exception {
        Path log = home.resolve("audit-" + (audits++) + "-" + domain + ".log");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx768m", "-cp",
                System.getProperty("java.class.path"), "io.datamesh.cli.Mesh", "audit", domain, "--bootstrap-servers", bootstrap,
                "--registry", registryUrl, "--url", url, "--wait", "120", "--limit", "5"));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Audit(-1, "did not finish within 10 minutes", "");
        }
        // The verdict line; else the one-line error; progress lines (a percentage and a count) are no verdict.
        List<String> out = Files.readAllLines(log).stream().map(l -> l.substring(l.lastIndexOf('\r') + 1)).filter(l -> !l.isBlank()).toList();
        String summary = out.stream().filter(l -> l.startsWith("everything agrees") || l.matches("\\d+ mismatch.*") || l.startsWith("only dead letters"))
                .findFirst().orElseGet(() -> out.stream().filter(l -> l.startsWith("mesh: ") && !l.matches("mesh: +\\d+% .*")).reduce((a, b) -> b)
                        .orElse(out.isEmpty() ? "no output" : out.get(out.size() - 1)));
        System.out.println("chaos: mesh audit " + domain + " exit " + p.exitValue() + ": " + summary);
        return new Audit(p.exitValue(), summary, String.join("\n", out));
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
        Thread load = load("c", n, perSecond, placed, 7, sent);
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
     * R2: the CDC capture of the orders database (a private MariaDB with binlog on, Debezium as its own
     * process) killed with SIGKILL in the middle of its first snapshot, and again in the middle of the binlog
     * while the orders service writes. Every row change must be in the product once: the snapshot read again
     * under the same positions is absorbed by the replay guard, nothing is snapshotted again on its own, no
     * change of the binlog is lost.
     */
    private Outcome killCapture(DomainProcess orders) throws Exception {
        int rows = scale.captureRows();
        int changes = rows / 10;
        Map<String, Integer> model = new TreeMap<>();
        try (EmbeddedMariaDb mariadb = EmbeddedMariaDb.builder().dir(home.resolve("mariadb")).build().start()) {
            mariadb.execute("CREATE DATABASE orders", OrdersTables.ORDER_LINES.create("orders.order_lines"));
            try (Connection root = mariadb.connect("")) {
                CaptureGrants.createUser(root, "orders_cdc", "mesh-cdc", "orders");
            }
            Path config = home.resolve("orders-capture.properties");
            Files.writeString(config, String.join("\n", CaptureConfig.DOMAIN + "=orders", CaptureConfig.DATABASE + "=orders",
                    CaptureConfig.TABLES + "=order_lines", CaptureConfig.HOST + "=127.0.0.1", CaptureConfig.PORT + "=" + mariadb.port(),
                    CaptureConfig.USER + "=orders_cdc", CaptureConfig.PASSWORD + "=mesh-cdc", CaptureConfig.BOOTSTRAP_SERVERS + "=" + bootstrap,
                    "http.port=0") + "\n");
            Instant placed = Instant.parse("2018-07-04T08:00:00Z");
            try (Connection service = mariadb.connect("orders"); Statement s = service.createStatement()) {
                s.execute("SET time_zone = '+00:00'");
                for (int from = 0; from < rows; from += 1_000) {
                    StringBuilder insert = new StringBuilder("INSERT INTO order_lines VALUES ");
                    for (int i = from; i < Math.min(rows, from + 1_000); i++) {
                        String at = SQL_TIME.format(placed.plusSeconds(i * 2L));
                        insert.append(i == from ? "" : ",").append("('").append(String.format("m%07d", i)).append("', 1, 'p").append(i % 40)
                                .append("', 'margherita', ").append(1 + i % 3).append(", 8.50, '").append(at).append("', FALSE, '").append(at).append("')");
                        model.put(String.format("m%07d#1", i), 1);
                    }
                    s.execute(insert.toString());
                }
            }
            List<String> recoveries = new ArrayList<>();
            CaptureRun first = new CaptureRun(config, home.resolve("capture-0.log"));
            await(Duration.ofMinutes(5), () -> lines.records("m") >= rows / 5);
            long atKill = lines.records("m");
            first.kill9();
            long killed = System.nanoTime();
            boolean midSnapshot = atKill < rows;
            Thread.sleep(500 + random.nextInt(2_500));
            CaptureRun second = new CaptureRun(config, home.resolve("capture-1.log"));
            await(Duration.ofMinutes(5), () -> lines.records("m") > atKill);
            recoveries.add(String.format("%.1f s", (System.nanoTime() - killed) / 1e9));
            awaitSettled(() -> lines.records("m"), rows);

            // The service writes, one row change per statement, while the capture dies under it.
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                try (Connection service = mariadb.connect("orders"); Statement s = service.createStatement()) {
                    s.execute("SET time_zone = '+00:00'");
                    Random r = new Random(random.nextLong());
                    for (int j = 0; j < changes; j++) {
                        String updatedAt = SQL_TIME.format(Instant.parse("2018-07-20T08:00:00Z").plusSeconds(j));
                        if (r.nextInt(10) < 3) {
                            String order = String.format("m%07d", rows + j);
                            s.execute("INSERT INTO order_lines VALUES ('" + order + "', 1, 'p1', 'margherita', 1, 8.50, '" + updatedAt + "', FALSE, '"
                                    + updatedAt + "')");
                            synchronized (model) {
                                model.put(order + "#1", 1);
                            }
                        } else {
                            String order = String.format("m%07d", r.nextInt(rows));
                            s.execute("UPDATE order_lines SET quantity = quantity + 1, updated_at = '" + updatedAt + "' WHERE order_id = '" + order + "'");
                            synchronized (model) {
                                model.merge(order + "#1", 1, Integer::sum);
                            }
                        }
                        written.incrementAndGet();
                        Thread.sleep(2);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("the orders service's writes failed", e);
                }
            }, "chaos-orders-service");
            writer.start();
            int killAt = changes / 5 + random.nextInt(changes / 2);
            await(Duration.ofMinutes(5), () -> written.get() >= killAt);
            long beforeSecondKill = lines.records("m");
            second.kill9();
            long killed2 = System.nanoTime();
            Thread.sleep(500 + random.nextInt(2_500));
            try (CaptureRun third = new CaptureRun(config, home.resolve("capture-2.log"))) {
                await(Duration.ofMinutes(5), () -> lines.records("m") > beforeSecondKill);
                recoveries.add(String.format("%.1f s", (System.nanoTime() - killed2) / 1e9));
                writer.join();
                long expected = model.values().stream().mapToLong(Integer::longValue).sum();
                awaitSettled(() -> lines.records("m"), expected);
                long lost = 0;
                long duplicated = 0;
                for (Map.Entry<String, Integer> e : model.entrySet()) {
                    int c = lines.count(e.getKey());
                    lost += Math.max(0, e.getValue() - c);
                    duplicated += Math.max(0, c - e.getValue());
                }
                Outcome outcome = new Outcome("R2", "kill -9 of the CDC capture " + (midSnapshot ? "mid-snapshot" : "after its snapshot (it was faster)")
                        + " of " + rows + " rows and mid-binlog while the service makes " + changes + " changes (private MariaDB, Debezium)",
                        expected, lost, duplicated, 0, "product: " + lines.records("m") + " records for " + expected + " row versions", String.join(", ", recoveries),
                        lost == 0 && duplicated == 0);
                // Raw ⇄ product ⇄ view. (Not source ⇄ product: this run's order lines come from other sources too, whose
                // keys the table has never had; AuditSourceTest checks that stage against a capture of its own.)
                return audited(outcome, "orders", orders.url());
            } finally {
                first.close();
                second.close();
            }
        }
    }

    /** The capture as {@code mesh cdc run} runs it: {@code CaptureMain} as a process of its own, to kill. */
    private static final class CaptureRun implements AutoCloseable {
        private final Process process;

        CaptureRun(Path config, Path log) throws Exception {
            String java = ProcessHandle.current().info().command().orElse("java");
            process = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), CaptureMain.class.getName(),
                    config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean running = await(Duration.ofSeconds(120), () -> {
                try {
                    return !process.isAlive() || Files.readString(log).contains("mesh: cdc capture of orders running");
                } catch (IOException e) {
                    return false;
                }
            });
            if (!running || !process.isAlive()) {
                throw new IllegalStateException("the capture did not start: see " + log);
            }
        }

        void kill9() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    kill9();
                }
            }
        }
    }

    /**
     * R3: the kitchen's bus bridge dies like kill -9 right after Kafka acknowledged a record and before the
     * bus heard of it, three times, while the kitchen's service publishes its pizza events (embedded AMQP
     * broker); a bridge started afterwards drains the queue. The bus redelivers what was in Kafka already;
     * the kitchen product must hold every event once.
     */
    private Outcome killBridge() throws Exception {
        int pizzas = scale.bridgePizzas();
        List<String> stages = List.of("ORDERED", "ON_HEAT_SHELF", "PICKED_UP");
        Path configFile = home.resolve("kitchen-bridge.properties");
        try (var in = ChaosMain.class.getClassLoader().getResourceAsStream("bridges/kitchen.properties")) {
            Files.copy(in, configFile);
        }
        BridgeConfig config = BridgeConfig.load(configFile);
        try (EmbeddedAmqpBroker amqp = EmbeddedAmqpBroker.builder().build().start();
             DomainProcess kitchen = new DomainProcess("kitchen", DomainJarFile.of(KitchenDomain.class), home.resolve("domains"), bootstrap, registryUrl);
             ProductCounter events = new ProductCounter(bootstrap, "kitchen.product.pizza-events.v1")) {
            kitchen.start();
            // Declares the exchange, the queue and the topics, so that events wait for the bridge in its queue.
            RabbitBridge.builder(config, bootstrap).amqpUri(amqp.amqpUri()).build().start().close();
            Instant at = Instant.parse("2018-07-08T18:00:00Z");
            Thread publisher = new Thread(() -> {
                try (KitchenBusPublisher bus = KitchenBusPublisher.connect(amqp.amqpUri())) {
                    for (int p = 0; p < pizzas; p++) {
                        for (String stage : stages) {
                            bus.publish(String.format("b%06d-1", p), "b" + p, "napoli-" + (p % 5), stage, at.plusSeconds(p * 10L + stages.indexOf(stage)));
                        }
                        if (p % 50 == 49) {
                            bus.awaitConfirms(Duration.ofSeconds(60));
                            Thread.sleep(20);
                        }
                    }
                    bus.awaitConfirms(Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "chaos-kitchen-service");
            publisher.start();
            List<String> halts = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                int after = 50 + random.nextInt(Math.max(1, pizzas / 2));
                Path log = home.resolve("bridge-" + k + ".log");
                String java = ProcessHandle.current().info().command().orElse("java");
                Process bridge = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), CrashingBridge.class.getName(),
                        configFile.toString(), bootstrap, amqp.amqpUri(), String.valueOf(after)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (bridge.waitFor(120, TimeUnit.SECONDS)) {
                    halts.add("halted after " + after + " Kafka acks");
                } else {
                    bridge.destroyForcibly(); // the queue ran dry first: killed all the same
                    bridge.waitFor(30, TimeUnit.SECONDS);
                    halts.add("killed (queue dry before " + after + ")");
                }
            }
            publisher.join();
            int expected = pizzas * stages.size();
            try (RabbitBridge drain = RabbitBridge.builder(config, bootstrap).amqpUri(amqp.amqpUri()).build().start()) {
                awaitSettled(() -> events.records("b"), expected);
            }
            long lost = 0;
            long duplicated = 0;
            for (int p = 0; p < pizzas; p++) {
                int c = events.count(String.format("b%06d-1", p));
                lost += Math.max(0, stages.size() - c);
                duplicated += Math.max(0, c - stages.size());
            }
            Outcome outcome = new Outcome("R3", "the bus bridge killed 3× between Kafka's and the bus's acknowledgement while the kitchen publishes "
                    + expected + " pizza events (embedded AMQP broker)", expected, lost, duplicated, 0,
                    "kitchen product: " + events.records("b") + " events of " + pizzas + " pizzas; " + String.join(", ", halts), "-",
                    lost == 0 && duplicated == 0);
            // Every message the bus was told is stored has its receipt, and the audit finds each receipt's id in the product.
            Audit audit = audit("kitchen", kitchen.url());
            java.util.regex.Matcher receipts = java.util.regex.Pattern.compile("BUS kitchen\\s+(\\d+)\\s+(\\d+)").matcher(audit.output());
            boolean receipted = receipts.find() && Long.parseLong(receipts.group(1)) >= expected && receipts.group(1).equals(receipts.group(2));
            return outcome.withAudit((audit.exit() == 0 ? "agrees" : "exit " + audit.exit() + ": " + audit.summary())
                    + (receipted ? "; receipts: " + receipts.group(1) + " acknowledged ids, all in the product" : "; receipts: not all in the product"),
                    audit.exit() == 0 && receipted);
        }
    }

    /**
     * Order lines {@code <prefix>0000000#1} … at a steady {@code perSecond}, as the capture would write them,
     * on a thread of their own (started); {@code sent} counts them. Line i has quantity 1 + i % 3.
     */
    private Thread load(String prefix, int n, int perSecond, Instant placed, long secondsApart, AtomicLong sent) {
        Thread load = new Thread(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String order = String.format(prefix + "%07d", i);
                Instant at = placed.plusSeconds(i * secondsApart);
                send(RAW_LINES, order, created(line(order, 1, "p" + (i % 40), 1 + (i % 3), at, false, at)), at);
                sent.incrementAndGet();
                long wait = start + (i + 1) * 1_000_000_000L / perSecond - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            producer.flush();
        }, "chaos-load-" + prefix);
        load.start();
        return load;
    }

    /**
     * R5, second half: a three-node KRaft cluster (replication 3, min.insync.replicas 2, the chart's defaults)
     * with the orders domain deployed on it; one node stopped, as a lost one goes, while order lines flow.
     * Everything resumes by itself, every line is in the product once, and the platform's topics really have
     * three replicas.
     */
    static Outcome brokerLostInCluster(long seed, Scale scale, Path home) throws Exception {
        int n = scale.clusterLines();
        int perSecond = scale.restartRate();
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3)) {
            String bootstrap = cluster.bootstrapServers();
            try (SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(RegistryConfig.BOOTSTRAP_SERVERS, bootstrap,
                    RegistryConfig.PORT, 0, RegistryConfig.REPLICATION_FACTOR, (short) 3)));
                 DomainProcess orders = new DomainProcess("orders-on-cluster", DomainJarFile.of(OrdersDomain.class), home.resolve("cluster-domains"),
                         bootstrap, registry.url(), "--topic", "topics.replication.factor=3", "--topic", "topics.min.insync.replicas=2",
                         "--set", "replication.factor=3")) {
                orders.start();
                ChaosMain chaos = new ChaosMain(seed, scale, bootstrap, registry.url(), home);
                try {
                    AtomicLong sent = new AtomicLong();
                    Thread load = chaos.load("k", n, perSecond, Instant.parse("2018-07-05T08:00:00Z"), 3, sent);
                    int stopAt = n / 5 + chaos.random.nextInt(n / 2);
                    int victim = chaos.random.nextInt(cluster.size());
                    await(Duration.ofMinutes(10), () -> sent.get() >= stopAt);
                    long before = chaos.lines.records("k");
                    long stopped = System.nanoTime();
                    cluster.node(victim).close();
                    await(Duration.ofMinutes(5), () -> chaos.lines.records("k") > before + perSecond);
                    String recovery = String.format("%.1f s", (System.nanoTime() - stopped) / 1e9);
                    System.out.println("chaos: R5 stopped node " + (victim + 1) + " of the cluster at " + stopAt + " lines sent; the product grew again "
                            + recovery + " after");
                    load.join();
                    awaitSettled(() -> chaos.lines.distinct("k"), n);
                    long distinct = chaos.lines.distinct("k");
                    long records = chaos.lines.records("k");
                    Map<String, Integer> replicas = new TreeMap<>();
                    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                        List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith("orders.")).sorted().toList();
                        admin.describeTopics(topics).allTopicNames().get().forEach((t, d) -> replicas.put(t,
                                d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0)));
                    }
                    boolean threeReplicas = !replicas.isEmpty() && replicas.values().stream().allMatch(r -> r == 3);
                    Outcome outcome = new Outcome("R5", "a node of a three-node KRaft cluster (replication 3, min.insync.replicas 2) stopped while "
                            + n + " order lines flow (" + perSecond + "/s)", n, n - distinct, records - distinct, 0,
                            "product: " + records + " records, " + distinct + " lines; replicas of every orders topic: "
                            + (threeReplicas ? "3 (" + replicas.size() + " topics)" : replicas), recovery, distinct == n && records == n && threeReplicas);
                    return chaos.audited(outcome, "orders", orders.url());
                } finally {
                    chaos.close();
                }
            }
        }
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
        Thread load = load("r", n, perSecond, placed, 3, sent);
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
    private Outcome killWhileAnswering(DomainProcess orders) throws Exception {
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
            // The last instance has all partitions again before anyone audits it.
            await(Duration.ofMinutes(3), () -> {
                for (int i = 0; i < 20; i++) {
                    if (!ask(orders.url(), random.nextInt(n), n).equals("right")) {
                        return false;
                    }
                }
                return true;
            });
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
    private Outcome poison(RestSchemaRegistryClient registry) throws Exception {
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
                .append(", took ").append(took.toSeconds()).append(" s. The embedded broker (for R5's second half a three-node KRaft cluster),")
                .append(" the platform's schema registry, the orders, sales and kitchen domains deployed with mesh run as processes of their own,")
                .append(" a private MariaDB with Debezium's capture as a process, the embedded AMQP broker with the kitchen's bus bridge.")
                .append(" Lost and duplicated are counted per key in the product topics; mesh audit runs after each fault.\n\n");
        b.append("| id | fault | records offered | lost | duplicated | dead-lettered | checks | mesh audit | time to recover | holds |\n");
        b.append("| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |\n");
        for (Outcome o : outcomes) {
            b.append("| ").append(o.id()).append(" | ").append(o.fault()).append(" | ").append(o.offered()).append(" | ").append(o.lost())
                    .append(" | ").append(o.duplicated()).append(" | ").append(o.deadLettered()).append(" | ").append(o.checks().replace("|", "/"))
                    .append(" | ").append(o.audit().replace("|", "/")).append(" | ").append(o.recovery()).append(" | ").append(o.holds() ? "yes" : "**NO**").append(" |\n");
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
