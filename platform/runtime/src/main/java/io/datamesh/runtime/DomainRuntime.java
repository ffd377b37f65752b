package io.datamesh.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.datamesh.bitemporal.BitemporalView;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.DomainStreams;
import io.datamesh.sdk.ProductMetrics;
import io.datamesh.sdk.dlq.DeadLetterCounts;
import io.datamesh.runtime.directory.Announcement;
import io.datamesh.runtime.directory.DomainAnnouncer;
import io.datamesh.runtime.query.Forwarder;
import io.datamesh.runtime.query.QueryService;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.topics.ProvisionReport;
import io.datamesh.topics.TopicProvisioner;
import io.datamesh.topics.TopicSettings;
import io.datamesh.topics.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one domain: creates the topics it owns (raw inputs, products, DLQ) by the conventions,
 * checks that the products it consumes exist, and runs its topology with {@code exactly_once_v2},
 * application id {@code <domain>.<app>}, poison records to {@code <domain>.dlq}. Several runtimes
 * of one domain share its partitions.
 */
public final class DomainRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DomainRuntime.class);

    private final Domain domain;
    private final RuntimeSettings settings;
    /** The topology and the platform's wiring of it, as the SDK's test driver runs them too. */
    private final DomainStreams domainStreams;
    private final DeadLetterCounts deadLetters;
    private final ProductMetrics products;
    private volatile KafkaStreams streams;
    private io.micronaut.context.ApplicationContext http;
    private io.micronaut.runtime.server.EmbeddedServer httpServer;
    private Forwarder forwarder;
    private volatile HostInfo self;
    private volatile java.time.Instant runningSince;
    private DomainAnnouncer announcer;
    private final Map<String, Integer> partitionCounts = new java.util.concurrent.ConcurrentHashMap<>();

    private DomainRuntime(Domain domain, RuntimeSettings settings) {
        this.domain = domain;
        this.settings = settings;
        this.domainStreams = DomainStreams.of(domain, settings.maxRecordBytes());
        this.deadLetters = domainStreams.deadLetters();
        this.products = domainStreams.metrics();
    }

    /** A runtime for a declared domain (e.g. from a {@link DomainJar}); nothing happens until {@link #start()}. */
    public static DomainRuntime of(Domain domain, RuntimeSettings settings) {
        return new DomainRuntime(domain, Objects.requireNonNull(settings, "settings"));
    }

    /** A runtime for {@code definition}; nothing happens until {@link #start()}. */
    public static DomainRuntime of(DomainDefinition definition, RuntimeSettings settings) {
        Domain domain;
        try {
            domain = Domain.of(definition);
        } catch (RuntimeException e) {
            throw new RuntimeStartException("domain " + definition.name() + " cannot be declared: " + e.getMessage(), e);
        }
        return new DomainRuntime(domain, Objects.requireNonNull(settings, "settings"));
    }

    /** Provisions topics, starts the topology and waits until it runs. */
    public synchronized DomainRuntime start() {
        if (streams != null) {
            throw new IllegalStateException("domain " + domain.name() + " already started");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            requireInputs(admin);
            ProvisionReport report = new TopicProvisioner(admin, settings.startTimeout().toMillis()).ensure(ownTopics());
            if (!report.clean()) {
                report.drifts().forEach(d -> log.warn("Domain {} topic differs from conventions: {}", domain.name(), d));
            }
        }
        RuntimeStatus status = new RuntimeStatus(domain, products, this::state, java.time.Clock.systemUTC());
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        // HTTP first: its port is the instance's application.server, which Streams tells the other instances.
        Optional<String> applicationServer = settings.applicationServer();
        if (settings.httpPort().isPresent()) {
            int port = startHttp(settings.httpPort().get(), status, registry);
            applicationServer = Optional.of(applicationServer.orElse(settings.advertisedHost() + ":" + port));
            this.self = HostInfo.buildFromEndpoint(applicationServer.get());
        }
        KafkaStreams s = new KafkaStreams(domainStreams.topology(), streamsProperties(applicationServer));
        s.setUncaughtExceptionHandler(e -> {
            log.error("Stream thread of domain {} failed; replacing it", domain.name(), e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        RuntimeMetrics.bind(registry, domain, s, products, deadLetters, status);
        s.setStateListener((to, from) -> {
            if (to == KafkaStreams.State.RUNNING && runningSince == null) {
                runningSince = java.time.Instant.now();
            }
        });
        streams = s;
        s.start();
        awaitRunning(s);
        log.info("Domain running domain={} applicationId={} products={}", domain.name(), domain.applicationId(),
                domain.products().stream().map(p -> p.topic().value()).toList());
        if (self != null) {
            // Announced once it answers: the router and mesh domains find it within seconds, wherever it was started.
            java.time.Instant now = java.time.Instant.now();
            announcer = DomainAnnouncer.start(settings.bootstrapServers(), new Announcement(domain.name(), self.host() + ":" + self.port(),
                    httpUrl().orElseThrow(), domain.owner(), domain.products().stream().map(p -> p.topic().value()).toList(),
                    domain.views().stream().map(Domain.View::name).toList(), domain.aggregates().stream().map(Domain.Aggregate::name).toList(),
                    now, now), java.time.Clock.systemUTC());
        }
        return this;
    }

    private int startHttp(int port, RuntimeStatus status, io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry) {
        int bound = port == 0 ? freePort() : port;
        HostInfo me = HostInfo.buildFromEndpoint(settings.applicationServer().orElse(settings.advertisedHost() + ":" + bound));
        forwarder = new Forwarder(Duration.ofSeconds(2), Duration.ofSeconds(15));
        QueryService queries = new QueryService(domain, () -> streams, me, forwarder, java.time.Clock.systemUTC(),
                this::partitions, status::freshness, domainStreams.views());
        http = io.micronaut.context.ApplicationContext.builder()
                .properties(Map.of("micronaut.server.host", settings.bindHost(), "micronaut.server.port", bound,
                        "micronaut.server.netty.max-initial-line-length", QueryService.MAX_REQUEST_LINE_BYTES,
                        "micronaut.application.name", "mesh-runtime-" + domain.name(), "mesh.service", "runtime"))
                .singletons(status, registry, deadLetters, queries)
                .start();
        httpServer = http.getBean(io.micronaut.runtime.server.EmbeddedServer.class).start();
        log.info("Domain HTTP domain={} url={}", domain.name(), httpServer.getURL());
        return httpServer.getPort();
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new RuntimeStartException("no free port for the domain's HTTP server: " + e.getMessage(), e);
        }
    }

    /** Partitions of a topic (cached: partitions are only ever added, and a runtime restarts for that). */
    private int partitions(String topic) {
        return partitionCounts.computeIfAbsent(topic, t -> {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
                return admin.describeTopics(Set.of(t)).allTopicNames().get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .get(t).partitions().size();
            } catch (ExecutionException | TimeoutException e) {
                throw io.datamesh.runtime.query.QueryException.unavailable("cannot read the partitions of " + t + ": " + e.getMessage(), 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw io.datamesh.runtime.query.QueryException.unavailable("interrupted", 1);
            }
        });
    }

    /** Base URL of the query API, /health, /ready and /metrics, when the runtime serves HTTP. */
    public java.util.Optional<String> httpUrl() {
        return httpServer == null ? java.util.Optional.empty()
                : java.util.Optional.of("http://" + (self == null ? "127.0.0.1" : self.host()) + ":" + httpServer.getPort());
    }

    /** This instance's {@code application.server}, what the other instances forward queries to; empty without HTTP. */
    public java.util.Optional<HostInfo> applicationServer() {
        return java.util.Optional.ofNullable(self);
    }

    /** The input partitions this instance processes now (its active tasks' partitions). */
    public java.util.Set<org.apache.kafka.common.TopicPartition> activePartitions() {
        KafkaStreams s = streams;
        if (s == null) {
            return java.util.Set.of();
        }
        java.util.Set<org.apache.kafka.common.TopicPartition> out = new java.util.TreeSet<>(
                java.util.Comparator.comparing(org.apache.kafka.common.TopicPartition::topic).thenComparing(org.apache.kafka.common.TopicPartition::partition));
        s.metadataForLocalThreads().forEach(t -> t.activeTasks().forEach(task -> out.addAll(task.topicPartitions())));
        return out;
    }

    /** The input partitions this instance keeps standby copies of (its standby tasks' partitions). */
    public java.util.Set<org.apache.kafka.common.TopicPartition> standbyPartitions() {
        KafkaStreams s = streams;
        if (s == null) {
            return java.util.Set.of();
        }
        java.util.Set<org.apache.kafka.common.TopicPartition> out = new java.util.TreeSet<>(
                java.util.Comparator.comparing(org.apache.kafka.common.TopicPartition::topic).thenComparing(org.apache.kafka.common.TopicPartition::partition));
        s.metadataForLocalThreads().forEach(t -> t.standbyTasks().forEach(task -> out.addAll(task.topicPartitions())));
        return out;
    }

    /** When the topology first reached RUNNING (its partitions assigned, its stores ready); null before. */
    public java.time.Instant runningSince() {
        return runningSince;
    }

    /** What this instance read and published. */
    public ProductMetrics products() {
        return products;
    }

    /** The view stores this instance's active tasks have open, by view and partition (what its queries read). */
    public io.datamesh.sdk.ViewStores views() {
        return domainStreams.views();
    }

    /** The declaration this runtime runs. */
    public Domain domain() {
        return domain;
    }

    /** Dead letters counted by stage and reason since start. */
    public DeadLetterCounts deadLetters() {
        return deadLetters;
    }

    /** The Kafka Streams state, or null before start. */
    public KafkaStreams.State state() {
        return streams == null ? null : streams.state();
    }

    /**
     * Read access to a view's local store: the partitions this instance owns, read as one store whose
     * ranges are in key order across them (see {@link MergedPartitionsStore}).
     */
    @SuppressWarnings("unchecked")
    public <P> BitemporalView<ProductRecord<P>> view(String viewName) {
        Domain.View<P> view = (Domain.View<P>) domain.views().stream().filter(v -> v.name().equals(viewName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("domain " + domain.name() + " has no view '" + viewName
                        + "'; its views are " + domain.views().stream().map(Domain.View::name).toList()));
        ReadOnlyKeyValueStore<Bytes, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(viewName, MergedPartitionsStore.type()));
        String topic = view.product().topic().value();
        return new BitemporalView<>(store, view.product().format().serde(topic), topic);
    }

    /** Commits, leaves the group so the others take over at once, and closes. */
    @Override
    public synchronized void close() {
        if (announcer != null) {
            announcer.close(); // withdrawn first: nobody is sent here any more while it stops
            announcer = null;
        }
        if (http != null) {
            httpServer.stop();
            http.close();
            http = null;
            httpServer = null;
            forwarder.close();
            forwarder = null;
        }
        if (streams != null) {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(settings.startTimeout()));
            log.info("Domain stopped domain={}", domain.name());
            streams = null;
        }
    }

    List<TopicSpec> ownTopics() {
        TopicSettings t = settings.topics();
        List<TopicSpec> specs = new ArrayList<>();
        domain.raws().forEach(r -> specs.add(TopicSpec.of(r.topic(), t)));
        domain.products().forEach(p -> specs.add(TopicSpec.of(p.topic(), t)));
        specs.add(TopicSpec.of(domain.deadLetters(), t));
        return specs;
    }

    private void requireInputs(Admin admin) {
        List<String> missing = new ArrayList<>();
        for (Domain.Consumed<?> c : domain.consumed()) {
            try {
                admin.describeTopics(Set.of(c.topic().value())).allTopicNames().get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    missing.add(c.topic().value());
                } else {
                    throw new RuntimeStartException("cannot check input " + c.topic().value() + ": " + e.getCause().getMessage(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeStartException("interrupted while checking inputs of " + domain.name(), e);
            } catch (TimeoutException e) {
                throw new RuntimeStartException("no answer from Kafka at " + settings.bootstrapServers() + " within "
                        + settings.startTimeout().toSeconds() + " s", e);
            }
        }
        if (!missing.isEmpty()) {
            throw new RuntimeStartException("domain " + domain.name() + " reads " + missing
                    + ", which do not exist: deploy the domains that own them first");
        }
    }

    /**
     * The domain's settings ({@link DomainStreams#settings()}, shared with the test driver) and this
     * deployment's own: brokers, commit interval, state folder, threads, replicas, the instance's
     * address; then the {@code --set} overrides.
     */
    Properties streamsProperties(Optional<String> applicationServer) {
        Map<String, Object> p = new LinkedHashMap<>(domainStreams.settings());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        p.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.standbyReplicas());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) settings.topics().replicationFactor());
        p.put(StreamsConfig.topicPrefix("min.insync.replicas"), settings.topics().minInsyncReplicas());
        applicationServer.ifPresent(s -> p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, s));
        p.putAll(settings.streamsOverrides());
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    private void awaitRunning(KafkaStreams s) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        while (s.state() != KafkaStreams.State.RUNNING) {
            if (s.state() == KafkaStreams.State.ERROR || s.state() == KafkaStreams.State.NOT_RUNNING
                    || s.state() == KafkaStreams.State.PENDING_ERROR) {
                throw new RuntimeStartException("domain " + domain.name() + " stopped while starting: state " + s.state());
            }
            if (System.nanoTime() > deadline) {
                throw new RuntimeStartException("domain " + domain.name() + " not running after "
                        + settings.startTimeout().toSeconds() + " s: state " + s.state());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeStartException("interrupted while starting " + domain.name(), e);
            }
        }
    }
}
