package io.datamesh.schema.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's storage: a compacted, single-partition Kafka topic replayed into memory, as
 * Confluent's registry does.
 *
 * <p><b>One writer at a time.</b> Every instance writes through a transactional producer with the
 * same {@code transactional.id}. Initializing it fences any other instance's producer, and a write
 * is decided only after this instance has read the topic up to its last committed record. So an
 * instance that commits has seen every earlier commit; one that was fenced in between fails to
 * commit, catches up and decides again. Two instances therefore never give one id to two schemas.
 *
 * <p><b>Reads</b> first catch up with the topic's last committed offset, so every instance gives the
 * same answer, and a client reads its own writes.
 */
final class KafkaSchemaStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaSchemaStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryConfig config;
    private final TopicPartition partition;
    private final RegistryState state = new RegistryState();
    private final Admin admin;
    private final KafkaConsumer<String, String> consumer;
    private final Thread reader;
    private final Object writeLock = new Object();
    private KafkaProducer<String, String> producer;
    private long consumed; // next offset to read; guarded by state
    private volatile boolean running = true;
    private volatile RuntimeException readerFailure;

    /** A decision of a write: records to append and the answer to give once they are stored. */
    record Write<T>(List<ProducerRecord<String, String>> records, T answer) {
    }

    KafkaSchemaStore(RegistryConfig config) {
        this.config = config;
        this.partition = new TopicPartition(config.topic(), 0);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(config.timeoutMs(), 30_000)));
        ensureTopic();
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        this.reader = new Thread(this::readLoop, "schema-registry-reader-" + config.topic());
        reader.setDaemon(true);
        reader.start();
        awaitCaughtUp();
        log.info("Schema store ready topic={} schemas={} subjects={}", config.topic(), state.maxId(), state.subjects(false).size());
    }

    /** Answers from the state once caught up with every committed record. */
    <T> T read(Function<RegistryState, T> query) {
        awaitCaughtUp();
        synchronized (state) {
            return query.apply(state);
        }
    }

    /** Decides a write on the caught-up state as the only writer, stores it, and returns its answer. */
    <T> T write(Function<RegistryState, Write<T>> decide) {
        synchronized (writeLock) {
            for (int attempt = 1; ; attempt++) {
                try {
                    KafkaProducer<String, String> p = producer();
                    awaitCaughtUp();
                    Write<T> w;
                    synchronized (state) {
                        w = decide.apply(state);
                    }
                    if (w.records().isEmpty()) {
                        return w.answer();
                    }
                    p.beginTransaction();
                    List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
                    w.records().forEach(r -> sent.add(p.send(r)));
                    p.commitTransaction();
                    long last = sent.get(sent.size() - 1).get(config.timeoutMs(), TimeUnit.MILLISECONDS).offset();
                    awaitConsumed(last + 1);
                    return w.answer();
                } catch (ProducerFencedException | InvalidProducerEpochException e) {
                    // Another instance became the writer: catch up with what it wrote and decide again.
                    closeProducer();
                    retryOrGiveUp(attempt, "another registry instance keeps taking the writer role");
                } catch (ExecutionException | TimeoutException | KafkaException e) {
                    // The transaction did not commit (or we cannot tell): decide again on the caught-up
                    // state with a fresh writer. A decision is idempotent, so a commit that did land is
                    // found on the retry and answered, never written twice.
                    log.warn("Schema write attempt {} failed, retrying: {}", attempt, e.toString());
                    closeProducer();
                    retryOrGiveUp(attempt, "Error while storing in " + config.topic() + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryException(500, 50001, "Interrupted while storing");
                }
            }
        }
    }

    static ProducerRecord<String, String> schemaRecord(String topic, String subject, int version, int id, String schema, boolean deleted) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("keytype", "SCHEMA");
        key.put("subject", subject);
        key.put("version", version);
        key.put("magic", 1);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("subject", subject);
        value.put("version", version);
        value.put("id", id);
        value.put("schema", schema);
        value.put("deleted", deleted);
        return new ProducerRecord<>(topic, 0, json(key), json(value));
    }

    static ProducerRecord<String, String> schemaTombstone(String topic, String subject, int version) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("keytype", "SCHEMA");
        key.put("subject", subject);
        key.put("version", version);
        key.put("magic", 1);
        return new ProducerRecord<>(topic, 0, json(key), null);
    }

    static ProducerRecord<String, String> configRecord(String topic, String subject, String level) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("keytype", "CONFIG");
        key.put("subject", subject);
        key.put("magic", 0);
        Map<String, Object> value = level == null ? null : Map.of("compatibilityLevel", level);
        return new ProducerRecord<>(topic, 0, json(key), value == null ? null : json(value));
    }

    static ProducerRecord<String, String> deleteSubjectRecord(String topic, String subject, int version) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("keytype", "DELETE_SUBJECT");
        key.put("subject", subject);
        key.put("magic", 0);
        return new ProducerRecord<>(topic, 0, json(key), json(Map.of("subject", subject, "version", version)));
    }

    String topic() {
        return config.topic();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (writeLock) {
            closeProducer();
        }
        admin.close(Duration.ofSeconds(5));
    }

    private void readLoop() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                synchronized (state) {
                    for (ConsumerRecord<String, String> r : records) {
                        apply(r);
                    }
                    consumed = consumer.position(partition);
                    state.notifyAll();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                readerFailure = new IllegalStateException("schema reader woken up while running", e);
            }
        } catch (RuntimeException e) {
            log.error("Schema reader failed topic={}", config.topic(), e);
            readerFailure = e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, String> r) {
        try {
            JsonNode key = JSON.readTree(r.key());
            String type = key.path("keytype").asText();
            String subject = key.hasNonNull("subject") ? key.get("subject").asText() : null;
            JsonNode value = r.value() == null ? null : JSON.readTree(r.value());
            switch (type) {
                case "SCHEMA" -> {
                    if (value == null) {
                        state.removeVersion(subject, key.get("version").asInt());
                    } else {
                        state.putSchema(value.get("subject").asText(), value.get("version").asInt(), value.get("id").asInt(),
                                value.get("schema").asText(), value.path("deleted").asBoolean(false));
                    }
                }
                case "CONFIG" -> state.setLevel(subject, value == null ? null : value.get("compatibilityLevel").asText());
                case "DELETE_SUBJECT" -> state.deleteSubject(subject);
                default -> log.warn("Unknown record type in schemas topic offset={} keytype={}", r.offset(), type);
            }
        } catch (JsonProcessingException | RuntimeException e) {
            log.warn("Unreadable record in schemas topic offset={} skipped: {}", r.offset(), e.getMessage());
        }
    }

    private void awaitCaughtUp() {
        long end;
        try {
            end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(partition).get(config.timeoutMs(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryException(500, 50002, "Kafka at " + config.bootstrapServers() + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(500, 50002, "Interrupted while catching up");
        }
        awaitConsumed(end);
    }

    private void awaitConsumed(long offset) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.timeoutMs());
        synchronized (state) {
            while (consumed < offset) {
                if (readerFailure != null) {
                    throw new RegistryException(500, 50002, "the schema reader failed: " + readerFailure.getMessage());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RegistryException(500, 50002, "timed out catching up with " + config.topic() + " at offset " + offset);
                }
                try {
                    state.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryException(500, 50002, "Interrupted while catching up");
                }
            }
        }
    }

    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "schema-registry-writer-" + config.topic(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, config.timeoutMs(),
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000), new StringSerializer(), new StringSerializer());
            try {
                p.initTransactions();
            } catch (RuntimeException e) {
                p.close(Duration.ZERO);
                throw e;
            }
            producer = p;
        }
        return producer;
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("Closing a fenced producer failed", e);
            }
            producer = null;
        }
    }

    private static void retryOrGiveUp(int attempt, String message) {
        if (attempt >= 10) {
            throw new RegistryException(500, 50001, message);
        }
        backoff(attempt);
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(10, 20 * attempt + 20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ensureTopic() {
        try {
            admin.createTopics(Set.of(new NewTopic(config.topic(), 1, config.replicationFactor())
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(config.timeoutMs(), TimeUnit.MILLISECONDS);
            log.info("Created schemas topic={}", config.topic());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create schemas topic " + config.topic() + ": " + e.getCause().getMessage(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + config.bootstrapServers() + " did not answer within "
                    + config.timeoutMs() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + config.topic(), e);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
