package io.datamesh.bitemporal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A view materialized by Kafka Streams on a real broker, exactly-once: after its state folder is
 * wiped, the store restored from its compacted changelog gives the same answers.
 */
class ChangelogRestoreTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    private static final String INPUT = "restore.product.things.v1";
    private static final String STORE = "things-view";
    private static final Instant T0 = Instant.parse("2018-07-08T00:00:00Z");

    @TempDir
    Path stateDir;

    @Test
    void aWipedStoreIsRebuiltFromItsChangelogWithTheSameAnswers() throws Exception {
        try (Admin admin = KAFKA.broker().admin()) {
            admin.createTopics(Set.of(new NewTopic(INPUT, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        List<String> lines = new ArrayList<>();
        for (int e = 0; e < 50; e++) {
            for (int v = 0; v < 5; v++) {
                // entity|validFrom offset h|recordedAt offset h|op|value ; v=3 corrects v=1's valid time
                int valid = v == 3 ? 1 : v;
                String op = v == 4 && e % 5 == 0 ? "D" : v == 3 ? "C" : "U";
                lines.add("e" + e + "|" + valid + "|" + v + "|" + op + "|e" + e + "v" + v);
            }
        }
        produce(lines);
        produce(lines.subList(0, 20)); // replays: the same versions again add nothing

        List<String> before;
        KafkaStreams first = start();
        try {
            before = answers(awaitView(first, 250));
        } finally {
            // Leave the group, or the restarted instance waits a whole session timeout for this one.
            first.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
        try (KafkaStreams wiped = new KafkaStreams(topology(), props())) {
            wiped.cleanUp();
        }
        assertThat(Files.list(stateDir).flatMap(p -> {
            try {
                return Files.walk(p);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).filter(p -> p.toString().contains("rocksdb"))).as("no RocksDB files left").isEmpty();

        try (KafkaStreams restored = start()) {
            BitemporalView<String> view = awaitView(restored, 250);
            assertThat(answers(view)).isEqualTo(before);
        }

        try (Admin admin = KAFKA.broker().admin()) {
            ConfigResource changelog = new ConfigResource(ConfigResource.Type.TOPIC, "restore.views-" + STORE + "-changelog");
            assertThat(admin.describeConfigs(List.of(changelog)).all().get(30, TimeUnit.SECONDS).get(changelog)
                    .get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    private static List<String> answers(BitemporalView<String> view) {
        List<String> out = new ArrayList<>();
        for (int e = 0; e < 50; e++) {
            for (int valid = 0; valid < 6; valid++) {
                for (int known = 0; known < 6; known++) {
                    out.add(view.asOfVersion("e" + e, T0.plusSeconds(3600L * valid), T0.plusSeconds(3600L * known))
                            .map(Version::toString).orElse("-"));
                }
            }
            out.add(view.history("e" + e, HistoryOrder.RECORDED).toString());
        }
        return out;
    }

    private KafkaStreams start() {
        KafkaStreams streams = new KafkaStreams(topology(), props());
        streams.start();
        return streams;
    }

    private Properties props() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "restore.views");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        return p;
    }

    private static Topology topology() {
        Topology t = new Topology();
        t.addSource("things-source", Serdes.String().deserializer(), Serdes.String().deserializer(), INPUT);
        t.addProcessor("things-view-writer", ViewWriter::new, "things-source");
        t.addStateStore(BitemporalStores.persistent(STORE), "things-view-writer");
        return t;
    }

    /** Parses "entity|validH|recordedH|op|value" and puts the version. */
    static final class ViewWriter implements Processor<String, String, Void, Void> {
        private BitemporalStore<String> view;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            KeyValueStore<Bytes, byte[]> store = context.getStateStore(STORE);
            view = new BitemporalStore<>(store, Serdes.String(), INPUT);
        }

        @Override
        public void process(Record<String, String> record) {
            String[] f = record.value().split("\\|");
            Instant valid = T0.plusSeconds(3600L * Integer.parseInt(f[1]));
            Instant recorded = T0.plusSeconds(3600L * Integer.parseInt(f[2]));
            Operation op = Operation.ofCode((byte) f[3].charAt(0));
            view.put(new Version<>(f[0], valid, recorded, op, op.hasValue() ? f[4] : null));
        }
    }

    private void produce(List<String> lines) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>(INPUT, line.substring(0, line.indexOf('|')), line));
            }
            producer.flush();
        }
    }

    /** Waits until the store serves queries and holds {@code versions} versions in all. */
    private static BitemporalView<String> awaitView(KafkaStreams streams, int versions) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (streams.state() == KafkaStreams.State.RUNNING) {
                    ReadOnlyKeyValueStore<Bytes, byte[]> store = streams.store(
                            StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
                    if (store.approximateNumEntries() >= versions && count(store) == versions) {
                        return new BitemporalView<>(store, Serdes.String(), INPUT);
                    }
                }
            } catch (InvalidStateStoreException e) {
                // still restoring or rebalancing: poll again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("view not ready with " + versions + " versions; state " + streams.state());
    }

    private static long count(ReadOnlyKeyValueStore<Bytes, byte[]> store) {
        long n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
