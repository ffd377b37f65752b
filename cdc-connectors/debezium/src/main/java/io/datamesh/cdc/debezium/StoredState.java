package io.datamesh.cdc.debezium;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.datamesh.topics.TopicNames;

/**
 * What a capture has stored in Kafka, read before it starts: Debezium's offset in
 * {@code <domain>.cdc.offsets} (the binlog position it delivered up to), the capture's epoch (how
 * often an operator re-snapshotted on purpose, kept in the same topic under a key of its own), and
 * how many records the schema history {@code <domain>.cdc.schema-history} holds.
 *
 * @param offset         Debezium's stored offset of this server, or empty when there is none
 * @param epoch          0 until the first re-snapshot on purpose, then 1, 2, ...
 * @param initial        the capture's own note on its epoch's initial snapshot: {@code started} (written before the
 *                       engine first starts), {@code done} (written once it streams), or null (none written yet)
 * @param historyRecords records in the schema history topic
 */
record StoredState(Optional<Map<String, Object>> offset, int epoch, String initial, long historyRecords) {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The namespace of the capture's own records in the offsets topic; Debezium reads only its engine's. */
    static final String MESH_NAMESPACE = "mesh";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /** The name the embedded engine stores its offsets under: {@code <domain>.cdc}. */
    static String engineName(CaptureConfig config) {
        return config.domain() + ".cdc";
    }

    /** The stored binlog file, or empty. */
    Optional<String> binlogFile() {
        return offset.map(o -> (String) o.get("file"));
    }

    /** The stored binlog position, or empty. */
    Optional<Long> binlogPosition() {
        return offset.map(o -> ((Number) o.getOrDefault("pos", 0L)).longValue());
    }

    /** Whether the stored offset is that of an initial snapshot that did not finish (Debezium then reads it again). */
    boolean snapshotUnfinished() {
        return offset.map(StoredState::initialSnapshotRunning).orElse(false);
    }

    /** Debezium's reading of an offset: {@code snapshot} is {@code INITIAL} (or {@code true}, its older form) and not completed. */
    static boolean initialSnapshotRunning(Map<String, ?> offset) {
        Object snapshot = offset.get("snapshot");
        Object completed = offset.get("snapshot_completed");
        boolean initial = "INITIAL".equals(snapshot) || Boolean.TRUE.equals(snapshot) || "true".equals(snapshot);
        return initial && !(Boolean.TRUE.equals(completed) || "true".equals(completed));
    }

    /** Reads the offsets and the size of the schema history of the capture of {@code config}. */
    static StoredState read(CaptureConfig config) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG, config.domain() + ".cdc-state-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<String, byte[]> latest = readAll(consumer, TopicNames.cdcOffsets(config.domain()).value());
            Optional<Map<String, Object>> offset = Optional.ofNullable(latest.get(debeziumKey(config)))
                    .map(StoredState::parseMap);
            Map<String, Object> mesh = Optional.ofNullable(latest.get(epochKey(config))).map(StoredState::parseMap).orElse(Map.of());
            int epoch = mesh.get("epoch") == null ? 0 : ((Number) mesh.get("epoch")).intValue();
            return new StoredState(offset, epoch, (String) mesh.get("initial"), historyRecords(config));
        }
    }

    /** Records in the schema history topic: from its log start (a reset moves it) to its end. */
    private static long historyRecords(CaptureConfig config) {
        TopicPartition history = new TopicPartition(TopicNames.cdcSchemaHistory(config.domain()).value(), 0);
        try (Admin admin = Capture.admin(config)) {
            long start = admin.listOffsets(Map.of(history, OffsetSpec.earliest())).partitionResult(history)
                    .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
            long end = admin.listOffsets(Map.of(history, OffsetSpec.latest())).partitionResult(history)
                    .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
            return end - start;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the size of " + history.topic() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + history.topic(), e);
        }
    }

    /**
     * Forgets the capture's offset and schema history and moves it to the next epoch, so that its
     * next start snapshots again as a new stream. Only for an operator who asks for it.
     *
     * @return the new epoch
     */
    static int reset(CaptureConfig config, Admin admin, String why) {
        StoredState before = read(config);
        int epoch = before.epoch() + 1;
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        String offsets = TopicNames.cdcOffsets(config.domain()).value();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            // The epoch first: a crash between the two writes leaves a new epoch with the old offset, which
            // the next reset moves past; never an old epoch without an offset.
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("epoch", epoch);
            value.put("reset_at", Instant.now().toString());
            value.put("reason", why);
            producer.send(new ProducerRecord<>(offsets, 0, bytes(epochKey(config)), JSON.writeValueAsBytes(value))).get();
            producer.send(new ProducerRecord<>(offsets, 0, bytes(debeziumKey(config)), null)).get();
            TopicPartition history = new TopicPartition(TopicNames.cdcSchemaHistory(config.domain()).value(), 0);
            admin.deleteRecords(Map.of(history, RecordsToDelete.beforeOffset(
                    admin.listOffsets(Map.of(history, OffsetSpec.latest())).partitionResult(history)
                            .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset())))
                    .all().get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the epoch record: " + e.getMessage(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reset the capture of " + config.domain() + " in Kafka: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resetting the capture of " + config.domain(), e);
        }
        return epoch;
    }

    /**
     * Notes how far the initial snapshot of {@code epoch} is ({@code started} or {@code done}) in the capture's
     * own record, so that a start finding history but no offset can tell a first snapshot that crashed before
     * Debezium stored any offset (read it again) from offsets that were lost (refuse).
     */
    static ProducerRecord<byte[], byte[]> initialNote(CaptureConfig config, int epoch, String initial) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("epoch", epoch);
        value.put("initial", initial);
        value.put("at", Instant.now().toString());
        try {
            return new ProducerRecord<>(TopicNames.cdcOffsets(config.domain()).value(), 0, bytes(epochKey(config)), JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the capture's note: " + e.getMessage(), e);
        }
    }

    /** Debezium's key of this capture's offset: {@code ["<engine name>",{"server":"<server name>"}]}. */
    static String debeziumKey(CaptureConfig config) {
        return key(engineName(config), Map.of("server", config.serverName()));
    }

    /** The capture's own key for its epoch: {@code ["mesh",{"server":"<server name>","what":"epoch"}]}. */
    static String epochKey(CaptureConfig config) {
        Map<String, String> partition = new LinkedHashMap<>();
        partition.put("server", config.serverName());
        partition.put("what", "epoch");
        return key(MESH_NAMESPACE, partition);
    }

    private static String key(String namespace, Map<String, String> partition) {
        try {
            return JSON.writeValueAsString(List.of(namespace, partition));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The latest value of each key, by the key's canonical JSON text; a tombstone removes its key. */
    private static Map<String, byte[]> readAll(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long end = consumer.endOffsets(List.of(tp), READ_TIMEOUT).get(tp);
        Map<String, byte[]> latest = new LinkedHashMap<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (consumer.position(tp, READ_TIMEOUT) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cannot read " + topic + " to its end (" + end + ") within " + READ_TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.key() == null) {
                    continue;
                }
                String key = canonical(r.key());
                if (r.value() == null) {
                    latest.remove(key);
                } else {
                    latest.put(key, r.value());
                }
            }
        }
        return latest;
    }

    private static String canonical(byte[] key) {
        try {
            JsonNode node = JSON.readTree(key);
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            return new String(key, StandardCharsets.UTF_8);
        }
    }

    static Map<String, Object> parseMap(byte[] json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("stored offset is not a JSON object: " + new String(json, StandardCharsets.UTF_8), e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
