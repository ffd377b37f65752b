package io.datamesh.bitemporal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The as-of semantics of DESIGN, example by example, on a RocksDB store. */
class BitemporalViewTest {

    private static final Instant JUL_07 = Instant.parse("2018-07-07T12:00:00Z");
    private static final Instant JUL_08 = Instant.parse("2018-07-08T12:00:00Z");
    private static final Instant JUL_09 = Instant.parse("2018-07-09T12:00:00Z");
    private static final Instant JUL_10 = Instant.parse("2018-07-10T12:00:00Z");
    private static final Instant JUL_11 = Instant.parse("2018-07-11T12:00:00Z");
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private StoreFixture fixture;
    private BitemporalStore<String> view;

    @BeforeEach
    void open() throws Exception {
        fixture = StoreFixture.rocksDb();
        view = fixture.strings();
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void theLatestValidVersionKnownAtTheTimeIsTheAnswer() {
        view.put(Version.upsert("o1", JUL_08, JUL_08, "placed"));
        view.put(Version.upsert("o1", JUL_09, JUL_09, "baked"));

        assertThat(view.asOf("o1", JUL_07, NOW)).isEmpty();
        assertThat(value("o1", JUL_08, NOW)).isEqualTo("placed");
        assertThat(value("o1", JUL_10, NOW)).isEqualTo("baked");
        assertThat(value("o1", JUL_10, JUL_08)).as("as known on the 8th").isEqualTo("placed");
        assertThat(view.asOf("o1", JUL_10, JUL_07)).as("known before anything was recorded").isEmpty();
    }

    @Test
    void aCorrectionOfThePastChangesAnswersFromItsRecordingTimeOn() {
        view.put(Version.upsert("o1", JUL_08, JUL_08, "2 pizzas"));
        view.put(new Version<>("o1", JUL_08, JUL_10, Operation.CORRECTION, "1 pizza"));

        assertThat(value("o1", JUL_08, JUL_09)).as("as known on the 9th, forever").isEqualTo("2 pizzas");
        assertThat(value("o1", JUL_08, JUL_10)).isEqualTo("1 pizza");
        assertThat(value("o1", JUL_11, NOW)).isEqualTo("1 pizza");
    }

    @Test
    void outOfOrderArrivalGivesTheSameAnswersAsInOrder() {
        view.put(Version.upsert("o1", JUL_09, JUL_10, "late news about the 9th"));
        view.put(Version.upsert("o1", JUL_08, JUL_08, "placed"));

        assertThat(value("o1", JUL_08, NOW)).isEqualTo("placed");
        assertThat(value("o1", JUL_09, NOW)).isEqualTo("late news about the 9th");
        assertThat(value("o1", JUL_09, JUL_09)).as("not yet known on the 9th").isEqualTo("placed");
    }

    @Test
    void aDeleteEndsValidityButKeepsHistory() {
        view.put(Version.upsert("o1", JUL_08, JUL_08, "placed"));
        view.put(Version.delete("o1", JUL_10, JUL_10));

        assertThat(value("o1", JUL_09, NOW)).isEqualTo("placed");
        assertThat(view.asOf("o1", JUL_10, NOW)).isEmpty();
        assertThat(view.asOfVersion("o1", JUL_11, NOW)).get().extracting(Version::operation).isEqualTo(Operation.DELETE);
        assertThat(value("o1", JUL_11, JUL_09)).as("the delete was not known on the 9th").isEqualTo("placed");
        assertThat(view.history("o1", HistoryOrder.VALID)).hasSize(2);
    }

    @Test
    void tiesOnValidFromGoToTheLatestRecordingKnown() {
        view.put(Version.upsert("o1", JUL_08, JUL_08, "first"));
        view.put(Version.upsert("o1", JUL_08, JUL_09, "second"));
        view.put(Version.upsert("o1", JUL_08, JUL_11, "third"));

        assertThat(value("o1", JUL_08, JUL_10)).isEqualTo("second");
        assertThat(value("o1", NOW, NOW)).isEqualTo("third");
    }

    @Test
    void aReplayOfTheSameVersionAddsNothing() {
        assertThat(view.put(Version.upsert("o1", JUL_08, JUL_08, "placed"))).isTrue();
        assertThat(view.put(Version.upsert("o1", JUL_08, JUL_08, "placed"))).isFalse();

        assertThat(view.history("o1", HistoryOrder.VALID)).hasSize(1);
    }

    @Test
    void historyComesInValidOrRecordedOrder() {
        Version<String> a = Version.upsert("o1", JUL_09, JUL_09, "a");
        Version<String> b = Version.upsert("o1", JUL_07, JUL_10, "b");
        Version<String> c = Version.upsert("o1", JUL_08, JUL_08, "c");
        List.of(a, b, c).forEach(view::put);
        view.put(Version.upsert("o10", JUL_07, JUL_07, "other entity"));
        view.put(Version.upsert("o", JUL_07, JUL_07, "prefix entity"));

        assertThat(view.history("o1", HistoryOrder.VALID)).containsExactly(b, c, a);
        assertThat(view.history("o1", HistoryOrder.RECORDED)).containsExactly(c, a, b);
        assertThat(view.history("nobody", HistoryOrder.VALID)).isEmpty();
    }

    @Test
    void aRangeAnswersEachEntityAsOfTheTimeAndSkipsTheDead() {
        view.put(Version.upsert("a", JUL_08, JUL_08, "a1"));
        view.put(Version.upsert("b", JUL_08, JUL_08, "b1"));
        view.put(Version.delete("b", JUL_09, JUL_09));
        view.put(Version.upsert("c", JUL_10, JUL_10, "c1"));
        view.put(Version.upsert("d", JUL_08, JUL_08, "d1"));
        view.put(Version.upsert("d", JUL_09, JUL_09, "d2"));

        assertThat(view.rangeAsOf("a", null, JUL_09, NOW, 100)).extracting(Version::value).containsExactly("a1", "d2");
        assertThat(view.rangeAsOf("a", null, JUL_08, NOW, 100)).extracting(Version::value).containsExactly("a1", "b1", "d1");
        assertThat(view.rangeAsOf("b", "d", NOW, NOW, 100)).extracting(Version::value).containsExactly("c1");
        assertThat(view.rangeAsOf("a", null, NOW, NOW, 2)).extracting(Version::value).containsExactly("a1", "c1");
        assertThat(view.nextEntity("c")).contains("d");
        assertThat(view.nextEntity("d")).isEmpty();
    }

    private String value(String entity, Instant validAt, Instant knownAt) {
        return view.asOf(entity, validAt, knownAt).map(Version::value).orElse(null);
    }
}
