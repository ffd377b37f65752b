package io.datamesh.runtime.query;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.runtime.directory.DomainDirectory;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One address for the query API of all domains: {@code /domains} lists every domain's catalog,
 * and {@code /domains/{d}/…} goes on, unchanged, to an instance of domain {@code d} (the first
 * that answers; the instance forwards within its domain to the key's owner). Stateless: run as
 * many as you like. It knows the domains given to it, and, with a {@link DomainDirectory}, every
 * domain that announces itself on the cluster: one deployed later is answered within seconds, one
 * that stops is gone (or listed as stopped, when it died without withdrawing).
 */
public final class QueryRouter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueryRouter.class);

    private final Map<String, List<String>> fixed;
    private final DomainDirectory directory;
    private final Forwarder forwarder;
    private final ObjectMapper json = new ObjectMapper();
    private volatile Merged merged;
    private ApplicationContext context;
    private EmbeddedServer server;

    /** @param domains base URLs of each domain's instances, e.g. {@code orders -> [http://10.0.0.7:8080]} */
    public QueryRouter(Map<String, List<String>> domains) {
        this(domains, null);
    }

    /**
     * @param domains base URLs of instances given by hand (may be empty)
     * @param directory the domains announced on the cluster, or null
     */
    public QueryRouter(Map<String, List<String>> domains, DomainDirectory directory) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        domains.forEach((d, urls) -> copy.put(d, List.copyOf(urls)));
        this.fixed = java.util.Collections.unmodifiableMap(copy);
        this.directory = directory;
        this.forwarder = new Forwarder(Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    /** Starts the HTTP server on {@code host:port} (0 = a free port). */
    public QueryRouter start(String host, int port) {
        return start(host, port, true);
    }

    /**
     * As {@link #start(String, int)}; without {@code passThrough}, {@code /domains/{d}/…} takes Micronaut's path
     * ({@link RouterController}) instead of {@link RouterPassThrough}: the slow, obvious path, kept for tests that
     * check both give the same answers.
     */
    QueryRouter start(String host, int port, boolean passThrough) {
        context = ApplicationContext.builder()
                .properties(Map.of("micronaut.server.host", host, "micronaut.server.port", port,
                        "micronaut.server.netty.max-initial-line-length", QueryService.MAX_REQUEST_LINE_BYTES,
                        "micronaut.application.name", "mesh-query-router", "mesh.service", "router",
                        RouterPipeline.PASS_THROUGH, passThrough))
                .singletons(this)
                .start();
        server = context.getBean(EmbeddedServer.class).start();
        log.info("Query router url={} domains={}{}", url(), fixed.keySet(), directory == null ? "" : " and the announced ones");
        return this;
    }

    /** Base URL of the running router. */
    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** The domains this router knows now: those given, then those announced with a live instance. */
    public Map<String, List<String>> domains() {
        if (directory == null) {
            return fixed;
        }
        Map<String, List<String>> live = directory.liveDomains();
        Merged m = merged;
        if (m == null || m.live() != live) {
            // The directory hands out the same map until something changes: merge once per change, not per request.
            Map<String, List<String>> all = new LinkedHashMap<>(fixed);
            live.forEach((d, urls) -> {
                List<String> known = new ArrayList<>(all.getOrDefault(d, List.of()));
                urls.stream().filter(u -> !known.contains(u)).forEach(known::add);
                all.put(d, List.copyOf(known));
            });
            m = new Merged(live, java.util.Collections.unmodifiableMap(all));
            merged = m;
        }
        return m.all();
    }

    /** The directory's live domains (by identity) and what they make with the given ones. */
    private record Merged(Map<String, List<String>> live, Map<String, List<String>> all) {
    }

    /** Every domain's catalog entry; a domain none of whose instances answers is listed as unreachable. */
    CompletableFuture<Answer> catalog() {
        Map<String, List<String>> domains = domains();
        List<CompletableFuture<Object>> entries = new ArrayList<>();
        for (String d : domains.keySet()) {
            entries.add(forward(d, "/domains/" + QueryService.encode(d)).handle((a, e) -> {
                if (e != null) {
                    return Map.of("name", d, "state", "UNREACHABLE", "instances", domains.get(d));
                }
                if (a.status() != 200) {
                    return Map.of("name", d, "state", "UNAVAILABLE", "status", a.status());
                }
                try {
                    return json.readValue(a.json(), Object.class);
                } catch (IOException x) {
                    return Map.of("name", d, "state", "UNAVAILABLE", "status", a.status());
                }
            }));
        }
        return CompletableFuture.allOf(entries.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<Object> out = new ArrayList<>();
            entries.forEach(e -> out.add(e.join()));
            if (directory != null) {
                directory.stoppedDomains().stream().filter(d -> !domains.containsKey(d))
                        .forEach(d -> {
                            Map<String, Object> stopped = new LinkedHashMap<>();
                            stopped.put("name", d);
                            stopped.put("state", "STOPPED");
                            out.add(stopped);
                        });
            }
            try {
                return new Answer(200, Map.of(), json.writeValueAsString(out));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Sends {@code pathAndQuery} to the first instance of {@code domain} that answers, without blocking the
     * caller (the router's event loop). Completes with the instance's answer, or with a {@link QueryException}:
     * unknown domain (404), stopped domain or no instance answers (503 with Retry-After).
     */
    CompletableFuture<Answer> forward(String domain, String pathAndQuery) {
        return forward(domain, pathAndQuery, null);
    }

    /** As {@link #forward(String, String)}, with the instances' connections on {@code loop} (the request's own), or the forwarder's when null. */
    CompletableFuture<Answer> forward(String domain, String pathAndQuery, io.netty.channel.EventLoop loop) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        relay(domain, pathAndQuery, Map.of(), loop, new Relayed() {
            @Override
            public void answered(io.netty.handler.codec.http.FullHttpResponse response) {
                try {
                    answer.complete(Forwarder.toAnswer(response));
                } finally {
                    response.release();
                }
            }

            @Override
            public void refused(QueryException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /** Where the outcome of a {@link #relay} goes: exactly one of the two is called, on the request's event loop. */
    interface Relayed {

        /** An instance's whole answer, whatever its status, as it came; the receiver owns it (writes or releases it). */
        void answered(io.netty.handler.codec.http.FullHttpResponse response);

        /** No answer to pass on: unknown domain (404), stopped domain or no instance answers (503 with Retry-After). */
        void refused(QueryException e);
    }

    /**
     * As {@link #forward(String, String, io.netty.channel.EventLoop)}, for the router's pass-through: {@code headers} go
     * with the request, the answer is handed on undecoded, and no future is made.
     */
    void relay(String domain, String pathAndQuery, Map<String, String> headers, io.netty.channel.EventLoop loop, Relayed to) {
        List<String> urls;
        try {
            urls = instances(domain);
        } catch (QueryException e) {
            to.refused(e);
            return;
        }
        relay(domain, urls, 0, pathAndQuery, headers, loop, null, to);
    }

    private void relay(String domain, List<String> urls, int next, String pathAndQuery, Map<String, String> headers,
                       io.netty.channel.EventLoop loop, Throwable last, Relayed to) {
        if (next == urls.size()) {
            to.refused(noInstanceAnswers(domain, urls, last));
            return;
        }
        forwarder.relay(loop, urls.get(next), pathAndQuery, headers, new Forwarder.Relay() {
            @Override
            public void answered(io.netty.handler.codec.http.FullHttpResponse response) {
                to.answered(response);
            }

            @Override
            public void failed(IOException e) {
                relay(domain, urls, next + 1, pathAndQuery, headers, loop, e, to);
            }
        });
    }

    /** The instances of {@code domain}, in the order to try them; a {@link QueryException} when it is unknown or has stopped. */
    private List<String> instances(String domain) {
        Map<String, List<String>> domains = domains();
        List<String> urls = domains.get(domain);
        if (urls == null) {
            if (directory != null && directory.stoppedDomains().contains(domain)) {
                throw QueryException.unavailable("domain " + domain + " has stopped: none of its instances has announced itself for "
                        + DomainDirectory.STALE_AFTER.toSeconds() + " s", 5);
            }
            throw QueryException.unknown("domain", domain, domains.keySet());
        }
        return urls;
    }

    private static QueryException noInstanceAnswers(String domain, List<String> urls, Throwable last) {
        return QueryException.unavailable("no instance of domain " + domain + " answers (" + urls + "): "
                + (last == null ? "none configured" : last.getMessage()), 5);
    }

    /** Connections to instances waiting for an answer now (for tests: a request whose client left must not keep one). */
    int connectionsInUse() {
        return forwarder.connectionsInUse();
    }

    @Override
    public void close() {
        forwarder.close(); // first: some of its connections live on the server's event loops
        if (server != null) {
            server.stop();
            context.close();
            server = null;
        }
    }
}
