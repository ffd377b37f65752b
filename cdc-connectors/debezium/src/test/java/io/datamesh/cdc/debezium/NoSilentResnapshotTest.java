package io.datamesh.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.mariadb.embedded.EmbeddedMariaDbExtension;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A capture never snapshots again unless an operator asks: a purged binlog or lost offsets stop it, saying so. */
class NoSilentResnapshotTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perJvm();
    /** A server of its own: this class purges its binlogs. */
    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perClass();

    @Test
    void anOffsetInAPurgedBinlogStopsTheCaptureUntilAnOperatorResnapshots() {
        CaptureFixture f = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
        f.sql("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO t VALUES (1, 'a')");
        CaptureConfig config = f.config("t");
        String topic = f.domain + ".raw.t";
        try (Capture capture = Capture.start(config)) {
            f.sql("INSERT INTO t VALUES (2, 'b')");
            f.read(topic, 2, Duration.ofSeconds(60));
            CaptureFixture.await("headroom measured", Duration.ofSeconds(10), () -> capture.status().headroom() != null);
            assertThat(capture.status().headroom().available()).isTrue();
        }
        // Changes the capture never saw, then the binlog holding them and its offset is purged.
        f.sql("INSERT INTO t VALUES (3, 'c')");
        MARIADB.server().purgeBinaryLogs();

        assertThatThrownBy(() -> Capture.start(config))
                .isInstanceOfSatisfying(CaptureException.class, e -> assertThat(e.reason()).isEqualTo(CaptureException.Reason.BINLOG_PURGED))
                .hasMessageContaining("capture " + config.serverName() + " of domain " + f.domain + " stopped: its stored offset is mariadb-bin.")
                .hasMessageContaining("the server no longer has that binlog")
                .hasMessageContaining("It does not re-snapshot by itself; re-snapshot on purpose with: bin/mesh cdc snapshot " + f.domain + " --reset");
        assertThat(f.readNow(topic)).as("nothing was snapshotted silently").hasSize(2);

        int epoch = Capture.resnapshot(config, "binlog purged, test");
        assertThat(epoch).isEqualTo(1);

        try (Capture capture = Capture.start(config)) {
            f.read(topic, 2 + 3, Duration.ofSeconds(60));
            f.sql("INSERT INTO t VALUES (4, 'd')");
            List<CaptureFixture.Raw> all = f.read(topic, 2 + 3 + 1, Duration.ofSeconds(60));
            List<CaptureFixture.Raw> epoch1 = all.stream().filter(r -> r.position().source().startsWith(config.serverName() + "@1")).toList();
            assertThat(all).hasSize(6);
            assertThat(CaptureFixture.streams(epoch1)).as("the re-snapshot is a new stream for the replay guard")
                    .containsExactly(config.serverName() + "@1", config.serverName() + "@1/snapshot-initial");
            assertThat(epoch1.stream().filter(r -> r.op().equals("r")).map(CaptureFixture.Raw::key).toList())
                    .containsExactlyInAnyOrder("{\"id\":1}", "{\"id\":2}", "{\"id\":3}");
            assertThat(capture.status().epoch()).isEqualTo(1);
        }
    }

    @Test
    void lostOffsetsWithAnExistingSchemaHistoryStopTheCapture() throws Exception {
        CaptureFixture f = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
        f.sql("CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");
        CaptureConfig config = f.config("t");
        try (Capture capture = Capture.start(config)) {
            f.read(f.domain + ".raw.t", 1, Duration.ofSeconds(60));
        }
        String offsets = TopicNames.cdcOffsets(f.domain).value();
        try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.deleteTopics(Set.of(offsets)).all().get();
            CaptureFixture.await("offsets topic gone", Duration.ofSeconds(30), () -> {
                try {
                    return !admin.listTopics().names().get().contains(offsets);
                } catch (Exception e) {
                    return false;
                }
            });
        }

        assertThatThrownBy(() -> Capture.start(config))
                .isInstanceOfSatisfying(CaptureException.class, e -> assertThat(e.reason()).isEqualTo(CaptureException.Reason.OFFSETS_LOST))
                .hasMessageContaining(offsets + " has no offset for it, but " + f.domain + ".cdc.schema-history holds")
                .hasMessageContaining("Starting now would snapshot every table again without being asked to")
                .hasMessageContaining("bin/mesh cdc snapshot " + f.domain + " --reset");
        assertThat(f.readNow(f.domain + ".raw.t")).as("nothing was snapshotted silently").hasSize(1);
    }

    @Test
    void aFirstSnapshotStoppedBeforeItStoredAnOffsetIsReadAgainUnderTheSamePositions() throws Exception {
        CaptureFixture f = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
        f.sql("CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1), (2), (3)");
        CaptureConfig config = f.config("t");
        String topic = f.domain + ".raw.t";
        try (Capture capture = Capture.start(config)) {
            f.read(topic, 3, Duration.ofSeconds(60));
        }
        // As the topics are when the process died during its first snapshot before Debezium stored an offset: the
        // history is there, no offset, and the capture's note says the snapshot started.
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(KAFKA.producerConfig(),
                new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TopicNames.cdcOffsets(f.domain).value(), 0,
                    StoredState.debeziumKey(config).getBytes(java.nio.charset.StandardCharsets.UTF_8), null)).get();
            producer.send(StoredState.initialNote(config, 0, "started")).get();
        }
        assertThat(Capture.stored(config).present()).isFalse();

        try (Capture capture = Capture.start(config)) {
            List<CaptureFixture.Raw> all = f.read(topic, 6, Duration.ofSeconds(60));
            assertThat(CaptureFixture.deduplicated(all)).as("the same rows under the same positions: the guard keeps one each")
                    .hasSize(3);
            assertThat(CaptureFixture.streams(all)).containsExactly(config.serverName() + "/snapshot-initial");
        }
    }
}
