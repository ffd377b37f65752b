package io.datamesh.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.cdc.debezium.Capture;
import io.datamesh.cdc.debezium.CaptureConfig;
import io.datamesh.cdc.debezium.CaptureMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mesh cdc run|status|snapshot}: a domain's CDC capture of its MariaDB/MySQL database. A capture
 * is described by its file (one per domain, e.g. {@code cdc/orders.properties}); {@code make run}
 * writes the demo's under {@code $MESH_HOME/cdc/} and where each serves its status in
 * {@code platform.properties}, so the commands find them by domain.
 */
@Command(name = "cdc", mixinStandardHelpOptions = true, description = "Run and watch a domain's CDC capture; snapshot a table on purpose.",
        subcommands = {CdcCommand.Run.class, CdcCommand.Status.class, CdcCommand.Snapshot.class})
final class CdcCommand implements Runnable {

    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The capture file of {@code domain}: {@code --config}, else {@code $MESH_HOME/cdc/<domain>.properties}. */
    static Path configFile(String domain, Path given) {
        if (given != null) {
            return given;
        }
        String home = System.getenv("MESH_HOME");
        Path file = Path.of(home == null || home.isBlank() ? ".mesh" : home, "cdc", domain + ".properties");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no capture file for domain " + domain + " at " + file
                    + " (make run writes the demo's there); give --config FILE");
        }
        return file;
    }

    /** Where the running capture of {@code domain} serves its status: {@code --url}, else the file make run writes. */
    static String statusUrl(String domain, String given) throws IOException {
        if (given != null) {
            return given.replaceAll("/+$", "");
        }
        String home = System.getenv("MESH_HOME");
        Path file = Path.of(home == null || home.isBlank() ? ".mesh" : home, PlatformLocation.FILE);
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            String url = p.getProperty("cdc." + domain + ".url");
            if (url != null) {
                return url;
            }
        }
        throw new IllegalArgumentException("no running capture of domain " + domain + " is known at " + file
                + " (make run writes it there while it runs); give --url http://HOST:PORT of the capture");
    }

    static JsonNode status(String url) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(HttpRequest.newBuilder(URI.create(url + "/status"))
                    .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException("nothing answers at " + url + ": is the capture running?");
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + "/status answered " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a capture from its file until SIGTERM or Ctrl-C.")
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The capture's file, e.g. cdc/orders.properties.")
        Path file;

        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Settings over the file's, e.g. database.port=3307.")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>();
            args.add(file.toString());
            args.addAll(overrides);
            return CaptureMain.run(args.toArray(String[]::new), System.out, System.err);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Each capture: state, position, lag behind the database, binlog headroom, records per table.")
    static final class Status implements Callable<Integer> {
        @Parameters(index = "0..*", paramLabel = "DOMAIN", description = "Domains (default: every capture make run knows).")
        List<String> domains = new ArrayList<>();

        @Option(names = "--url", description = "A capture's address (http://HOST:PORT), instead of the one make run wrote.")
        String url;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<String> asked = domains.isEmpty() && url == null ? known() : domains.isEmpty() ? List.of("-") : domains;
            List<List<String>> rows = new ArrayList<>();
            for (String d : asked) {
                JsonNode s = status(url != null ? url.replaceAll("/+$", "") : statusUrl(d, null));
                JsonNode h = s.path("headroom");
                rows.add(List.of(s.path("domain").asText(d), s.path("state").asText(), position(s.path("position")),
                        s.path("lagMillis").isNumber() ? s.path("lagMillis").asLong() + " ms" : "-",
                        h.isMissingNode() || h.isNull() ? "-" : h.path("bytes").asText("?") + " B, " + h.path("files").asText("?") + " files",
                        s.path("recordsPerTable").toString(), s.path("error").isNull() || s.path("error").isMissingNode() ? "" : s.path("error").asText()));
            }
            TextTable.print(spec.commandLine().getOut(), List.of("domain", "state", "position", "lag", "headroom", "records", "error"), rows);
            return 0;
        }

        private static List<String> known() throws IOException {
            String home = System.getenv("MESH_HOME");
            Path file = Path.of(home == null || home.isBlank() ? ".mesh" : home, PlatformLocation.FILE);
            List<String> out = new ArrayList<>();
            if (Files.isRegularFile(file)) {
                Properties p = new Properties();
                try (var r = Files.newBufferedReader(file)) {
                    p.load(r);
                }
                p.stringPropertyNames().stream().filter(k -> k.startsWith("cdc.") && k.endsWith(".url")).sorted()
                        .forEach(k -> out.add(k.substring(4, k.length() - 4)));
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no capture is known at " + file + " (make run writes them there while it runs);"
                        + " name a domain with --url http://HOST:PORT");
            }
            return out;
        }

        private static String position(JsonNode p) {
            if (p == null || p.isNull() || p.isMissingNode()) {
                return "-";
            }
            String segment = p.path("segment").asText("");
            return p.path("source").asText() + (segment.isEmpty() ? " #" + p.path("offset").asText() // a snapshot read: its number in the run
                    : " " + segment + ":" + p.path("offset").asText()) + (p.path("id").isTextual() ? " " + p.path("id").asText() : "");
        }
    }

    @Command(name = "snapshot", mixinStandardHelpOptions = true,
            description = "Read tables again while the capture streams (incremental snapshot), with progress; or --reset: start over on purpose.")
    static final class Snapshot implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DOMAIN")
        String domain;

        @Parameters(index = "1..*", paramLabel = "TABLE", description = "Tables to read again (default with --reset: all).")
        List<String> tables = new ArrayList<>();

        @Option(names = "--config", paramLabel = "FILE", description = "The capture's file (default: $MESH_HOME/cdc/<domain>.properties).")
        Path config;

        @Option(names = "--url", description = "The running capture's address, to follow the progress (default: the one make run wrote).")
        String url;

        @Option(names = "--reset", description = "Start over on purpose after a binlog reset or purge: a new epoch, every table read again."
                + " The capture must be stopped.")
        boolean reset;

        @Option(names = "--no-wait", description = "Send the request and return; do not follow the progress.")
        boolean noWait;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CaptureConfig cfg = CaptureConfig.load(configFile(domain, config), Map.of());
            if (reset) {
                int epoch = Capture.resnapshot(cfg, "mesh cdc snapshot " + domain + " --reset");
                spec.commandLine().getOut().println("capture of " + domain + " reset to epoch " + epoch + ": start it again and it reads every"
                        + " table anew, under source " + cfg.serverName() + "@" + epoch);
                return 0;
            }
            String id = Capture.requestSnapshot(cfg, tables);
            spec.commandLine().getOut().println("incremental snapshot " + id + " of " + tables + " requested");
            if (noWait) {
                return 0;
            }
            String at = statusUrl(domain, url);
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            long done = 0;
            try (Progress progress = new Progress(spec.commandLine().getErr(), "% of " + String.join(", ", tables) + " read", 100)) {
                while (System.nanoTime() < deadline) {
                    JsonNode run = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
                    for (JsonNode r : status(at).path("incrementalSnapshots")) {
                        if (id.equals(r.path("run").asText())) {
                            run = r;
                        }
                    }
                    int percent = run.path("percent").asInt(0);
                    for (; done < percent; done++) {
                        progress.step();
                    }
                    String state = run.path("state").asText("");
                    if (state.equals("COMPLETED") || state.equals("ABORTED")) {
                        spec.commandLine().getOut().println("incremental snapshot " + id + " " + state.toLowerCase() + ": "
                                + run.path("rowsRead").asLong() + " rows read");
                        return state.equals("COMPLETED") ? 0 : 1;
                    }
                    Thread.sleep(500); // polls the capture's status over HTTP
                }
            }
            throw new IllegalStateException("incremental snapshot " + id + " not done after 30 minutes; follow it with mesh cdc status " + domain);
        }
    }
}
