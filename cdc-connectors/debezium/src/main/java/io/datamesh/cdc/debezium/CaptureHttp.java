package io.datamesh.cdc.debezium;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A capture's operations endpoints, on the JDK's HTTP server: four fixed GETs without input do not
 * need a framework, and the capture's class path (Debezium, Kafka Connect) stays free of a second
 * HTTP stack and dependency-injection container.
 * <ul>
 *   <li>{@code /health}: 200 while the capture is alive (also while it reconnects); 503 once it failed or stopped;</li>
 *   <li>{@code /ready}: 200 while it snapshots or streams; 503 with the reason otherwise;</li>
 *   <li>{@code /metrics}: Prometheus text;</li>
 *   <li>{@code /status}: {@link CaptureStatus} as JSON.</li>
 * </ul>
 */
final class CaptureHttp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CaptureHttp.class);
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final HttpServer server;
    private final ExecutorService executor;

    private CaptureHttp(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static CaptureHttp start(String host, int port, Capture capture, CaptureMetrics metrics) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "cdc-http-" + capture.config().domain());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/health", ex -> {
            CaptureStatus s = capture.status();
            boolean live = s.state() != CaptureStatus.State.FAILED && s.state() != CaptureStatus.State.STOPPED;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", live ? "UP" : "DOWN");
            body.put("state", s.state());
            body.put("error", s.error());
            json(ex, live ? 200 : 503, body);
        });
        server.createContext("/ready", ex -> {
            CaptureStatus s = capture.status();
            List<String> reasons = Capture.notReady(s);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ready", reasons.isEmpty());
            body.put("state", s.state());
            body.put("reasons", reasons);
            json(ex, reasons.isEmpty() ? 200 : 503, body);
        });
        server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(StandardCharsets.UTF_8)));
        server.createContext("/status", ex -> json(ex, 200, capture.status()));
        server.start();
        log.info("Capture HTTP domain={} url=http://{}:{}", capture.config().domain(), host, server.getAddress().getPort());
        return new CaptureHttp(server, executor);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                byte[] msg = "{\"error\":\"method_not_allowed\",\"message\":\"only GET\"}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(405, msg.length);
                ex.getResponseBody().write(msg);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
