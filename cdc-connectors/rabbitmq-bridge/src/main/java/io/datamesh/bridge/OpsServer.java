package io.datamesh.bridge;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The bridge's operations endpoints on the JDK's HTTP server: {@code GET /health} (the bridge
 * runs), {@code GET /ready} (it consumes and Kafka takes its records; 503 with the reasons
 * otherwise) and {@code GET /metrics} (Prometheus text). Three read-only routes without request
 * bodies need no framework: this keeps Netty and a second Micronaut context out of the bridge.
 */
final class OpsServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * @param alive null while the bridge runs, else why not
     * @param notReady why the bridge is not ready; empty when it is
     */
    OpsServer(String host, int port, String name, Supplier<String> alive, Supplier<List<String>> notReady, PrometheusMeterRegistry metrics) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the bridge's /health, /ready and /metrics on " + host + ":" + port, e);
        }
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + "-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    send(exchange, 405, "application/json", error("method " + exchange.getRequestMethod() + " not allowed: use GET"));
                    return;
                }
                switch (path) {
                    case "/health" -> {
                        String down = alive.get();
                        send(exchange, down == null ? 200 : 503, "application/json", down == null ? "{\"status\":\"UP\"}"
                                : "{\"status\":\"DOWN\",\"reason\":" + quote(down) + "}");
                    }
                    case "/ready" -> {
                        List<String> reasons = notReady.get();
                        send(exchange, reasons.isEmpty() ? 200 : 503, "application/json", reasons.isEmpty() ? "{\"status\":\"READY\"}"
                                : "{\"status\":\"NOT_READY\",\"reasons\":[" + reasons.stream().map(OpsServer::quote).collect(Collectors.joining(","))
                                + "]}");
                    }
                    case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
                    default -> send(exchange, 404, "application/json", error("no endpoint " + path + ": the bridge serves /health, /ready and /metrics"));
                }
            }
        });
    }

    void start() {
        server.start();
    }

    /** {@code http://host:port}. */
    String url() {
        InetSocketAddress a = server.getAddress();
        return "http://" + a.getHostString() + ":" + a.getPort();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String error(String message) {
        return "{\"error\":" + quote(message) + "}";
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
