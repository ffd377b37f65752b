package io.datamesh.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

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
 * What the bridge of one domain does, from one small properties file per domain: which bus
 * messages feed which raw topic, and how to read them. For example {@code bridges/kitchen.properties}:
 *
 * <pre>
 * domain=kitchen
 * raws=pizza-events
 * raw.pizza-events.exchange=kitchen
 * raw.pizza-events.routing.keys=pizza.#
 * raw.pizza-events.key.field=pizza_id
 * </pre>
 *
 * Each raw topic listed in {@code raws} is fed by one durable queue, {@code mesh.<domain>.<raw>},
 * bound to its exchange with each routing-key pattern; its options are the keys of
 * {@link #FEED_DEFINITION} under the prefix {@code raw.<raw>.}. A message that is delivered
 * {@code delivery.limit} times without being acknowledged is dead-lettered to the exchange
 * {@code mesh.<domain>.dlx} and kept in the queue of the same name. Every key is validated at
 * start: a missing, unknown or bad key is a {@link ConfigException} naming it.
 *
 * @param domain the domain whose raw topics the bridge feeds
 * @param feeds one per raw topic, in the order of {@code raws}
 * @param deliveryLimit deliveries of one message before the broker dead-letters it
 * @param prefetch messages a queue sends ahead without acknowledgement
 */
public record BridgeConfig(String domain, List<Feed> feeds, int deliveryLimit, int prefetch) {

    public static final String DOMAIN = "domain";
    public static final String RAWS = "raws";
    public static final String DELIVERY_LIMIT = "delivery.limit";
    public static final String PREFETCH = "prefetch";

    /** Prefix of a raw topic's options: {@code raw.<name>.<option>}. */
    public static final String FEED_PREFIX = "raw.";
    public static final String EXCHANGE = "exchange";
    public static final String ROUTING_KEYS = "routing.keys";
    public static final String KEY_FIELD = "key.field";
    public static final String FORMAT = "format";

    /** The raw name the domain's dead-letter queue {@code mesh.<domain>.dlx} takes; no raw topic may have it. */
    static final String DLX_NAME = "dlx";

    /** The domain's options. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(DOMAIN, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The domain whose raw topics the bridge feeds, e.g. kitchen: topics <domain>.raw.<raw>, dead letters <domain>.dlq.")
            .define(RAWS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.ValidList.anyNonDuplicateValues(false, false), Importance.HIGH,
                    "The raw topics fed from the bus, by name (pizza-events for <domain>.raw.pizza-events); each has the options raw.<name>.*.")
            .define(DELIVERY_LIMIT, Type.INT, 5, Range.between(1, 1000), Importance.MEDIUM,
                    "Deliveries of one message before the broker dead-letters it to mesh.<domain>.dlx, so that a message that keeps"
                            + " failing (it crashes the bridge, say) cannot loop forever.")
            .define(PREFETCH, Type.INT, 500, Range.between(1, 65_535), Importance.MEDIUM,
                    "Messages each queue sends ahead without acknowledgement: the window of records in flight to Kafka per raw topic.");

    /** A raw topic's options, each under {@code raw.<name>.}. */
    public static final ConfigDef FEED_DEFINITION = new ConfigDef()
            .define(EXCHANGE, Type.STRING, null, Importance.HIGH,
                    "The topic exchange the service publishes to; by the bus conventions the domain's name (the default).")
            .define(ROUTING_KEYS, Type.LIST, "#", ConfigDef.ValidList.anyNonDuplicateValues(false, false), Importance.HIGH,
                    "Routing-key patterns bound to the queue (event types, '*' one word, '#' any words), e.g. pizza.#.")
            .define(KEY_FIELD, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The top-level field of the JSON body that holds the entity key (a text or a number); the raw record's key.")
            .define(FORMAT, Type.STRING, "json", ConfigDef.ValidString.in("json"), Importance.LOW,
                    "How the body is read: json (a JSON object, written to the raw topic as it came).");

    // AMQP 0-9-1 names: letters, digits, '-', '_', '.', ':'; 'amq.' is the broker's own.
    private static final Pattern EXCHANGE_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,127}");
    private static final Pattern ROUTING_PATTERN = Pattern.compile("(\\*|#|[^.*#]+)(\\.(\\*|#|[^.*#]+))*");

    public BridgeConfig {
        Objects.requireNonNull(domain, "domain");
        feeds = List.copyOf(feeds);
    }

    /** What one queue brings into one raw topic. */
    public record Feed(String domain, String raw, String exchange, List<String> routingKeys, String keyField, BodyFormat format) {

        public Feed {
            Objects.requireNonNull(exchange, "exchange");
            routingKeys = List.copyOf(routingKeys);
            Objects.requireNonNull(keyField, "keyField");
            Objects.requireNonNull(format, "format");
        }

        /** {@code <domain>.raw.<raw>}. */
        public TopicName.Raw topic() {
            return TopicNames.raw(domain, raw);
        }

        /** The bridge's queue for this feed: {@code mesh.<domain>.<raw>}. */
        public String queue() {
            return "mesh." + domain + "." + raw;
        }
    }

    /** How a message body is read. */
    public enum BodyFormat {
        /** A JSON object, written to the raw topic byte for byte. */
        JSON
    }

    /** {@code <domain>.dlq}: where messages the bridge cannot read go, with the reason. */
    public TopicName.DeadLetters deadLetterTopic() {
        return TopicNames.deadLetters(domain);
    }

    /** The exchange (fanout) and the queue that hold messages the broker or the bridge gave up on: {@code mesh.<domain>.dlx}. */
    public String deadLetterExchange() {
        return "mesh." + domain + "." + DLX_NAME;
    }

    /** The same name: the queue bound to {@link #deadLetterExchange()}. */
    public String deadLetterQueue() {
        return deadLetterExchange();
    }

    /** Reads a properties file. */
    public static BridgeConfig load(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(in);
            return from(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bridge config " + file, e);
        }
    }

    /** Reads a properties file from the class path, e.g. {@code bridges/kitchen.properties} (the kitchen's, shipped in this jar). */
    public static BridgeConfig fromResource(String resource) {
        try (InputStream in = BridgeConfig.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no bridge config " + resource + " on the class path");
            }
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return from(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bridge config " + resource, e);
        }
    }

    /** Validates properties; see the class comment. */
    public static BridgeConfig from(Properties properties) {
        Map<String, Object> values = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k).trim()));
        return from(values);
    }

    /**
     * Validates raw settings.
     *
     * @throws ConfigException naming the key that is missing, unknown or bad, and why
     */
    public static BridgeConfig from(Map<String, ?> values) {
        Map<String, Object> domainValues = new HashMap<>();
        DEFINITION.names().forEach(k -> {
            if (values.containsKey(k)) {
                domainValues.put(k, values.get(k));
            }
        });
        AbstractConfig c = new AbstractConfig(DEFINITION, domainValues, false);
        String domain = c.getString(DOMAIN);
        try {
            TopicNames.deadLetters(domain);
        } catch (InvalidTopicNameException e) {
            throw new ConfigException(DOMAIN, domain, e.getMessage());
        }
        Set<String> raws = new LinkedHashSet<>();
        for (String raw : c.getList(RAWS)) {
            if (!raws.add(raw)) {
                throw new ConfigException(RAWS, c.getList(RAWS), "raw topic '" + raw + "' is listed twice");
            }
            try {
                TopicNames.raw(domain, raw);
            } catch (InvalidTopicNameException e) {
                throw new ConfigException(RAWS, c.getList(RAWS), e.getMessage());
            }
            if (raw.equals(DLX_NAME)) {
                throw new ConfigException(RAWS, c.getList(RAWS), "'" + DLX_NAME + "' is taken: mesh." + domain + "." + DLX_NAME
                        + " is the domain's dead-letter queue on the bus; name the raw topic otherwise");
            }
        }
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(DEFINITION.names());
        List<Feed> feeds = new ArrayList<>();
        for (String raw : raws) {
            String prefix = FEED_PREFIX + raw + ".";
            Map<String, Object> feedValues = new HashMap<>();
            for (String option : FEED_DEFINITION.names()) {
                if (values.containsKey(prefix + option)) {
                    feedValues.put(prefix + option, values.get(prefix + option));
                    unknown.remove(prefix + option);
                }
            }
            feeds.add(feed(domain, raw, prefix, feedValues));
        }
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            throw new ConfigException(key, values.get(key), unknownKeyReason(key, raws));
        }
        return new BridgeConfig(domain, feeds, c.getInt(DELIVERY_LIMIT), c.getInt(PREFETCH));
    }

    private static Feed feed(String domain, String raw, String prefix, Map<String, Object> values) {
        // The feed's options under their full keys, so that an error names the key as it is written in the file.
        ConfigDef prefixed = new ConfigDef();
        FEED_DEFINITION.configKeys().values().forEach(k ->
                prefixed.define(prefix + k.name, k.type, k.defaultValue, k.validator, k.importance, k.documentation));
        AbstractConfig f = new AbstractConfig(prefixed, values, false);
        String exchange = f.getString(prefix + EXCHANGE) == null ? domain : f.getString(prefix + EXCHANGE);
        if (!EXCHANGE_NAME.matcher(exchange).matches() || exchange.startsWith("amq.")) {
            throw new ConfigException(prefix + EXCHANGE, exchange, "an exchange name is 1 to 127 letters, digits, '-', '_', '.' or ':'"
                    + " and does not start with 'amq.' (the broker's own exchanges)");
        }
        for (String pattern : f.getList(prefix + ROUTING_KEYS)) {
            if (pattern.getBytes(StandardCharsets.UTF_8).length > 255 || !ROUTING_PATTERN.matcher(pattern).matches()) {
                throw new ConfigException(prefix + ROUTING_KEYS, f.getList(prefix + ROUTING_KEYS), "'" + pattern + "' is not a routing-key"
                        + " pattern: words separated by '.', a word being text, '*' (exactly one word) or '#' (any words), at most 255 bytes");
            }
        }
        BodyFormat format = BodyFormat.valueOf(f.getString(prefix + FORMAT).toUpperCase(Locale.ROOT));
        return new Feed(domain, raw, exchange, f.getList(prefix + ROUTING_KEYS), f.getString(prefix + KEY_FIELD), format);
    }

    private static String unknownKeyReason(String key, Set<String> raws) {
        if (key.startsWith(FEED_PREFIX)) {
            String rest = key.substring(FEED_PREFIX.length());
            int dot = rest.indexOf('.');
            String raw = dot < 0 ? rest : rest.substring(0, dot);
            if (!raws.contains(raw)) {
                return "raw topic '" + raw + "' is not listed in " + RAWS + " " + raws;
            }
            return "unknown option; a raw topic's options are " + new TreeSet<>(FEED_DEFINITION.names());
        }
        return "unknown key; the keys are " + new TreeSet<>(DEFINITION.names()) + " and raw.<name>." + new TreeSet<>(FEED_DEFINITION.names());
    }
}
