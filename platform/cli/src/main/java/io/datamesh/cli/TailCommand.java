package io.datamesh.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.datamesh.serde.MeshAvroDeserializer;
import io.datamesh.serde.RestSchemaRegistryClient;
import io.datamesh.runtime.query.JsonRendering;
import io.datamesh.serde.SerdeFailure;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mesh tail <topic>}: records as JSON lines, Avro decoded through the registry, plain text otherwise. */
@Command(name = "tail", mixinStandardHelpOptions = true, description = "Print a topic's records as JSON lines (Avro decoded by its schema).")
final class TailCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--registry", defaultValue = "http://127.0.0.1:8081",
            description = "Schema registry (default: MESH_REGISTRY, else where make run runs, else ${DEFAULT-VALUE}).")
    String registry;

    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Option(names = {"-n", "--last"}, defaultValue = "10", description = "How many of the latest records per partition (default: ${DEFAULT-VALUE}).")
    int last;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new records until interrupted.")
    boolean follow;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        MeshAvroDeserializer<GenericRecord> avro = new MeshAvroDeserializer<>(new RestSchemaRegistryClient(registry), false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("no topic " + topic + " at " + PlatformLocation.describe(spec, "--bootstrap-servers", kafka.bootstrap));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            // Exactly-once topics hold a transaction marker after each commit: look back further than
            // -n and keep the last n records of each partition.
            partitions.forEach(p -> consumer.seek(p, Math.max(begin.get(p), end.get(p) - 3L * last - 2)));
            Map<Integer, java.util.ArrayDeque<ConsumerRecord<byte[], byte[]>>> latest = new java.util.TreeMap<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    java.util.ArrayDeque<ConsumerRecord<byte[], byte[]>> q = latest.computeIfAbsent(r.partition(), k -> new java.util.ArrayDeque<>());
                    q.addLast(r);
                    if (q.size() > last) {
                        q.removeFirst();
                    }
                }
            }
            latest.values().forEach(q -> q.forEach(r -> print(avro, r)));
            while (follow) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> print(avro, r));
            }
        }
        return 0;
    }

    private void print(MeshAvroDeserializer<GenericRecord> avro, ConsumerRecord<byte[], byte[]> r) {
        spec.commandLine().getOut().println("{\"partition\":" + r.partition() + ",\"offset\":" + r.offset() + ",\"key\":"
                + quote(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8)) + ",\"value\":" + render(avro, r.value()) + "}");
        spec.commandLine().getOut().flush();
    }

    private String render(MeshAvroDeserializer<GenericRecord> avro, byte[] value) {
        if (value == null) {
            return "null";
        }
        if (value.length > 5 && value[0] == 0) {
            try {
                return JSON.writeValueAsString(JsonRendering.value(avro.deserialize(topic, value)));
            } catch (SerdeFailure e) {
                return quote("undecodable Avro: " + e.getMessage());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return quote("cannot print: " + e.getMessage());
            }
        }
        String text = new String(value, StandardCharsets.UTF_8);
        return text.startsWith("{") || text.startsWith("[") ? text : quote(text);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
