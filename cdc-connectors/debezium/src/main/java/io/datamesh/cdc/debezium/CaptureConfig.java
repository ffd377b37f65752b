package io.datamesh.cdc.debezium;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
import io.datamesh.topics.TopicSettings;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * What one capture reads and where it writes: one domain's database, its tables, and the Kafka
 * cluster of the domain's raw topics. Read from one small properties file per domain (flat
 * {@code key=value} lines, the same shape as Kafka's and Debezium's own settings, read by the JDK
 * alone), e.g. {@code cdc/orders.properties}:
 *
 * <pre>
 * domain=orders
 * database=orders
 * tables=orders,order_lines
 * database.host=127.0.0.1
 * database.port=3307
 * database.user=orders_cdc
 * database.password=env:ORDERS_CDC_PASSWORD
 * kafka.bootstrap.servers=127.0.0.1:9092
 * </pre>
 *
 * Each table goes to the raw topic its name gives by the platform's rules: {@code orders.order_lines}
 * to {@code orders.raw.order-lines}. Every option is declared once in {@link #DEFINITION} with its
 * key, type, default, validator and doc; a file is validated whole at start, and a bad key or value
 * is refused with a {@link ConfigException} naming it. {@code topics.*} keys are the platform's
 * topic settings ({@link TopicSettings}); {@code debezium.*} keys go to Debezium as they are, except
 * the ones this capture owns.
 *
 * @param domain            the domain whose raw topics the capture fills
 * @param database          the database (schema) captured
 * @param tables            the captured tables of {@code database}, in the order given
 * @param serverName        the capture's logical server name: the stream of its source positions
 * @param host              database host
 * @param port              database port
 * @param user              the capture's own database user (see {@link CaptureGrants})
 * @param password          that user's password, resolved
 * @param replicaServerId   the server id the capture uses as a replica of the database
 * @param bootstrapServers  Kafka {@code bootstrap.servers}
 * @param excludedColumns   {@code table.column} entries left out of the raw records
 * @param topicSettings     settings of the topics the capture creates
 * @param timings           delays and intervals
 * @param httpHost          address {@code /health}, {@code /ready}, {@code /metrics} and {@code /status} bind to
 * @param httpPort          their port; 0 picks a free one, -1 serves none
 * @param debeziumOptions   further Debezium settings, as given under {@code debezium.}
 */
public record CaptureConfig(String domain, String database, List<String> tables, String serverName, String host, int port,
                            String user, String password, long replicaServerId, String bootstrapServers,
                            List<String> excludedColumns, TopicSettings topicSettings, Timings timings,
                            String httpHost, int httpPort, Map<String, String> debeziumOptions) {

    public static final String DOMAIN = "domain";
    public static final String DATABASE = "database";
    public static final String TABLES = "tables";
    public static final String SERVER_NAME = "server.name";
    public static final String HOST = "database.host";
    public static final String PORT = "database.port";
    public static final String USER = "database.user";
    public static final String PASSWORD = "database.password";
    public static final String REPLICA_SERVER_ID = "database.server.id";
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String COLUMNS_EXCLUDE = "columns.exclude";
    public static final String OFFSETS_COMMIT_INTERVAL_MS = "offsets.commit.interval.ms";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final String RECONNECT_INTERVAL_MS = "reconnect.interval.ms";
    public static final String RETRY_DELAY_INITIAL_MS = "retry.delay.initial.ms";
    public static final String RETRY_DELAY_MAX_MS = "retry.delay.max.ms";
    public static final String HEADROOM_INTERVAL_MS = "headroom.interval.ms";
    public static final String INCREMENTAL_CHUNK_SIZE = "incremental.snapshot.chunk.size";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    /** Prefix of the platform's topic settings, as {@link TopicSettings} declares them. */
    public static final String TOPICS_PREFIX = "topics.";
    /** Prefix of settings handed to Debezium as they are (without the prefix). */
    public static final String DEBEZIUM_PREFIX = "debezium.";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_$]{1,64}");
    private static final Pattern SERVER = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    /** Every option of a capture, for validation and for docs generated from it. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(DOMAIN, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new DomainName(), Importance.HIGH,
                    "The domain whose raw topics '<domain>.raw.<table>' the capture fills, e.g. 'orders'.")
            .define(DATABASE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new Identifier(), Importance.HIGH,
                    "The database (schema) whose tables are captured, e.g. 'orders'.")
            .define(TABLES, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new Tables(), Importance.HIGH,
                    "The captured tables of the database, comma-separated; each goes to '<domain>.raw.<table, '_' as '-'>'.")
            .define(SERVER_NAME, Type.STRING, "", new ServerName(), Importance.MEDIUM,
                    "The capture's logical server name, the stream of its source positions; default '<domain>-db'. "
                            + "Never change it under a running platform: the domains' replay guards know the stream by it.")
            .define(HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Host of the MariaDB/MySQL server.")
            .define(PORT, Type.INT, 3306, Range.between(1, 65535), Importance.HIGH,
                    "Port of the MariaDB/MySQL server.")
            .define(USER, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The capture's own database user, with the grants CaptureGrants lists (replication and SELECT on the tables).")
            .define(PASSWORD, Type.PASSWORD, new Password(""), Importance.HIGH,
                    "That user's password: the password itself, 'env:NAME' to read environment variable NAME, "
                            + "or 'file:PATH' to read the first line of a file.")
            .define(REPLICA_SERVER_ID, Type.LONG, 0L, Range.between(0L, 4_294_967_295L), Importance.MEDIUM,
                    "The server id the capture uses as a replica, unique among the server's replicas; 0 (default) "
                            + "derives one from the server name in 100000..999999.")
            .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka bootstrap.servers of the cluster with the domain's topics.")
            .define(COLUMNS_EXCLUDE, Type.LIST, "", new Columns(), Importance.MEDIUM,
                    "Columns left out of the raw records, as 'table.column', comma-separated (e.g. a BLOB the raw format cannot carry).")
            .define(OFFSETS_COMMIT_INTERVAL_MS, Type.LONG, 1_000L, Range.atLeast(0L), Importance.LOW,
                    "Milliseconds between two commits of the binlog offset (after Kafka acknowledged the records it covers); "
                            + "a crash re-sends at most this much.")
            .define(POLL_INTERVAL_MS, Type.LONG, 20L, Range.between(1L, 60_000L), Importance.LOW,
                    "Milliseconds the engine waits for more changes before it hands over a batch: bounds the commit-to-Kafka latency.")
            .define(HEARTBEAT_INTERVAL_MS, Type.LONG, 5_000L, Range.atLeast(0L), Importance.LOW,
                    "Milliseconds between heartbeats that move the stored offset while the captured tables are idle; 0 turns them off.")
            .define(RECONNECT_INTERVAL_MS, Type.LONG, 1_000L, Range.between(100L, 600_000L), Importance.LOW,
                    "Milliseconds between two attempts to reconnect to the binlog after the server went away.")
            .define(RETRY_DELAY_INITIAL_MS, Type.LONG, 300L, Range.between(1L, 600_000L), Importance.LOW,
                    "First delay, in milliseconds, before a failed source task is started again; doubles up to retry.delay.max.ms.")
            .define(RETRY_DELAY_MAX_MS, Type.LONG, 10_000L, Range.between(1L, 3_600_000L), Importance.LOW,
                    "Longest delay, in milliseconds, between two restarts of a failed source task.")
            .define(HEADROOM_INTERVAL_MS, Type.LONG, 10_000L, Range.between(100L, 3_600_000L), Importance.LOW,
                    "Milliseconds between two measurements of the binlog headroom (oldest binlog on the server to the stored offset).")
            .define(INCREMENTAL_CHUNK_SIZE, Type.INT, 1024, Range.between(1, 1_000_000), Importance.LOW,
                    "Rows per chunk of an incremental snapshot.")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Address /health, /ready, /metrics and /status bind to (0.0.0.0 in a container).")
            .define(HTTP_PORT, Type.INT, 0, Range.between(-1, 65535), Importance.LOW,
                    "Port of /health, /ready, /metrics and /status; 0 picks a free one, -1 serves none.");

    /** Debezium settings the capture sets itself: a {@code debezium.} key for one of these is refused. */
    static final Set<String> OWNED_BY_CAPTURE = Set.of("name", "connector.class", "topic.prefix", "database.hostname",
            "database.port", "database.user", "database.password", "database.server.id", "database.include.list",
            "table.include.list", "column.exclude.list", "snapshot.mode", "offset.storage", "offset.storage.topic",
            "schema.history.internal", "schema.history.internal.kafka.topic", "decimal.handling.mode", "time.precision.mode",
            "bigint.unsigned.handling.mode", "binary.handling.mode", "signal.enabled.channels", "signal.kafka.topic",
            "read.only", "tombstones.on.delete", "converters", "snapshot.select.statement.overrides", "include.schema.changes");

    public CaptureConfig {
        Objects.requireNonNull(domain, DOMAIN);
        Objects.requireNonNull(database, DATABASE);
        tables = List.copyOf(tables);
        Objects.requireNonNull(serverName, SERVER_NAME);
        excludedColumns = List.copyOf(excludedColumns);
        Objects.requireNonNull(topicSettings, "topicSettings");
        Objects.requireNonNull(timings, "timings");
        debeziumOptions = Map.copyOf(debeziumOptions);
        Map<TopicName.Raw, String> seen = new LinkedHashMap<>();
        for (String table : tables) {
            String other = seen.put(rawTopic(domain, table), table);
            if (other != null) {
                throw new ConfigException(TABLES, String.join(",", tables),
                        "tables " + other + " and " + table + " would both go to " + rawTopic(domain, table).value());
            }
        }
    }

    /** Delays and intervals of a capture, each declared in {@link #DEFINITION}. */
    public record Timings(Duration offsetsCommitInterval, Duration pollInterval, Duration heartbeatInterval,
                          Duration reconnectInterval, Duration retryDelayInitial, Duration retryDelayMax,
                          Duration headroomInterval, int incrementalChunkSize) {
    }

    /** Reads and validates a capture's file; {@code overrides} win over its lines (e.g. {@code make run}'s ports). */
    public static CaptureConfig load(Path file, Map<String, String> overrides) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read capture config " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> values.put(k, p.getProperty(k).trim()));
        values.putAll(overrides);
        return from(values);
    }

    /**
     * Validates settings against {@link #DEFINITION} and the topic settings.
     *
     * @throws ConfigException naming the key and what is wrong
     */
    public static CaptureConfig from(Map<String, String> values) {
        Map<String, String> own = new LinkedHashMap<>();
        Map<String, String> topics = new LinkedHashMap<>();
        Map<String, String> debezium = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(TOPICS_PREFIX)) {
                if (!TopicSettings.DEFINITION.names().contains(key)) {
                    throw new ConfigException(key, e.getValue(), "is not a topic setting; known: " + new TreeSet<>(TopicSettings.DEFINITION.names()));
                }
                topics.put(key, e.getValue());
            } else if (key.startsWith(DEBEZIUM_PREFIX)) {
                String name = key.substring(DEBEZIUM_PREFIX.length());
                if (OWNED_BY_CAPTURE.contains(name) || name.startsWith("offset.") || name.startsWith("schema.history.")) {
                    throw new ConfigException(key, e.getValue(), "is set by the capture itself and cannot be changed"
                            + (name.startsWith("database.") || name.equals("table.include.list") ? "; use the capture's own key for it" : ""));
                }
                debezium.put(name, e.getValue());
            } else if (DEFINITION.names().contains(key)) {
                own.put(key, e.getValue());
            } else {
                throw new ConfigException(key, e.getValue(), "is not a setting of a capture" + nearest(key)
                        + "; settings: " + new TreeSet<>(DEFINITION.names()) + ", topics.*, debezium.*");
            }
        }
        AbstractConfig c = new AbstractConfig(DEFINITION, own, false);
        String domain = c.getString(DOMAIN);
        String serverName = c.getString(SERVER_NAME).isEmpty() ? domain + "-db" : c.getString(SERVER_NAME);
        long replicaId = c.getLong(REPLICA_SERVER_ID) != 0 ? c.getLong(REPLICA_SERVER_ID)
                : 100_000 + Math.floorMod(serverName.hashCode(), 900_000);
        List<String> tables = c.getList(TABLES);
        List<String> excluded = c.getList(COLUMNS_EXCLUDE);
        for (String column : excluded) {
            String table = column.substring(0, column.indexOf('.'));
            if (!tables.contains(table)) {
                throw new ConfigException(COLUMNS_EXCLUDE, String.join(",", excluded), "column " + column + " is not of a captured table " + tables);
            }
        }
        TopicSettings topicSettings = TopicSettings.from(topics);
        return new CaptureConfig(domain, c.getString(DATABASE), tables, serverName, c.getString(HOST), c.getInt(PORT),
                c.getString(USER), resolve(c.getPassword(PASSWORD).value()), replicaId, c.getString(BOOTSTRAP_SERVERS),
                excluded, topicSettings, timings(c), c.getString(HTTP_HOST), c.getInt(HTTP_PORT), debezium);
    }

    private static Timings timings(AbstractConfig c) {
        return new Timings(Duration.ofMillis(c.getLong(OFFSETS_COMMIT_INTERVAL_MS)), Duration.ofMillis(c.getLong(POLL_INTERVAL_MS)),
                Duration.ofMillis(c.getLong(HEARTBEAT_INTERVAL_MS)), Duration.ofMillis(c.getLong(RECONNECT_INTERVAL_MS)),
                Duration.ofMillis(c.getLong(RETRY_DELAY_INITIAL_MS)), Duration.ofMillis(c.getLong(RETRY_DELAY_MAX_MS)),
                Duration.ofMillis(c.getLong(HEADROOM_INTERVAL_MS)), c.getInt(INCREMENTAL_CHUNK_SIZE));
    }

    /** The raw topic of a captured table: {@code orders}, {@code order_lines} to {@code orders.raw.order-lines}. */
    public TopicName.Raw rawTopic(String table) {
        if (!tables.contains(table)) {
            throw new IllegalArgumentException("table " + table + " is not captured by " + serverName + "; captured: " + tables);
        }
        return rawTopic(domain, table);
    }

    /** Every captured table with its raw topic, in the order of {@link #tables()}. */
    public Map<String, TopicName.Raw> rawTopics() {
        Map<String, TopicName.Raw> m = new LinkedHashMap<>();
        tables.forEach(t -> m.put(t, rawTopic(domain, t)));
        return m;
    }

    static TopicName.Raw rawTopic(String domain, String table) {
        try {
            return TopicNames.raw(domain, table.toLowerCase(Locale.ROOT).replace('_', '-'));
        } catch (InvalidTopicNameException e) {
            throw new ConfigException(TABLES, table, "table " + table + " gives no raw topic name: " + e.getMessage());
        }
    }

    /** A password given as {@code env:NAME} or {@code file:PATH} is read from there. */
    private static String resolve(String password) {
        if (password.startsWith("env:")) {
            String name = password.substring(4);
            String v = System.getenv(name);
            if (v == null) {
                throw new ConfigException(PASSWORD, "env:" + name, "environment variable " + name + " is not set");
            }
            return v;
        }
        if (password.startsWith("file:")) {
            Path file = Path.of(password.substring(5));
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                return lines.isEmpty() ? "" : lines.get(0);
            } catch (IOException e) {
                throw new ConfigException(PASSWORD, "file:" + file, "cannot read the password file: " + e.getMessage());
            }
        }
        return password;
    }

    /** " (did you mean X?)" for a key one or two edits from a known one. */
    private static String nearest(String key) {
        return DEFINITION.names().stream()
                .min(Comparator.comparingInt(k -> distance(k, key)))
                .filter(k -> distance(k, key) <= 2)
                .map(k -> " (did you mean " + k + "?)").orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }

    @Override
    public String toString() {
        return "CaptureConfig[domain=" + domain + ", database=" + database + ", tables=" + tables + ", server=" + serverName
                + ", " + host + ":" + port + ", user=" + user + ", password=****, kafka=" + bootstrapServers + "]";
    }

    private static final class DomainName implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                TopicNames.cdcOffsets(String.valueOf(value));
            } catch (InvalidTopicNameException e) {
                throw new ConfigException(name, value, "is not a domain name: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "a domain name: lowercase letters, digits and '-'";
        }
    }

    private static final class Identifier implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || !IDENTIFIER.matcher(value.toString()).matches()) {
                throw new ConfigException(name, value, "must be 1 to 64 letters, digits, '_' or '$'");
            }
        }

        @Override
        public String toString() {
            return "a database identifier";
        }
    }

    private static final class Tables implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            List<?> tables = (List<?>) value;
            if (tables == null || tables.isEmpty()) {
                throw new ConfigException(name, value, "must name at least one table");
            }
            List<String> seen = new ArrayList<>();
            for (Object t : tables) {
                if (!IDENTIFIER.matcher(t.toString()).matches()) {
                    throw new ConfigException(name, value, "table '" + t + "' must be 1 to 64 letters, digits, '_' or '$' (a table of the database, without it)");
                }
                if (seen.contains(t.toString())) {
                    throw new ConfigException(name, value, "table '" + t + "' is listed twice");
                }
                seen.add(t.toString());
            }
        }

        @Override
        public String toString() {
            return "a non-empty list of table names";
        }
    }

    private static final class Columns implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            for (Object c : (List<?>) value) {
                String[] parts = c.toString().split("\\.", -1);
                if (parts.length != 2 || !IDENTIFIER.matcher(parts[0]).matches() || !IDENTIFIER.matcher(parts[1]).matches()) {
                    throw new ConfigException(name, value, "'" + c + "' must be 'table.column'");
                }
            }
        }

        @Override
        public String toString() {
            return "a list of table.column";
        }
    }

    private static final class ServerName implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String v = String.valueOf(value);
            if (!v.isEmpty() && !SERVER.matcher(v).matches()) {
                throw new ConfigException(name, value, "must be 1 to 63 lowercase letters, digits, '_', '.' or '-'");
            }
        }

        @Override
        public String toString() {
            return "empty (for '<domain>-db') or a logical server name";
        }
    }
}
