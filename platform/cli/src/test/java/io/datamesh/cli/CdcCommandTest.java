package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.datamesh.cdc.debezium.Capture;
import io.datamesh.cdc.debezium.CaptureConfig;
import io.datamesh.cdc.debezium.CaptureGrants;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.mariadb.embedded.EmbeddedMariaDb;
import io.datamesh.mariadb.embedded.EmbeddedMariaDbExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An operator watches a capture and reads a table again on purpose, from a terminal, against a real MariaDB and broker. */
class CdcCommandTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perClass();

    @TempDir
    Path dir;

    record Output(int exit, String out, String err) {
    }

    static Output mesh(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Mesh.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Output(exit, out.toString(), err.toString());
    }

    @Test
    void statusShowsTheCaptureAndASnapshotOnDemandReportsItsProgressUntilDone() throws Exception {
        EmbeddedMariaDb db = MARIADB.server();
        String database = MARIADB.database();
        db.execute("CREATE TABLE `" + database + "`.pizzas (id INT PRIMARY KEY, name VARCHAR(40))",
                "INSERT INTO `" + database + "`.pizzas VALUES (1, 'margherita'), (2, 'marinara'), (3, 'diavola')");
        db.createUser("cdc_cli", "secret", CaptureGrants.grants(database).toArray(String[]::new));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(CaptureConfig.DOMAIN, "menu");
        settings.put(CaptureConfig.DATABASE, database);
        settings.put(CaptureConfig.TABLES, "pizzas");
        settings.put(CaptureConfig.HOST, EmbeddedMariaDb.HOST);
        settings.put(CaptureConfig.PORT, String.valueOf(db.port()));
        settings.put(CaptureConfig.USER, "cdc_cli");
        settings.put(CaptureConfig.PASSWORD, "secret");
        settings.put(CaptureConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        settings.put(CaptureConfig.HTTP_PORT, "0");
        Path file = dir.resolve("menu.properties");
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text);

        try (Capture capture = Capture.start(CaptureConfig.load(file, Map.of()))) {
            String url = capture.httpUrl().orElseThrow();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            Output status = mesh("cdc", "status", "--url", url);
            while (!status.out().contains("STREAMING") && System.nanoTime() < deadline) {
                Thread.sleep(500); // polls the capture's status over HTTP
                status = mesh("cdc", "status", "--url", url);
            }
            assertThat(status.out()).contains("menu", "STREAMING", "menu-db");

            Output snapshot = mesh("cdc", "snapshot", "menu", "pizzas", "--config", file.toString(), "--url", url);
            assertThat(snapshot.exit()).as(snapshot.err()).isZero();
            assertThat(snapshot.out()).contains("incremental snapshot", "completed: 3 rows read");
            assertThat(snapshot.err()).as("the progress bar").contains("% of pizzas read");
        }

        Output reset = mesh("cdc", "snapshot", "menu", "--reset", "--config", file.toString());
        assertThat(reset.exit()).as(reset.err()).isZero();
        assertThat(reset.out()).contains("reset to epoch 1", "menu-db@1");
    }

    @Test
    void aDomainWithoutACaptureFileIsRefusedWithWhereItLooked() {
        Output missing = mesh("cdc", "snapshot", "nosuch", "t", "--config", dir.resolve("nosuch.properties").toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("nosuch.properties");
    }
}
