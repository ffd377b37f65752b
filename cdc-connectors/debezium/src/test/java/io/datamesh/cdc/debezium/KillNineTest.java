package io.datamesh.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.mariadb.embedded.EmbeddedMariaDbExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the capture process: Debezium re-sends what it had not committed, nothing is lost, nothing is
 * snapshotted again on its own, and every re-sent record carries the position it had (so the domains'
 * replay guard counts each change once).
 */
class KillNineTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perJvm();
    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perJvm();

    private static final int ROWS = 30_000;

    @Test
    void killedMidSnapshotItReadsTheSameRowsUnderTheSamePositionsAndThenStreams(@TempDir Path dir) throws Exception {
        CaptureFixture f = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
        f.sql("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        for (int from = 1; from <= ROWS; from += 5_000) {
            int start = from;
            f.sql("INSERT INTO items VALUES " + IntStream.range(start, start + 5_000).mapToObj(i -> "(" + i + ", 'n" + i + "')")
                    .collect(Collectors.joining(",")));
        }
        Path config = f.writeConfig(dir, f.settings("items"));
        String topic = f.domain + ".raw.items";

        CaptureProcess first = CaptureProcess.start(config, dir.resolve("first.log"));
        CaptureFixture.await("part of the snapshot in Kafka", Duration.ofSeconds(90), () -> f.count(topic) >= 2_000);
        first.kill9();
        long beforeCrash = f.count(topic);
        assertThat(beforeCrash).as("killed in the middle of the snapshot").isLessThan(ROWS);

        // The service goes on while the capture is down: new rows (after the ones read so far), one change.
        f.sql("INSERT INTO items VALUES (" + (ROWS + 1) + ", 'late'), (" + (ROWS + 2) + ", 'later')");
        try (CaptureProcess second = CaptureProcess.start(config, dir.resolve("second.log"))) {
            CaptureFixture.await("the snapshot done again", Duration.ofSeconds(120), () -> f.count(topic) >= beforeCrash + ROWS + 2);
            f.sql("UPDATE items SET name = 'changed' WHERE id = 1");
            CaptureFixture.await("the change after it", Duration.ofSeconds(60), () -> f.count(topic) >= beforeCrash + ROWS + 3);

            List<CaptureFixture.Raw> all = f.readNow(topic);
            List<CaptureFixture.Raw> distinct = CaptureFixture.deduplicated(all);
            assertThat(all.size() - distinct.size()).as("the reads before the crash are re-sent under their positions").isGreaterThanOrEqualTo((int) beforeCrash);
            assertThat(distinct.stream().filter(r -> r.op().equals("r")).map(CaptureFixture.Raw::key).collect(Collectors.toSet()))
                    .as("every row read, once after the guard").hasSize(ROWS + 2);
            assertThat(distinct.stream().filter(r -> !r.op().equals("r")).map(r -> r.op() + r.key()).toList())
                    .containsExactly("u{\"id\":1}");
            assertThat(CaptureFixture.streams(distinct)).as("one snapshot run, no epoch: nothing re-snapshotted on its own")
                    .containsExactly(f.domain + "-db", f.domain + "-db/snapshot-initial");
            assertThat(second.terminate()).as("SIGTERM stops it cleanly").isZero();
            assertThat(second.output()).contains("mesh: cdc capture of " + f.domain + " stopped at cdc:" + f.domain + "-db/mariadb-bin.");
        } finally {
            first.close();
        }
    }

    @Test
    void killedMidStreamItResendsFromItsStoredOffsetAndLosesNothing(@TempDir Path dir) throws Exception {
        CaptureFixture f = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
        f.sql("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL)", "INSERT INTO counters VALUES (0, 0)");
        Path config = f.writeConfig(dir, f.settings("counters"));
        String topic = f.domain + ".raw.counters";
        AtomicInteger statements = new AtomicInteger();
        Thread writer;

        try (CaptureProcess first = CaptureProcess.start(config, dir.resolve("first.log"))) {
            CaptureFixture.await("the snapshot of the one row", Duration.ofSeconds(60), () -> f.count(topic) >= 1);
            // A service writing on its own, one row change per statement, while the capture dies under it.
            writer = new Thread(() -> {
                for (int i = 1; i <= 600; i++) {
                    f.sql(i % 3 == 0 ? "UPDATE counters SET n = n + 1 WHERE id = " + (i - 1) : "INSERT INTO counters VALUES (" + i + ", 0)");
                    statements.incrementAndGet();
                }
            }, "writer");
            writer.start();
            CaptureFixture.await("some changes in Kafka", Duration.ofSeconds(60), () -> f.count(topic) >= 150);
            first.kill9();
        }
        long beforeCrash = f.count(topic);
        writer.join();
        int changes = statements.get();
        assertThat(beforeCrash).as("killed in the middle of the stream").isLessThan(changes);

        try (CaptureProcess second = CaptureProcess.start(config, dir.resolve("second.log"))) {
            CaptureFixture.await("every change in Kafka", Duration.ofSeconds(90),
                    () -> CaptureFixture.deduplicated(f.readNow(topic)).size() >= 1 + changes);
            List<CaptureFixture.Raw> all = f.readNow(topic);
            List<CaptureFixture.Raw> distinct = CaptureFixture.deduplicated(all);
            assertThat(distinct.stream().filter(r -> !r.op().equals("r")).toList()).as("each row change in MariaDB once, after the guard")
                    .hasSize(changes);
            assertThat(all.stream().filter(r -> r.op().equals("r")).map(CaptureFixture.Raw::position).toList())
                    .as("the one snapshot read before the crash, never again: nothing re-snapshotted")
                    .containsExactly(io.datamesh.sources.SourcePosition.cdc(f.domain + "-db/snapshot-initial", "", 1, 0, null));
            Set<String> keys = distinct.stream().filter(r -> r.op().equals("c")).map(CaptureFixture.Raw::key).collect(Collectors.toSet());
            assertThat(keys).hasSize(400);
            assertThat(second.terminate()).isZero();
        }
    }
}
