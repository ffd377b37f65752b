package io.datamesh.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.mariadb.embedded.EmbeddedMariaDbExtension;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IncrementalSnapshotTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perJvm();
    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perJvm();

    private static final int ROWS = 1200;

    @Test
    void anIncrementalSnapshotOfOneTableOnDemandReadsEveryRowAgainAsANewRunWhileStreaming() {
        CaptureFixture f = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
        f.sql("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)", "CREATE TABLE other (id INT PRIMARY KEY)",
                "INSERT INTO items VALUES " + IntStream.rangeClosed(1, ROWS).mapToObj(i -> "(" + i + ", 'n" + i + "')").collect(Collectors.joining(",")),
                "INSERT INTO other VALUES (1)");
        CaptureConfig config = f.config("items,other", CaptureConfig.INCREMENTAL_CHUNK_SIZE, "250");
        String topic = f.domain + ".raw.items";
        try (Capture capture = Capture.start(config)) {
            f.read(topic, ROWS, Duration.ofSeconds(60));
            assertThatThrownBy(() -> Capture.requestSnapshot(config, List.of("payments")))
                    .hasMessage("table payments is not captured by " + config.serverName() + "; captured: [items, other]");

            String id = Capture.requestSnapshot(config, List.of("items"));
            f.sql("UPDATE items SET name = 'changed' WHERE id = 7", "INSERT INTO items VALUES (" + (ROWS + 1) + ", 'late')");

            String run = config.serverName() + "/snapshot-" + id;
            CaptureFixture.await("the incremental snapshot read every row", Duration.ofSeconds(90),
                    () -> f.readNow(topic).stream().filter(r -> r.position().source().equals(run)).count() >= ROWS + 1);
            List<CaptureFixture.Raw> all = f.readNow(topic);
            List<SourcePosition> reads = all.stream().filter(r -> r.position().source().equals(run)).map(CaptureFixture.Raw::position).toList();
            assertThat(reads).extracting(SourcePosition::offset).as("numbered 1..n within the run")
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, ROWS + 1).boxed().toList());
            assertThat(reads).allSatisfy(p -> {
                assertThat(p.segment()).isEmpty();
                assertThat(p.row()).isZero();
                assertThat(p.id()).isNull();
            });
            assertThat(all.stream().filter(r -> r.position().source().equals(run)).map(CaptureFixture.Raw::op)).containsOnly("r");
            assertThat(all.stream().filter(r -> r.position().source().equals(config.serverName())).map(CaptureFixture.Raw::op))
                    .as("changes keep streaming beside it").containsExactlyInAnyOrder("u", "c");
            assertThat(f.readNow(f.domain + ".raw.other")).as("only the table asked for").hasSize(1);

            CaptureFixture.await("the snapshot completed", Duration.ofSeconds(30), () -> capture.status().incrementalSnapshots().stream()
                    .anyMatch(s -> s.run().equals(id) && s.state().equals("COMPLETED")));
            CaptureStatus.SnapshotProgress progress = capture.status().incrementalSnapshots().stream()
                    .filter(s -> s.run().equals(id)).findFirst().orElseThrow();
            assertThat(progress.tables()).containsExactly("items");
            assertThat(progress.rowsRead()).isEqualTo(ROWS + 1);
            assertThat(progress.percent()).isEqualTo(100);
        }
    }
}
