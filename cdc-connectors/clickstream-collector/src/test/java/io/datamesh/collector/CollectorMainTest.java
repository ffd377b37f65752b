package io.datamesh.collector;

import static io.datamesh.collector.CollectorTest.click;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.sources.SourceHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The collector as its own process: it serves what it is told to, and SIGTERM stops it cleanly. */
class CollectorMainTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path dir;

    @Test
    void theMainServesOnItsPortAndStopsCleanlyOnSigterm() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("collector.log");
        Process collector = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dlogback.configurationFile=logback-test.xml", "-cp", System.getProperty("java.class.path"),
                ClickstreamCollectorMain.class.getName(), "--bootstrap-servers", KAFKA.bootstrapServers(), "--port", String.valueOf(port),
                "--set", "collector.raw=clicks-main", "--set", "collector.name=web")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        String url = "http://127.0.0.1:" + port;
        try {
            KafkaTopics.until("the collector answers", Duration.ofSeconds(60), () -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/collect")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(click("main-1", "s1", "\"type\":\"checkout\""))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        } finally {
            collector.destroy(); // SIGTERM
            assertThat(collector.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(log)).contains("Clickstream collector stopped name=web");
        assertThat(KafkaTopics.readAll(KAFKA.bootstrapServers(), "clickstream.raw.clicks-main"))
                .extracting(rec -> SourceHeaders.position(rec.headers(), null).toString()).isEqualTo(List.of("click:web/main-1"));
    }
}
