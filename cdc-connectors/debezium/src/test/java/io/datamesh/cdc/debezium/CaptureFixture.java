package io.datamesh.cdc.debezium;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.datamesh.mariadb.embedded.EmbeddedMariaDb;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** A capture's test world: one database of the embedded server, its capture user, a domain of its own on the broker. */
final class CaptureFixture {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final EmbeddedMariaDb db;
    final String bootstrap;
    final String database;
    final String domain;
    final String user;

    CaptureFixture(EmbeddedMariaDb db, String bootstrap, String database) {
        this.db = db;
        this.bootstrap = bootstrap;
        this.database = database;
        this.domain = "d" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
        this.user = "cdc_" + database.substring(Math.max(0, database.length() - 20));
    }

    /** Creates the capture user of the database with exactly CaptureGrants' grants. */
    CaptureFixture withCaptureUser() {
        db.createUser(user, "secret", CaptureGrants.grants(database).toArray(String[]::new));
        return this;
    }

    /** Settings of a capture of {@code tables}, with short intervals for tests; {@code extra} wins. */
    Map<String, String> settings(String tables, String... extra) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(CaptureConfig.DOMAIN, domain);
        s.put(CaptureConfig.DATABASE, database);
        s.put(CaptureConfig.TABLES, tables);
        s.put(CaptureConfig.HOST, EmbeddedMariaDb.HOST);
        s.put(CaptureConfig.PORT, String.valueOf(db.port()));
        s.put(CaptureConfig.USER, user);
        s.put(CaptureConfig.PASSWORD, "secret");
        s.put(CaptureConfig.BOOTSTRAP_SERVERS, bootstrap);
        s.put(CaptureConfig.HEADROOM_INTERVAL_MS, "500");
        s.put(CaptureConfig.HEARTBEAT_INTERVAL_MS, "1000");
        s.put(CaptureConfig.OFFSETS_COMMIT_INTERVAL_MS, "200");
        s.put(CaptureConfig.RETRY_DELAY_MAX_MS, "2000");
        s.put(CaptureConfig.HTTP_PORT, "-1");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            s.put(extra[i], extra[i + 1]);
        }
        return s;
    }

    CaptureConfig config(String tables, String... extra) {
        return CaptureConfig.from(settings(tables, extra));
    }

    void sql(String... statements) {
        String[] qualified = new String[statements.length + 1];
        qualified[0] = "USE `" + database + "`";
        System.arraycopy(statements, 0, qualified, 1, statements.length);
        db.execute(qualified);
    }

    /** One raw record as a domain reads it. */
    record Raw(String topic, int partition, long offset, String key, String value, Instant recordedAt, SourcePosition position) {
        String op() {
            return io.datamesh.sources.ChangeEvent.parse(value).op();
        }

        io.datamesh.sources.ChangeEvent event() {
            return io.datamesh.sources.ChangeEvent.parse(value);
        }
    }

    /** Every record of {@code topic} once at least {@code atLeast} are there, waiting up to {@code timeout}. */
    List<Raw> read(String topic, int atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Raw> all = List.of();
        while (System.nanoTime() < deadline) {
            all = readNow(topic);
            if (all.size() >= atLeast) {
                return all;
            }
            sleep(200);
        }
        throw new AssertionError("topic " + topic + " has " + all.size() + " records after " + timeout.toSeconds()
                + " s, expected at least " + atLeast + ": " + all.stream().map(r -> r.position() + " " + r.value()).toList());
    }

    /** Every record of {@code topic} now, by partition then offset. */
    List<Raw> readNow(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            List<Raw> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    out.add(new Raw(r.topic(), r.partition(), r.offset(), r.key(), r.value(),
                            SourceHeaders.recordedAt(r.headers(), null), SourceHeaders.position(r.headers(), null)));
                }
            }
            return out;
        }
    }

    /**
     * Records with distinct positions, as a domain's replay guard keeps them: a record whose position came
     * before is a re-send and must carry the same key and row (a re-sent change is byte for byte the same; a
     * snapshot read again differs only in when it was read); anything else fails.
     */
    static List<Raw> deduplicated(List<Raw> records) {
        Map<SourcePosition, Raw> byPosition = new LinkedHashMap<>();
        for (Raw r : records) {
            Raw before = byPosition.putIfAbsent(r.position(), r);
            if (before != null && !(before.key().equals(r.key()) && before.op().equals(r.op())
                    && String.valueOf(before.event().after()).equals(String.valueOf(r.event().after()))
                    && String.valueOf(before.event().before()).equals(String.valueOf(r.event().before())))) {
                throw new AssertionError("position " + r.position() + " carries two different records: " + before + " and " + r);
            }
        }
        return new ArrayList<>(byPosition.values());
    }

    /** How many records {@code topic} holds (the sum of its partitions' end offsets). */
    long count(String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Writes {@code settings} as the capture's properties file. */
    java.nio.file.Path writeConfig(java.nio.file.Path dir, Map<String, String> settings) throws java.io.IOException {
        java.nio.file.Path file = dir.resolve(domain + ".properties");
        StringBuilder b = new StringBuilder("# capture of the test database ").append(database).append('\n');
        settings.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        java.nio.file.Files.writeString(file, b.toString());
        return file;
    }

    /** Raw records of every topic of the capture's tables. */
    List<Raw> readAll(CaptureConfig config) {
        List<Raw> all = new ArrayList<>();
        for (var topic : config.rawTopics().values()) {
            all.addAll(readNow(topic.value()));
        }
        return all;
    }

    static Set<String> streams(List<Raw> records) {
        return records.stream().map(r -> r.position().source()).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            sleep(100);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
