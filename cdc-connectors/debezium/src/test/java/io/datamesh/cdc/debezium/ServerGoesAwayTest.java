package io.datamesh.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.mariadb.embedded.EmbeddedMariaDbExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ServerGoesAwayTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perJvm();
    /** A server of its own: this class kills it. */
    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perClass();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theCaptureReportsTheOutageRetriesAndResumesWithoutLoss() throws Exception {
        CaptureFixture f = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
        f.sql("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
        String topic = f.domain + ".raw.t";
        try (Capture capture = Capture.start(f.config("t", CaptureConfig.HTTP_PORT, "0"))) {
            String url = capture.httpUrl().orElseThrow();
            CaptureFixture.await("streaming", Duration.ofSeconds(30), () -> capture.status().state() == CaptureStatus.State.STREAMING);
            assertThat(get(url + "/ready").statusCode()).isEqualTo(200);
            for (int i = 1; i <= 20; i++) {
                f.sql("INSERT INTO t VALUES (" + i + ", 'before')");
            }
            f.read(topic, 20, Duration.ofSeconds(60));

            MARIADB.server().kill();

            CaptureFixture.await("reconnecting", Duration.ofSeconds(30), () -> capture.status().state() == CaptureStatus.State.RECONNECTING);
            HttpResponse<String> health = get(url + "/health");
            HttpResponse<String> ready = get(url + "/ready");
            assertThat(health.statusCode()).as("alive while it retries: nothing to restart").isEqualTo(200);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"state\":\"RECONNECTING\"").contains("the database is unreachable; retrying");
            assertThat(get(url + "/metrics").body()).contains("debezium_connected{domain=\"" + f.domain + "\"} 0.0");

            MARIADB.server().start();
            for (int i = 21; i <= 40; i++) {
                f.sql("INSERT INTO t VALUES (" + i + ", 'after')");
            }

            List<CaptureFixture.Raw> all = f.read(topic, 40, Duration.ofSeconds(90));
            assertThat(CaptureFixture.deduplicated(all)).extracting(CaptureFixture.Raw::key).hasSize(40)
                    .contains("{\"id\":1}", "{\"id\":20}", "{\"id\":21}", "{\"id\":40}");
            CaptureFixture.await("streaming again", Duration.ofSeconds(30), () -> capture.status().state() == CaptureStatus.State.STREAMING);
            assertThat(get(url + "/ready").statusCode()).isEqualTo(200);
            String metrics = get(url + "/metrics").body();
            assertThat(metrics).contains("mesh_cdc_records_total{domain=\"" + f.domain + "\",kind=\"change\",table=\"t\"}")
                    .contains("mesh_cdc_commit_to_kafka_seconds_bucket").contains("mesh_cdc_binlog_headroom_bytes")
                    .contains("mesh_cdc_binlog_headroom_files").contains("debezium_milliseconds_behind_source")
                    .contains("debezium_snapshot_running").contains("mesh_cdc_up{domain=\"" + f.domain + "\"} 1.0");
            String status = get(url + "/status").body();
            assertThat(status).contains("\"state\":\"STREAMING\"").contains("\"server\":\"" + f.domain + "-db\"")
                    .contains("\"recordsPerTable\":{\"t\":");
        }
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
