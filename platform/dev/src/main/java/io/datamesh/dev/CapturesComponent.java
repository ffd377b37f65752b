package io.datamesh.dev;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.datamesh.cdc.debezium.Capture;
import io.datamesh.cdc.debezium.CaptureConfig;

/**
 * CDC of the demo services' databases into the domains' raw topics (Debezium's embedded engine): the
 * orders database ({@code orders}, {@code order_lines}) for the orders domain, the inventory database
 * ({@code write_offs}) for the inventory domain. Each capture connects as its own user with only the
 * grants Debezium needs, keeps its offsets and schema history in Kafka, and serves {@code /status},
 * {@code /health}, {@code /ready} and {@code /metrics}.
 */
final class CapturesComponent implements DevComponent {

    /** domain → database and tables, as a team's capture file says. */
    static final Map<String, List<String>> CAPTURED = Map.of("orders", List.of("orders", "order_lines"), "inventory", List.of("write_offs"));

    private final java.nio.file.Path home;
    private final KafkaComponent kafka;
    private final MariaDbComponent mariadb;
    private final List<Capture> captures = new ArrayList<>();

    CapturesComponent(java.nio.file.Path home, KafkaComponent kafka, MariaDbComponent mariadb) {
        this.home = home;
        this.kafka = kafka;
        this.mariadb = mariadb;
    }

    @Override
    public String name() {
        return "cdc";
    }

    @Override
    public List<PortClaim> ports() {
        return List.of();
    }

    /** The capture file of {@code domain} on this platform, as a team would write it (see the README). */
    Map<String, String> config(String domain) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(CaptureConfig.DOMAIN, domain);
        c.put(CaptureConfig.DATABASE, domain);
        c.put(CaptureConfig.TABLES, String.join(",", CAPTURED.get(domain)));
        c.put(CaptureConfig.HOST, "127.0.0.1");
        c.put(CaptureConfig.PORT, String.valueOf(mariadb.port()));
        c.put(CaptureConfig.USER, DemoDatabase.captureUser(domain));
        c.put(CaptureConfig.PASSWORD, DemoDatabase.CAPTURE_PASSWORD);
        c.put(CaptureConfig.BOOTSTRAP_SERVERS, kafka.broker().bootstrapServers());
        c.put("http.port", "0");
        return c;
    }

    @Override
    public void start() throws java.io.IOException {
        java.nio.file.Path dir = home.resolve("cdc");
        java.nio.file.Files.createDirectories(dir);
        for (String domain : List.of("orders", "inventory")) {
            Map<String, String> config = config(domain);
            // The capture's file, as a team keeps it: mesh cdc status|snapshot find it by domain.
            StringBuilder file = new StringBuilder("# The capture of domain " + domain + " in make run (written at each start).\n");
            config.forEach((k, v) -> file.append(k).append('=').append(v).append('\n'));
            java.nio.file.Files.writeString(dir.resolve(domain + ".properties"), file);
            captures.add(Capture.start(CaptureConfig.from(config)));
        }
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> rows = new ArrayList<>();
        for (Capture c : captures) {
            CaptureConfig cfg = c.config();
            rows.add(new Endpoint("CDC " + cfg.domain(), c.httpUrl().map(u -> u + "/status").orElse("-"),
                    "MariaDB " + cfg.database() + "." + String.join(", " + cfg.database() + ".", cfg.tables()) + " → " + cfg.domain() + ".raw.*"));
        }
        return rows;
    }

    @Override
    public Map<String, String> location() {
        Map<String, String> out = new LinkedHashMap<>();
        captures.forEach(c -> c.httpUrl().ifPresent(u -> out.put("cdc." + c.config().domain() + ".url", u)));
        return out;
    }

    @Override
    public void close() {
        for (int i = captures.size() - 1; i >= 0; i--) {
            captures.get(i).close();
        }
        captures.clear();
    }
}
