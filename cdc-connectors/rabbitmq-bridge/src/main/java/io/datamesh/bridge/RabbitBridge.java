package io.datamesh.bridge;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryDelayHandler;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.datamesh.bridge.BridgeConfig.Feed;
import io.datamesh.topics.ProvisionReport;
import io.datamesh.topics.TopicProvisioner;
import io.datamesh.topics.TopicSettings;
import io.datamesh.topics.TopicNames;
import io.datamesh.topics.TopicSpec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus bridge of one domain: consumes the domain's queues on RabbitMQ (or any AMQP 0-9-1
 * broker) and writes each message to its raw topic, acknowledging it to the bus only once Kafka
 * acknowledged its record (idempotent producer, {@code acks=all}). See {@link BridgeConfig} for what
 * it consumes and {@link MessageTranslator} for what it writes.
 *
 * <pre>
 * RabbitBridge bridge = RabbitBridge.builder(BridgeConfig.fromResource("bridges/kitchen.properties"), "127.0.0.1:9092")
 *         .amqpUri("amqp://guest:guest@127.0.0.1:5672").httpPort(0).build().start();
 * ...
 * bridge.close();   // stops consuming, waits for what is in flight to reach Kafka, acknowledges it
 * </pre>
 *
 * <p>At start it creates the raw topics and {@code <domain>.dlq} by the platform's conventions,
 * declares its queues ({@link BusTopology}) and consumes them, with a prefetch window and
 * multiple-acks. A lost connection is recovered by the client with a growing pause (0.5 s to 10 s);
 * what was unacknowledged goes back to the queue and is delivered again, and the domain's replay
 * guard drops the second copy of a message Kafka already had. While Kafka is away, records are
 * sent again until it takes them; nothing is acknowledged meanwhile and the prefetch window stops
 * the deliveries. {@code /health}, {@code /ready} and {@code /metrics} are served on the HTTP port.
 */
public final class RabbitBridge implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RabbitBridge.class);

    /** The bus of the dev platform: a RabbitMQ on localhost, or the embedded broker in its place. */
    public static final String DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672";
    private static final Duration KAFKA_PROBE_INTERVAL = Duration.ofSeconds(5);

    private final BridgeConfig config;
    private final String bootstrapServers;
    private final String amqpUri;
    private final TopicSettings topicSettings;
    private final String httpHost;
    private final int httpPort;
    private final Clock clock;
    private final Duration shutdownTimeout;
    private final Map<String, Object> producerOverrides;
    private final Runnable afterKafkaAck;
    private final String name;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final BridgeMetrics metrics;
    private final List<QueueConsumer> consumers = new ArrayList<>();
    private ScheduledExecutorService scheduler;
    private ExecutorService ackThread;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaSender sender;
    private Connection connection;
    private Channel parkChannel;
    private OpsServer ops;
    private BrokerKind brokerKind;
    private String brokerName;

    private volatile boolean started;
    private volatile boolean closing;
    private boolean closed;
    private volatile boolean amqpUp;
    private volatile String kafkaProbeFailure;
    private volatile String parkFailure;

    private RabbitBridge(Builder b) {
        this.config = b.config;
        this.bootstrapServers = b.bootstrapServers;
        this.amqpUri = b.amqpUri;
        this.topicSettings = b.topicSettings;
        this.httpHost = b.httpHost;
        this.httpPort = b.httpPort;
        this.clock = b.clock;
        this.shutdownTimeout = b.shutdownTimeout;
        this.producerOverrides = Map.copyOf(b.producerOverrides);
        this.afterKafkaAck = b.afterKafkaAck;
        this.name = "mesh-bridge-" + config.domain();
        this.metrics = new BridgeMetrics(registry, config.domain());
    }

    /**
     * A builder for the bridge of {@code config}'s domain writing to the Kafka cluster at
     * {@code bootstrapServers}; every other option has a default.
     */
    public static Builder builder(BridgeConfig config, String bootstrapServers) {
        return new Builder(config, bootstrapServers);
    }

    /**
     * Creates the topics, declares the queues, starts consuming and serving HTTP; returns once it consumes.
     *
     * @throws IllegalStateException if Kafka or the bus cannot be reached, or the bus has a queue or
     *         exchange of that name with other settings; nothing is left running
     */
    public synchronized RabbitBridge start() {
        if (started || closing) {
            throw new IllegalStateException("bridge of domain " + config.domain() + " was already started");
        }
        try {
            scheduler = Executors.newSingleThreadScheduledExecutor(daemon(name + "-kafka"));
            ackThread = Executors.newSingleThreadExecutor(daemon(name + "-acks"));
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.CLIENT_ID_CONFIG, name + "-admin"));
            provisionTopics();
            producer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
            sender = new KafkaSender(producer, scheduler, metrics, Duration.ofSeconds(5));
            connectBus();
            ops = new OpsServer(httpHost, httpPort, name, this::down, this::notReady, registry);
            ops.start();
            scheduler.scheduleWithFixedDelay(this::probeKafka, 0, KAFKA_PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            started = true;
            log.info("Bus bridge running domain={} bus={} broker=\"{}\" queues={} kafka={} http={}", config.domain(), safeUri(),
                    brokerName, config.feeds().stream().map(Feed::queue).toList(), bootstrapServers, ops.url());
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void provisionTopics() {
        List<TopicSpec> specs = new ArrayList<>();
        config.feeds().forEach(f -> specs.add(TopicSpec.of(f.topic(), topicSettings)));
        specs.add(TopicSpec.of(config.deadLetterTopic(), topicSettings));
        specs.add(TopicSpec.of(TopicNames.receipts(config.domain()), topicSettings));
        ProvisionReport report = new TopicProvisioner(admin, 30_000).ensure(specs);
        log.info("Bridge topics domain={} created={} existing={} drifts={}", config.domain(), report.created(), report.unchanged(),
                report.drifts().size());
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, name);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Five requests in flight (the idempotent producer keeps their order). A batch a broker refuses
        // right after the topic's creation (KAFKA-15591) fails its callback, and the bridge sends it
        // again: its message is not acknowledged before Kafka took it, so nothing is lost that way.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        // send() waits this long for metadata or buffer space before the record is sent again later.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        p.putAll(producerOverrides);
        return p;
    }

    private void connectBus() {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(amqpUri);
        } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("AMQP URI " + safeUri() + " is not valid: " + e.getMessage(), e);
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setRecoveryDelayHandler(new RecoveryDelayHandler.ExponentialBackoffDelayHandler(List.of(500L, 1000L, 2000L, 5000L, 10_000L)));
        factory.setRequestedHeartbeat(15);
        factory.setConnectionTimeout(10_000);
        try {
            connection = factory.newConnection(name);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to the bus at " + safeUri() + ": " + e, e);
        }
        amqpUp = true;
        connection.addShutdownListener(cause -> {
            if (!closing) {
                amqpUp = false;
                log.warn("Bus connection lost domain={} bus={}: {}; recovering", config.domain(), safeUri(), cause.getMessage());
            }
        });
        ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                // The broker has requeued every unacknowledged delivery of the lost connection.
                consumers.forEach(QueueConsumer::forgetUnacked);
            }

            @Override
            public void handleRecovery(Recoverable recoverable) {
                amqpUp = true;
                log.info("Bus connection recovered domain={} bus={}", config.domain(), safeUri());
            }
        });
        Map<String, Object> server = connection.getServerProperties();
        brokerKind = BrokerKind.of(server);
        brokerName = BrokerKind.describe(server);
        try {
            // Declared on a channel that stays open: the client re-declares it all on that channel after a recovery.
            parkChannel = connection.createChannel();
            BusTopology.declare(parkChannel, config, brokerKind, brokerName);
            parkChannel.confirmSelect();
            for (Feed feed : config.feeds()) {
                Channel channel = connection.createChannel();
                channel.basicQos(config.prefetch(), false);
                QueueConsumer consumer = new QueueConsumer(channel, feed, sender, metrics, clock, ackThread, this::park, afterKafkaAck);
                consumers.add(consumer);
                channel.basicConsume(feed.queue(), false, name + "-" + feed.raw(), consumer);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot consume from the bus at " + safeUri() + ": " + e, e);
        }
    }

    /**
     * On the ack thread: a message Kafka can never take goes to the domain's dead-letter queue on the
     * bus, with the reason in its headers; only once the broker confirmed it there is it acknowledged.
     */
    private void park(QueueConsumer consumer, long tag, Envelope envelope, AMQP.BasicProperties props, byte[] body, String reason) {
        Map<String, Object> headers = new HashMap<>(props.getHeaders() == null ? Map.of() : props.getHeaders());
        headers.put("x-mesh-parked-reason", reason);
        headers.put("x-mesh-parked-from", consumer.feed().queue());
        try {
            parkChannel.basicPublish(config.deadLetterExchange(), envelope.getRoutingKey(), props.builder().headers(headers).build(), body);
            parkChannel.waitForConfirmsOrDie(10_000);
            metrics.parked(consumer.feed().queue());
            consumer.settled(tag);
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            parkFailure = "message " + props.getMessageId() + " of " + consumer.feed().queue() + " could not be moved to "
                    + config.deadLetterExchange() + " (" + e + "): the queue waits behind it until the bridge restarts";
            log.error("Cannot park: {}", parkFailure, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void probeKafka() {
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(3_000)).nodes().whenComplete((nodes, e) ->
                kafkaProbeFailure = e != null ? "Kafka at " + bootstrapServers + " does not answer: " + e.getMessage()
                        : nodes.isEmpty() ? "Kafka at " + bootstrapServers + " has no broker" : null);
    }

    /** Null while the bridge runs; else why not. */
    private String down() {
        return started && !closing ? null : closing ? "stopping" : "starting";
    }

    /** Why the bridge is not ready; empty when it is. */
    private List<String> notReady() {
        List<String> reasons = new ArrayList<>();
        String down = down();
        if (down != null) {
            reasons.add(down);
        }
        if (!amqpUp) {
            reasons.add("bus connection to " + safeUri() + " lost; recovering");
        }
        consumers.stream().map(QueueConsumer::cancelled).filter(Objects::nonNull).forEach(reasons::add);
        String kafka = sender == null ? null : sender.failure();
        if (kafka != null) {
            reasons.add("Kafka does not take records: " + kafka);
        }
        if (kafkaProbeFailure != null) {
            reasons.add(kafkaProbeFailure);
        }
        if (parkFailure != null) {
            reasons.add(parkFailure);
        }
        return reasons;
    }

    /** Whether the bridge consumes and Kafka takes its records: what {@code /ready} answers. */
    public boolean isReady() {
        return notReady().isEmpty();
    }

    /** {@code http://host:port} of {@code /health}, {@code /ready} and {@code /metrics}. */
    public String httpUrl() {
        if (ops == null) {
            throw new IllegalStateException("bridge of domain " + config.domain() + " is not started");
        }
        return ops.url();
    }

    /** The broker the bridge consumes from, as it names itself, e.g. {@code RabbitMQ 3.10.8}. */
    public String broker() {
        return brokerName;
    }

    public BridgeConfig config() {
        return config;
    }

    /** The broker's kind, for tests. */
    BrokerKind brokerKind() {
        return brokerKind;
    }

    /** Messages delivered and not yet acknowledged, over every queue. */
    int unacked() {
        return consumers.stream().mapToInt(c -> c.window().unacked()).sum();
    }

    /**
     * Stops cleanly: stops consuming, waits up to the shutdown timeout for the records in flight to
     * reach Kafka and acknowledges them, then closes. What did not reach Kafka by then stays
     * unacknowledged, and the bus delivers it again.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closing = true;
        for (QueueConsumer c : consumers) {
            c.stopping();
            try {
                c.getChannel().basicCancel(c.getConsumerTag());
            } catch (IOException | ShutdownSignalException | IllegalStateException e) {
                log.debug("Consumer of {} already gone: {}", c.feed().queue(), e.toString());
            }
        }
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        while (unacked() > 0 && amqpUp && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = unacked();
        if (left > 0) {
            log.warn("Bus bridge stops with {} messages not acknowledged domain={}: the bus delivers them again", left, config.domain());
        }
        if (sender != null) {
            sender.close();
        }
        shutdown(ackThread);
        if (connection != null) {
            try {
                connection.close(5_000);
            } catch (IOException | ShutdownSignalException e) {
                log.debug("Bus connection already closed: {}", e.toString());
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        shutdown(scheduler);
        if (ops != null) {
            ops.close();
        }
        registry.close();
        closed = true;
        if (started) {
            log.info("Bus bridge stopped domain={}", config.domain());
        }
    }

    private static void shutdown(ExecutorService executor) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    /** The AMQP URI without its password, for logs. */
    private String safeUri() {
        try {
            URI u = new URI(amqpUri);
            String user = u.getUserInfo() == null ? "" : u.getUserInfo().replaceFirst(":.*", "") + "@";
            return u.getScheme() + "://" + user + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + (u.getPath() == null ? "" : u.getPath());
        } catch (URISyntaxException e) {
            return "(an AMQP URI that does not parse)";
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String threadName) {
        return r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        };
    }

    /** Builds a {@link RabbitBridge}: the domain's config and Kafka up front, the rest with defaults. */
    public static final class Builder {
        private final BridgeConfig config;
        private final String bootstrapServers;
        private String amqpUri = DEFAULT_AMQP_URI;
        private TopicSettings topicSettings = TopicSettings.defaults();
        private String httpHost = "127.0.0.1";
        private int httpPort;
        private Clock clock = Clock.systemUTC();
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private final Map<String, Object> producerOverrides = new HashMap<>();
        private Runnable afterKafkaAck = () -> { };

        private Builder(BridgeConfig config, String bootstrapServers) {
            this.config = Objects.requireNonNull(config, "config");
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers of the Kafka cluster are required");
            }
            this.bootstrapServers = bootstrapServers;
        }

        /** The bus: {@code amqp://user:password@host:port/vhost} (default {@value #DEFAULT_AMQP_URI}). */
        public Builder amqpUri(String uri) {
            this.amqpUri = Objects.requireNonNull(uri, "amqpUri");
            return this;
        }

        /** Replication, partitions and retention of the topics the bridge creates (default: the dev broker's). */
        public Builder topicSettings(TopicSettings settings) {
            this.topicSettings = Objects.requireNonNull(settings, "topicSettings");
            return this;
        }

        /** Address of {@code /health}, {@code /ready} and {@code /metrics} (default 127.0.0.1). */
        public Builder httpHost(String host) {
            this.httpHost = Objects.requireNonNull(host, "httpHost");
            return this;
        }

        /** Port of {@code /health}, {@code /ready} and {@code /metrics}; 0 (the default) picks a free one. */
        public Builder httpPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("HTTP port must be 0..65535, was " + port);
            }
            this.httpPort = port;
            return this;
        }

        /** Where a message without a {@code timestamp} property gets its recordedAt (default the system clock, UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long {@link RabbitBridge#close()} waits for records in flight to reach Kafka (default 30 s). */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "shutdownTimeout");
            return this;
        }

        /** Any Kafka producer setting, over the bridge's (which keep {@code acks=all} and idempotence unless told otherwise). */
        public Builder producerProperty(String key, Object value) {
            producerOverrides.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /**
         * For fault injection ({@link CrashingBridge}, the tests): runs on the producer's thread after Kafka
         * acknowledged a record (a raw record, then its receipt), before its message is acknowledged to the bus.
         */
        Builder afterKafkaAck(Runnable hook) {
            this.afterKafkaAck = Objects.requireNonNull(hook);
            return this;
        }

        public RabbitBridge build() {
            return new RabbitBridge(this);
        }
    }
}
