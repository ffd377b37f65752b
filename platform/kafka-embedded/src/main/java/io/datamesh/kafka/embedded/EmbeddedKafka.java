package io.datamesh.kafka.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Kafka broker (KRaft, combined broker and controller) running in this JVM.
 *
 * <p>It is what tests and {@code make run} talk to: the same server code as a production cluster,
 * with the replication factor and min ISR of the internal topics set to 1 so that transactions and
 * exactly-once work on one node. Build it with {@link #builder()}, {@link #start()} it, and
 * {@link #close()} it; a broker built without a data folder uses a temporary one that close deletes.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";

    private final Path dataDir;
    private final boolean deleteDataOnClose;
    private final int requestedBrokerPort;
    private final int requestedControllerPort;
    private final Map<String, String> overrides;
    private final Duration startTimeout;
    private final int nodeId;
    private final String clusterId;

    private KafkaRaftServer server;
    private int brokerPort;
    private int controllerPort;

    private EmbeddedKafka(Builder b) {
        this.dataDir = b.dataDir;
        this.deleteDataOnClose = b.deleteDataOnClose;
        this.requestedBrokerPort = b.brokerPort;
        this.requestedControllerPort = b.controllerPort;
        this.overrides = Map.copyOf(b.overrides);
        this.startTimeout = b.startTimeout;
        this.nodeId = b.nodeId;
        this.clusterId = b.clusterId;
    }

    /** A builder with the defaults: free ports, a temporary data folder deleted on close. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data folder if it is new, starts the server and waits until it answers
     * metadata requests.
     *
     * @throws PortInUseException if a fixed port was asked for and something already listens there
     * @throws IllegalStateException if the broker does not become ready before the start timeout
     */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            throw new IllegalStateException("broker already started on " + bootstrapServers());
        }
        Instant began = Instant.now();
        brokerPort = requestedBrokerPort == 0 ? freePort() : checkFree(requestedBrokerPort, "Kafka broker");
        controllerPort = requestedControllerPort == 0 ? freePort() : checkFree(requestedControllerPort, "KRaft controller");
        KafkaConfig config = new KafkaConfig(serverProperties(), false);
        format(config);
        KafkaRaftServer raft = new KafkaRaftServer(config, Time.SYSTEM);
        raft.startup();
        server = raft;
        try {
            awaitReady();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.info("Kafka broker ready bootstrap={} dataDir={} startedInMs={}",
                bootstrapServers(), dataDir, Duration.between(began, Instant.now()).toMillis());
        return this;
    }

    /** {@code host:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        requireStarted();
        return HOST + ":" + brokerPort;
    }

    /** Port of the client listener. */
    public int brokerPort() {
        requireStarted();
        return brokerPort;
    }

    /** Port of the KRaft controller listener. */
    public int controllerPort() {
        requireStarted();
        return controllerPort;
    }

    /** Folder holding the metadata log and the topic logs. */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether {@link #start()} succeeded and {@link #close()} was not called since. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** A new admin client on this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /**
     * Settings for a producer that writes to topics someone else has just created: acks=all,
     * idempotent, and one request in flight per connection. With more in flight, a batch that
     * reaches a partition before the broker has applied its creation is refused as
     * NOT_LEADER_OR_FOLLOWER, the next batch is accepted, and every retry of the first then fails
     * with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout: its records are lost
     * (KAFKA-15591). The broker's fix (a first sequence other than 0 refused on a partition never
     * written) ships in Kafka 4.5; the 4.4.0 broker checks sequences as 4.3 did, so this stays until
     * the platform runs 4.5. Add serializers or more settings to a copy.
     */
    public Map<String, Object> producerConfig() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    }

    /** Stops the server, waits for it to finish, and deletes a temporary data folder. */
    @Override
    public synchronized void close() {
        KafkaRaftServer raft = server;
        server = null;
        if (raft != null) {
            raft.shutdown();
            raft.awaitShutdown();
            log.info("Kafka broker stopped port={}", brokerPort);
        }
        if (deleteDataOnClose) {
            deleteRecursively(dataDir);
        }
    }

    private Map<String, String> serverProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("controller.quorum.voters", nodeId + "@" + HOST + ":" + controllerPort);
        p.put("log.dirs", dataDir.resolve("logs").toString());
        p.put("metadata.log.dir", dataDir.resolve("metadata").toString());
        // One node: every internal topic has one replica, or transactions and offsets cannot work.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions: each one costs start-up time and file handles on a laptop.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created by the platform's conventions, never by a typo in a producer.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.put("unstable.api.versions.enable", "false");
        p.putAll(overrides);
        return p;
    }

    private void format(KafkaConfig config) {
        // A folder formatted by an earlier run keeps its cluster id: that is how a restart continues.
        if (Files.exists(dataDir.resolve("metadata").resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            Formatter formatter = new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId != null ? clusterId : Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDir.resolve("logs").toString(), dataDir.resolve("metadata").toString()))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setHasDynamicQuorum(false)
                    .setIgnoreFormatted(false);
            formatter.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka data folder " + dataDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(1, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka broker on " + bootstrapServers()
                                + " not ready after " + startTimeout.toSeconds() + " s", e);
                    }
                }
                // The metadata request itself waits up to a second; this only spaces out fast failures.
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("broker not started");
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    static int checkFree(int port, String what) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return port;
        } catch (IOException e) {
            throw new PortInUseException(what, HOST, port);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** Builds an {@link EmbeddedKafka}; every option has a default. */
    public static final class Builder {
        private Path dataDir;
        private boolean deleteDataOnClose;
        private int brokerPort;
        private int controllerPort;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private int nodeId = 1;
        private String clusterId;

        private Builder() {
        }

        /** Keeps the logs in this folder across restarts instead of a temporary one. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dataDir");
            return this;
        }

        /** Client listener port; 0 (the default) picks a free one. */
        public Builder brokerPort(int port) {
            this.brokerPort = checkPort(port);
            return this;
        }

        /** KRaft controller listener port; 0 (the default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /** Any broker setting, e.g. {@code log.retention.ms}; applied after the defaults. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /** This node's id (default 1); the nodes of an {@link EmbeddedKafkaCluster} have 1, 2, 3, … */
        Builder nodeId(int id) {
            this.nodeId = id;
            return this;
        }

        /** The cluster id a new data folder is formatted with (default: a random one); the nodes of a cluster share it. */
        Builder clusterId(String id) {
            this.clusterId = Objects.requireNonNull(id);
            return this;
        }

        /** How long {@link EmbeddedKafka#start()} waits for the broker to answer (default 60 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public EmbeddedKafka build() {
            if (dataDir == null) {
                try {
                    dataDir = Files.createTempDirectory("mesh-kafka-");
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create a temporary Kafka data folder", e);
                }
                deleteDataOnClose = true;
            }
            return new EmbeddedKafka(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            return port;
        }
    }
}
