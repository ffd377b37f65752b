package io.datamesh.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.datamesh.sources.SourceHeaders;
import io.datamesh.topics.InvalidTopicNameException;
import io.datamesh.topics.TopicName;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mesh produce <raw topic> [KEY VALUE]}: writes raw records as a source would, to try a domain
 * before its real source is connected. Only raw topics: products are written by their domain alone, and
 * a record typed into a product would bypass its mapping, its schema and its envelope. Without
 * {@code --recorded-at} the record's recordedAt is its Kafka timestamp, as for any raw record without the
 * source headers; its position is its topic, partition and offset, so every record typed is a new one.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Write raw records to a domain's raw topic, as a source would.",
            "Without KEY and VALUE, reads lines KEY<TAB>VALUE from standard input; every line is checked before any is sent."})
final class ProduceCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "A raw topic: <domain>.raw.<name>.")
    String topic;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY")
    String key;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE")
    String value;

    @Option(names = "--recorded-at", paramLabel = "INSTANT",
            description = "When the source recorded the records (ISO-8601, e.g. 2018-07-08T10:31:00Z): their mesh.recorded.at header.")
    String recordedAt;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        checkRawTopic();
        Instant recorded = recordedAt();
        List<String[]> records = key != null ? java.util.Collections.singletonList(pair()) : lines();
        try (Admin admin = kafka.admin()) {
            admin.describeTopics(Set.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalArgumentException("no topic " + topic + " at " + PlatformLocation.describe(spec, "--bootstrap-servers", kafka.bootstrap)
                        + ": a domain's raw topics are created when it is deployed (mesh run)");
            }
            throw e;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String[] kv : records) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, bytes(kv[0]), bytes(kv[1]));
                if (recorded != null) {
                    r.headers().add(SourceHeaders.RECORDED_AT, Long.toString(recorded.toEpochMilli()).getBytes(StandardCharsets.US_ASCII));
                }
                sent.add(producer.send(r));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        RecordMetadata last = sent.isEmpty() ? null : sent.get(sent.size() - 1).get();
        spec.commandLine().getOut().println("produced " + sent.size() + " record" + (sent.size() == 1 ? "" : "s") + " to " + topic
                + (last == null ? "" : " (last at partition " + last.partition() + ", offset " + last.offset() + ")"));
        return 0;
    }

    private void checkRawTopic() {
        TopicName name;
        try {
            name = TopicNames.parse(topic);
        } catch (InvalidTopicNameException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (!(name instanceof TopicName.Raw)) {
            throw new IllegalArgumentException(topic + " is not a raw topic: mesh produce writes only <domain>.raw.<name>, "
                    + "as a source does; a domain's products are written by the domain alone");
        }
    }

    private Instant recordedAt() {
        if (recordedAt == null) {
            return null;
        }
        try {
            return Instant.parse(recordedAt);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--recorded-at " + recordedAt + " is not an ISO-8601 instant such as 2018-07-08T10:31:00Z");
        }
    }

    private String[] pair() {
        if (value == null) {
            throw new IllegalArgumentException("KEY " + key + " has no VALUE: give both, or neither to read lines KEY<TAB>VALUE from standard input");
        }
        return new String[] {key, value};
    }

    /** Every line of the input, checked before anything is sent: a typo in line 900 does not leave 899 records behind. */
    private List<String[]> lines() throws IOException {
        List<String[]> records = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int number = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new IllegalArgumentException("line " + number + " of the input has no TAB between KEY and VALUE; nothing was sent");
            }
            records.add(new String[] {line.substring(0, tab), line.substring(tab + 1)});
        }
        return records;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
