package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;
import io.datamesh.sdk.DomainManifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feature team ships a data product on its own: {@code mesh new domain} writes its module, the team
 * writes its payload and mapping, Maven builds the module outside the platform's build, against the
 * platform's published artifacts only (a local repository of the team's own, this build's third-party
 * artifacts as its only remote one, no network), and {@code mesh run} deploys the jar to a running
 * platform whose class path has no domain on it: the product's view answers as of a past time over
 * HTTP. The same jar without one of its schema classes is refused before it starts, in one line.
 * Two more modules, as {@code mesh new domain} writes them (JSON and change events), build and pass
 * their own tests untouched.
 */
class TeamDomainJarTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    @Test
    void aDomainBuiltOutsideThePlatformRunsOnItAndAJarWithoutItsSchemaClassIsRefused() throws Exception {
        long start = System.nanoTime();
        Path team = Files.createDirectories(dir.resolve("team"));
        newDomain("delivery", "--raw", "deliveries", "--product", "deliveries", "--dir", team.resolve("delivery").toString());
        newDomain("tickets", "--raw", "tickets", "--product", "tickets", "--dir", team.resolve("tickets").toString());
        newDomain("stock", "--raw", "rows", "--product", "items", "--raw-format", "cdc", "--dir", team.resolve("stock").toString());
        fillInTheDeliveryDomain(team.resolve("delivery"));

        buildOutsideThePlatform(team, "delivery", "tickets", "stock");
        long built = System.nanoTime();
        for (String test : List.of("delivery/target/surefire-reports/com.example.delivery.DeliveryDomainTest.txt",
                "tickets/target/surefire-reports/com.example.tickets.TicketsDomainTest.txt",
                "stock/target/surefire-reports/com.example.stock.StockDomainTest.txt")) {
            assertThat(Files.readString(team.resolve(test))).as(test).contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0");
        }

        Path jar = team.resolve("delivery/target/delivery-1.0.0-SNAPSHOT.jar");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertThat(zip.getEntry("com/example/delivery/DeliveryRecord.class")).as("the envelope's class, generated").isNotNull();
            assertThat(zip.getEntry("com/example/delivery/Delivery.class")).isNotNull();
            assertThat(zip.getEntry("io/datamesh/schemas/envelope/SourcePosition.class")).as("the platform's, not the team's").isNull();
            DomainManifest manifest = DomainManifest.parse(zip.getInputStream(zip.getEntry(DomainManifest.PATH)), jar.toString());
            assertThat(manifest.schemaClasses()).containsExactly("com.example.delivery.Delivery", "com.example.delivery.DeliveryRecord");
        }

        try (SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(
                RegistryConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(), RegistryConfig.PORT, 0)))) {
            Path broken = withoutEntry(jar, "com/example/delivery/DeliveryRecord.class", dir.resolve("delivery-broken.jar"));
            Process refused = meshRun(broken, registry.url(), "broken");
            assertThat(refused.waitFor(60, TimeUnit.SECONDS)).as("a refused jar stops at once").isTrue();
            assertThat(refused.exitValue()).isEqualTo(2);
            assertThat(Files.readString(dir.resolve("broken.log"))).isEqualTo("mesh: delivery-broken.jar lacks class"
                    + " com.example.delivery.DeliveryRecord, a schema class its manifest names: build the jar with mvn package in the"
                    + " domain's module, whose parent mesh-domain-parent generates the schema classes from src/main/avro, packs them and"
                    + " writes the manifest (bin/mesh new domain makes such a module)\n");

            String url = awaitRunning(meshRun(jar, registry.url(), "delivery"), "delivery");
            Instant delivered = Instant.parse("2018-07-08T19:40:00Z");
            // Fed as the README's walkthrough does, with mesh produce.
            produce(delivery("d1", delivered, "2.50"), delivered.plusSeconds(60));
            // The next morning the rider's tip is corrected: the same valid time, recorded later.
            produce(delivery("d1", delivered, "3.00"), Instant.parse("2018-07-09T08:00:00Z"));

            String key = url + "/domains/delivery/views/deliveries-by-id/keys/d1";
            JsonNode now = await(key + "?validAt=2018-07-08T20:00:00Z", body -> body.path("version").path("payload").path("tip").asText().equals("3.00"));
            assertThat(now.path("version").path("payload").path("rider").asText()).isEqualTo("anna");
            JsonNode asKnownThen = get(key + "?validAt=2018-07-08T20:00:00Z&knownAt=2018-07-08T23:00:00Z");
            assertThat(asKnownThen.path("version").path("payload").path("tip").asText()).as("as known that evening").isEqualTo("2.50");
            assertThat(asKnownThen.path("version").path("validFrom").asText()).isEqualTo("2018-07-08T19:40:00Z");
            assertThat(status(key + "?validAt=2018-07-08T19:00:00Z")).as("before it was delivered").isEqualTo(404);
        }
        System.out.printf("team build %d s, deploy and queries %d s%n", Duration.ofNanos(built - start).toSeconds(),
                Duration.ofNanos(System.nanoTime() - built).toSeconds());
    }

    private void newDomain(String... args) {
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "new";
        all[1] = "domain";
        System.arraycopy(args, 0, all, 2, args.length);
        assertThat(Mesh.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), all)).as(err.toString()).isZero();
    }

    /** What the team writes: its payload, its mapping and its test. */
    private static void fillInTheDeliveryDomain(Path module) throws IOException {
        Files.writeString(module.resolve("src/main/avro/Delivery.avsc"), """
                {"type": "record", "name": "Delivery", "namespace": "com.example.delivery",
                 "doc": "A pizza handed over to a customer by a rider.",
                 "fields": [
                   {"name": "deliveryId", "type": "string", "doc": "Delivery id."},
                   {"name": "orderId", "type": "string", "doc": "The order delivered."},
                   {"name": "rider", "type": "string", "doc": "Who rode."},
                   {"name": "deliveredAt", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "When the customer got it."},
                   {"name": "tip", "type": {"type": "bytes", "logicalType": "decimal", "precision": 8, "scale": 2}, "doc": "Tip in EUR."}
                 ]}
                """);
        Path definition = module.resolve("src/main/java/com/example/delivery/DeliveryDomain.java");
        String code = Files.readString(definition);
        int from = code.indexOf("JsonRecord json = in.value();");
        int to = code.indexOf(".build());", from) + ".build());".length();
        assertThat(from).as("the scaffold's mapping").isPositive();
        String indent = " ".repeat(12);
        String mapping = String.join("\n",
                "JsonRecord json = in.value();",
                indent + "Instant at = json.time(\"delivered_at\");",
                indent + "out.upsert(json.text(\"delivery_id\"), at, Delivery.newBuilder()",
                indent + "        .setDeliveryId(json.text(\"delivery_id\"))",
                indent + "        .setOrderId(json.text(\"order_id\"))",
                indent + "        .setRider(json.text(\"rider\"))",
                indent + "        .setDeliveredAt(at)",
                indent + "        .setTip(json.decimal(\"tip\", 2))",
                indent + "        .build());");
        Files.writeString(definition, code.substring(0, from) + mapping + code.substring(to));
        Files.writeString(module.resolve("src/test/java/com/example/delivery/DeliveryDomainTest.java"), """
                package com.example.delivery;

                import static org.assertj.core.api.Assertions.assertThat;

                import java.math.BigDecimal;
                import java.time.Instant;

                import io.datamesh.sdk.dlq.DeadLetters;
                import io.datamesh.sdk.testing.DomainTestDriver;
                import io.datamesh.sources.JsonRecord;
                import io.datamesh.sources.SourcePosition;
                import org.junit.jupiter.api.Test;

                class DeliveryDomainTest {

                    static final Instant AT = Instant.parse("2018-07-08T19:40:00Z");

                    static JsonRecord delivery(String tip) {
                        return JsonRecord.parse("{\\"delivery_id\\":\\"d1\\",\\"order_id\\":\\"o1\\",\\"rider\\":\\"anna\\","
                                + "\\"delivered_at\\":\\"" + AT + "\\",\\"tip\\":\\"" + tip + "\\"}");
                    }

                    @Test
                    void aDeliveryIsAVersionAndACorrectedTipIsKnownFromWhenItWasRecorded() {
                        try (DomainTestDriver driver = DomainTestDriver.of(new DeliveryDomain())) {
                            driver.pipeRaw("delivery.raw.deliveries", "d1", delivery("2.50"), AT.plusSeconds(60), SourcePosition.bus("delivery", "m1"));
                            Instant corrected = Instant.parse("2018-07-09T08:00:00Z");
                            driver.pipeRaw("delivery.raw.deliveries", "d1", delivery("3.00"), corrected, SourcePosition.bus("delivery", "m2"));

                            assertThat(driver.<Delivery>readProduct("delivery.product.deliveries.v1")).extracting(r -> r.payload().getTip())
                                    .containsExactly(new BigDecimal("2.50"), new BigDecimal("3.00"));
                            assertThat(driver.<Delivery>view(DeliveryDomain.VIEW).asOf("d1", AT.plusSeconds(600), corrected.minusSeconds(1))).get()
                                    .extracting(v -> v.value().payload().getTip()).isEqualTo(new BigDecimal("2.50"));
                            assertThat(driver.<Delivery>view(DeliveryDomain.VIEW).asOf("d1", AT.plusSeconds(600), corrected)).get()
                                    .extracting(v -> v.value().payload().getTip()).isEqualTo(new BigDecimal("3.00"));
                        }
                    }

                    @Test
                    void aTipThatIsNoAmountIsADeadLetterNamingTheField() {
                        try (DomainTestDriver driver = DomainTestDriver.of(new DeliveryDomain())) {
                            driver.pipeRaw("delivery.raw.deliveries", "d1", delivery("generous"), AT, SourcePosition.bus("delivery", "m1"));
                            assertThat(driver.readDeadLetters()).singleElement()
                                    .satisfies(d -> assertThat(DeadLetters.header(d.headers(), DeadLetters.REASON)).contains("field tip"));
                        }
                    }
                }
                """);
    }

    /**
     * Builds the team's modules with Maven in a folder of their own: the platform's artifacts from a local
     * repository they were installed into, everything else from this build's local repository as a
     * remote one, never the network.
     */
    private void buildOutsideThePlatform(Path team, String... modules) throws Exception {
        Path repository = Path.of("target", "team-build", "repository").toAbsolutePath();
        Set<String> installed = PlatformArtifacts.of(Path.of("../..")).install("mesh-domain-parent", repository);
        assertThat(installed).contains("mesh-domain-parent", "mesh-sdk", "mesh-domain-build", "mesh-schemas").doesNotContain("mesh-runtime", "mesh-cli");

        Path thisBuildsRepository = Path.of(System.getProperty("mesh.test.maven.repository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        Files.writeString(team.resolve("settings.xml"), """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors>
                    <mirror><id>this-build</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(repository, thisBuildsRepository.toUri()));
        Files.writeString(team.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>team</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <modules>%s</modules>
                </project>
                """.formatted(Arrays.stream(modules).map(m -> "<module>" + m + "</module>").collect(Collectors.joining())));

        String mavenHome = System.getProperty("mesh.test.maven.home");
        String mvn = mavenHome != null ? Path.of(mavenHome, "bin", "mvn").toString() : "mvn";
        Path log = dir.resolve("team-build.log");
        ProcessBuilder build = new ProcessBuilder(mvn, "-B", "-ntp", "-U", "-Dstyle.color=never", "-s", team.resolve("settings.xml").toString(),
                "-f", team.resolve("pom.xml").toString(), "package")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        build.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process maven = build.start();
        processes.add(maven);
        boolean done = maven.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        String output = Files.readString(log);
        assertThat(done).as("the team's build within " + BUILD_TIMEOUT + ": " + tail(output)).isTrue();
        assertThat(maven.exitValue()).as("the team's build: " + tail(output)).isZero();
    }

    /** {@code mesh run jar} in a process of its own, on the platform's class path: this test's, without any domain. */
    private Process meshRun(Path jar, String registryUrl, String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String platform = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes") && !isDomain(Path.of(e))).collect(Collectors.joining(File.pathSeparator));
        Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", platform, Mesh.class.getName(), "run", jar.toString(),
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--registry", registryUrl,
                "--state-dir", dir.resolve("state-" + name).toString(), "--http-port", "0")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private static boolean isDomain(Path entry) {
        if (Files.isDirectory(entry)) {
            return Files.exists(entry.resolve(DomainManifest.PATH));
        }
        try (ZipFile zip = new ZipFile(entry.toFile())) {
            return zip.getEntry(DomainManifest.PATH) != null;
        } catch (IOException e) {
            return false;
        }
    }

    private String awaitRunning(Process p, String name) throws Exception {
        Path log = dir.resolve(name + ".log");
        Pattern url = Pattern.compile("mesh: domain " + name + " running .* queries and metrics at (http://\\S+)");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = url.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return m.group(1);
            }
            assertThat(p.isAlive()).as("mesh run " + name + ": " + (Files.exists(log) ? Files.readString(log) : "")).isTrue();
            Thread.sleep(200); // polls a child process's log
        }
        throw new AssertionError("mesh run " + name + " did not start within 120 s: " + Files.readString(log));
    }

    private static String delivery(String id, Instant at, String tip) {
        return "{\"delivery_id\":\"" + id + "\",\"order_id\":\"o20180708-1\",\"rider\":\"anna\",\"delivered_at\":\"" + at + "\",\"tip\":\"" + tip + "\"}";
    }

    private static void produce(String value, Instant recordedAt) {
        StringWriter err = new StringWriter();
        assertThat(Mesh.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "produce", "delivery.raw.deliveries", "d1", value,
                "--recorded-at", recordedAt.toString(), "--bootstrap-servers", KAFKA.bootstrapServers())).as(err.toString()).isZero();
    }

    private static JsonNode await(String url, Predicate<JsonNode> until) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200 && until.test(JSON.readTree(r.body()))) {
                return JSON.readTree(r.body());
            }
            Thread.sleep(300); // the domain is still processing
        }
        throw new AssertionError("no answer satisfying the test from " + url + " within 90 s; last: " + last);
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static int status(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Path withoutEntry(Path jar, String left, Path copy) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
            for (ZipEntry e : Collections.list(in.entries())) {
                if (!e.getName().equals(left)) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    in.getInputStream(e).transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return copy;
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
