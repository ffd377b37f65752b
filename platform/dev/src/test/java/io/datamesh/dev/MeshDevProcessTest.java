package io.datamesh.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code make run} smoke test: the dev platform as its own process, as a user starts it, on free
 * ports and a temporary home. It must print the table and the ready line, serve a Kafka client,
 * stop on SIGTERM leaving no process and no bound port, and continue from its home on a second run.
 */
class MeshDevProcessTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path home;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void startsServesAKafkaClientStopsCleanlyAndContinuesFromItsHome() throws Exception {
        int kafkaPort = freePort();
        int controllerPort = freePort();
        int registryPort = freePort();
        int queryPort = freePort();

        DevProcess first = start(kafkaPort, controllerPort, registryPort, queryPort);
        assertThat(first.awaitLine(MeshDev.READY_LINE, START_TIMEOUT)).isTrue();
        assertThat(first.output()).anySatisfy(l -> assertThat(l).startsWith("Kafka broker (KRaft)").contains("127.0.0.1:" + kafkaPort));
        assertThat(first.output()).anySatisfy(l -> assertThat(l).startsWith("schema registry").contains("http://127.0.0.1:" + registryPort));
        assertThat(httpGet("http://127.0.0.1:" + registryPort + "/subjects")).contains("\"orders.product.orders.v1-value\"",
                "\"sales.product.pizzas-sold.v1-value\"");
        assertThat(first.output()).anySatisfy(l -> assertThat(l).startsWith("domain sales").contains("/metrics"));

        String bootstrap = "127.0.0.1:" + kafkaPort;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(Set.of(new NewTopic("smoke.raw.hello", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        produce(bootstrap, "smoke.raw.hello", "hello mesh");
        assertThat(consume(bootstrap, "smoke.raw.hello", 1)).containsExactly("hello mesh");
        assertThat(consume(bootstrap, "sales.product.pizzas-sold.v1", 1)).as("demo data flows through orders into sales").isNotEmpty();
        assertThat(first.output()).anySatisfy(l -> assertThat(l).startsWith("queries").contains("http://127.0.0.1:" + queryPort + "/domains"));
        String catalog = httpGet("http://127.0.0.1:" + queryPort + "/domains");
        for (String domain : List.of("orders", "kitchen", "inventory", "clickstream", "sales")) {
            assertThat(catalog).contains("\"name\":\"" + domain + "\"");
        }
        assertThat(httpGet("http://127.0.0.1:" + queryPort + "/domains/orders/views/orders-by-id/keys?limit=5"))
                .as("the demo's orders, asked through the router").contains("\"orderId\":\"o");
        assertThat(first.output()).anySatisfy(l -> assertThat(l).startsWith("MariaDB (CDC source)").contains("127.0.0.1:" + mariadbPort))
                .anySatisfy(l -> assertThat(l).startsWith("AMQP bus").contains("embedded Qpid"))
                .anySatisfy(l -> assertThat(l).startsWith("CDC orders").contains("/status"))
                .anySatisfy(l -> assertThat(l).startsWith("clickstream collector").contains("http://127.0.0.1:" + collectorPort + "/collect"));
        // DESIGN's question, through the platform's own MariaDB, Debezium, the orders domain and the sales aggregate.
        String asKnownOnThe9th = "http://127.0.0.1:" + queryPort + "/domains/sales/aggregates/pizzas-sold-by-day?group=napoli-1"
                + "&from=2018-07-08&to=2018-07-09&knownAt=2018-07-09";
        awaitBody(asKnownOnThe9th, "\"pizzas\":6");
        awaitBody(asKnownOnThe9th.replace("&knownAt=2018-07-09", ""), "\"pizzas\":5");
        awaitBody("http://127.0.0.1:" + queryPort + "/domains/kitchen/views/pizzas-by-id/keys?limit=1", "\"kind\":\"BUS\"");
        awaitBody("http://127.0.0.1:" + queryPort + "/domains/clickstream/views/sessions-by-id/keys?limit=1", "\"kind\":\"CLICK\"");
        assertThat(java.nio.file.Files.readAllLines(home.resolve(MeshDev.PLATFORM_FILE))).as("where the mesh command finds it")
                .contains("bootstrap.servers=" + bootstrap, "registry.url=http://127.0.0.1:" + registryPort,
                        "query.url=http://127.0.0.1:" + queryPort);

        stop(first);
        assertThat(home.resolve(MeshDev.PLATFORM_FILE)).as("removed when it stops").doesNotExist();
        assertThat(canBind(kafkaPort)).as("Kafka port free after stop").isTrue();
        assertThat(canBind(controllerPort)).as("controller port free after stop").isTrue();
        assertThat(canBind(registryPort)).as("registry port free after stop").isTrue();
        assertThat(canBind(queryPort)).as("query port free after stop").isTrue();
        assertThat(home.resolve("kafka")).isNotEmptyDirectory();
        assertThat(home.resolve("logs").resolve("mesh.log")).isNotEmptyFile();

        DevProcess second = start(kafkaPort, controllerPort, registryPort, queryPort);
        assertThat(second.awaitLine(MeshDev.READY_LINE, START_TIMEOUT)).isTrue();
        assertThat(consume(bootstrap, "smoke.raw.hello", 1)).as("records of the first run").containsExactly("hello mesh");
        stop(second);
    }

    @Test
    void aTakenPortIsReportedInOneLineAndTheExitCodeIsNotZero() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            DevProcess dev = start(taken.getLocalPort(), freePort(), freePort());
            assertThat(dev.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(dev.process.exitValue()).isEqualTo(MeshDev.EXIT_PORT_IN_USE);
            dev.drained();
            assertThat(dev.output()).containsExactly("mesh: Kafka broker port 127.0.0.1:" + taken.getLocalPort()
                    + " is already in use; stop whatever listens there or choose another port");
        }
    }

    @Test
    void aTakenRegistryPortIsReportedBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            DevProcess dev = start(freePort(), freePort(), taken.getLocalPort());
            assertThat(dev.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(dev.process.exitValue()).isEqualTo(MeshDev.EXIT_PORT_IN_USE);
            dev.drained();
            assertThat(dev.output()).containsExactly("mesh: schema registry port 127.0.0.1:" + taken.getLocalPort()
                    + " is already in use; stop whatever listens there or choose another port");
            assertThat(home.resolve("kafka")).as("nothing started").doesNotExist();
        }
    }

    private final int mariadbPort = freePortUnchecked();
    private final int collectorPort = freePortUnchecked();
    private final int amqpPort = freePortUnchecked();

    private static int freePortUnchecked() {
        try {
            return freePort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asks {@code url} until its body contains {@code text}: the sources and domains catch up at their pace. */
    private static void awaitBody(String url, String text) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = httpGet(url);
            if (body.contains(text)) {
                return;
            }
            Thread.sleep(500); // polls an HTTP API, not Kafka
        }
        assertThat(body).as(url).contains(text);
    }

    private static String httpGet(String url) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private DevProcess start(int kafkaPort, int controllerPort, int registryPort) throws IOException {
        return start(kafkaPort, controllerPort, registryPort, freePort());
    }

    private DevProcess start(int kafkaPort, int controllerPort, int registryPort, int queryPort) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // Its own MariaDB, collector and bus (an embedded broker on a free port): nothing shared with a make run of the machine.
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx768m", "-cp", System.getProperty("java.class.path"),
                MeshDev.class.getName(), "--home", home.toString(),
                "--kafka-port", String.valueOf(kafkaPort), "--controller-port", String.valueOf(controllerPort),
                "--registry-port", String.valueOf(registryPort), "--query-port", String.valueOf(queryPort),
                "--mariadb-port", String.valueOf(mariadbPort), "--collector-port", String.valueOf(collectorPort),
                "--amqp-uri", "amqp://guest:guest@127.0.0.1:" + amqpPort)
                .redirectErrorStream(true);
        Process p = pb.start();
        processes.add(p);
        return new DevProcess(p);
    }

    private static void stop(DevProcess dev) throws InterruptedException {
        // SIGTERM, like a container stop; through the handle, since Process.destroy() also closes our end of its output.
        dev.process.toHandle().destroy();
        assertThat(dev.process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
        assertThat(dev.process.descendants()).isEmpty();
        dev.drained();
        assertThat(dev.output()).contains("mesh: stopped");
    }

    private static void produce(String bootstrap, String topic, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> consume(String bootstrap, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "smoke-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach((ConsumerRecord<String, String> r) -> values.add(r.value()));
            }
        }
        return values;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A child process whose output lines are collected by a reader thread. */
    private static final class DevProcess {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Thread reader;

        DevProcess(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("<output closed: " + e.getMessage() + ">");
                }
            }, "dev-output");
            reader.setDaemon(true);
            reader.start();
        }

        boolean awaitLine(String prefix, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (lines.stream().anyMatch(l -> l.startsWith(prefix))) {
                    return true;
                }
                if (!process.isAlive()) {
                    drained();
                    return lines.stream().anyMatch(l -> l.startsWith(prefix));
                }
                Thread.sleep(50); // polls the collected output of a child process, not Kafka
            }
            return false;
        }

        void drained() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }

        List<String> output() {
            return List.copyOf(lines);
        }
    }
}
