package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.cdc.debezium.Capture;
import io.datamesh.cdc.debezium.CaptureConfig;
import io.datamesh.cdc.debezium.CaptureGrants;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.mariadb.embedded.EmbeddedMariaDb;
import io.datamesh.mariadb.embedded.EmbeddedMariaDbExtension;
import io.datamesh.runtime.DomainJar;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;
import io.datamesh.sdk.Domain;
import io.datamesh.serde.RestSchemaRegistryClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mesh audit --capture --jar}: the orders table of a real MariaDB, captured by the platform's
 * Debezium capture into the orders domain, agrees row by row with the product; then changes the
 * product never learnt of (made while the capture is down) are named: a row missing from the product,
 * a row deleted without a delete, a row whose content differs.
 */
class AuditSourceTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perClass();

    static final String ORDERS = "orders.product.orders.v1";

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    @Test
    void everyRowAgreesWithItsLatestVersionUntilTheSourceChangesBehindTheProductsBack() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("AuditSourceTest seed " + seed);
        Random random = new Random(seed);
        int rows = 10 + random.nextInt(20);
        EmbeddedMariaDb db = MARIADB.server();
        String database = MARIADB.database();
        db.execute("CREATE TABLE `" + database + "`.orders (id VARCHAR(40) NOT NULL PRIMARY KEY, pizzeria_id VARCHAR(40) NOT NULL,"
                + " customer_id VARCHAR(40) NULL, status VARCHAR(20) NOT NULL, placed_at TIMESTAMP(3) NOT NULL, total DECIMAL(10,2) NOT NULL,"
                + " updated_at TIMESTAMP(3) NOT NULL)");
        for (int i = 0; i < rows; i++) {
            db.execute("INSERT INTO `" + database + "`.orders VALUES ('o" + i + "', 'napoli-" + random.nextInt(3) + "', "
                    + (random.nextBoolean() ? "NULL" : "'c" + i + "'") + ", 'placed', '2018-07-08 10:" + String.format("%02d", i) + ":00.250', "
                    + random.nextInt(60) + "." + String.format("%02d", random.nextInt(100)) + ", '2018-07-08 10:" + String.format("%02d", i) + ":00.250')");
        }
        db.createUser("orders_cdc", "secret", CaptureGrants.grants(database).toArray(String[]::new));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(CaptureConfig.DOMAIN, "orders");
        settings.put(CaptureConfig.DATABASE, database);
        settings.put(CaptureConfig.TABLES, "orders");
        settings.put(CaptureConfig.HOST, EmbeddedMariaDb.HOST);
        settings.put(CaptureConfig.PORT, String.valueOf(db.port()));
        settings.put(CaptureConfig.USER, "orders_cdc");
        settings.put(CaptureConfig.PASSWORD, "secret");
        settings.put(CaptureConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        Path file = dir.resolve("orders.properties");
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text);
        Path jar = DomainJars.of(OrdersDomain.class, dir);

        try (SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(RegistryConfig.BOOTSTRAP_SERVERS,
                KAFKA.bootstrapServers(), RegistryConfig.PORT, 0)))) {
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
            Domain domain = Domain.of(new OrdersDomain(), client, false);
            DomainJar.registerSchemas(domain, client);
            try (DomainRuntime orders = DomainRuntime.of(domain, RuntimeSettings.builder(KAFKA.bootstrapServers(), dir.resolve("state"))
                    .httpPort(0).build()).start()) {
                String url = orders.httpUrl().orElseThrow();
                try (Capture capture = Capture.start(CaptureConfig.load(file, Map.of()))) {
                    db.execute("UPDATE `" + database + "`.orders SET status = 'paid', updated_at = '2018-07-08 11:00:00.000' WHERE id = 'o0'");
                    awaitPaid(url, "o0");
                    Run clean = audit(registry, url, jar, file, "--wait", "30");
                    assertThat(clean.exit()).as(clean.out() + clean.err()).isZero();
                    assertThat(clean.out()).contains("source⇄product:orders", "everything agrees")
                            .containsPattern("orders\\s+" + rows + "\\s+" + rows + "\\s+0\\s+0\\s+0\\s+0\\s+yes");
                }
                // Changes the product never learns of: made while the capture is down.
                db.execute("UPDATE `" + database + "`.orders SET total = 999.99 WHERE id = 'o1'",
                        "DELETE FROM `" + database + "`.orders WHERE id = 'o2'",
                        "INSERT INTO `" + database + "`.orders VALUES ('o-new', 'napoli-1', NULL, 'placed', '2018-07-09 10:00:00.000', 1.00,"
                                + " '2018-07-09 10:00:00.000')");
                Run behind = audit(registry, url, jar, file, "--wait", "1");
                assertThat(behind.exit()).as(behind.out() + behind.err()).isEqualTo(AuditReport.MISMATCH);
                assertThat(behind.out()).containsPattern("source differs\\s+" + ORDERS + "\\s+source⇄product:orders\\s+o1\\s")
                        .containsPattern("gone without delete\\s+" + ORDERS + "\\s+source⇄product:orders\\s+o2\\s")
                        .containsPattern("missing row\\s+" + ORDERS + "\\s+source⇄product:orders\\s+o-new\\s")
                        .containsPattern("orders\\s+" + rows + "\\s+" + rows + "\\s+1\\s+1\\s+1\\s+0\\s+NO");
                // raw ⇄ product and product ⇄ view still agree: the product is complete for what reached it.
                assertThat(behind.out()).doesNotContain("missing in view").doesNotContainPattern("(?m)^missing\\s+" + ORDERS);
            }
        }
    }

    private static void awaitPaid(String url, String key) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/domains/orders/views/orders-by-id/keys/" + key)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && new ObjectMapper().readTree(r.body()).path("version").path("payload").path("status").asText().equals("PAID")) {
                return;
            }
            Thread.sleep(300); // the capture and the domain are still working
        }
        throw new AssertionError(key + " is not PAID in the view after 120 s");
    }

    private static Run audit(SchemaRegistryServer registry, String url, Path jar, Path capture, String... more) {
        String[] base = {"audit", "orders", "--bootstrap-servers", KAFKA.bootstrapServers(), "--registry", registry.url(), "--url=" + url,
            "--jar", jar.toString(), "--capture", capture.toString()};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Mesh.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        System.out.println(out);
        System.out.println(err);
        return new Run(exit, out.toString(), err.toString());
    }
}
