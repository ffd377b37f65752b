package io.datamesh.collector;

import java.net.URL;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

import io.datamesh.topics.TopicSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.runtime.server.EmbeddedServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clickstream collector as a server: web pages and mobile apps {@code POST /collect} their
 * clicks, which go to {@code clickstream.raw.clicks}. Start one with {@link #start} (in the dev
 * platform, in tests) or run {@link ClickstreamCollectorMain}.
 *
 * <pre>
 * ClickstreamCollector collector = ClickstreamCollector.start(CollectorConfig.from(Map.of(
 *         CollectorConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092", CollectorConfig.PORT, 8082)), TopicSettings.defaults());
 * collector.url();    // http://127.0.0.1:8082
 * collector.close();  // stops taking requests, waits for those in flight, closes the producer
 * </pre>
 */
public final class ClickstreamCollector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClickstreamCollector.class);

    private final ApplicationContext context;
    private final EmbeddedServer server;
    private final ClickWriter writer;
    private final CollectorConfig config;

    private ClickstreamCollector(ApplicationContext context, EmbeddedServer server, ClickWriter writer, CollectorConfig config) {
        this.context = context;
        this.server = server;
        this.writer = writer;
        this.config = config;
    }

    /**
     * Creates the raw topic if missing (by the platform's conventions, with {@code topics}), connects
     * to Kafka and serves HTTP; returns once it answers.
     */
    public static ClickstreamCollector start(CollectorConfig config, TopicSettings topics) {
        ClickWriter writer = ClickWriter.start(config, topics);
        try {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            CollectorMetrics metrics = new CollectorMetrics(registry, config.name());
            AcceptedClicks accepted = new AcceptedClicks(config.dedupWindow(), config.dedupMaxIds());
            Clock clock = Clock.systemUTC();
            ApplicationContext context = ApplicationContext.builder()
                    .properties(micronautProperties(config))
                    .singletons(config, writer, registry, metrics,
                            new CollectService(config, writer, accepted, metrics, clock),
                            new RateLimiter(config.rateLimitPerSecond(), config.rateLimitBurst(), 100_000, System::nanoTime))
                    .start();
            EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
            ClickstreamCollector collector = new ClickstreamCollector(context, server, writer, config);
            log.info("Clickstream collector listening url={}/collect topic={} name={}", collector.url(), config.topicName(), config.name());
            return collector;
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    private static Map<String, Object> micronautProperties(CollectorConfig config) {
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.application.name", "mesh-clickstream-collector");
        p.put("mesh.service", "collector");
        p.put("micronaut.server.host", config.host());
        p.put("micronaut.server.port", config.port());
        p.put("micronaut.server.max-request-size", config.maxRequestBytes());
        // The collector undoes gzip itself, bounded by the same limit: a small body must not unpack into gigabytes.
        p.put("micronaut.server.netty.request-decompression-enabled", false);
        p.put("micronaut.server.cors.enabled", true);
        // The collector is meant to be posted to from other origins' pages, also when it listens on localhost.
        p.put("micronaut.server.cors.localhost-pass-through", true);
        String cors = "micronaut.server.cors.configurations.web.";
        List<String> origins = config.allowedOrigins();
        if (origins.contains("*")) {
            p.put(cors + "allowed-origins-regex", ".*");
        } else {
            p.put(cors + "allowed-origins", origins);
        }
        p.put(cors + "allowed-methods", List.of("POST", "GET", "OPTIONS"));
        p.put(cors + "allowed-headers", List.of("Content-Type", "Content-Encoding", config.apiKeyHeader()));
        p.put(cors + "exposed-headers", List.of("Retry-After"));
        p.put(cors + "max-age", 3600);
        return p;
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8082}; events go to {@code <url>/collect}. */
    public String url() {
        URL url = server.getURL();
        return url.getProtocol() + "://" + url.getHost() + ":" + url.getPort();
    }

    public int port() {
        return server.getPort();
    }

    public CollectorConfig config() {
        return config;
    }

    /**
     * Stops taking requests, lets those in flight finish, then closes the producer (which sends what it holds).
     * The executors the requests ran on are shut down too: stopping the server and the context leaves their
     * idle threads, which are not daemons, alive for a minute, so a program that embeds the collector would
     * not end until then. They are looked up first: once the server stopped, the context resolves no beans.
     */
    @Override
    public void close() {
        List<ExecutorService> executors = Stream.of(TaskExecutors.BLOCKING, TaskExecutors.IO)
                .map(name -> context.findBean(ExecutorService.class, Qualifiers.byName(name)))
                .flatMap(Optional::stream).distinct().toList();
        try {
            server.stop();
            context.close();
            executors.forEach(ExecutorService::shutdown);
        } finally {
            writer.close();
            log.info("Clickstream collector stopped name={}", config.name());
        }
    }
}
