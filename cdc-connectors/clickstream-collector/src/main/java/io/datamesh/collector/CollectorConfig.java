package io.datamesh.collector;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.datamesh.topics.InvalidTopicNameException;
import io.datamesh.topics.TopicName;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The collector's settings, each declared once with key, type, default, validator and doc.
 *
 * @param bootstrapServers the Kafka cluster of the raw topic
 * @param host address the HTTP server binds
 * @param port HTTP port (0 = a free one)
 * @param name the click stream's name in every record's source position: the same for every
 *        instance behind one address, so that a retry landing on another instance is the same click
 * @param topic the raw topic, {@code <domain>.raw.<name>}
 * @param maxBatchEvents most events in one request
 * @param maxRequestBytes largest body, compressed and uncompressed
 * @param maxEventBytes largest event
 * @param allowedOrigins origins a browser may post from; {@code *} for any
 * @param rateLimitPerSecond requests per second one client may send, on average
 * @param rateLimitBurst requests one client may send at once
 * @param apiKeyHeader the header that names a client; without it, the client's address does
 * @param dedupWindow how long accepted click ids are remembered to answer retries {@code duplicate}
 * @param dedupMaxIds most click ids remembered
 * @param kafkaTimeout how long a request waits for Kafka's acknowledgements before it is answered 503
 * @param retryAfter what a 503 tells the client to wait
 */
public record CollectorConfig(String bootstrapServers, String host, int port, String name, TopicName.Raw topic,
                              int maxBatchEvents, int maxRequestBytes, int maxEventBytes, List<String> allowedOrigins,
                              double rateLimitPerSecond, int rateLimitBurst, String apiKeyHeader, Duration dedupWindow,
                              int dedupMaxIds, Duration kafkaTimeout, Duration retryAfter) {

    public static final String BOOTSTRAP_SERVERS = "collector.kafka.bootstrap.servers";
    public static final String HOST = "collector.host";
    public static final String PORT = "collector.port";
    public static final String NAME = "collector.name";
    public static final String DOMAIN = "collector.domain";
    public static final String RAW = "collector.raw";
    public static final String MAX_BATCH_EVENTS = "collector.batch.max.events";
    public static final String MAX_REQUEST_BYTES = "collector.request.max.bytes";
    public static final String MAX_EVENT_BYTES = "collector.event.max.bytes";
    public static final String ALLOWED_ORIGINS = "collector.cors.allowed.origins";
    public static final String RATE_LIMIT = "collector.rate.limit.per.second";
    public static final String RATE_LIMIT_BURST = "collector.rate.limit.burst";
    public static final String API_KEY_HEADER = "collector.api.key.header";
    public static final String DEDUP_WINDOW_MS = "collector.dedup.window.ms";
    public static final String DEDUP_MAX_IDS = "collector.dedup.max.ids";
    public static final String KAFKA_TIMEOUT_MS = "collector.kafka.timeout.ms";
    public static final String RETRY_AFTER_SECONDS = "collector.retry.after.seconds";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka bootstrap servers of the cluster that holds the raw topic.")
            .define(HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.MEDIUM, "Address the HTTP server binds to.")
            .define(PORT, Type.INT, 8082, Range.between(0, 65535), Importance.HIGH, "HTTP port; 0 picks a free one.")
            .define(NAME, Type.STRING, "collector", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "The click stream's name in each record's source position (click:<name>/<click_id>); the same for every"
                            + " instance behind one address, so that a retry that reaches another instance is recognised downstream.")
            .define(DOMAIN, Type.STRING, "clickstream", new ConfigDef.NonEmptyString(), Importance.LOW, "The domain whose raw topic the clicks go to.")
            .define(RAW, Type.STRING, "clicks", new ConfigDef.NonEmptyString(), Importance.LOW, "The raw topic's name: <domain>.raw.<raw>.")
            .define(MAX_BATCH_EVENTS, Type.INT, 500, Range.between(1, 100_000), Importance.MEDIUM,
                    "Most events in one request; a larger batch is answered 413.")
            .define(MAX_REQUEST_BYTES, Type.INT, 1024 * 1024, Range.between(1024, 64 * 1024 * 1024), Importance.MEDIUM,
                    "Largest request body in bytes, as sent and after gzip is undone; a larger one is answered 413.")
            .define(MAX_EVENT_BYTES, Type.INT, 16 * 1024, Range.between(256, 1024 * 1024), Importance.MEDIUM,
                    "Largest event in bytes (as JSON); a larger one is rejected, the others of its batch are not.")
            .define(ALLOWED_ORIGINS, Type.LIST, "*", Importance.MEDIUM,
                    "Origins (scheme://host[:port]) whose pages may post clicks from a browser (CORS); * allows any.")
            .define(RATE_LIMIT, Type.DOUBLE, 50.0, Range.between(0.01, 1_000_000), Importance.MEDIUM,
                    "Requests per second one client may send on average (by API key, else address); more are answered 429.")
            .define(RATE_LIMIT_BURST, Type.INT, 100, Range.between(1, 1_000_000), Importance.MEDIUM,
                    "Requests one client may send at once before the average applies.")
            .define(API_KEY_HEADER, Type.STRING, "X-Api-Key", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "The request header that names a client for the rate limit; without it the client's address does.")
            .define(DEDUP_WINDOW_MS, Type.LONG, Duration.ofHours(1).toMillis(), Range.between(1_000, Duration.ofDays(7).toMillis()),
                    Importance.LOW, "Milliseconds accepted click ids are remembered to answer a retry 'duplicate'; the domain's replay"
                            + " guard drops what comes again later, or after a restart.")
            .define(DEDUP_MAX_IDS, Type.INT, 100_000, Range.between(1, 10_000_000), Importance.LOW,
                    "Most click ids remembered (about 150 bytes each); the oldest are forgotten first.")
            .define(KAFKA_TIMEOUT_MS, Type.INT, 10_000, Range.between(500, 300_000), Importance.LOW,
                    "Milliseconds a request waits for Kafka to acknowledge its events before it is answered 503.")
            .define(RETRY_AFTER_SECONDS, Type.INT, 5, Range.between(1, 3_600), Importance.LOW,
                    "Seconds a 503 asks the client to wait (Retry-After) before it sends again.");

    public CollectorConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** The raw topic's domain. */
    public String domain() {
        return topic.domain();
    }

    /** {@code <domain>.raw.<raw>}, the topic's full name. */
    public String topicName() {
        return topic.value();
    }

    /**
     * Validates raw settings.
     *
     * @throws ConfigException naming the key and the bad value
     */
    public static CollectorConfig from(Map<String, ?> values) {
        AbstractConfig c = new AbstractConfig(DEFINITION, values, false);
        TopicName.Raw topic;
        try {
            topic = TopicNames.raw(c.getString(DOMAIN), c.getString(RAW));
        } catch (InvalidTopicNameException e) {
            throw new ConfigException(DOMAIN + "/" + RAW, c.getString(DOMAIN) + "/" + c.getString(RAW), e.getMessage());
        }
        return new CollectorConfig(c.getString(BOOTSTRAP_SERVERS), c.getString(HOST), c.getInt(PORT), c.getString(NAME), topic,
                c.getInt(MAX_BATCH_EVENTS), c.getInt(MAX_REQUEST_BYTES), c.getInt(MAX_EVENT_BYTES), c.getList(ALLOWED_ORIGINS),
                c.getDouble(RATE_LIMIT), c.getInt(RATE_LIMIT_BURST), c.getString(API_KEY_HEADER), Duration.ofMillis(c.getLong(DEDUP_WINDOW_MS)),
                c.getInt(DEDUP_MAX_IDS), Duration.ofMillis(c.getInt(KAFKA_TIMEOUT_MS)), Duration.ofSeconds(c.getInt(RETRY_AFTER_SECONDS)));
    }
}
