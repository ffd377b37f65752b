package io.datamesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class StatsAndTableTest {

    @Test
    void medianAndQuartilesInterpolateBetweenRanks() {
        Stats s = Stats.of(List.of(5.0, 1.0, 3.0, 2.0, 4.0));
        assertThat(s.median()).isEqualTo(3.0);
        assertThat(s.q1()).isEqualTo(2.0);
        assertThat(s.q3()).isEqualTo(4.0);
        assertThat(s.relativeSpread()).isCloseTo(2.0 / 3.0, within(1e-9));
        assertThat(Stats.of(List.of(1.0, 2.0)).median()).isEqualTo(1.5);
    }

    @Test
    void oneOutlierDoesNotMoveTheSpreadMuch() {
        Stats s = Stats.of(List.of(100.0, 101.0, 99.0, 100.0, 1000.0));
        assertThat(s.median()).isEqualTo(100.0);
        assertThat(s.relativeSpread()).isLessThan(0.02);
    }

    @Test
    void ratiosDivideByTheBaselineMedianAndGoalsAreChecked() {
        ResultTable t = new ResultTable();
        t.add(new Row("B0", "baseline", "b", "records/s", null, null), Stats.of(List.of(100.0, 100.0, 100.0)));
        t.add(new Row("B1", "topology", "t", "records/s", "B0", Row.Goal.atLeast(0.85)), Stats.of(List.of(90.0, 90.0, 90.0)));
        t.add(new Row("B2", "slow", "s", "records/s", "B0", Row.Goal.atLeast(0.85)), Stats.of(List.of(50.0, 50.0, 50.0)));
        t.add(new Row("B3", "latency", "l", "p50 µs", "B0", Row.Goal.atMost(3)), Stats.of(List.of(200.0, 200.0, 200.0)));

        assertThat(t.ratio("B0")).isNaN();
        assertThat(t.ratio("B1")).isEqualTo(0.9);
        String md = t.markdown();
        assertThat(md.lines().toList()).hasSize(6);
        assertThat(md.lines().toList().get(0)).startsWith("| id ").contains("| ratio ").contains("| status");
        assertThat(md).containsPattern("\\| B1 +\\| topology .*\\| 0\\.90 +\\| ≥ 0\\.85 +\\| met +\\|");
        assertThat(md).containsPattern("\\| B2 .*\\| 0\\.50 +\\| ≥ 0\\.85 +\\| MISSED +\\|");
        assertThat(md).containsPattern("\\| B3 .*\\| 2\\.00 +\\| ≤ 3\\.00 +\\| met +\\|");
        assertThat(md).containsPattern("\\| B0 .*\\| baseline +\\|");
    }

    @Test
    void aGoalOnARowWithoutBaselineIsCheckedAgainstItsMedianInItsOwnUnit() {
        ResultTable t = new ResultTable();
        t.add(new Row("B5.5t", "commit to raw topic", "c", "raw p99 ms", null, Row.Goal.atMost(200)), Stats.of(List.of(150.0, 160.0, 170.0)));
        t.add(new Row("B5.6t", "commit to answer", "c", "answer p99 ms", null, Row.Goal.atMost(1000)), Stats.of(List.of(1200.0, 1300.0, 900.0)));
        t.add(new Row("B5.6r", "answer ÷ raw", "c", "answer p99 ms", "B5.5t", null), Stats.of(List.of(1200.0, 1300.0, 900.0)));

        assertThat(t.ratio("B5.5t")).isNaN();
        String md = t.markdown();
        assertThat(md).containsPattern("\\| B5\\.5t .*\\| 160\\.0 .*\\| \\(absolute\\) +\\| +\\| ≤ 200\\.0 +\\| met +\\|");
        assertThat(md).containsPattern("\\| B5\\.6t .*\\| 1,200 .*\\| \\(absolute\\) +\\| +\\| ≤ 1,000 +\\| MISSED +\\|");
        assertThat(md).containsPattern("\\| B5\\.6r .*\\| B5\\.5t +\\| 7\\.50 +\\| +\\| +\\|");
    }

    @Test
    void everyRowOfThePlanReadsARegisteredBenchAndItsBaselineComesFirst() {
        // plan() throws if a row names an unknown bench; building it is the check.
        assertThat(BenchMain.plan()).isNotNull();
    }

    @Test
    void aRowIsProfiledByTheBenchThatMeasuresIt() {
        BenchRunner plan = BenchMain.plan();
        assertThat(plan.benchOf("B1")).isEqualTo("topology-alo");
        assertThat(plan.benchOf("B1.P")).isEqualTo("peer-alo");
        assertThat(plan.benchOf("B1c")).isEqualTo("topology-alo");
        assertThat(plan.benchOf("B1a")).isEqualTo("topology-alo");
        assertThat(plan.benchOf("B1.0a")).isEqualTo("streams-passthrough");
        assertThat(plan.benchOf("B2.P")).isEqualTo("peer-eos");
        assertThat(plan.benchOf("B99")).isNull();
    }

    @Test
    void theProfileTellsThePlatformsCodeFromKafkasAndTheLibraries() {
        assertThat(Profile.code("io.datamesh.sdk.ingest.IngestProcessor")).isEqualTo("platform: sdk.ingest");
        assertThat(Profile.code("org.apache.kafka.streams.processor.internals.StreamTask")).isEqualTo("Kafka Streams");
        assertThat(Profile.code("org.apache.kafka.clients.producer.KafkaProducer")).isEqualTo("Kafka clients");
        assertThat(Profile.code("org.apache.avro.io.BinaryEncoder")).isEqualTo("Avro");
        assertThat(Profile.code("java.util.HashMap")).isEqualTo("JDK: java.util");
    }
}
