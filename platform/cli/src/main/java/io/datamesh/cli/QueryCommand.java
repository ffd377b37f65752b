package io.datamesh.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mesh query}: the query API from a terminal, as a table or as JSON. Times are ISO-8601
 * instants or dates, read in the domain's time zone, like the HTTP API's.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Ask the domains' views and aggregates, as of any time (the query API from a terminal).",
        subcommands = {QueryCommand.Domains.class, QueryCommand.Key.class, QueryCommand.History.class, QueryCommand.Range.class,
            QueryCommand.Aggregate.class})
final class QueryCommand implements Runnable {

    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The query API: the router of make run, or a domain instance (default: MESH_URL, else where make run runs,"
                    + " else ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--json", scope = picocli.CommandLine.ScopeType.INHERIT, description = "Print the API's JSON instead of a table.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** GETs {@code path}; a refusal becomes an exception whose message is the API's one line. */
    JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> r;
        try {
            r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException("nothing answers at " + PlatformLocation.describe(spec, "--url", url)
                    + ": is make run or the router running? --url or MESH_URL sets the address");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(url + path + " answered " + r.statusCode() + " without JSON");
        }
        if (r.statusCode() >= 400) {
            String message = body.path("message").asText("HTTP " + r.statusCode());
            if (body.has("example")) {
                message += " (e.g. " + body.path("example").asText() + ")";
            }
            if (r.statusCode() == 503) {
                message += "; retry in " + r.headers().firstValue("Retry-After").orElse("a few") + " s";
            }
            throw new IllegalStateException(message);
        }
        if (!json) {
            r.headers().firstValue("Mesh-Served-By").filter("standby"::equals).ifPresent(s -> spec.commandLine().getErr().println(
                    "mesh: answered by a standby replica, " + r.headers().firstValue("Mesh-Standby-Lag-Records").orElse("?")
                            + " records behind: the owner of the data does not answer"));
        }
        return body;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String params(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (v != null) {
                sb.append(sb.length() == 0 ? '?' : '&').append(k).append('=').append(enc(v));
            }
        });
        return sb.toString();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    void printJson(JsonNode node) throws IOException {
        out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }

    /** Prints rows as an aligned table. */
    void table(List<String> header, List<List<String>> rows) {
        TextTable.print(out(), header, rows);
    }

    static List<String> versionRow(JsonNode v) {
        return List.of(v.path("key").asText(), v.path("validFrom").asText(), v.path("recordedAt").asText(),
                v.path("operation").asText(), v.path("payload").isNull() ? "-" : v.path("payload").toString());
    }

    static final List<String> VERSION_HEADER = List.of("key", "validFrom", "recordedAt", "operation", "payload");

    /** {@code mesh query domains}. */
    @Command(name = "domains", mixinStandardHelpOptions = true, description = "The catalog: domains, products, views, aggregates.")
    static final class Domains implements Callable<Integer> {
        @ParentCommand
        QueryCommand q;

        @Override
        public Integer call() throws Exception {
            JsonNode all = q.get("/domains");
            if (q.json) {
                q.printJson(all);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode d : all) {
                List<String> products = new ArrayList<>();
                d.path("products").forEach(p -> products.add(p.path("topic").asText()));
                List<String> views = new ArrayList<>();
                d.path("views").forEach(v -> views.add(v.path("name").asText()));
                d.path("aggregates").forEach(a -> views.add(a.path("name").asText() + " (aggregate)"));
                rows.add(List.of(d.path("name").asText(), d.path("state").asText("?"), String.join(", ", views), String.join(", ", products)));
            }
            q.table(List.of("domain", "state", "views", "products"), rows);
            return 0;
        }
    }

    /** {@code mesh query key <domain> <view> <key>}. */
    @Command(name = "key", mixinStandardHelpOptions = true, description = "A key's version valid at a time, as known at a time.")
    static final class Key implements Callable<Integer> {
        @ParentCommand
        QueryCommand q;
        @Parameters(index = "0", paramLabel = "DOMAIN")
        String domain;
        @Parameters(index = "1", paramLabel = "VIEW")
        String view;
        @Parameters(index = "2", paramLabel = "KEY")
        String key;
        @Option(names = "--valid-at", description = "Valid time (default now), e.g. 2018-07-08 or 2018-07-08T12:00:00Z.")
        String validAt;
        @Option(names = "--known-at", description = "As known at (default now), e.g. 2018-07-09.")
        String knownAt;

        @Override
        public Integer call() throws Exception {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("validAt", validAt);
            p.put("knownAt", knownAt);
            JsonNode r = q.get("/domains/" + enc(domain) + "/views/" + enc(view) + "/keys/" + enc(key) + params(p));
            if (q.json) {
                q.printJson(r);
            } else {
                q.table(VERSION_HEADER, List.of(versionRow(r.path("version"))));
            }
            return 0;
        }
    }

    /** {@code mesh query history <domain> <view> <key>}. */
    @Command(name = "history", mixinStandardHelpOptions = true, description = "Every version of a key.")
    static final class History implements Callable<Integer> {
        @ParentCommand
        QueryCommand q;
        @Parameters(index = "0", paramLabel = "DOMAIN")
        String domain;
        @Parameters(index = "1", paramLabel = "VIEW")
        String view;
        @Parameters(index = "2", paramLabel = "KEY")
        String key;
        @Option(names = "--order", defaultValue = "valid", description = "valid or recorded (default: ${DEFAULT-VALUE}).")
        String order;

        @Override
        public Integer call() throws Exception {
            JsonNode r = q.get("/domains/" + enc(domain) + "/views/" + enc(view) + "/keys/" + enc(key) + "/history" + params(Map.of("order", order)));
            if (q.json) {
                q.printJson(r);
            } else {
                List<List<String>> rows = new ArrayList<>();
                r.path("versions").forEach(v -> rows.add(versionRow(v)));
                q.table(VERSION_HEADER, rows);
            }
            return 0;
        }
    }

    /** {@code mesh query range <domain> <view>}. */
    @Command(name = "range", mixinStandardHelpOptions = true, description = "Keys in [from, to) with a value at a time, in key order.")
    static final class Range implements Callable<Integer> {
        @ParentCommand
        QueryCommand q;
        @Parameters(index = "0", paramLabel = "DOMAIN")
        String domain;
        @Parameters(index = "1", paramLabel = "VIEW")
        String view;
        @Option(names = "--from", description = "First key (inclusive).")
        String from;
        @Option(names = "--to", description = "Last key (exclusive).")
        String to;
        @Option(names = "--valid-at", description = "Valid time (default now).")
        String validAt;
        @Option(names = "--known-at", description = "As known at (default now).")
        String knownAt;
        @Option(names = "--limit", defaultValue = "100", description = "Keys per page, at most 1000 (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--all", description = "Follow the pages to the end of the range.")
        boolean all;

        @Override
        public Integer call() throws Exception {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("from", from);
            p.put("to", to);
            p.put("validAt", validAt);
            p.put("knownAt", knownAt);
            p.put("limit", String.valueOf(limit));
            String base = "/domains/" + enc(domain) + "/views/" + enc(view) + "/keys";
            JsonNode page = q.get(base + params(p));
            List<List<String>> rows = new ArrayList<>();
            while (true) {
                if (q.json) {
                    q.printJson(page);
                } else {
                    page.path("items").forEach(v -> rows.add(versionRow(v)));
                }
                if (!all || page.path("next").isNull() || page.path("next").isMissingNode()) {
                    break;
                }
                page = q.get(base + params(Map.of("limit", String.valueOf(limit), "page", page.path("next").asText())));
            }
            if (!q.json) {
                q.table(VERSION_HEADER, rows);
                if (!all && !page.path("next").isNull()) {
                    q.out().println("(more: --all follows the pages)");
                }
            }
            return 0;
        }
    }

    /** {@code mesh query aggregate <domain> <aggregate> --group g --from d --to d}. */
    @Command(name = "aggregate", mixinStandardHelpOptions = true, description = "A group's buckets in [from, to), as known at a time.")
    static final class Aggregate implements Callable<Integer> {
        @ParentCommand
        QueryCommand q;
        @Parameters(index = "0", paramLabel = "DOMAIN")
        String domain;
        @Parameters(index = "1", paramLabel = "AGGREGATE")
        String aggregate;
        @Option(names = "--group", required = true, description = "The group, e.g. a pizzeria id.")
        String group;
        @Option(names = "--from", required = true, description = "First day or instant, e.g. 2018-07-08.")
        String from;
        @Option(names = "--to", required = true, description = "End (exclusive), e.g. 2018-07-09.")
        String to;
        @Option(names = "--known-at", description = "As known at (default now), e.g. 2018-07-09.")
        String knownAt;

        @Override
        public Integer call() throws Exception {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("group", group);
            p.put("from", from);
            p.put("to", to);
            p.put("knownAt", knownAt);
            JsonNode r = q.get("/domains/" + enc(domain) + "/aggregates/" + enc(aggregate) + params(p));
            if (q.json) {
                q.printJson(r);
                return 0;
            }
            List<String> header = new ArrayList<>(List.of("bucket", "recordedAt"));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode b : r.path("buckets")) {
                List<String> row = new ArrayList<>(List.of(b.path("bucket").asText(), b.path("recordedAt").asText()));
                b.path("value").fields().forEachRemaining(f -> {
                    if (!header.contains(f.getKey())) {
                        header.add(f.getKey());
                    }
                    row.add(f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString());
                });
                rows.add(row);
            }
            q.out().println(r.path("aggregate").asText() + " of " + r.path("group").asText() + ", " + r.path("bucket").asText().toLowerCase()
                    + " buckets in " + r.path("timeZone").asText() + ", as known at " + r.path("knownAt").asText());
            q.table(header, rows);
            return 0;
        }
    }
}
